// Signing outside the core for real: WebCrypto ECDSA P-384 with NON-extractable keys (r||s), and a
// DER signer (node:crypto, as KMSs return), each verified by the core's verifyMessage.
import assert from 'node:assert/strict';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { after, test } from 'node:test';
import { OffBlocks, OffBlocksClient, VerifyingKey, verifyMessage } from 'clientele';
import { header, load, serve, text } from './helpers.mjs';

const subtle = globalThis.crypto.subtle;
const ECDSA = { name: 'ECDSA', hash: 'SHA-384' };
const fixture = load('offblocks/requests.json');
const PEM = text('offblocks/test-key-p384.pem');
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

test('WebCrypto: a generated non-extractable P-384 key signs through the signer callback; the server verifies', async () => {
  const { privateKey, publicKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
  assert.equal(privateKey.extractable, false);
  await assert.rejects(subtle.exportKey('jwk', privateKey), 'the private key never leaves WebCrypto');
  const verifying = VerifyingKey.fromJwk(await subtle.exportKey('jwk', publicKey));

  let signerCalls = 0;
  const server = await serve((req) => {
    const summary = verifyMessage(
      { method: req.method, url: `${server.base}${req.url}`, headers: req.headers, body: req.body },
      verifying,
      { maxAgeSeconds: 60 },
    );
    assert.equal(summary.algorithm, 'ecdsa-p384-sha384');
    return { status: 201, body: { id: '123e4567-e89b-12d3-a456-426614174000', status: 'initiating', chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb' } };
  });
  servers.push(server);
  const client = new OffBlocksClient({
    baseUrl: `${server.base}/v1`,
    keyId: 'webcrypto-key',
    token: 'synthetic-token',
    signer: async (base) => {
      signerCalls++;
      assert.ok(base instanceof Uint8Array);
      return subtle.sign(ECDSA, privateKey, base); // an ArrayBuffer, r||s
    },
  });
  const created = await client.createCustomer({ chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', externalId: 'customer-42' });
  assert.equal(created.status, 'initiating');
  assert.equal(signerCalls, 1);
  assert.equal(server.received.length, 1);
  assert.match(header(server.received[0], 'signature'), /^sig=:[A-Za-z0-9+/]{128}:$/, '96 bytes of r||s');
});

test('WebCrypto: the fixture key imported non-extractable signs the fixture signature base; the core verifies it', async () => {
  const jwk = createPrivateKey(PEM).export({ format: 'jwk' });
  const privateKey = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
  const ctx = fixture.context;
  const c = fixture.cases[1]; // create customer
  const pending = new OffBlocks({ baseUrl: ctx.baseUrl, keyId: ctx.keyId, token: ctx.token }).buildCreateCustomer(c.input, {
    idempotencyKey: c.idempotencyKey,
    now: ctx.now,
  });
  assert.equal(new TextDecoder().decode(pending.signatureBase), c.expect.request.signatureBase);
  const signature = new Uint8Array(await subtle.sign(ECDSA, privateKey, pending.signatureBase));
  const request = pending.finish(signature); // raw r||s is the default
  const h = (name) => request.headers.find((x) => x.name === name)?.value;
  assert.equal(h('Signature-Input'), c.expect.request.headers['Signature-Input']);
  assert.notEqual(h('Signature'), c.expect.request.headers.Signature, 'WebCrypto ECDSA is randomised, the fixture is RFC 6979');
  const publicKey = VerifyingKey.fromPem(text('offblocks/test-key-p384.pub.pem'));
  const summary = verifyMessage(request, publicKey, { now: '2025-11-21T04:40:30Z', maxAgeSeconds: 60 });
  assert.equal(summary.keyid, ctx.keyId);
  // A signature of other bytes does not verify.
  const wrong = pending.finish(new Uint8Array(await subtle.sign(ECDSA, privateKey, new TextEncoder().encode('other'))));
  assert.throws(() => verifyMessage(wrong, publicKey, { now: '2025-11-21T04:40:30Z' }), { code: 'signature_invalid', kind: 'signature' });
});

test('a DER signer (as KMSs return) with signatureEncoding "der"', async () => {
  const key = createPrivateKey(PEM);
  const server = await serve((req) => {
    verifyMessage({ method: req.method, url: `${server.base}${req.url}`, headers: req.headers, body: req.body }, VerifyingKey.fromPem(text('offblocks/test-key-p384.pub.pem')));
    return { status: 200, body: [] };
  });
  servers.push(server);
  const client = new OffBlocksClient({
    baseUrl: `${server.base}/v1`,
    keyId: 'kms-key',
    token: 'synthetic-token',
    signatureEncoding: 'der',
    signer: (base) => nodeSign('sha384', base, { key, dsaEncoding: 'der' }),
  });
  assert.deepEqual(await client.listCustomers(), []);
  assert.equal(server.received.length, 1);
});

test('a failing signer: signer_failed with the cause; a wrong-length signature: signature_invalid_length; nothing sent', async () => {
  const server = await serve(() => ({ status: 200, body: [] }));
  servers.push(server);
  const options = { baseUrl: `${server.base}/v1`, keyId: 'k', token: 't' };
  const boom = new Error('HSM unavailable');
  const err = await new OffBlocksClient({ ...options, signer: async () => Promise.reject(boom) }).listCustomers().catch((e) => e);
  assert.equal(err.code, 'signer_failed');
  assert.equal(err.kind, 'signature');
  assert.equal(err.cause, boom);
  await assert.rejects(new OffBlocksClient({ ...options, signer: () => new Uint8Array(95) }).listCustomers(), {
    code: 'signature_invalid_length',
  });
  await assert.rejects(new OffBlocksClient({ ...options, signer: () => 'not bytes' }).listCustomers(), {
    code: 'signature_invalid_length',
  });
  assert.equal(server.received.length, 0);
});
