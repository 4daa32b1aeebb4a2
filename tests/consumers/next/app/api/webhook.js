import { fixtures } from '../../shared/fixtures.mjs';

/** A Bloc webhook as a route handler receives it: verified on the raw body of the Request. */
export async function webhook(clientele, request) {
  try {
    const event = await clientele.verifyBlocWebhookRequest(request, fixtures.webhook.secret);
    return Response.json({ event: event.event, customerId: event.customer?.id ?? null });
  } catch (e) {
    return Response.json({ code: clientele.isClienteleError(e) ? e.code : String(e) }, { status: 401 });
  }
}
