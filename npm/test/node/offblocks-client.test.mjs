// OffBlocksClient against a local OffBlocks emulator that VERIFIES every signature and digest with
// the public key: tokens, retries that reuse the Idempotency-Key and body bytes, late re-signing,
// 401 refresh, status changes and the ownership challenge.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  OffBlocksClient,
  SigningKey,
  VerifyingKey,
  acceptChallengeSignature,
  openChallenge,
  verifyContentDigest,
  verifyMessage,
} from 'clientele';
import { UUID_V4, freshChallenge, header, load, serve, text } from './helpers.mjs';
// The customer's wallet, simulated (npm/examples/wallet.mjs, outside the installed package).
const { personalSign } = await import(new URL(`file://${process.env.CLIENTELE_WALLET}`).href);

const PEM = text('offblocks/test-key-p384.pem');
const KEY = SigningKey.fromPem(PEM);
const PUBLIC = KEY.publicKey();
const KEY_ID = 'test-key-ecc-p384';
const CREDENTIALS = { apiKey: '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59', apiSecret: 'synthetic-secret' };
const CUSTOMER_ID = '123e4567-e89b-12d3-a456-426614174000';
const challenges = load('offblocks/challenges.json');
const WALLET = challenges.wallet;
const CHAIN_ID = `eip155:300:${WALLET.address}`;
const INPUT = { chainId: CHAIN_ID, externalId: 'customer-42' };
const fast = { baseDelayMs: 1, maxDelayMs: 5 };
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

const customer = (extra = {}) => ({
  id: CUSTOMER_ID,
  externalId: 'customer-42',
  chainId: CHAIN_ID,
  status: 'initiating',
  createdAt: '2025-07-01T22:50:04.095Z',
  updatedAt: '2025-07-01T22:50:04.095Z',
  ...extra,
});

/** Verifies a received request's RFC 9421 signature and Content-Digest with the test public key. */
function verified(base, req, key = PUBLIC) {
  const created = Number(/created=(\d+)/.exec(header(req, 'signature-input'))?.[1]);
  return verifyMessage(
    { method: req.method, url: `${base}${req.url}`, headers: req.headers, body: req.body },
    key,
    { now: new Date((created + 1) * 1000), maxAgeSeconds: 60 },
  );
}

/**
 * An OffBlocks emulator. `route(req, n)` may answer first; otherwise: tokens, create (201 with a
 * fresh challenge), get, list, status changes, simulator, challenge.
 */
async function emulator(route = () => undefined, { verifyWith = PUBLIC } = {}) {
  let tokens = 0;
  const server = await serve((req, n) => {
    const answer = route(req, n);
    if (answer) return answer;
    if (req.path === '/v1/auth/token') {
      tokens++;
      return { status: 200, body: { token: `token-${tokens}`, expiresAt: Math.floor(Date.now() / 1000) + 3600, tokenType: 'Bearer' } };
    }
    if (verifyWith) verified(server.base, req, verifyWith); // throws (-> 599) when the signature is wrong
    if (req.method === 'POST' && req.path === '/v1/customers') return { status: 201, body: customer({ challenge: freshChallenge() }) };
    if (req.method === 'GET' && req.path === '/v1/customers') return { status: 200, body: { data: [customer()] } };
    if (req.method === 'GET' && req.path === `/v1/customers/${CUSTOMER_ID}`) return { status: 200, body: customer({ status: 'active' }) };
    if (req.path.endsWith('/deactivate')) return { status: 409, body: { message: 'Invalid state transition' } };
    if (req.path.endsWith('/activate')) return { status: 200, body: '' };
    if (req.path.startsWith('/v1/simulator/')) return { status: 202, body: '' };
    if (req.path.endsWith('/challenge')) return { status: 200, body: { challenge: freshChallenge() } };
    if (req.path.endsWith('/challenge/sign')) return { status: 200, body: customer({ status: 'screening' }) };
    return { status: 404, body: { message: 'no route' } };
  });
  servers.push(server);
  return server;
}

const client = (server, options = {}) =>
  new OffBlocksClient({
    baseUrl: `${server.base}/v1`,
    keyId: KEY_ID,
    signingKey: PEM,
    credentials: CREDENTIALS,
    retries: fast,
    ...options,
  });

const customerRequests = (server) => server.received.filter((r) => r.path === '/v1/customers' && r.method === 'POST');

