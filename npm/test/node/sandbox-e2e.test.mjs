// End to end from JS (fetch) against the real sandbox (tests/sandbox): the demo's scenario, then
// each fault case. The sandbox is independent code (its own signature and SIWE checks).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  BlocClient,
  OffBlocksClient,
  VerifyingKey,
  acceptChallengeSignature,
  isApiError,
  isDecodeError,
  isTransportError,
  isValidationError,
  openChallenge,
  parseOffBlocksWebhook,
  verifyBlocWebhook,
  verifyOffBlocksWebhookSignature,
} from 'clientele';
import { FIXTURES } from './helpers.mjs';
// The customer's wallet, simulated (npm/examples/wallet.mjs, outside the installed package).
const { personalSign } = await import(new URL(`file://${process.env.CLIENTELE_WALLET}`).href);

const SANDBOX = process.env.CLIENTELE_SANDBOX;
if (!SANDBOX) throw new Error('CLIENTELE_SANDBOX is not set (run npm/scripts/test.mjs)');
const { createSandbox, SANDBOX: creds } = await import(pathToFileURL(SANDBOX).href);

let server, url, hooks, hookServer, hookBase;
before(async () => {
  ({ server } = createSandbox());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}`;
  hooks = [];
  hookServer = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.end();
    });
  });
  await new Promise((r) => hookServer.listen(0, '127.0.0.1', r));
  hookBase = `http://127.0.0.1:${hookServer.address().port}`;
});
after(() => {
  server.closeAllConnections?.();
  server.close();
  hookServer.close();
});

const admin = (path, body) => fetch(`${url}/__admin${path}`, { method: body ? 'POST' : 'GET', body: body && JSON.stringify(body) }).then((r) => r.json());
const waitFor = async (predicate) => {
  for (let i = 0; i < 200; i++) {
    const found = hooks.filter(predicate);
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no delivery arrived');
};
const secretKey = 'sk_test_e2e_0123456789';
const bloc = () => new BlocClient({ secretKey, baseUrl: `${url}/bloc/v1`, retries: { maxRetries: 2, baseDelayMs: 10 } });
const keyPem = readFileSync(join(FIXTURES, 'offblocks/test-key-p384.pem'), 'utf8');
const publicPem = readFileSync(join(FIXTURES, 'offblocks/test-key-p384.pub.pem'), 'utf8');
const offblocks = (extra = {}) =>
  new OffBlocksClient({
    baseUrl: `${url}/offblocks/v1`,
    keyId: 'e2e-key',
    signingKey: keyPem,
    credentials: { apiKey: creds.offblocksApiKey, apiSecret: creds.offblocksApiSecret },
    retries: { maxRetries: 2, baseDelayMs: 10 },
    ...extra,
  });

test('Bloc end to end: issues, create, pages, get, update, KYC tier 1, webhook', async () => {
  const client = bloc();
  await assert.rejects(
    client.createCustomer({ email: 'x@', phoneNumber: '123', firstName: 'A', lastName: 'B', customerType: 'Personal', bvn: '1' }),
    (e) => isValidationError(e) && e.issues.map((i) => i.code).join() === 'invalid_email,invalid_phone,invalid_bvn',
  );
  await fetch(`${url}/bloc/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${secretKey}` }, body: JSON.stringify({ url: `${hookBase}/bloc` }) });
  const made = [];
  for (let i = 0; i < 5; i++) {
    made.push(await client.createCustomer({ email: `e2e${i}@example.com`, phoneNumber: `+23480${i}2345678`, firstName: `F${i}`, lastName: 'L', customerType: 'Personal', bvn: `2222222222${i}` }));
  }
  assert.equal(made[0].phoneNumber, '08002345678');
  const pages = [];
  for await (const page of client.customerPages({ perPage: 2 })) pages.push(page.customers.length);
  assert.deepEqual(pages, [2, 2, 1]);
  assert.equal((await client.getCustomer(made[0].id)).id, made[0].id);
  const updated = await client.updateCustomer(made[0].id, { email: 'e2e@example.com', phoneNumber: '08012345678', firstName: 'F', lastName: 'Updated', customerType: 'Personal' });
  assert.equal(updated.lastName, 'Updated');
  assert.notEqual(updated.updatedAt, null);
  const tier1 = await client.upgradeKycTier1(made[0].id, {
    placeOfBirth: 'Kaduna', dob: '1992-03-30', gender: 'Male', country: 'Nigeria', image: 'iVBORw0KGgo=',
    address: { street: '1 Way', city: 'Lekki', state: 'Lagos', country: 'Nigeria', postalCode: '106104' },
  });
  assert.deepEqual([tier1.kycTier, tier1.dateOfBirth], ['1', '1992-03-30']);
  await assert.rejects(client.getCustomer('000000000000000000000000'), (e) => isApiError(e) && e.code === 'not_found');
  const wrongEnv = new BlocClient({ secretKey: 'sk_live_e2e_0123456789', baseUrl: `${url}/bloc/v1` });
  await assert.rejects(wrongEnv.listCustomers(), (e) => isApiError(e) && e.code === 'unauthorized' && /environment/.test(e.message));
  const [hook] = await waitFor((h) => h.path === '/bloc');
  assert.equal(verifyBlocWebhook(hook.body, hook.headers, creds.blocWebhookSecret).event, 'customer.created');
});

