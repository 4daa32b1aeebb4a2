// `npm run bench` (after `npm run build`): the npm package against a pure-JS baseline written the
// way a good JS team would (JSON.parse + zod schemas with the same rules; node:crypto for digests
// and signatures), in ONE process, printing each ratio. Numbers, not assertions.
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

import { Bloc, OffBlocks, SigningKey, validateBlocCustomerCreate } from '../dist/esm/node.js';

const entry = fileURLToPath(new URL('../dist/esm/node.js', import.meta.url));
const keyPem = readFileSync(new URL('../../tests/fixtures/offblocks/test-key-p384.pem', import.meta.url), 'utf8');

// ---- data ---------------------------------------------------------------------------------
const customer = (i) => ({
  id: i.toString(16).padStart(24, '0'), full_name: `Obi Ada${i}`, phone_number: `080${String(i).padStart(8, '0')}`,
  organization_id: '640b045929eb9cf45bc720c9', environment: 'test', email: `ada${i}@example.com`, country: 'Nigeria',
  group: 'main', status: i % 7 === 0 ? 'archived' : 'active', created_at: '2023-03-14T11:49:49.839735959Z',
  updated_at: '0001-01-01T00:00:00Z', SyncData: { Provider: '' }, first_name: `Ada${i}`, last_name: 'Obi',
  kyc_tier: String(i % 4), bvn: `2222222${String(i).padStart(4, '0')}`, date_of_birth: '1992-03-30T00:00:00Z',
  customer_type: 'Personal', source: 'Banking', gender: 'female', place_of_birth: 'Kaduna',
  address: { street: '12 Admiralty Way', city: 'Lekki', state: 'Lagos', country: 'Nigeria', postal_code: '106104' },
});
const pageText = JSON.stringify({ success: true, message: 'get customers', data: Array.from({ length: 1000 }, (_, i) => customer(i)), metadata: { has_next: true, has_previous: false } });
const pageBytes = new TextEncoder().encode(pageText);
const payload = { email: 'ada.obi@example.com', phoneNumber: '+234 801 234 5678', firstName: 'Ada', lastName: 'Obi', customerType: 'Personal', bvn: '22222222222' };

// ---- the baseline: zod with the same tolerant rules ---------------------------------------------
const unsetTime = (s) => s == null || s === '' || s.startsWith('0001-01-01');
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const timestamp = z.string().nullable().optional().transform((s, ctx) => {
  if (unsetTime(s)) return null;
  if (!rfc3339.test(s) || Number.isNaN(Date.parse(s))) {
    ctx.addIssue({ code: 'custom', message: 'expected an RFC 3339 timestamp' });
    return z.NEVER;
  }
  return s;
});
const str = z.string().nullable().optional().transform((s) => s ?? '');
const nonEmpty = z.string().nullable().optional().transform((s) => (s ? s : null));
const open = (known) => z.string().transform((s) => known.find((k) => k.toLowerCase() === s.toLowerCase()) ?? s);
const zCustomer = z.object({
  id: z.string(), first_name: str, last_name: str, full_name: str, email: str, phone_number: str, bvn: str,
  customer_type: open(['Personal']), status: open(['active', 'archived']),
  kyc_tier: z.union([z.string(), z.number().int()]).nullable().optional().transform((v) => (v == null ? '0' : String(v))),
  kyc_status: nonEmpty, environment: open(['test', 'live']), organization_id: str, group: str, source: str, country: str,
  gender: nonEmpty.transform((g) => (g == null ? null : ['Male', 'Female'].find((k) => k.toLowerCase() === g.toLowerCase()) ?? g)),
  date_of_birth: timestamp.transform((t) => (t == null ? null : t.slice(0, 10))), place_of_birth: nonEmpty,
  address: z.record(z.string(), z.string().nullable()).nullable().optional().transform((a) => (!a || Object.keys(a).length === 0 ? null : a)),
  image_url: nonEmpty, means_of_identity: nonEmpty, means_of_identity_url: nonEmpty, identity_url: nonEmpty,
  SyncData: z.object({ Provider: str, ID: nonEmpty }).nullable().optional(),
  created_at: timestamp, updated_at: timestamp,
}).transform((c) => ({
  id: c.id, firstName: c.first_name, lastName: c.last_name, fullName: c.full_name, email: c.email, phoneNumber: c.phone_number,
  bvn: c.bvn, customerType: c.customer_type, status: c.status, kycTier: c.kyc_tier, kycStatus: c.kyc_status,
  environment: c.environment, organizationId: c.organization_id, group: c.group, source: c.source, country: c.country,
  gender: c.gender, dateOfBirth: c.date_of_birth, placeOfBirth: c.place_of_birth, address: c.address, imageUrl: c.image_url,
  meansOfIdentity: c.means_of_identity, meansOfIdentityUrl: c.means_of_identity_url, identityUrl: c.identity_url,
  syncData: c.SyncData ? { provider: c.SyncData.Provider, id: c.SyncData.ID } : null, createdAt: c.created_at, updatedAt: c.updated_at,
}));
const zPage = z.object({ success: z.boolean().optional(), data: z.array(zCustomer).nullable().optional(), metadata: z.object({ has_next: z.boolean(), has_previous: z.boolean() }).optional() })
  .transform((p) => ({ customers: p.data ?? [], hasNext: p.metadata?.has_next ?? false, hasPrevious: p.metadata?.has_previous ?? false }));