test('create: fetches a token, then sends a signed request with a digest and a fresh UUID Idempotency-Key', async () => {
  const server = await emulator();
  const created = await client(server).createCustomer(INPUT);
  assert.equal(created.id, CUSTOMER_ID);
  assert.equal(created.status, 'initiating');
  const [token, create] = server.received;
  assert.equal(token.path, '/v1/auth/token');
  assert.deepEqual(JSON.parse(token.body), CREDENTIALS);
  assert.equal(token.headers.signature, undefined, 'the token request is not signed');
  assert.equal(header(create, 'authorization'), 'Bearer token-1');
  assert.match(header(create, 'idempotency-key'), UUID_V4);
  assert.equal(verifyContentDigest(header(create, 'content-digest'), create.body), 'sha-256');
  const summary = verified(server.base, create);
  assert.equal(summary.keyid, KEY_ID);
  assert.deepEqual(summary.components, ['"@method"', '"@target-uri"', '"content-digest"', '"content-type"', '"idempotency-key"']);
  // The challenge it carries opens for the customer's account.
  assert.equal(openChallenge(created.challenge, created.chainId).fields.address, WALLET.address);
});

test('retries after 500 and 503 resend the SAME request: Idempotency-Key, body bytes, digest and signature', async () => {
  const server = await emulator((req) => {
    if (req.method !== 'POST' || req.path !== '/v1/customers') return undefined;
    const n = customerRequests(server).length;
    if (n === 1) return { status: 500, body: { message: 'internal' } };
    if (n === 2) return { status: 503, body: 'unavailable' };
    return undefined;
  });
  const created = await client(server).createCustomer(INPUT, { idempotencyKey: '5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4' });
  assert.equal(created.id, CUSTOMER_ID);
  const sent = customerRequests(server);
  assert.equal(sent.length, 3);
  for (const r of sent.slice(1)) {
    assert.ok(r.body.equals(sent[0].body), 'same body bytes');
    for (const name of ['idempotency-key', 'content-digest', 'signature-input', 'signature', 'authorization']) {
      assert.equal(header(r, name), header(sent[0], name), name);
    }
  }
  assert.equal(header(sent[0], 'idempotency-key'), '5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4', 'the caller-provided key');
});

test('late retries are re-signed (OffBlocks.resign): new signature, same key, body and digest', async () => {
  let t = Date.now();
  const now = () => new Date((t += 40_000)); // every reading of the clock is 40 s later
  const server = await emulator((req) => {
    if (req.method === 'POST' && req.path === '/v1/customers' && customerRequests(server).length < 3) {
      return { status: 429, headers: { 'retry-after': '0' }, body: {} };
    }
    return undefined;
  });
  await client(server, { now }).createCustomer(INPUT);
  const sent = customerRequests(server);
  assert.equal(sent.length, 3);
  const created = sent.map((r) => Number(/created=(\d+)/.exec(header(r, 'signature-input'))[1]));
  assert.ok(created[0] < created[1] && created[1] < created[2], `created ${created}`);
  assert.equal(new Set(sent.map((r) => header(r, 'signature'))).size, 3);
  for (const r of sent) {
    assert.ok(r.body.equals(sent[0].body));
    assert.equal(header(r, 'idempotency-key'), header(sent[0], 'idempotency-key'));
    assert.equal(header(r, 'content-digest'), header(sent[0], 'content-digest'));
    verified(server.base, r); // each signature verifies
  }
});

test('409 idempotency_in_flight is retried with the same key; 422 idempotency_mismatch is not', async () => {
  const inFlight = await emulator((req) =>
    req.method === 'POST' && req.path === '/v1/customers' && customerRequests(inFlight).length === 1
      ? { status: 409, body: { message: 'Idempotency-Key Concurrency Conflict' } }
      : undefined,
  );
  await client(inFlight).createCustomer(INPUT);
  const sent = customerRequests(inFlight);
  assert.equal(sent.length, 2);
  assert.equal(header(sent[1], 'idempotency-key'), header(sent[0], 'idempotency-key'));

  const mismatch = await emulator((req) =>
    req.method === 'POST' && req.path === '/v1/customers' ? { status: 422, body: { message: 'Idempotency key reused with a different payload' } } : undefined,
  );
  const err = await client(mismatch).createCustomer(INPUT).catch((e) => e);
  assert.equal(err.code, 'idempotency_mismatch');
  assert.equal(err.retryable, false);
  assert.equal(customerRequests(mismatch).length, 1);
});