test('OffBlocks end to end: signed create, idempotency, challenge, simulator, transitions, webhooks', async () => {
  const client = offblocks();
  const token = await client.accessToken();
  await fetch(`${url}/offblocks/v1/auth/signing`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${typeof token === 'string' ? token : token.token}` },
    body: JSON.stringify({ keyId: 'e2e-key', publicKey: Buffer.from(publicPem).toString('base64') }),
  });
  await admin('/offblocks/webhooks', { callbackUrl: `${hookBase}/offblocks` });
  const chainId = 'eip155:300:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23';
  const idempotencyKey = crypto.randomUUID();
  const customer = await client.createCustomer({ chainId, externalId: 'e2e-1' }, { idempotencyKey });
  assert.equal(customer.status, 'initiating');
  // The KYC verification URL: the sandbox's own KYC page for this customer.
  assert.equal(customer.verificationUrl, `${url}/kyc/${customer.id}`);
  assert.deepEqual(customer.extra, {});
  const kyc = await fetch(customer.verificationUrl);
  assert.equal(kyc.status, 200);
  assert.match(await kyc.text(), new RegExp(`<code id="customer-id">${customer.id}</code>`));
  assert.equal((await client.createCustomer({ chainId, externalId: 'e2e-1' }, { idempotencyKey })).id, customer.id);
  await assert.rejects(client.createCustomer({ chainId, externalId: 'e2e-2' }, { idempotencyKey }), (e) => e.code === 'idempotency_mismatch');
  await assert.rejects(client.createCustomer({ chainId, externalId: 'e2e-1' }), (e) => e.code === 'already_exists');
  const challenge = openChallenge(customer.challenge, chainId);
  const signature = personalSign('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318', challenge.message);
  const submitted = await client.submitChallenge(customer.id, acceptChallengeSignature(customer.challenge, chainId, signature));
  assert.equal(submitted?.status, 'verifying');
  await client.simulateVerification(customer.id);
  assert.equal((await client.getCustomer(customer.id)).status, 'active');
  assert.equal((await client.deactivateCustomer(customer.id))?.status, 'inactive');
  await assert.rejects(client.deactivateCustomer(customer.id), (e) => isApiError(e) && e.code === 'invalid_state_transition' && !e.retryable);
  assert.equal((await client.activateCustomer(customer.id))?.status, 'active');
  const deliveries = await waitFor((h) => h.path === '/offblocks' && hooks.filter((x) => x.path === '/offblocks').length >= 5);
  const { publicKeyPem } = await admin('/webhook-key');
  const key = VerifyingKey.fromPem(publicKeyPem);
  const statuses = deliveries.map((d) => {
    verifyOffBlocksWebhookSignature({ url: `${hookBase}${d.path}`, headers: d.headers, body: d.body }, key);
    return parseOffBlocksWebhook(d.body).customer?.status;
  });
  assert.deepEqual(statuses, ['screening', 'verifying', 'active', 'inactive', 'active']);
});

test('faults: a retried 500 creates nothing twice (same Idempotency-Key and body)', async () => {
  const client = offblocks();
  await admin('/faults', { method: 'POST', path: '/offblocks/v1/customers', fault: '500-after' });
  const created = await client.createCustomer({ chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', externalId: 'e2e-retry' });
  const state = await admin('/state');
  assert.equal(state.offblocks.customers.filter((c) => c.externalId === 'e2e-retry').length, 1);
  assert.equal(created.externalId, 'e2e-retry');
});

test('faults: 429 waits as Retry-After says, then succeeds', async () => {
  await admin('/faults', { method: 'GET', path: '/bloc/v1/customers', fault: '429', retryAfter: 1 });
  const t0 = Date.now();
  const page = await bloc().listCustomers();
  assert.ok(Date.now() - t0 >= 950, `waited ${Date.now() - t0} ms`);
  assert.ok(Array.isArray(page.customers));
});

test('faults: a slow answer past the timeout is a typed timeout error', async () => {
  await admin('/faults', { method: 'GET', path: '/bloc/v1/customers', fault: 'slow', delayMs: 1500 });
  const client = new BlocClient({ secretKey, baseUrl: `${url}/bloc/v1`, timeoutMs: 200, retries: false });
  await assert.rejects(client.listCustomers(), (e) => isTransportError(e) && e.code === 'timeout');
});

test('faults: a malformed body is a decoding error; an unknown status is kept', async () => {
  await admin('/faults', { method: 'GET', path: '/bloc/v1/customers', fault: 'malformed' });
  await assert.rejects(bloc().listCustomers(), (e) => isDecodeError(e) && e.code === 'decode_failed');
  await admin('/faults', { method: 'GET', path: '/offblocks/v1/customers', fault: 'unknown-status' });
  const list = await offblocks().listCustomers();
  assert.ok(list.length > 0 && list.every((c) => c.status === 'suspended'));
});
