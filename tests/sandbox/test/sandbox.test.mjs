// The sandbox's own behaviour, checked with plain fetch and independent signing (no Clientele).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { httpbis, createSigner, createVerifier } from 'http-message-signatures';
import { createSandbox, SANDBOX } from '../server.mjs';

const fixtures = new URL('../../fixtures/', import.meta.url);
const key = createPrivateKey(readFileSync(new URL('offblocks/test-key-p384.pem', fixtures), 'utf8'));
const pub = readFileSync(new URL('offblocks/test-key-p384.pub.pem', fixtures), 'utf8');
const WALLET = '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const WALLET_ADDRESS = '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23';

let base, server, hooks, hookServer;
before(async () => {
  ({ server } = createSandbox());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  hooks = [];
  hookServer = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), url: `http://127.0.0.1:${hookServer.address().port}${req.url}` });
      res.end();
    });
  });
  await new Promise((r) => hookServer.listen(0, '127.0.0.1', r));
});
after(() => {
  server.close();
  hookServer.close();
});

const blocKey = 'sk_test_sandbox0000';
const bloc = (path, init = {}) =>
  fetch(`${base}/bloc/v1${path}`, { ...init, headers: { authorization: `Bearer ${blocKey}`, 'content-type': 'application/json', ...init.headers } });
const json = async (r) => ({ status: r.status, body: await r.json(), headers: r.headers });

