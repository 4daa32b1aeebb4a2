// BlocClient against a local HTTP server: what it sends, what it returns, every error path,
// retries (same request, Retry-After honoured), timeouts and aborts, paging.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Bloc, BlocClient, ClienteleError, coreVersion, isApiError, isTransportError, isValidationError } from 'clientele';
import { bloc, header, serve } from './helpers.mjs';

const KEY = 'sk_test_synthetic0000000000';
const ID = '64105f5d7f1b4b36103f870e';
const PAYLOAD = {
  email: 'ada@example.com',
  phoneNumber: '+234 801 234 5678',
  firstName: 'Ada',
  lastName: 'Obi',
  customerType: 'Personal',
  bvn: '22222222222',
};
const fast = { baseDelayMs: 1, maxDelayMs: 5 };
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function setup(handle, options = {}) {
  const server = await serve(handle);
  servers.push(server);
  const client = new BlocClient({ secretKey: KEY, baseUrl: `${server.base}/v1`, retries: fast, ...options });
  return { server, client };
}

test('create: sends exactly the built request and parses the answer', async () => {
  const { server, client } = await setup(() => ({ status: 200, body: bloc.ok(bloc.customer(), 'Customer added successfully') }));
  const customer = await client.createCustomer(PAYLOAD);
  assert.equal(customer.id, ID);
  assert.equal(customer.createdAt, '2026-11-21T09:30:12.839735959Z');
  assert.equal(customer.updatedAt, null, "Bloc's Go zero time means unset");
  assert.equal(server.received.length, 1);
  const [got] = server.received;
  const built = new Bloc(KEY, { baseUrl: `${server.base}/v1` }).buildCreateCustomer(PAYLOAD);
  assert.equal(got.method, 'POST');
  assert.equal(`${server.base}${got.url}`, built.url);
  assert.equal(got.body.toString('utf8'), built.body, 'the body bytes are the built ones');
  assert.equal(JSON.parse(got.body).phone_number, '08012345678');
  assert.equal(header(got, 'authorization'), `Bearer ${KEY}`);
  assert.equal(header(got, 'content-type'), 'application/json');
});

test('validation: every issue at once, and nothing is sent', async () => {
  const { server, client } = await setup(() => ({ status: 500 }));
  const err = await client.createCustomer({ ...PAYLOAD, email: 'ada@', bvn: '2222' }).catch((e) => e);
  assert.ok(err instanceof ClienteleError && isValidationError(err));
  assert.equal(err.code, 'validation_failed');
  assert.deepEqual(err.issues.map((i) => [i.path, i.code]), [['email', 'invalid_email'], ['bvn', 'invalid_bvn']]);
  assert.ok(err.issues.every((i) => i.message.length > 0));
  assert.equal(server.received.length, 0);
});

const errorCases = [
  { status: 401, body: { success: false, message: 'invalid api key' }, code: 'unauthorized', call: (c) => c.getCustomer(ID) },
  { status: 404, body: { success: false, message: 'customer not found' }, code: 'not_found', call: (c) => c.getCustomer(ID) },
  { status: 409, body: { success: false, message: 'customer already exists' }, code: 'conflict', call: (c) => c.createCustomer(PAYLOAD) },
  { status: 403, body: { success: false, message: 'permission denied' }, code: 'forbidden', call: (c) => c.listCustomers() },
  { status: 400, body: { success: false, message: 'bad input' }, code: 'bad_request', call: (c) => c.updateCustomer(ID, PAYLOAD) },
  { status: 200, body: { success: false, message: 'could not upgrade' }, code: 'rejected', call: (c) => c.upgradeKycTier3(ID, { image: 'https://example.com/a.png' }) },
];
for (const e of errorCases) {
  test(`${e.status} -> ${e.code}: typed, with the provider's message and request id, not retried`, async () => {
    const { server, client } = await setup(() => ({ status: e.status, headers: { 'x-request-id': 'req-42' }, body: e.body }));
    const err = await e.call(client).catch((x) => x);
    assert.ok(isApiError(err), String(err));
    assert.equal(err.code, e.code);
    assert.equal(err.status, e.status);
    assert.equal(err.provider, 'Bloc');
    assert.equal(err.providerMessage, e.body.message);
    assert.equal(err.requestId, 'req-42');
    assert.equal(err.retryable, false);
    assert.equal(server.received.length, 1);
  });
}

