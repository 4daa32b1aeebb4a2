// Browser-only behaviour, run in headless Chromium from the Vite build of the installed package.
// Writes [{ name, ok, detail }] to #result for the test to read.
import {
  Bloc,
  BlocClient,
  OffBlocks,
  OffBlocksClient,
  VerifyingKey,
  isClienteleError,
  loadKeys,
  ready,
  validateBlocCustomerCreate,
  verifyBlocWebhook,
  verifyMessage,
} from 'clientele';

const results = [];
const check = async (name, f) => {
  try {
    const detail = await f();
    results.push({ name, ok: detail === true, detail: detail === true ? '' : String(detail) });
  } catch (e) {
    results.push({ name, ok: false, detail: `${e?.name}: ${e?.code ?? ''} ${e?.message}` });
  }
};
const code = (f) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return isClienteleError(e) ? e.code : `${e?.name}: ${e?.message}`;
  }
};

await check('the module is ready when the import resolves (top-level await)', async () => {
  await ready;
  return validateBlocCustomerCreate({ email: 'a@b.co', phoneNumber: '08012345678', firstName: 'A', lastName: 'B', customerType: 'Personal', bvn: '22222222222' }).length === 0;
});

await check('a BlocClient with a secret key is refused in a browser, allowed with dangerouslyAllowBrowser', () => {
  const refused = code(() => new BlocClient({ secretKey: 'sk_test_synthetic0000000000' }));
  const allowed = new BlocClient({ secretKey: 'sk_test_synthetic0000000000', dangerouslyAllowBrowser: true }).environment;
  return (refused === 'unsafe_browser_credentials' && allowed === 'test') || `${refused} / ${allowed}`;
});

await check('an OffBlocksClient with an API secret is refused; with a token and a signer it starts', () => {
  const refused = code(() => new OffBlocksClient({ keyId: 'k', credentials: { apiKey: 'a', apiSecret: 'b' }, signer: () => new Uint8Array(96) }));
  const started = new OffBlocksClient({ keyId: 'k', token: () => 'from-backend', signer: () => new Uint8Array(96) }).baseUrl;
  return (refused === 'unsafe_browser_credentials' && started.startsWith('https://')) || `${refused} / ${started}`;
});

await check('in a page a client sends no User-Agent and no X-Clientele-Retry (CORS), still retries, and reports events', async () => {
  const sent = [];
  const events = [];
  const client = new BlocClient({
    secretKey: 'sk_test_synthetic0000000000',
    dangerouslyAllowBrowser: true,
    appInfo: { name: 'PageApp', version: '1.0' },
    onEvent: (e) => events.push(e.event),
    sleep: async () => {},
    fetch: async (url, init) => {
      sent.push(init.headers.map(([name]) => name.toLowerCase()));
      const body = JSON.stringify({ success: true, data: { id: '64105f5d7f1b4b36103f870e', customer_type: 'Personal', status: 'active', environment: 'test' } });
      return sent.length === 1 ? new Response('', { status: 503 }) : new Response(body, { status: 200, headers: { 'x-request-id': 'req_page' } });
    },
  });
  const { data, response } = await client.getCustomer('64105f5d7f1b4b36103f870e').withResponse();
  const names = sent.flat();
  const ok =
    data.id === '64105f5d7f1b4b36103f870e' &&
    response.requestId === 'req_page' &&
    response.attempts === 2 &&
    !names.includes('user-agent') &&
    !names.includes('x-clientele-retry') &&
    events.join() === 'request_sent,response_received,retry_scheduled,request_sent,response_received';
  return ok || JSON.stringify({ names, events, response });
});

await check('responses parse in the page without any key (fetch Headers, Uint8Array body)', () => {
  const body = new TextEncoder().encode(JSON.stringify({ success: true, data: { id: '64105f5d7f1b4b36103f870e', customer_type: 'Personal', status: 'active', environment: 'test', updated_at: '0001-01-01T00:00:00Z' } }));
  const customer = Bloc.parseGetCustomer({ status: 200, headers: new Headers({ 'content-type': 'application/json' }), body });
  const err = code(() => Bloc.parseGetCustomer({ status: 429, headers: new Headers({ 'retry-after': '5' }), body: new Uint8Array() }));
  return (customer.id === '64105f5d7f1b4b36103f870e' && customer.updatedAt === null && err === 'rate_limited') || JSON.stringify([customer, err]);
});

await check('bad input never breaks the page: typed errors, and the module keeps working', () => {
  const codes = [
    code(() => validateBlocCustomerCreate(undefined)),
    code(() => validateBlocCustomerCreate({ email: 1n })),
    code(() => new Bloc(42)),
    code(() => Bloc.parseGetCustomer({ status: 200, body: '{' })),
    code(() => verifyBlocWebhook(new Uint8Array([1, 2]), [['X-Bloc-Webhook', 'zz']], 'whsec')),
  ];
  const still = validateBlocCustomerCreate({ email: 'x', phoneNumber: '08012345678', firstName: 'A', lastName: 'B', customerType: 'Personal', bvn: '22222222222' });
  const want = ['invalid_argument', 'invalid_argument', 'invalid_argument', 'decode_failed', 'webhook_signature_malformed'];
  return (JSON.stringify(codes) === JSON.stringify(want) && still[0]?.code === 'invalid_email') || JSON.stringify(codes);
});

await check('webhook verification on raw bytes in the page', async () => {
  const data = { id: '64105f5d7f1b4b36103f870e', customer_type: 'Personal', status: 'active', environment: 'test' };
  const body = new TextEncoder().encode(JSON.stringify({ event: 'Customer.created', data }));
  // Signed independently, with WebCrypto: hex HMAC-SHA256 of the raw body, as Bloc does.
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('whsec_test'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, body));
  const signature = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
  const event = verifyBlocWebhook(body, new Headers({ 'X-Bloc-Webhook': signature }), 'whsec_test');
  const tampered = code(() => verifyBlocWebhook(body.slice(1), { 'x-bloc-webhook': signature }, 'whsec_test'));
  return (event.event === 'customer.created' && tampered === 'webhook_signature_mismatch') || JSON.stringify([event, tampered]);
});

await check('the keys module is fetched only by loadKeys(); before it, key functions say not_initialized', async () => {
  const fetched = () => performance.getEntriesByType('resource').some((e) => e.name.includes('clientele_keys'));
  const before = [fetched(), code(() => VerifyingKey.fromJwk({ kty: 'oct', k: 'c2VjcmV0' }))];
  await loadKeys();
  await loadKeys(); // idempotent
  const after = [fetched(), VerifyingKey.fromJwk({ kty: 'oct', k: 'c2VjcmV0' }) instanceof VerifyingKey];
  return JSON.stringify([before, after]) === '[[false,"not_initialized"],[true,true]]' || JSON.stringify([before, after]);
});

await check("WebCrypto: a non-extractable P-384 key signs an OffBlocks request, the core verifies it", async () => {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
  const pending = new OffBlocks({ keyId: 'browser-key', token: 'synthetic' }).buildCreateCustomer(
    { chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', externalId: 'customer-42' },
    { idempotencyKey: crypto.randomUUID() },
  );
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, privateKey, pending.signatureBase);
  const request = pending.finish(signature);
  const key = VerifyingKey.fromJwk(await crypto.subtle.exportKey('jwk', publicKey));
  const summary = verifyMessage(request, key, { maxAgeSeconds: 60 });
  return (summary.keyid === 'browser-key' && privateKey.extractable === false) || JSON.stringify(summary);
});

document.querySelector('#result').textContent = JSON.stringify(results);