test('bloc: envelope, create, get, page, update, upgrade, errors', async () => {
  const create = (i) =>
    bloc('/customers', { method: 'POST', body: JSON.stringify({ email: `c${i}@example.com`, phone_number: '08012345678', first_name: `F${i}`, last_name: 'L', customer_type: 'Personal', bvn: '22222222222' }) });
  const first = await json(await create(0));
  assert.equal(first.status, 200);
  assert.equal(first.body.success, true);
  assert.match(first.body.data.id, /^[0-9a-f]{24}$/);
  assert.equal(first.body.data.updated_at, '0001-01-01T00:00:00Z');
  assert.equal(first.body.data.kyc_tier, '0');
  for (let i = 1; i < 5; i++) await create(i);
  const page2 = await json(await bloc('/customers?page=2&per_page=2'));
  assert.deepEqual([page2.body.data.length, page2.body.metadata], [2, { has_next: true, has_previous: true }]);
  const page3 = await json(await bloc('/customers?page=3&per_page=2'));
  assert.deepEqual(page3.body.metadata, { has_next: false, has_previous: true });
  const id = first.body.data.id;
  assert.equal((await bloc(`/customers/${id}`)).status, 200);
  assert.equal((await json(await bloc('/customers/000000000000000000000000'))).status, 404);
  const wrongEnv = await fetch(`${base}/bloc/v1/customers`, { headers: { authorization: 'Bearer sk_live_sandbox0000' } });
  assert.equal(wrongEnv.status, 401);
  const bad = await json(await bloc('/customers', { method: 'POST', body: JSON.stringify({ email: 'x@example.com' }) }));
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /is required|are required/);
  const t1 = await json(
    await bloc(`/customers/upgrade/t1/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ place_of_birth: 'Kaduna', dob: '1992-03-30', gender: 'Male', country: 'Nigeria', image: 'iVBORw0KGgo=', address: { street: 's', city: 'c', state: 'st', country: 'Nigeria', postal_code: '100001' } }),
    }),
  );
  assert.equal(t1.body.data.kyc_tier, '1');
  assert.equal(t1.body.data.date_of_birth, '1992-03-30T00:00:00Z');
  const t3 = await json(await bloc(`/customers/upgrade/t3/${id}`, { method: 'PUT', body: JSON.stringify({ image: 'x' }) }));
  assert.equal(t3.status, 400, 'tier 3 needs tier 2 first');
});

test('bloc: webhooks are signed with hex HMAC-SHA256 of the raw body', async () => {
  const url = `http://127.0.0.1:${hookServer.address().port}/bloc`;
  await bloc('/webhooks', { method: 'POST', body: JSON.stringify({ url }) });
  hooks.length = 0;
  await bloc('/customers', { method: 'POST', body: JSON.stringify({ email: 'w@example.com', phone_number: '09012345678', first_name: 'W', last_name: 'H', customer_type: 'Personal', bvn: '22222222222' }) });
  for (let i = 0; i < 50 && hooks.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const [hook] = hooks;
  assert.equal(JSON.parse(hook.body).event, 'Customer.created');
  assert.equal(hook.headers['x-bloc-webhook'], createHmac('sha256', SANDBOX.blocWebhookSecret).update(hook.body).digest('hex'));
});

// OffBlocks: independent signing with http-message-signatures.
let token;
const keyId = 'test-key-ecc-p384';
async function offblocks(method, path, body, idempotencyKey = method === 'GET' ? undefined : randomUUID(), extra = {}) {
  const url = `${base}/offblocks/v1${path}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json', ...extra };
  if (text) {
    headers['content-type'] = 'application/json';
    headers['content-digest'] = `sha-256=:${createHash('sha256').update(text).digest('base64')}:`;
  }
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const fields = ['@method', '@target-uri', ...['content-digest', 'content-type', 'idempotency-key'].filter((h) => headers[h])];
  const signed = await httpbis.signMessage({ key: createSigner(key, 'ecdsa-p384-sha384', keyId), fields, params: ['created', 'keyid', 'alg'] }, { method, url, headers });
  const r = await fetch(url, { method, headers: signed.headers, body: text || undefined });
  const raw = await r.text();
  return { status: r.status, body: raw ? JSON.parse(raw) : null };
}

test('offblocks: token, key registration, signed requests', async () => {
  const bad = await fetch(`${base}/offblocks/v1/auth/token`, { method: 'POST', body: JSON.stringify({ apiKey: SANDBOX.offblocksApiKey, apiSecret: 'nope' }) });
  assert.equal(bad.status, 401);
  const t = await (await fetch(`${base}/offblocks/v1/auth/token`, { method: 'POST', body: JSON.stringify({ apiKey: SANDBOX.offblocksApiKey, apiSecret: SANDBOX.offblocksApiSecret }) })).json();
  token = t.token;
  assert.equal(t.tokenType, 'Bearer');
  const reg = await fetch(`${base}/offblocks/v1/auth/signing`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ keyId, publicKey: Buffer.from(pub).toString('base64') }) });
  assert.equal((await reg.json()).keyId, keyId);
  assert.equal((await offblocks('GET', '/customers')).status, 200);
  const unsigned = await fetch(`${base}/offblocks/v1/customers`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(unsigned.status, 400);
  // A signature made with another key is refused.
  const other = createPrivateKey(createPublicKey(key).export({ type: 'spki', format: 'pem' }) && readFileSync(new URL('sig/rfc9421-B.1.3-test-key-ecc-p256.pem', fixtures), 'utf8').split('-----END PUBLIC KEY-----\n')[1]);
  const url = `${base}/offblocks/v1/customers`;
  const forged = await httpbis.signMessage({ key: createSigner(other, 'ecdsa-p256-sha256', keyId), fields: ['@method', '@target-uri'], params: ['created', 'keyid'] }, { method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  assert.equal((await fetch(url, { headers: forged.headers })).status, 401);
});

test('offblocks: idempotency, state machine, challenge, simulator, webhooks', async () => {
  const hookUrl = `http://127.0.0.1:${hookServer.address().port}/offblocks`;
  await offblocks('PUT', '/webhooks', { callbackUrl: hookUrl, types: ['customer.updated'] });
  const chainId = `eip155:300:${WALLET_ADDRESS}`;
  const key = randomUUID();
  const created = await offblocks('POST', '/customers', { chainId, externalId: 'sbx-1' }, key);
  assert.equal(created.status, 201);
  assert.equal(created.body.status, 'initiating');
  const replay = await offblocks('POST', '/customers', { chainId, externalId: 'sbx-1' }, key);
  assert.deepEqual(replay, created, 'same key, same body: the same answer');
  assert.equal((await offblocks('POST', '/customers', { chainId, externalId: 'sbx-2' }, key)).status, 422);
  assert.equal((await offblocks('POST', '/customers', { chainId, externalId: 'sbx-1' })).status, 409, 'already exists');
  const id = created.body.id;
  assert.equal((await offblocks('PATCH', `/customers/${id}/deactivate`)).status, 409, 'initiating cannot be deactivated');
  // The challenge is a SIWE message for the wallet; sign it as personal_sign does.
  const text = Buffer.from(created.body.challenge, 'base64').toString('utf8');
  assert.match(text, new RegExp(`^api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\\n${WALLET_ADDRESS}\\n`));
  const message = new TextEncoder().encode(text);
  const digest = keccak_256(new Uint8Array([...new TextEncoder().encode(`\x19Ethereum Signed Message:\n${message.length}`), ...message]));
  const sig = secp256k1.sign(digest, Buffer.from(WALLET, 'hex'), { prehash: false, format: 'recovered' });
  const hex = '0x' + Buffer.from([...sig.subarray(1), sig[0] + 27]).toString('hex');
  const wrong = await offblocks('POST', `/customers/${id}/challenge/sign`, { challenge: created.body.challenge, signature: Buffer.from('0x' + '11'.repeat(65)).toString('base64'), signer: chainId });
  assert.equal(wrong.status, 400);
  const fresh = (await offblocks('GET', `/customers/${id}/challenge`)).body.challenge;
  assert.notEqual(fresh, created.body.challenge, 'a failed attempt issues a new challenge');
  const freshText = new TextEncoder().encode(Buffer.from(fresh, 'base64').toString('utf8'));
  const freshDigest = keccak_256(new Uint8Array([...new TextEncoder().encode(`\x19Ethereum Signed Message:\n${freshText.length}`), ...freshText]));
  const freshSig = secp256k1.sign(freshDigest, Buffer.from(WALLET, 'hex'), { prehash: false, format: 'recovered' });
  const freshHex = '0x' + Buffer.from([...freshSig.subarray(1), freshSig[0] + 27]).toString('hex');
  assert.notEqual(freshHex, hex);
  const signed = await offblocks('POST', `/customers/${id}/challenge/sign`, { challenge: fresh, signature: Buffer.from(freshHex).toString('base64'), signer: chainId });
  assert.equal(signed.status, 200);
  assert.equal(signed.body.status, 'verifying');
  const verify = await offblocks('PATCH', `/simulator/customers/${id}/verify`);
  assert.equal(verify.status, 202);
  assert.equal((await offblocks('GET', `/customers/${id}`)).body.status, 'active');
  assert.equal((await offblocks('PATCH', `/customers/${id}/deactivate`)).body.status, 'inactive');
  assert.equal((await offblocks('PATCH', `/customers/${id}/deactivate`)).status, 409);
  assert.equal((await offblocks('PATCH', `/customers/${id}/activate`)).body.status, 'active');
  // Each change was delivered, signed with RFC 9421 by the sandbox's webhook key.
  for (let i = 0; i < 100 && hooks.filter((h) => h.url.endsWith('/offblocks')).length < 5; i++) await new Promise((r) => setTimeout(r, 20));
  const delivered = hooks.filter((h) => h.url.endsWith('/offblocks'));
  assert.deepEqual(delivered.map((h) => JSON.parse(h.body).status), ['screening', 'verifying', 'active', 'inactive', 'active']);
  const { publicKeyPem } = await (await fetch(`${base}/__admin/webhook-key`)).json();
  const verifier = createVerifier(createPublicKey(publicKeyPem), 'ecdsa-p384-sha384');
  for (const h of delivered) {
    const ok = await httpbis.verifyMessage({ keyLookup: async () => ({ verify: verifier }) }, { method: 'POST', url: h.url, headers: h.headers });
    assert.equal(ok, true);
    assert.equal(h.headers['content-digest'], `sha-256=:${createHash('sha256').update(h.body).digest('base64')}:`);
  }
});

test('offblocks: create returns a verification URL to the sandbox KYC page, whose button completes verification', async () => {
  const chainId = 'eip155:280:0x43158f45b5EbD7b1179130130DF00393928C2691';
  const created = await offblocks('POST', '/customers', { chainId, externalId: 'sbx-kyc' });
  assert.equal(created.status, 201);
  const id = created.body.id;
  assert.equal(created.body.verificationUrl, `${base}/kyc/${id}`);
  assert.equal((await offblocks('GET', `/customers/${id}`)).body.verificationUrl, undefined, 'only the create answer carries it');
  const page = await fetch(created.body.verificationUrl);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  const html = await page.text();
  assert.match(html, new RegExp(`<code id="customer-id">${id}</code>`));
  assert.match(html, /<span id="status">initiating<\/span>/);
  assert.doesNotMatch(html, /id="complete"/, 'no button before the challenge is signed');
  assert.equal((await fetch(`${base}/kyc/${id}/complete`, { method: 'POST' })).status, 409);
  await fetch(`${base}/__admin/offblocks/customers/${id}/status`, { method: 'POST', body: JSON.stringify({ status: 'verifying' }) });
  assert.match(await (await fetch(created.body.verificationUrl)).text(), /<button id="complete"/);
  const done = await fetch(`${base}/kyc/${id}/complete`, { method: 'POST' });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /<span id="status">active<\/span>/);
  assert.equal((await offblocks('GET', `/customers/${id}`)).body.status, 'active');
  assert.equal((await fetch(`${base}/kyc/00000000-0000-4000-8000-000000000000`)).status, 404);
});

