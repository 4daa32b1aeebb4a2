#!/usr/bin/env node
// Clientele sandbox: a local emulator of the Bloc and OffBlocks customer APIs on 127.0.0.1.
//
//   node tests/sandbox/server.mjs [--port N] [--ready-file PATH]
//
// Prints `sandbox listening on http://127.0.0.1:PORT` (port 0 = a free port) and stops cleanly on
// SIGINT/SIGTERM. Written independently of the Rust core (plain JS, the npm packages
// http-message-signatures and @noble) so the SDK is checked against a second implementation.
//
//   Bloc       http://127.0.0.1:PORT/bloc/v1         Bearer sk_test_... (sk_live_... -> 401)
//   OffBlocks  http://127.0.0.1:PORT/offblocks/v1    token + RFC 9421 signatures + Idempotency-Key
//   Admin      http://127.0.0.1:PORT/__admin/...     state, reset, fault injection, deliveries
//
// Fault injection: POST /__admin/faults {"method":"POST","path":"/bloc/v1/customers","fault":"500",
// "times":1} (or the request header X-Sandbox-Fault). Faults: "500" (before processing),
// "500-after" (processed, then answered 500: idempotent retries replay the stored answer),
// "429" (Retry-After: "retryAfter" seconds, default 1), "slow" ("delayMs", default 3000),
// "malformed" (a 200 with a broken JSON body), "unknown-status" (customers answered with
// status "suspended").
import { createHash, createHmac, randomBytes, randomUUID, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { httpbis, createVerifier, createSigner } from 'http-message-signatures';

// ------------------------------------------------------------------------------------------
// Configuration (synthetic credentials; nothing here is a real secret)
export const SANDBOX = {
  blocWebhookSecret: 'whsec_sandbox_0000',
  offblocksApiKey: '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59',
  offblocksApiSecret: 'sandbox-secret-not-real',
  tokenTtlSeconds: 3600,
  challengeTtlSeconds: 3600,
  idempotencyTtlSeconds: 3600,
};

const enc = new TextEncoder();
const now = () => new Date();
const nanoTimestamp = (d = now()) => d.toISOString().replace(/\.(\d{3})Z$/, (_, ms) => `.${ms}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}Z`);
const GO_ZERO = '0001-01-01T00:00:00Z';
const objectId = () => randomBytes(12).toString('hex');
const isUuid = (s) => typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export function createSandbox() {
  const state = {
    bloc: { customers: new Map(), order: [], webhookUrl: null },
    offblocks: {
      customers: new Map(),
      order: [],
      tokens: new Map(),
      keys: new Map(),
      idempotency: new Map(),
      webhooks: new Map(),
    },
    faults: [],
    deliveries: [],
  };
  // The key the sandbox signs OffBlocks webhook deliveries with (published at /__admin/webhook-key).
  const webhookKey = generateKeyPairSync('ec', { namedCurve: 'P-384' });

  // ----------------------------------------------------------------------------------------
  // Helpers
  const send = (res, status, body, headers = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${randomBytes(6).toString('hex')}`, ...headers });
    res.end(status === 204 ? undefined : text);
  };
  const blocError = (res, status, message, headers) => send(res, status, { success: false, message }, headers);
  const blocOk = (res, data, message, extra = {}) => send(res, 200, { success: true, data, message, ...extra });

  const takeFault = (method, path, header) => {
    if (header) return { fault: header };
    const i = state.faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)));
    if (i < 0) return null;
    const f = state.faults[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) state.faults.splice(i, 1);
    return f;
  };

  const deliver = (url, body, headers) => {
    const record = { url, body, headers, at: now().toISOString(), status: null };
    state.deliveries.push(record);
    return new Promise((resolve) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (r) => {
        record.status = r.statusCode;
        r.resume();
        r.on('end', resolve);
      });
      req.on('error', (e) => {
        record.status = `error: ${e.message}`;
        resolve();
      });
      req.setTimeout(5000, () => req.destroy(new Error('timeout')));
      req.end(body);
    });
  };

  // ----------------------------------------------------------------------------------------
  // Bloc
  const blocAuth = (req) => {
    const m = /^Bearer (sk_(test|live)_[!-~]+)$/.exec(req.headers.authorization ?? '');
    if (!m) return 'Unauthorized: missing or malformed secret key';
    if (m[2] !== 'test') return 'Unauthorized: this key belongs to another environment';
    return null;
  };
  const blocRequired = (body, fields) => fields.filter((f) => typeof body?.[f] !== 'string' || body[f].trim() === '');
  const blocPhoneOk = (p) => /^0[789]\d{9}$/.test(p);

  async function bloc(req, res, path, body, fault) {
    const authError = blocAuth(req);
    if (authError) return blocError(res, 401, authError);
    const method = req.method;
    const seg = path.split('/').filter(Boolean); // ['customers', ...]
    const customers = state.bloc.customers;
    const get = (id) => customers.get(id);
    const view = (c) => (fault?.fault === 'unknown-status' ? { ...c, status: 'suspended' } : c);

    if (seg[0] === 'webhooks' && seg.length === 1) {
      if (method === 'POST') {
        if (typeof body?.url !== 'string' || !/^https?:\/\//.test(body.url)) return blocError(res, 400, 'url is required');
        state.bloc.webhookUrl = body.url;
      }
      return blocOk(res, { organization_id: 'org_sandbox', environment: 'test', url: state.bloc.webhookUrl ?? '', portal_url: '', secret_key: SANDBOX.blocWebhookSecret }, method === 'POST' ? 'webhook set' : 'webhook');
    }
    if (seg[0] !== 'customers') return blocError(res, 404, 'route not found');

    if (method === 'GET' && seg.length === 2 && seg[1] === 'means-of-id') {
      const format = 'Base64 String or image link e.g s3 url';
      return blocOk(res, ['Drivers License', 'International Passport', 'Voters Card', 'NIN Slip'].map((name) => ({ name, format })), 'Means of Identification.');
    }
    if (method === 'GET' && seg.length === 1) {
      const url = new URL(req.url, 'http://x');
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 20) || 20));
      const all = state.bloc.order.map(get);
      const slice = all.slice((page - 1) * perPage, page * perPage).map(view);
      return blocOk(res, slice, 'get customers', { metadata: { has_next: page * perPage < all.length, has_previous: page > 1 } });
    }
    if (method === 'POST' && seg.length === 1) {
      const missing = blocRequired(body, ['email', 'phone_number', 'first_name', 'last_name', 'customer_type', 'bvn']);
      if (missing.length) return blocError(res, 400, `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`);
      if (!/^\d{11}$/.test(body.bvn)) return blocError(res, 400, 'bvn must be 11 digits');
      if (!blocPhoneOk(body.phone_number)) return blocError(res, 400, 'phone_number must be an 11-digit Nigerian number');
      const c = {
        id: objectId(), full_name: `${body.last_name} ${body.first_name}`, phone_number: body.phone_number,
        organization_id: 'org_sandbox', environment: 'test', email: body.email, country: '', group: 'main',
        status: 'active', created_at: nanoTimestamp(), updated_at: GO_ZERO, SyncData: { Provider: '' },
        first_name: body.first_name, last_name: body.last_name, kyc_tier: '0', bvn: body.bvn,
        date_of_birth: GO_ZERO, customer_type: body.customer_type, source: 'Banking', address: {},
      };
      customers.set(c.id, c);
      state.bloc.order.push(c.id);
      if (state.bloc.webhookUrl) {
        const payload = JSON.stringify({ event: 'Customer.created', data: c });
        const signature = createHmac('sha256', SANDBOX.blocWebhookSecret).update(payload).digest('hex');
        deliver(state.bloc.webhookUrl, payload, { 'x-bloc-webhook': signature });
      }
      if (fault?.fault === '500-after') return blocError(res, 500, 'internal error');
      return blocOk(res, c, 'Customer added successfully');
    }
    if (method === 'GET' && seg[1] === 'kyc' && seg[2] === 'revalidate' && seg.length === 4) {
      if (!get(seg[3])) return blocError(res, 404, 'customer not found');
      return send(res, 200, { success: true, message: 'kyc verification queued.' });
    }
    if (seg.length === 2 && method === 'GET') {
      const c = get(seg[1]);
      return c ? blocOk(res, view(c), 'customer') : blocError(res, 404, 'customer not found');
    }
    if (seg.length === 2 && method === 'PUT') {
      const c = get(seg[1]);
      if (!c) return blocError(res, 404, 'customer not found');
      const missing = blocRequired(body, ['email', 'phone_number', 'first_name', 'last_name', 'customer_type']);
      if (missing.length) return blocError(res, 400, `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`);
      if (!blocPhoneOk(body.phone_number)) return blocError(res, 400, 'phone_number must be an 11-digit Nigerian number');
      Object.assign(c, {
        email: body.email, phone_number: body.phone_number, first_name: body.first_name, last_name: body.last_name,
        full_name: `${body.last_name} ${body.first_name}`, customer_type: body.customer_type, updated_at: nanoTimestamp(),
      });
      if (body.address && typeof body.address === 'object') c.address = { ...body.address };
      return blocOk(res, c, 'Customer details have been updated successfully');
    }
    if (seg.length === 4 && seg[1] === 'upgrade' && method === 'PUT') {
      const c = get(seg[3]);
      if (!c) return blocError(res, 404, 'customer not found');
      const tier = seg[2];
      const image = typeof body?.image === 'string' && body.image.length > 0 ? body.image : null;
      if (!image) return blocError(res, 400, 'image is required');
      if (tier === 't1') {
        const missing = blocRequired(body, ['place_of_birth', 'dob', 'gender', 'country']);
        const a = body?.address ?? {};
        const missingAddress = ['street', 'city', 'state', 'country', 'postal_code'].filter((f) => typeof a[f] !== 'string' || !a[f]);
        if (missing.length || missingAddress.length) return blocError(res, 400, `missing ${[...missing, ...missingAddress.map((f) => `address.${f}`)].join(', ')}`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(body.dob)) return blocError(res, 400, 'dob must be YYYY-MM-DD');
        Object.assign(c, { kyc_tier: '1', date_of_birth: `${body.dob}T00:00:00Z`, gender: body.gender, place_of_birth: body.place_of_birth, country: body.country, address: { ...a }, image_url: image.startsWith('https://') ? image : 'https://files.sandbox.invalid/selfie.jpg' });
      } else if (tier === 't2') {
        if (c.kyc_tier !== '1') return blocError(res, 400, 'customer must be on tier 1 before tier 2');
        if (typeof body?.means_of_id !== 'string' || !body.means_of_id) return blocError(res, 400, 'means_of_id is required');
        Object.assign(c, { kyc_tier: '2', means_of_identity: body.means_of_id, means_of_identity_url: 'https://files.sandbox.invalid/id.jpg' });
      } else if (tier === 't3') {
        if (c.kyc_tier !== '2') return blocError(res, 400, 'customer must be on tier 2 before tier 3');
        Object.assign(c, { kyc_tier: '3', identity_url: 'https://files.sandbox.invalid/proof.jpg' });
      } else {
        return blocError(res, 404, 'route not found');
      }
      c.updated_at = nanoTimestamp();
      return blocOk(res, c, 'Customer upgrade successful.');
    }
    return blocError(res, 404, 'route not found');
  }

  // ----------------------------------------------------------------------------------------
  // OffBlocks
  const caip10 = /^([-a-z0-9]{3,8}):([-_a-zA-Z0-9]{1,32}):([a-zA-Z0-9]{1,64})$/;
  const ethAddress = (pubKey) => '0x' + Buffer.from(keccak_256(pubKey.subarray(1)).subarray(12)).toString('hex');
  const checksum = (addr) => {
    const lower = addr.toLowerCase().replace(/^0x/, '');
    const hash = Buffer.from(keccak_256(enc.encode(lower))).toString('hex');
    return '0x' + [...lower].map((ch, i) => (parseInt(hash[i], 16) >= 8 ? ch.toUpperCase() : ch)).join('');
  };
  const siwe = (address, chainId) => {
    const issued = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const text =
      `api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n${checksum(address)}\n\n` +
      'OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy\n\n' +
      `URI: https://api.sandbox.offblocks.xyz\nVersion: 1\nChain ID: ${chainId}\nNonce: ${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}\nIssued At: ${issued}`;
    return { text, encoded: Buffer.from(text).toString('base64'), issuedAt: Date.now() };
  };
  const publicCustomer = (c, withChallenge = false, fault) => {
    const out = { id: c.id, externalId: c.externalId, chainId: c.chainId, status: fault?.fault === 'unknown-status' ? 'suspended' : c.status, createdAt: c.createdAt, updatedAt: c.updatedAt };
    if (withChallenge) out.challenge = c.challenge.encoded;
    return out;
  };
  const setStatus = (c, status) => {
    c.status = status;
    c.updatedAt = nanoTimestamp();
    for (const hook of state.offblocks.webhooks.values()) {
      if (!hook.types.includes('customer.updated')) continue;
      const body = JSON.stringify({ webhookType: 'customer.updated', eventId: randomUUID(), ...publicCustomer(c) });
      signDelivery(hook.callbackUrl, body).then((headers) => deliver(hook.callbackUrl, body, headers));
    }
  };
  async function signDelivery(url, body) {
    const headers = { 'content-type': 'application/json', 'content-digest': `sha-256=:${createHash('sha256').update(body).digest('base64')}:` };
    const signed = await httpbis.signMessage(
      { key: createSigner(webhookKey.privateKey, 'ecdsa-p384-sha384', 'sandbox-webhook-key'), fields: ['@method', '@target-uri', 'content-digest', 'content-type'], params: ['created', 'keyid', 'alg'] },
      { method: 'POST', url, headers },
    );
    return { 'content-digest': headers['content-digest'], 'signature-input': signed.headers['Signature-Input'], signature: signed.headers['Signature'] };
  }

  async function verifySignature(req, rawBody, url) {
    if (!req.headers['signature'] || !req.headers['signature-input']) return [400, 'Invalid request signature: missing Signature or Signature-Input'];
    if (rawBody.length > 0) {
      const digest = req.headers['content-digest'];
      if (!digest) return [400, 'Invalid request: missing Content-Digest'];
      const entries = [...digest.matchAll(/(sha-256|sha-512)=:([A-Za-z0-9+/=]+):/g)];
      if (entries.length === 0) return [400, 'Invalid request: unsupported Content-Digest'];
      for (const [, alg, value] of entries) {
        const actual = createHash(alg === 'sha-256' ? 'sha256' : 'sha512').update(rawBody).digest('base64');
        if (actual !== value) return [400, 'Invalid request: Content-Digest does not match the body'];
      }
    }
    const required = ['@method', '@target-uri'];
    if (rawBody.length > 0) required.push('content-digest');
    if (req.headers['idempotency-key']) required.push('idempotency-key');
    let ok = false;
    try {
      ok = await httpbis.verifyMessage(
        {
          keyLookup: async (params) => {
            const key = state.offblocks.keys.get(params.keyid);
            return key ? { id: params.keyid, algs: ['ecdsa-p384-sha384'], verify: createVerifier(key, 'ecdsa-p384-sha384') } : null;
          },
          requiredFields: required,
          requiredParams: ['created', 'keyid'],
          tolerance: 300,
        },
        { method: req.method, url, headers: req.headers },
      );
    } catch (e) {
      return [401, `Invalid request signature: ${e.message}`];
    }
    return ok === true ? null : [401, 'Invalid request signature'];
  }

  async function offblocks(req, res, path, body, rawBody, fault, url) {
    const method = req.method;
    const seg = path.split('/').filter(Boolean);
    const err = (status, message, headers) => send(res, status, { message }, headers);
    const ob = state.offblocks;

    if (method === 'POST' && path === '/auth/token') {
      if (body?.apiKey !== SANDBOX.offblocksApiKey || body?.apiSecret !== SANDBOX.offblocksApiSecret) return err(401, 'Invalid credentials');
      const token = `sbx.${randomBytes(24).toString('base64url')}`;
      const expiresAt = Math.floor(Date.now() / 1000) + SANDBOX.tokenTtlSeconds;
      ob.tokens.set(token, expiresAt);
      return send(res, 200, { token, expiresAt, tokenType: 'Bearer' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer && ob.tokens.get(bearer);
    if (!expiry || expiry < Date.now() / 1000) return err(401, 'Not authorised');

    if (method === 'PUT' && path === '/auth/signing') {
      try {
        const pem = Buffer.from(String(body?.publicKey ?? ''), 'base64').toString('utf8');
        const key = createPublicKey(pem);
        if (key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') return err(400, 'Only ECDSA P-384 keys are supported');
        const keyId = body?.keyId && typeof body.keyId === 'string' ? body.keyId : randomUUID();
        ob.keys.set(keyId, key);
        return send(res, 200, { keyId });
      } catch {
        return err(400, 'Invalid public key: send the base64-encoded PEM');
      }
    }

    const sigError = await verifySignature(req, rawBody, url);
    if (sigError) return err(sigError[0], sigError[1]);

    // Idempotency for modifying requests.
    let idem = null;
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
      const key = req.headers['idempotency-key'];
      if (!isUuid(key)) return err(400, 'Invalid request: Idempotency-Key (UUID) is required');
      const fingerprint = createHash('sha256').update(`${method} ${path}\n`).update(rawBody).digest('hex');
      const seen = ob.idempotency.get(key);
      if (seen && seen.expires > Date.now()) {
        if (seen.fingerprint !== fingerprint) return err(422, 'Idempotency-Key already used with a different request');
        if (seen.inFlight) return err(409, 'Idempotency-Key Concurrency Conflict');
        res.setHeader('idempotent-replayed', 'true');
        return send(res, seen.status, seen.body);
      }
      idem = { fingerprint, inFlight: true, expires: Date.now() + SANDBOX.idempotencyTtlSeconds * 1000 };
      ob.idempotency.set(key, idem);
    }
    const reply = (status, payload) => {
      if (idem) Object.assign(idem, { inFlight: false, status, body: payload });
      if (fault?.fault === '500-after') return err(500, 'internal error');
      return send(res, status, payload);
    };
    const fail = (status, message) => {
      if (idem) ob.idempotency.delete(req.headers['idempotency-key']);
      return err(status, message);
    };
    if (fault?.fault === 'slow-in-flight') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1500));

    if (method === 'PUT' && path === '/webhooks') {
      if (typeof body?.callbackUrl !== 'string' || !Array.isArray(body?.types)) return fail(400, 'callbackUrl and types are required');
      const id = isUuid(body.id) ? body.id : randomUUID();
      const at = now().toISOString();
      ob.webhooks.set(id, { id, callbackUrl: body.callbackUrl, types: body.types, createdAt: at, updatedAt: at });
      return reply(200, ob.webhooks.get(id));
    }
    if (seg[0] === 'simulator' && seg[1] === 'customers' && seg[3] === 'verify' && method === 'PATCH') {
      const c = ob.customers.get(seg[2]);
      if (!c) return fail(404, 'Customer not found');
      if (c.status !== 'verifying' && c.status !== 'screening') return fail(409, 'Invalid state transition');
      setStatus(c, 'active');
      if (idem) Object.assign(idem, { inFlight: false, status: 202, body: '' });
      res.writeHead(202);
      return res.end();
    }
    if (seg[0] !== 'customers') return fail(404, 'route not found');
    if (method === 'POST' && seg.length === 1) {
      const m = caip10.exec(body?.chainId ?? '');
      if (!m || typeof body?.externalId !== 'string' || !body.externalId) return fail(400, 'Invalid request: chainId (CAIP-10) and externalId are required');
      if (m[1] === 'eip155' && !/^0x[0-9a-fA-F]{40}$/.test(m[3])) return fail(400, 'Invalid request: eip155 addresses are 0x + 40 hex digits');
      for (const c of ob.customers.values()) {
        if (c.externalId === body.externalId || c.chainId.toLowerCase() === body.chainId.toLowerCase()) return fail(409, 'Customer already exists');
      }
      const at = nanoTimestamp();
      const c = { id: randomUUID(), externalId: body.externalId, chainId: body.chainId, status: 'initiating', createdAt: at, updatedAt: at, address: m[3].toLowerCase(), evmChain: m[2] };
      c.challenge = siwe(c.address, c.evmChain);
      ob.customers.set(c.id, c);
      ob.order.push(c.id);
      // "The response contains a verification URL that redirects to our KYC partner's portal":
      // here a page the sandbox serves itself (GET /kyc/{id}).
      const out = publicCustomer(c, true);
      out.verificationUrl = `${new URL(url).origin}/kyc/${c.id}`;
      return reply(201, out);
    }
    if (method === 'GET' && seg.length === 1) return send(res, 200, ob.order.map((id) => publicCustomer(ob.customers.get(id), false, fault)));
    const c = ob.customers.get(seg[1]);
    if (!c) return fail(404, 'Customer not found');
    if (method === 'GET' && seg.length === 2) return send(res, 200, publicCustomer(c, false, fault));
    if (method === 'PATCH' && seg.length === 3 && (seg[2] === 'deactivate' || seg[2] === 'activate')) {
      const [from, to] = seg[2] === 'deactivate' ? ['active', 'inactive'] : ['inactive', 'active'];
      if (c.status !== from) return fail(409, 'Invalid state transition');
      setStatus(c, to);
      return reply(200, publicCustomer(c));
    }
    if (seg[2] === 'challenge' && seg.length === 3 && method === 'GET') {
      if (c.status !== 'initiating') return fail(409, 'Invalid state transition');
      if (Date.now() - c.challenge.issuedAt > SANDBOX.challengeTtlSeconds * 1000) c.challenge = siwe(c.address, c.evmChain);
      return send(res, 200, { challenge: c.challenge.encoded });
    }
    if (seg[2] === 'challenge' && seg[3] === 'sign' && method === 'POST') {
      if (c.status !== 'initiating') return fail(409, 'Invalid state transition');
      if (body?.challenge !== c.challenge.encoded) return fail(400, 'Invalid challenge: fetch the current one');
      let recovered = null;
      try {
        const hex = Buffer.from(String(body?.signature ?? ''), 'base64').toString('utf8').replace(/^0x/, '');
        const sig = Buffer.from(hex, 'hex');
        if (sig.length !== 65) throw new Error('length');
        const v = sig[64] >= 27 ? sig[64] - 27 : sig[64];
        const message = enc.encode(c.challenge.text);
        const digest = keccak_256(new Uint8Array([...enc.encode(`\x19Ethereum Signed Message:\n${message.length}`), ...message]));
        const pub = secp256k1.recoverPublicKey(new Uint8Array([v, ...sig.subarray(0, 64)]), digest, { prehash: false });
        recovered = ethAddress(secp256k1.Point.fromBytes(pub).toBytes(false));
      } catch {
        recovered = null;
      }
      if (recovered !== c.address) {
        c.challenge = siwe(c.address, c.evmChain); // a failed attempt issues a new challenge
        return fail(400, 'Invalid signature: a new challenge was issued');
      }
      setStatus(c, 'screening');
      setStatus(c, 'verifying'); // sandbox screening passes at once
      return reply(200, publicCustomer(c));
    }
    return fail(404, 'route not found');
  }

  // ----------------------------------------------------------------------------------------
  // Admin
  function admin(req, res, path, body) {
    if (path === '/state' && req.method === 'GET') {
      return send(res, 200, {
        bloc: { customers: state.bloc.order.map((id) => state.bloc.customers.get(id)), webhookUrl: state.bloc.webhookUrl },
        offblocks: { customers: state.offblocks.order.map((id) => publicCustomer(state.offblocks.customers.get(id))), keys: [...state.offblocks.keys.keys()] },
        faults: state.faults,
      });
    }
    if (path === '/reset' && req.method === 'POST') {
      for (const m of [state.bloc.customers, state.offblocks.customers, state.offblocks.idempotency, state.offblocks.webhooks]) m.clear();
      state.bloc.order.length = 0;
      state.offblocks.order.length = 0;
      state.faults.length = 0;
      state.deliveries.length = 0;
      state.bloc.webhookUrl = null;
      return send(res, 200, { reset: true });
    }
    if (path === '/faults' && req.method === 'POST') {
      if (!body?.fault) return send(res, 400, { message: 'fault is required' });
      state.faults.push({ times: 1, ...body });
      return send(res, 200, { faults: state.faults });
    }
    if (path === '/deliveries' && req.method === 'GET') return send(res, 200, state.deliveries);
    if (path === '/webhook-key' && req.method === 'GET') {
      return send(res, 200, { keyId: 'sandbox-webhook-key', publicKeyPem: webhookKey.publicKey.export({ type: 'spki', format: 'pem' }) });
    }
    if (path === '/signing-keys' && req.method === 'POST') {
      // Registers a request-signing public key under a chosen key id without a token (tests).
      try {
        state.offblocks.keys.set(body.keyId, createPublicKey(body.publicKeyPem));
        return send(res, 200, { keyId: body.keyId });
      } catch {
        return send(res, 400, { message: 'invalid key' });
      }
    }
    if (path === '/offblocks/webhooks' && req.method === 'POST') {
      // Subscribes a callback without a signed request (demos and tests).
      if (typeof body?.callbackUrl !== 'string') return send(res, 400, { message: 'callbackUrl is required' });
      const id = randomUUID();
      const at = now().toISOString();
      state.offblocks.webhooks.set(id, { id, callbackUrl: body.callbackUrl, types: body.types ?? ['customer.updated'], createdAt: at, updatedAt: at });
      return send(res, 200, state.offblocks.webhooks.get(id));
    }
    const m = /^\/offblocks\/customers\/([^/]+)\/status$/.exec(path);
    if (m && req.method === 'POST') {
      const c = state.offblocks.customers.get(m[1]);
      if (!c) return send(res, 404, { message: 'Customer not found' });
      setStatus(c, String(body?.status));
      return send(res, 200, publicCustomer(c));
    }
    return send(res, 404, { message: 'route not found' });
  }

  // ----------------------------------------------------------------------------------------
  // The KYC partner's portal, as the sandbox plays it: the page a create's `verificationUrl`
  // points at. It shows the customer and a button that completes verification the way the
  // simulator does (`screening`/`verifying` -> `active`).
  const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  function kycPage(req, res, rest) {
    const [id, action] = rest.split('/');
    const c = state.offblocks.customers.get(id);
    const page = (status, title, text) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>` +
          `<h1>${escapeHtml(title)}</h1>${text}</body></html>`,
      );
    };
    if (!c) return page(404, 'Unknown customer', '<p>No OffBlocks customer has this id.</p>');
    const ready = c.status === 'screening' || c.status === 'verifying';
    if (req.method === 'POST' && action === 'complete') {
      if (!ready) return page(409, 'Verification not possible', `<p>Customer <code id="customer-id">${escapeHtml(c.id)}</code> is <span id="status">${escapeHtml(c.status)}</span>: sign the ownership challenge first.</p>`);
      setStatus(c, 'active');
      return page(200, 'Verification complete', `<p>Customer <code id="customer-id">${escapeHtml(c.id)}</code> is now <span id="status">${escapeHtml(c.status)}</span>.</p>`);
    }
    if (req.method !== 'GET' || action !== undefined) return page(405, 'Not allowed', '<p>GET this page, or POST to /complete.</p>');
    const button = ready
      ? `<form method="post" action="/kyc/${escapeHtml(c.id)}/complete"><button id="complete" type="submit">Complete verification</button></form>`
      : '<p>Verification opens once the wallet has signed the ownership challenge.</p>';
    return page(
      200,
      'OffBlocks sandbox: KYC verification',
      `<p>Customer <code id="customer-id">${escapeHtml(c.id)}</code> (external id <code>${escapeHtml(c.externalId)}</code>) is <span id="status">${escapeHtml(c.status)}</span>.</p>${button}`,
    );
  }

  // ----------------------------------------------------------------------------------------
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const rawBody = Buffer.concat(chunks);
    let body = null;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return send(res, 400, { success: false, message: 'Invalid request: body is not JSON' });
      }
    }
    const url = new URL(req.url, `http://${req.headers.host}`);
    const path = url.pathname;
    try {
      if (path.startsWith('/__admin')) return admin(req, res, path.slice('/__admin'.length), body);
      const fault = takeFault(req.method, path, req.headers['x-sandbox-fault']);
      if (fault?.fault === '500') {
        const payload = path.startsWith('/bloc/') ? { success: false, message: 'internal error' } : { message: 'internal error' };
        return send(res, 500, payload);
      }
      if (fault?.fault === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 3000));
      if (fault?.fault === '429') return send(res, 429, { success: false, message: 'too many requests' }, { 'retry-after': String(fault.retryAfter ?? 1) });
      if (fault?.fault === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"success":true,"data":{"id":');
      }
      if (path.startsWith('/kyc/')) return kycPage(req, res, path.slice('/kyc/'.length));
      if (path.startsWith('/bloc/v1/')) return await bloc(req, res, path.slice('/bloc/v1'.length), body, fault);
      if (path.startsWith('/offblocks/v1/')) {
        return await offblocks(req, res, path.slice('/offblocks/v1'.length), body, rawBody, fault, url.toString());
      }
      return send(res, 404, { message: 'route not found' });
    } catch (e) {
      return send(res, 500, { message: `sandbox error: ${e.message}` });
    }
  });
  return { server, state, SANDBOX };
}

// ------------------------------------------------------------------------------------------
const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('server.mjs');
if (isMain) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const { server } = createSandbox();
  server.listen(Number(opt('--port') ?? 0), '127.0.0.1', () => {
    const { port } = server.address();
    const url = `http://127.0.0.1:${port}`;
    console.log(`sandbox listening on ${url}`);
    console.log(`  Bloc:      ${url}/bloc/v1   (any sk_test_ key; sk_live_ keys get 401)`);
    console.log(`  OffBlocks: ${url}/offblocks/v1   (apiKey ${SANDBOX.offblocksApiKey}, apiSecret ${SANDBOX.offblocksApiSecret})`);
    const ready = opt('--ready-file');
    if (ready) writeFileSync(ready, JSON.stringify({ url, bloc: `${url}/bloc/v1`, offblocks: `${url}/offblocks/v1`, ...SANDBOX }) + '\n');
  });
  const stop = (signal) => {
    console.log(`sandbox stopping (${signal})`);
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
