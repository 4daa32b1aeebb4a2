// The README's JavaScript quickstarts, run exactly as written (the test harness wrote each tagged
// block to readme/<name>). The network is emulated: a preload points fetch at a local server for
// the providers' hosts, nothing else changes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bloc, freshChallenge, header, serve, UUID_V4 } from './helpers.mjs';

const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));
const preload = join(process.cwd(), 'readme', 'emulate-network.mjs');
writeFileSync(
  preload,
  `const real = globalThis.fetch;
globalThis.fetch = (url, init) =>
  real(String(url).replace(/^https:\\/\\/api\\.(blochq\\.io|sandbox\\.offblocks\\.xyz)/, process.env.EMULATOR), init);
`,
);

function run(name, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', preload, join('readme', name)], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('README: the Node quickstart runs as written', async () => {
  const server = await serve((req) =>
    req.method === 'POST'
      ? { status: 200, body: bloc.ok(bloc.customer(), 'Customer added successfully') }
      : { status: 200, body: { success: true, data: [bloc.customer(), bloc.customer('6410612c7f1b4b36103f872a', { full_name: 'Bello Tunde' })], metadata: { has_next: false } } },
  );
  servers.push(server);
  const r = await run('quickstart-node.mjs', { BLOC_SECRET_KEY: 'sk_test_synthetic0000000000', EMULATOR: server.base });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'email: invalid_email, bvn: invalid_bvn',
    '64105f5d7f1b4b36103f870e 2026-11-21T09:30:12.839735959Z',
    '64105f5d7f1b4b36103f870e Obi Ada',
    '6410612c7f1b4b36103f872a Bello Tunde',
  ]);
  // The invalid form was never sent; the fixed one was, phone in Bloc's local form.
  assert.deepEqual(server.received.map((q) => `${q.method} ${q.url}`), ['POST /v1/customers', 'GET /v1/customers']);
  assert.equal(JSON.parse(server.received[0].body).phone_number, '08012345678');
  assert.equal(header(server.received[0], 'authorization'), 'Bearer sk_test_synthetic0000000000');
});

test('README: the OffBlocks WebCrypto quickstart runs as written', async () => {
  const server = await serve((req) => {
    if (req.path === '/v1/auth/token') return { status: 200, body: { token: 'emulated-token', expiresAt: Math.floor(Date.now() / 1000) + 3600 } };
    const body = JSON.parse(req.body);
    return {
      status: 201,
      body: { id: '123e4567-e89b-12d3-a456-426614174000', ...body, status: 'initiating', challenge: freshChallenge(), verificationUrl: 'https://kyc.partner.example/session/42' },
    };
  });
  servers.push(server);
  const r = await run('quickstart-offblocks.mjs', {
    EMULATOR: server.base,
    OFFBLOCKS_KEY_ID: 'my-key-id',
    OFFBLOCKS_API_KEY: '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59',
    OFFBLOCKS_API_SECRET: 'synthetic-secret',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '123e4567-e89b-12d3-a456-426614174000 initiating api.sandbox.offblocks.xyz\nhttps://kyc.partner.example/session/42');
  const [token, create] = server.received;
  assert.equal(JSON.parse(create.body).chainId, 'eip155:300:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23');
  assert.deepEqual(JSON.parse(token.body), { apiKey: '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59', apiSecret: 'synthetic-secret' });
  assert.equal(header(create, 'authorization'), 'Bearer emulated-token');
  assert.match(header(create, 'idempotency-key'), UUID_V4);
  assert.match(header(create, 'signature-input'), /^sig=\("@method" "@target-uri" "content-digest" "content-type" "idempotency-key"\);created=\d+;keyid="my-key-id";alg="ecdsa-p384-sha384"$/);
  assert.match(header(create, 'signature'), /^sig=:[A-Za-z0-9+/]{128}:$/);
});

test('README: the npm package README carries the same quickstarts', () => {
  const blocks = (text) => [...text.matchAll(/<!-- test: ([\w.-]+) -->\n```[\w-]*\n([\s\S]*?)\n```/g)].map((m) => [m[1], m[2]]);
  const root = blocks(readFileSync(process.env.CLIENTELE_README, 'utf8'));
  const pkg = blocks(readFileSync(process.env.CLIENTELE_NPM_README, 'utf8'));
  assert.ok(root.length >= 4);
  assert.deepEqual(pkg, root);
});