test('invalid input: every issue, and nothing is sent (not even a token request)', async () => {
  const server = await emulator();
  const err = await client(server)
    .createCustomer({ chainId: 'eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdB', externalId: '' }, { idempotencyKey: 'not-a-uuid' })
    .catch((e) => e);
  assert.equal(err.code, 'validation_failed');
  assert.deepEqual(err.issues.map((i) => i.path).sort(), ['chainId', 'externalId', 'idempotencyKey']);
  assert.equal(server.received.length, 0);
});

test('tokens: refreshed before they expire, one refresh for concurrent calls', async () => {
  let t = Date.now();
  const now = () => new Date(t);
  let issued = 0;
  const server = await emulator((req) =>
    req.path === '/v1/auth/token'
      ? { status: 200, body: { token: `short-${++issued}`, expiresAt: Math.floor(t / 1000) + 120, tokenType: 'Bearer' } }
      : undefined,
  );
  const offblocks = client(server, { now });
  await Promise.all([offblocks.getCustomer(CUSTOMER_ID), offblocks.listCustomers(), offblocks.getCustomer(CUSTOMER_ID)]);
  assert.equal(issued, 1, 'concurrent calls share one token request');
  t += 30_000; // 90 s left: fresh
  await offblocks.getCustomer(CUSTOMER_ID);
  assert.equal(issued, 1);
  t += 40_000; // 50 s left: inside the 60 s margin
  await offblocks.getCustomer(CUSTOMER_ID);
  assert.equal(issued, 2);
  assert.equal(header(server.received.at(-1), 'authorization'), 'Bearer short-2');
  const expiresAt = new Date((Math.floor(t / 1000) + 120) * 1000).toISOString().replace('.000Z', 'Z');
  assert.deepEqual(await offblocks.accessToken(), { token: 'short-2', expiresAt, tokenType: 'Bearer' });
});

test('a 401 refreshes the token and rebuilds once (same Idempotency-Key and body); a second 401 is thrown', async () => {
  const server = await emulator((req) =>
    req.method === 'POST' && req.path === '/v1/customers' && header(req, 'authorization') === 'Bearer token-1'
      ? { status: 401, body: { message: 'token revoked' } }
      : undefined,
  );
  const created = await client(server).createCustomer(INPUT);
  assert.equal(created.id, CUSTOMER_ID);
  assert.deepEqual(server.received.map((r) => r.path), ['/v1/auth/token', '/v1/customers', '/v1/auth/token', '/v1/customers']);
  const [first, second] = customerRequests(server);
  assert.equal(header(second, 'idempotency-key'), header(first, 'idempotency-key'));
  assert.ok(second.body.equals(first.body));
  assert.equal(header(second, 'authorization'), 'Bearer token-2');

  const always = await emulator((req) => (req.path === '/v1/auth/token' ? undefined : { status: 401, body: { message: 'no' } }));
  await assert.rejects(client(always).listCustomers(), { code: 'unauthorized', status: 401 });
  assert.equal(always.received.length, 4, 'token, list, token, list: then it stops');
});

test('a fixed token is used as given; a token function is asked again after a 401', async () => {
  const fixed = await emulator();
  const a = client(fixed, { credentials: undefined, token: 'fixed-token' });
  await a.listCustomers();
  assert.equal(header(fixed.received[0], 'authorization'), 'Bearer fixed-token');
  assert.equal(fixed.received.length, 1);

  let asked = 0;
  const refusing = await emulator((req) => (header(req, 'authorization') === 'Bearer from-backend-1' ? { status: 401, body: {} } : undefined));
  const b = client(refusing, { credentials: undefined, token: async () => `from-backend-${++asked}` });
  await b.listCustomers();
  assert.equal(asked, 2);
  assert.deepEqual(refusing.received.map((r) => header(r, 'authorization')), ['Bearer from-backend-1', 'Bearer from-backend-2']);

  // A token function that fails: a typed error with the cause, nothing sent.
  const down = new Error('backend down');
  const failing = await emulator();
  const c = client(failing, { credentials: undefined, token: () => Promise.reject(down) });
  const err = await c.listCustomers().catch((e) => e);
  assert.equal(err.code, 'token_unavailable');
  assert.equal(err.kind, 'credentials');
  assert.equal(err.cause, down);
  assert.equal(failing.received.length, 0);
  // A fixed token the server refuses: thrown (nothing to refresh it with), sent once.
  const refused = await emulator(() => ({ status: 401, body: { message: 'expired' } }));
  await assert.rejects(client(refused, { credentials: undefined, token: 'stale' }).listCustomers(), { code: 'unauthorized' });
  assert.equal(refused.received.length, 1);
});