test('429 with Retry-After: waits as told, resends the same request, then succeeds', async () => {
  const { server, client } = await setup((_, n) =>
    n === 1
      ? { status: 429, headers: { 'retry-after': '1' }, body: { success: false, message: 'slow down' } }
      : { status: 200, body: bloc.ok(bloc.customer()) },
  );
  const started = Date.now();
  const customer = await client.createCustomer(PAYLOAD); // even a create: a 429 was not processed
  const waited = Date.now() - started;
  assert.equal(customer.id, ID);
  assert.equal(server.received.length, 2);
  assert.ok(waited >= 950, `waited ${waited} ms, Retry-After said 1 s`);
  const [a, b] = server.received;
  assert.ok(a.body.equals(b.body), 'same body bytes');
  assert.deepEqual([a.method, a.url, a.headers.authorization], [b.method, b.url, b.headers.authorization]);
});

test('429 asking for longer than maxRetryAfterMs: not waited for, thrown with retryAfter', async () => {
  const { server, client } = await setup(() => ({ status: 429, headers: { 'retry-after': '120' }, body: { message: 'later' } }));
  const err = await client.getCustomer(ID).catch((e) => e);
  assert.equal(err.code, 'rate_limited');
  assert.equal(err.retryable, true);
  assert.deepEqual(err.retryAfter, { seconds: 120 });
  assert.equal(err.retryAfterMs(), 120_000);
  assert.equal(server.received.length, 1);
});

test('5xx on a GET: retried maxRetries times with backoff, then thrown', async () => {
  const { server, client } = await setup(() => ({ status: 503, body: 'upstream unavailable' }));
  const err = await client.getCustomer(ID, { maxRetries: 3 }).catch((e) => e);
  assert.equal(err.code, 'server_error');
  assert.equal(err.status, 503);
  assert.equal(err.retryable, true);
  assert.equal(err.providerMessage, 'upstream unavailable');
  assert.equal(server.received.length, 4);
  assert.ok(server.received.every((r) => r.url === server.received[0].url));
});

test('5xx on a GET, then 200: the retry succeeds', async () => {
  const { server, client } = await setup((_, n) => (n < 3 ? { status: 502, body: '<html>bad gateway</html>' } : { status: 200, body: bloc.ok(bloc.customer()) }));
  assert.equal((await client.getCustomer(ID)).id, ID);
  assert.equal(server.received.length, 3);
});

test('500 on a create: NOT retried (the customer may exist)', async () => {
  const { server, client } = await setup(() => ({ status: 500, body: { success: false, message: 'internal error' } }));
  const err = await client.createCustomer(PAYLOAD).catch((e) => e);
  assert.equal(err.code, 'server_error');
  assert.equal(err.retryable, false);
  assert.equal(server.received.length, 1);
});

test('retries: false sends once', async () => {
  const { server, client } = await setup(() => ({ status: 503, body: '' }), { retries: false });
  await assert.rejects(client.getCustomer(ID), { code: 'server_error' });
  assert.equal(server.received.length, 1);
});

test('malformed bodies: decode_failed with the JSON path and no personal data', async () => {
  const bodies = [
    ['{"success":true,"data":{"id":', '$'],
    ['', '$'],
    [JSON.stringify(bloc.ok([bloc.customer(), bloc.customer('6410612c7f1b4b36103f872a', { created_at: 'yesterday' })])), 'data[1].created_at'],
  ];
  for (const [body, path] of bodies) {
    const { client } = await setup(() => ({ status: 200, body }));
    const err = await client.listCustomers().catch((e) => e);
    assert.equal(err.code, 'decode_failed', body);
    assert.equal(err.kind, 'decode');
    assert.equal(err.status, 200);
    if (path !== '$') assert.equal(err.path, path);
    assert.ok(!err.message.includes('yesterday') && !err.message.includes('08012345678'), err.message);
  }
});