const name = z.string().refine((s) => s.trim() !== '', 'required').refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'control_characters').refine((s) => [...s].length <= 100, 'too_long');
const phone = z.string().transform((s, ctx) => {
  const t = s.trim();
  const plus = t.startsWith('+');
  const digits = (plus ? t.slice(1) : t).replace(/[ ().-]/g, '');
  let national = null;
  if (/^\d+$/.test(digits)) {
    if (digits.startsWith('234') && (plus || digits.length >= 13)) national = digits.slice(3).replace(/^0/, '');
    else if (!plus && digits.startsWith('0')) national = digits.slice(1);
  }
  if (!national || !/^[789]\d{9}$/.test(national)) {
    ctx.addIssue({ code: 'custom', message: 'invalid_phone' });
    return z.NEVER;
  }
  return `0${national}`;
});
const zCreate = z.object({
  email: z.string().regex(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,}$/), phoneNumber: phone,
  firstName: name, lastName: name, customerType: z.string().min(1), bvn: z.string().regex(/^\d{11}$/),
});

// ---- timing ---------------------------------------------------------------------------------
// The contenders of one comparison run in alternating rounds (a, b, c, then b, c, a, ...) and
// each reports its median round, so a load spike on a shared machine hits every side alike.
function compare(entries, { rounds = 9, roundMs = 100, unit = 'op' } = {}) {
  for (const [, f] of entries) for (let i = 0; i < 5; i++) f(); // warm up
  const perRound = entries.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const i = (r + k) % entries.length;
      const f = entries[i][1];
      let n = 0;
      const t0 = performance.now();
      let elapsed = 0;
      while (elapsed < roundMs) {
        f();
        n++;
        elapsed = performance.now() - t0;
      }
      perRound[i].push(elapsed / n);
    }
  }
  return entries.map(([label], i) => {
    const sorted = perRound[i].sort((x, y) => x - y);
    const per = sorted[Math.floor(sorted.length / 2)];
    const spread = `${fmt(sorted[0])} to ${fmt(sorted[sorted.length - 1])}`;
    console.log(`  ${label.padEnd(52)} ${fmt(per).padStart(10)} per ${unit} (median of ${rounds} rounds; ${spread})`);
    return per;
  });
}
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`);
const ratio = (label, wasm, js) =>
  console.log(`  => ${label}: clientele ${(js / wasm).toFixed(2)}x ${js >= wasm ? 'faster' : 'SLOWER'} than the JS baseline\n`);

console.log('Clientele npm benchmarks (one process; node', process.version + ')\n');

console.log(`parse + validate a 1,000-customer Bloc page (${(pageBytes.length / 1024).toFixed(0)} KiB)`);
const response = { status: 200, headers: [], body: pageBytes };
const [wasmParse, , jsParseBytes] = compare([
  ['clientele: Bloc.parseListCustomers (bytes in)', () => Bloc.parseListCustomers(response)],
  ['baseline: JSON.parse + zod (text in)', () => zPage.parse(JSON.parse(pageText))],
  ['baseline: TextDecoder + JSON.parse + zod (bytes in)', () => zPage.parse(JSON.parse(new TextDecoder().decode(pageBytes)))],
], { unit: 'page', roundMs: 150 });
console.log(`  clientele throughput: ${((pageBytes.length / 1024 / 1024) / (wasmParse / 1000)).toFixed(1)} MiB/s`);
ratio('page, bytes in', wasmParse, jsParseBytes);

console.log('validate one create payload (all issues at once)');
const [wasmValidate, jsValidate] = compare([
  ['clientele: validateBlocCustomerCreate', () => validateBlocCustomerCreate(payload)],
  ['baseline: zod safeParse', () => zCreate.safeParse(payload)],
]);
console.log(`  target: under 20 µs per call across the boundary: ${wasmValidate * 1000 < 20 ? 'met' : 'MISSED'} (${(wasmValidate * 1000).toFixed(2)} µs)`);
ratio('validation', wasmValidate, jsValidate);

console.log('build and sign an OffBlocks create request (ecdsa-p384-sha384, Content-Digest)');
const offblocks = new OffBlocks({ keyId: 'bench', token: 'eyJ.bench.token' });
const key = SigningKey.fromPem(keyPem);
const input = { chainId: 'eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb', externalId: 'customer-42' };
const now = new Date('2025-11-21T04:40:00Z');
const nodeKey = createPrivateKey(keyPem);
const [wasmSign, jsSign] = compare([
  ['clientele: buildCreateCustomer + sign (in the core)', () =>
    offblocks.buildCreateCustomer(input, { idempotencyKey: '5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4', now }).sign(key)],
  ['baseline: JSON + node:crypto sha-256 + ECDSA P-384 sign', () => {
  const body = JSON.stringify(input);
  const digest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const base = `"@method": POST\n"@target-uri": https://api.sandbox.offblocks.xyz/v1/customers\n"content-digest": ${digest}\n"content-type": application/json\n"idempotency-key": 5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4\n"@signature-params": ("@method" "@target-uri" "content-digest" "content-type" "idempotency-key");created=1763700000;keyid="bench";alg="ecdsa-p384-sha384"`;
  return nodeSign('sha384', Buffer.from(base), { key: nodeKey, dsaEncoding: 'ieee-p1363' });
  }],
]);
ratio('signed request', wasmSign, jsSign);

console.log('import + first call in a fresh Node process');
const runs = Array.from({ length: 5 }, () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    const t0 = performance.now();
    const m = await import(${JSON.stringify(entry)});
    m.validateBlocCustomerCreate(${JSON.stringify(payload)});
    console.log(performance.now() - t0);`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
});
const best = Math.min(...runs);
console.log(`  import + first validation: best ${best.toFixed(1)} ms, median ${runs.sort((a, b) => a - b)[2].toFixed(1)} ms (target under 30 ms: ${best < 30 ? 'met' : 'MISSED'})`);
