// Cross-check of Clientele's RFC 9421 implementation with the npm package
// `http-message-signatures` (the Node library OffBlocks points to):
//   1. requests signed by Clientele (every algorithm) must verify here, and fail once tampered;
//   2. requests signed here must verify in Clientele (and tampered ones must not).
// Prints one line per case and ends with "sig-interop: N passed, N failed".
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpbis, createSigner, createVerifier } from 'http-message-signatures';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'tests', 'fixtures');
const CREATED = 1763700000;
let passed = 0;
let failed = 0;
const report = (ok, name, detail = '') => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};

const pem = (text, label) => {
  const m = text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`));
  if (!m) throw new Error(`no ${label}`);
  return m[0];
};
const p256 = readFileSync(join(fixtures, 'sig/rfc9421-B.1.3-test-key-ecc-p256.pem'), 'utf8');
const ed = readFileSync(join(fixtures, 'sig/rfc9421-B.1.4-test-key-ed25519.pem'), 'utf8');
const secret = Buffer.from(readFileSync(join(fixtures, 'sig/rfc9421-B.1.5-test-shared-secret.b64.txt'), 'utf8').trim(), 'base64');
const keys = {
  'ecdsa-p384-sha384': {
    id: 'test-key-ecc-p384',
    priv: createPrivateKey(readFileSync(join(fixtures, 'offblocks/test-key-p384.pem'), 'utf8')),
    pub: createPublicKey(readFileSync(join(fixtures, 'offblocks/test-key-p384.pub.pem'), 'utf8')),
  },
  'ecdsa-p256-sha256': { id: 'test-key-ecc-p256', priv: createPrivateKey(pem(p256, 'EC PRIVATE KEY')), pub: createPublicKey(pem(p256, 'PUBLIC KEY')) },
  ed25519: { id: 'test-key-ed25519', priv: createPrivateKey(pem(ed, 'PRIVATE KEY')), pub: createPublicKey(pem(ed, 'PUBLIC KEY')) },
  'hmac-sha256': { id: 'test-shared-secret', priv: secret, pub: secret },
};

const cargo = (...args) =>
  execFileSync('cargo', ['run', '-q', '--example', 'sig_interop', '--', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const verifyHere = async (alg, request) => {
  const { id, pub } = keys[alg];
  try {
    return await httpbis.verifyMessage(
      {
        keyLookup: async (params) => (params.keyid === id ? { id, algs: [alg], verify: createVerifier(pub, alg) } : null),
        requiredFields: ['@method', '@target-uri', 'content-digest'],
        requiredParams: ['created', 'keyid', 'alg'],
        tolerance: 10 ** 9, // the fixed `created` is in the past; freshness is not what is checked here
      },
      request,
    );
  } catch (e) {
    return false;
  }
};

// 1. Clientele signs, http-message-signatures verifies.
const emitted = JSON.parse(cargo('emit'));
for (const { alg, request } of emitted) {
  report((await verifyHere(alg, request)) === true, `${alg} signed by Clientele verifies in http-message-signatures`);
  const tampered = { ...request, url: request.url.replace('source=interop', 'source=tampered') };
  report((await verifyHere(alg, tampered)) !== true, `${alg} signed by Clientele, URL tampered, is rejected`);
  const digest = request.headers['content-digest'];
  const expected = `sha-512=:${createHash('sha512').update(request.body).digest('base64')}:`;
  report(digest === expected, `${alg} Content-Digest matches node:crypto`);
}

// 2. http-message-signatures signs, Clientele verifies.
const body = JSON.stringify({ chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', externalId: 'customer-from-node' });
const cases = [];
for (const [alg, { id, priv }] of Object.entries(keys)) {
  const request = {
    method: 'POST',
    url: 'https://api.sandbox.offblocks.xyz/v1/customers?source=node',
    headers: {
      'content-type': 'application/json',
      'content-digest': `sha-256=:${createHash('sha256').update(body).digest('base64')}:`,
      'idempotency-key': '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59',
    },
  };
  const signed = await httpbis.signMessage(
    {
      key: createSigner(priv, alg, id),
      fields: ['@method', '@target-uri', '@authority', '@path', '@query', 'content-digest', 'content-type', 'idempotency-key'],
      params: ['created', 'keyid', 'alg'],
      paramValues: { created: new Date(CREATED * 1000) },
    },
    request,
  );
  cases.push({ name: 'signed by http-message-signatures', alg, now: CREATED, request: { ...signed, body }, expectValid: true });
  cases.push({
    name: 'signed by http-message-signatures, body tampered',
    alg,
    now: CREATED,
    request: { ...signed, body: body.replace('node', 'evil') },
    expectValid: false,
  });
}
const file = join(mkdtempSync(join(tmpdir(), 'sig-interop-')), 'node-signed.json');
writeFileSync(file, JSON.stringify(cases));
let out = '';
try {
  out = cargo('verify', file);
} catch (e) {
  out = e.stdout ?? '';
}
for (const line of out.trim().split('\n')) {
  const m = line.match(/^(ok  |FAIL) (\S+) (.*)$/);
  if (m) report(m[1] === 'ok  ', `${m[2]} ${m[3]} (checked by Clientele)`);
}
if (out.trim().split('\n').length !== cases.length) report(false, 'Clientele verified every Node-signed case');

console.log(`sig-interop: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