test('timeout: a typed timeout error; a GET is retried and can then succeed', async () => {
  const { server, client } = await setup((_, n) => (n === 1 ? { status: 200, delayMs: 1500, body: bloc.ok(bloc.customer()) } : { status: 200, body: bloc.ok(bloc.customer()) }), { timeoutMs: 200 });
  assert.equal((await client.getCustomer(ID)).id, ID);
  assert.equal(server.received.length, 2);

  const slow = await setup(() => ({ status: 200, delayMs: 1500, body: bloc.ok(bloc.customer()) }), { timeoutMs: 100, retries: false });
  const started = Date.now();
  const err = await slow.client.getCustomer(ID).catch((e) => e);
  assert.ok(isTransportError(err));
  assert.equal(err.code, 'timeout');
  assert.equal(err.retryable, true, 'a GET may be resent');
  assert.ok(Date.now() - started < 1000);
});

test('timeout of a create: not retryable (it may have been processed)', async () => {
  const { server, client } = await setup(() => ({ status: 200, delayMs: 1000, body: bloc.ok(bloc.customer()) }), { timeoutMs: 100 });
  const err = await client.createCustomer(PAYLOAD).catch((e) => e);
  assert.equal(err.code, 'timeout');
  assert.equal(err.retryable, false);
  assert.equal(server.received.length, 1);
});

test('aborted: in flight, during a backoff, and before sending', async () => {
  const { server, client } = await setup(() => ({ status: 200, delayMs: 2000, body: bloc.ok(bloc.customer()) }));
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('user left')), 100);
  const err = await client.getCustomer(ID, { signal: controller.signal }).catch((e) => e);
  assert.equal(err.code, 'aborted');
  assert.equal(err.kind, 'transport');
  assert.equal(err.retryable, false);
  assert.equal(err.cause?.message, 'user left');

  const backoff = await setup(() => ({ status: 429, headers: { 'retry-after': '30' }, body: {} }));
  const c2 = new AbortController();
  setTimeout(() => c2.abort(), 100);
  const started = Date.now();
  await assert.rejects(backoff.client.getCustomer(ID, { signal: c2.signal }), { code: 'aborted' });
  assert.ok(Date.now() - started < 2000, 'the backoff stops at once');
  assert.equal(backoff.server.received.length, 1);

  const before = server.received.length;
  await assert.rejects(client.getCustomer(ID, { signal: AbortSignal.abort() }), { code: 'aborted' });
  assert.equal(server.received.length, before, 'nothing sent');
});

test('network failure: network_error (a refused connection)', async () => {
  const server = await serve(() => ({ status: 200 }));
  const base = server.base;
  await server.close();
  const client = new BlocClient({ secretKey: KEY, baseUrl: `${base}/v1`, retries: false });
  const err = await client.getCustomer(ID).catch((e) => e);
  assert.equal(err.code, 'network_error');
  assert.equal(err.kind, 'transport');
  assert.equal(err.retryable, true);
  // The core's message names the request; the transport's own error is the cause.
  assert.match(err.message, /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/customers\/\w+: the request could not be sent/);
  assert.match(`${err.cause?.message} ${err.cause?.cause?.code}`, /ECONNREFUSED|fetch failed/);
});

test('an injected fetch is used, and a throwing one becomes network_error', async () => {
  const seen = [];
  const client = new BlocClient({
    secretKey: KEY,
    fetch: async (url, init) => {
      seen.push([url, init.method, init.headers]);
      return new Response(JSON.stringify(bloc.ok(bloc.customer())), { status: 200 });
    },
  });
  assert.equal((await client.getCustomer(ID)).id, ID);
  assert.deepEqual(seen, [[`https://api.blochq.io/v1/customers/${ID}`, 'GET', [['Authorization', `Bearer ${KEY}`], ['Accept', 'application/json'], ['User-Agent', `clientele/${coreVersion()} (npm node/${process.versions.node}; ${process.platform} ${process.arch})`]]]]);
  const broken = new BlocClient({ secretKey: KEY, retries: false, fetch: () => Promise.reject(new TypeError('offline')) });
  const offline = await broken.getCustomer(ID).catch((e) => e);
  assert.equal(offline.code, 'network_error');
  assert.equal(offline.cause?.message, 'offline');
});