test('status changes, simulator, get and list', async () => {
  const server = await emulator();
  const offblocks = client(server);
  assert.equal((await offblocks.getCustomer(CUSTOMER_ID)).status, 'active');
  assert.deepEqual((await offblocks.listCustomers()).map((c) => c.id), [CUSTOMER_ID]);
  assert.equal(await offblocks.activateCustomer(CUSTOMER_ID), null);
  assert.equal(await offblocks.simulateVerification(CUSTOMER_ID), undefined);
  const err = await offblocks.deactivateCustomer(CUSTOMER_ID).catch((e) => e);
  assert.equal(err.code, 'invalid_state_transition');
  assert.equal(err.retryable, false);
  const patches = server.received.filter((r) => r.method === 'PATCH');
  assert.deepEqual(patches.map((r) => r.path), [
    `/v1/customers/${CUSTOMER_ID}/activate`,
    `/v1/simulator/customers/${CUSTOMER_ID}/verify`,
    `/v1/customers/${CUSTOMER_ID}/deactivate`,
  ]);
  assert.ok(patches.every((r) => UUID_V4.test(header(r, 'idempotency-key'))));
  assert.equal(new Set(patches.map((r) => header(r, 'idempotency-key'))).size, 3, 'one key per operation');
});

test('ownership challenge: get, open, wallet signs, accept, submit', async () => {
  const server = await emulator();
  const offblocks = client(server);
  const encoded = await offblocks.getChallenge(CUSTOMER_ID);
  const challenge = openChallenge(encoded, CHAIN_ID);
  const signature = personalSign(WALLET.privateKey, challenge.message);
  const submission = acceptChallengeSignature(encoded, CHAIN_ID, signature);
  assert.deepEqual(Object.keys(submission).sort(), ['challenge', 'signature', 'signer']);
  const answer = await offblocks.submitChallenge(CUSTOMER_ID, submission);
  assert.equal(answer.status, 'screening');
  const submitted = server.received.at(-1);
  assert.equal(submitted.path, `/v1/customers/${CUSTOMER_ID}/challenge/sign`);
  assert.deepEqual(JSON.parse(submitted.body), submission);
  // Another wallet's signature is refused before anything is sent.
  const other = personalSign('0x' + '11'.repeat(32), challenge.message);
  assert.throws(() => acceptChallengeSignature(encoded, CHAIN_ID, other), { code: 'challenge_wrong_signer', kind: 'challenge' });
});

test('keys: PEM, JWK and SigningKey are accepted; exactly one of signingKey/signer and of credentials/token', async () => {
  const server = await emulator();
  const { createPrivateKey } = await import('node:crypto');
  const jwk = createPrivateKey(PEM).export({ format: 'jwk' });
  for (const signingKey of [PEM, jwk, JSON.stringify(jwk), KEY]) {
    await client(server, { signingKey }).listCustomers();
  }
  assert.equal(server.received.filter((r) => r.path === '/v1/customers').length, 4);
  const base = { keyId: KEY_ID, token: 't' };
  assert.throws(() => new OffBlocksClient(base), { code: 'invalid_argument' });
  assert.throws(() => new OffBlocksClient({ ...base, signingKey: PEM, signer: () => new Uint8Array(96) }), { code: 'invalid_argument' });
  assert.throws(() => new OffBlocksClient({ keyId: KEY_ID, signingKey: PEM }), { code: 'invalid_argument' });
  assert.throws(() => new OffBlocksClient({ ...base, signingKey: 'not a key' }), { kind: 'signature' });
  assert.throws(() => new OffBlocksClient({ ...base, signingKey: PEM, baseUrl: 'http://api.offblocks.xyz/v1' }), { code: 'invalid_base_url' });
  // A P-256 key cannot sign for OffBlocks (ECDSA P-384).
  const p256 = text('sig/rfc9421-B.1.3-test-key-ecc-p256.pem');
  await assert.rejects(client(server, { signingKey: p256 }).listCustomers(), { code: 'signature_algorithm_mismatch' });
  assert.equal(VerifyingKey.fromPem(KEY.publicKey().publicKeyPem()).publicKeyPem(), KEY.publicKey().publicKeyPem());
});
