// A Cloudflare module worker: the same `import` as anywhere else; the bundler picks the
// package's `workerd` condition, whose entry imports both .wasm files as modules.
import * as clientele from 'clientele';
import { fixtures } from '../shared/fixtures.mjs';
import { scenario } from '../shared/scenario.mjs';

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/scenario') {
      return Response.json({ runtime: navigator.userAgent, results: await scenario(clientele, fixtures) });
    }
    if (pathname === '/webhook' && request.method === 'POST') {
      // A Bloc webhook as a Worker receives it: verified on the raw body of the fetch Request.
      try {
        const event = await clientele.verifyBlocWebhookRequest(request, fixtures.webhook.secret);
        return Response.json({ event: event.event, customerId: event.customer?.id ?? null });
      } catch (e) {
        return Response.json({ code: clientele.isClienteleError(e) ? e.code : String(e) }, { status: 401 });
      }
    }
    return new Response('not found', { status: 404 });
  },
};