test('faults: 500 then success, 429 with Retry-After, malformed, unknown status, 500 after processing', async () => {
  const fault = (f) => fetch(`${base}/__admin/faults`, { method: 'POST', body: JSON.stringify(f) });
  await fault({ path: '/bloc/v1/customers', method: 'GET', fault: '500' });
  assert.equal((await bloc('/customers')).status, 500);
  assert.equal((await bloc('/customers')).status, 200);
  await fault({ path: '/bloc/v1/customers', fault: '429', retryAfter: 2 });
  const limited = await bloc('/customers');
  assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '2']);
  await fault({ path: '/bloc/v1/customers', fault: 'malformed' });
  await assert.rejects((await bloc('/customers')).json());
  await fault({ path: '/offblocks/v1/customers', method: 'GET', fault: 'unknown-status' });
  const list = await offblocks('GET', '/customers');
  assert.ok(list.body.every((c) => c.status === 'suspended'));
  // Processed, then a 500: a retry with the same key replays the stored answer, nothing twice.
  await fault({ path: '/offblocks/v1/customers', method: 'POST', fault: '500-after' });
  const key = randomUUID();
  const body = { chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', externalId: 'sbx-after' };
  assert.equal((await offblocks('POST', '/customers', body, key)).status, 500);
  const retried = await offblocks('POST', '/customers', body, key);
  assert.equal(retried.status, 201);
  const all = (await offblocks('GET', '/customers')).body.filter((c) => c.externalId === 'sbx-after');
  assert.equal(all.length, 1);
  await fault({ path: '/bloc/v1/customers', method: 'GET', fault: 'slow', delayMs: 300 });
  const t0 = Date.now();
  await bloc('/customers');
  assert.ok(Date.now() - t0 >= 290);
});