test('customers(): every page, in order, with the documented first request', async () => {
  const pages = {
    1: [bloc.customer('000000000000000000000001'), bloc.customer('000000000000000000000002')],
    2: [bloc.customer('000000000000000000000003')],
    3: [bloc.customer('000000000000000000000004')],
  };
  const { server, client } = await setup((req) => {
    const page = Number(req.query.get('page') ?? 1);
    return { status: 200, body: { success: true, data: pages[page], metadata: { has_next: page < 3, has_previous: page > 1 } } };
  });
  const ids = [];
  for await (const c of client.customers()) ids.push(c.id);
  assert.deepEqual(ids, ['000000000000000000000001', '000000000000000000000002', '000000000000000000000003', '000000000000000000000004']);
  assert.deepEqual(server.received.map((r) => r.url), ['/v1/customers', '/v1/customers?page=2', '/v1/customers?page=3']);

  const pageSizes = [];
  for await (const page of client.customerPages({ perPage: 2 })) pageSizes.push(page.customers.length);
  assert.deepEqual(pageSizes, [2, 1, 1]);
  assert.equal(server.received.at(-1).url, '/v1/customers?page=3&per_page=2');
});

test('customers(): a server that ignores the page parameter stops with paging_ignored', async () => {
  const { server, client } = await setup(() => ({
    status: 200,
    body: { success: true, data: [bloc.customer()], metadata: { has_next: true, has_previous: false } },
  }));
  const seen = [];
  const err = await (async () => {
    for await (const c of client.customers()) seen.push(c.id);
  })().catch((e) => e);
  assert.equal(err.code, 'paging_ignored');
  assert.equal(err.kind, 'config');
  assert.equal(server.received.length, 2);
  assert.deepEqual(seen, [ID]);
});

test('the other operations: update, KYC tiers, means of identification, revalidate', async () => {
  const { server, client } = await setup((req) => {
    if (req.path.endsWith('/means-of-id')) return { status: 200, body: bloc.ok([{ name: 'NIN Slip', format: 'image' }]) };
    if (req.path.includes('/kyc/revalidate/')) return { status: 200, body: { success: true, message: 'revalidation started' } };
    return { status: 200, body: bloc.ok(bloc.customer(ID, { kyc_tier: '1' })) };
  });
  const image = 'https://example.com/selfie.png';
  const address = { street: '1 Marina', city: 'Lagos', state: 'Lagos', country: 'Nigeria', postalCode: '101001' };
  const { bvn, ...update } = PAYLOAD;
  void bvn;
  assert.equal((await client.updateCustomer(ID, { ...update, address })).kycTier, '1');
  const tier1 = { placeOfBirth: 'Lagos', dob: '1990-01-31', gender: 'Female', country: 'Nigeria', address, image };
  assert.equal((await client.upgradeKycTier1(ID, tier1)).id, ID);
  await assert.rejects(client.upgradeKycTier1(ID, tier1, { today: '1989-12-31' }), (e) => e.issues[0]?.code === 'date_in_future');
  assert.equal((await client.upgradeKycTier2(ID, { meansOfId: 'NIN Slip', image })).id, ID);
  assert.deepEqual(await client.meansOfIdentification(), [{ name: 'NIN Slip', format: 'image' }]);
  assert.equal(await client.revalidateKyc(ID), 'revalidation started');
  assert.deepEqual(
    server.received.map((r) => `${r.method} ${r.url}`),
    [
      `PUT /v1/customers/${ID}`,
      `PUT /v1/customers/upgrade/t1/${ID}`,
      `PUT /v1/customers/upgrade/t2/${ID}`,
      'GET /v1/customers/means-of-id',
      `GET /v1/customers/kyc/revalidate/${ID}`,
    ],
  );
});

test('constructor: bad keys and base URLs are typed errors; the environment follows the key', () => {
  assert.throws(() => new BlocClient({ secretKey: 'pk_test_x' }), { code: 'invalid_credentials', kind: 'credentials' });
  assert.throws(() => new BlocClient({ secretKey: KEY, baseUrl: 'http://api.blochq.io/v1' }), { code: 'invalid_base_url' });
  assert.throws(() => new BlocClient(), { code: 'invalid_argument' });
  assert.throws(() => new BlocClient({}), { code: 'invalid_argument' });
  assert.equal(new BlocClient({ secretKey: 'sk_live_synthetic0000' }).environment, 'live');
  const shown = (() => {
    try {
      new BlocClient({ secretKey: 'sk_test_top secret' });
    } catch (e) {
      return `${e.message} ${JSON.stringify(e)}`;
    }
  })();
  assert.ok(!shown.includes('top secret'), shown);
});
