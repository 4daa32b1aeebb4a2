// The package as installed: both Node entries (import and require) give the same API over the
// same module; what the tarball contains; no `any` in the public types; the .wasm size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as esm from 'clientele';

const require = createRequire(import.meta.url);
const cjs = require('clientele');
const INSTALLED = process.env.CLIENTELE_INSTALLED;
const GOOD = { email: 'ada@example.com', phoneNumber: '08012345678', firstName: 'Ada', lastName: 'Obi', customerType: 'Personal', bvn: '22222222222' };

test('import and require export the same names, and both work', async () => {
  const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
  assert.deepEqual(names(cjs), names(esm));
  assert.ok(names(esm).length >= 40, `${names(esm).length} exports`);
  assert.deepEqual(cjs.validateBlocCustomerCreate({ ...GOOD, bvn: '1' }), esm.validateBlocCustomerCreate({ ...GOOD, bvn: '1' }));
  assert.equal(cjs.coreVersion(), esm.coreVersion());
  await esm.ready;
  await cjs.ready;
});

test('an error from the CommonJS copy is a ClienteleError to the ESM copy (and back)', () => {
  const fromCjs = (() => { try { new cjs.Bloc('nope'); } catch (e) { return e; } })();
  const fromEsm = (() => { try { new esm.Bloc('nope'); } catch (e) { return e; } })();
  assert.ok(fromCjs instanceof esm.ClienteleError && esm.isClienteleError(fromCjs));
  assert.ok(fromEsm instanceof cjs.ClienteleError && cjs.isClienteleError(fromEsm));
  assert.equal(fromCjs.code, 'invalid_credentials');
});

test('a plain CommonJS program: require("clientele") works synchronously', () => {
  const program = `
    const { Bloc, isValidationError } = require('clientele');
    try { new Bloc('sk_test_synthetic0000000000').buildCreateCustomer({ email: 'x' }); }
    catch (e) { console.log(JSON.stringify([e.name, e.code, isValidationError(e)])); }`;
  const r = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // The missing members are `required` issues of a validation error.
  assert.deepEqual(JSON.parse(r.stdout), ['ClienteleError', 'validation_failed', true]);
});

test('the exports map: workerd, edge-light and node+module (bundlers) -> the .wasm as modules; node -> .wasm read by URL (import), the nodejs glue (require); browser and default -> the web glue; ./init; the .wasm', () => {
  const pkg = JSON.parse(readFileSync(join(INSTALLED, 'package.json'), 'utf8'));
  const dot = pkg.exports['.'];
  // Workers runtimes first: a resolver takes the first condition it knows, in this order.
  assert.deepEqual(Object.keys(dot), ['workerd', 'edge-light', 'node', 'browser', 'default']);
  assert.equal(dot.workerd.default, './dist/esm/worker.js');
  assert.deepEqual(dot['edge-light'], dot.workerd);
  // Server bundlers (Turbopack in Next.js) add `module` to `node`; Node, Deno and Bun do not.
  assert.deepEqual(Object.keys(dot.node), ['module', 'import', 'require']);
  assert.deepEqual(dot.node.module, dot.workerd);
  const worker = readFileSync(join(INSTALLED, 'dist/esm/worker.js'), 'utf8');
  assert.match(worker, /import \w+ from '\.\.\/wasm\/web\/clientele_wasm_bg\.wasm\?module'/);
  assert.match(worker, /import \w+ from '\.\.\/wasm\/web\/clientele_keys_bg\.wasm\?module'/);
  const node = readFileSync(join(INSTALLED, 'dist/esm/node.js'), 'utf8');
  assert.match(node, /readFileSync\(new URL\('\.\.\/wasm\/web\/clientele_wasm_bg\.wasm', import\.meta\.url\)\)/);
  assert.match(node, /readFileSync\(new URL\('\.\.\/wasm\/web\/clientele_keys_bg\.wasm', import\.meta\.url\)\)/);
  assert.equal(dot.node.import.default, './dist/esm/node.js');
  assert.equal(dot.node.require.default, './dist/cjs/node-cjs.js');
  assert.equal(dot.browser.default, './dist/esm/web.js');
  assert.equal(dot.default.default, './dist/esm/web.js');
  for (const target of [dot.workerd, dot.node.import, dot.node.require, dot.browser, dot.default, pkg.exports['./init']]) {
    assert.ok(statSync(join(INSTALLED, target.types)).isFile(), target.types);
    assert.ok(statSync(join(INSTALLED, target.default)).isFile(), target.default);
  }
  assert.ok(require.resolve('clientele/clientele_wasm_bg.wasm').endsWith('dist/wasm/web/clientele_wasm_bg.wasm'));
  assert.ok(require.resolve('clientele/clientele_keys_bg.wasm').endsWith('dist/wasm/web/clientele_keys_bg.wasm'));
  const web = readFileSync(join(INSTALLED, 'dist/esm/web.js'), 'utf8');
  assert.match(web, /new URL\('\.\.\/wasm\/web\/clientele_wasm_bg\.wasm', import\.meta\.url\)/);
  assert.match(web, /new URL\('\.\.\/wasm\/web\/clientele_keys_bg\.wasm', import\.meta\.url\)/);
});

function files(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

test('the tarball holds the built package only: no sources, tests or maps', () => {
  const all = files(INSTALLED).map((f) => f.slice(INSTALLED.length + 1)).sort();
  assert.ok(all.includes('dist/wasm/web/clientele_wasm_bg.wasm') && all.includes('dist/wasm/node/clientele_wasm.cjs'));
  assert.ok(all.includes('dist/cjs/package.json') && all.includes('dist/wasm/node/package.json'));
  const unexpected = all.filter((f) => !/^(package\.json|README\.md|dist\/(esm|cjs|wasm)\/.+\.(js|cjs|d\.ts|d\.cts|wasm|json))$/.test(f));
  assert.deepEqual(unexpected, []);
});

test('no `any` in the public type declarations', () => {
  const decls = files(join(INSTALLED, 'dist')).filter((f) => f.endsWith('.d.ts') || f.endsWith('.d.cts'));
  assert.ok(decls.length > 10);
  const offenders = [];
  for (const f of decls) {
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    if (/\bany\b/.test(code)) offenders.push(f);
  }
  assert.deepEqual(offenders, []);
});

test('the .wasm files: the main, keys and client modules, each valid, shipped once, loaded by both glues', (t) => {
  const shipped = files(join(INSTALLED, 'dist')).filter((f) => f.endsWith('.wasm')).sort();
  assert.deepEqual(shipped, ['clientele_client', 'clientele_keys', 'clientele_wasm'].map((m) => join(INSTALLED, `dist/wasm/web/${m}_bg.wasm`)));
  for (const name of ['clientele_wasm', 'clientele_keys', 'clientele_client']) {
    const wasm = readFileSync(join(INSTALLED, `dist/wasm/web/${name}_bg.wasm`));
    assert.ok(WebAssembly.validate(wasm));
    const glue = readFileSync(join(INSTALLED, `dist/wasm/node/${name}.cjs`), 'utf8');
    assert.ok(glue.includes(`join(__dirname, '..', 'web', '${name}_bg.wasm')`), name);
    t.diagnostic(`${name}_bg.wasm: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} bytes gzip`);
  }
  // The split is real: the main module has no key code, the keys module none of the rest.
  const exports = (name) =>
    WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(INSTALLED, `dist/wasm/web/${name}_bg.wasm`)))).map((e) => e.name);
  assert.ok(!exports('clientele_wasm').some((e) => /signingkey|verifyingkey|verifyMessage|acceptChallengeSignature/i.test(e)));
  assert.ok(exports('clientele_keys').includes('signSignatureBase'));
  assert.ok(!exports('clientele_keys').some((e) => /^bloc_|validateBlocCustomerCreate/.test(e)));
  // The client engine is in the client module only; the page's module has none of it.
  assert.ok(exports('clientele_client').some((e) => /^bloccall_/.test(e)));
  assert.ok(!exports('clientele_wasm').some((e) => /^(bloccall|offblockscall|offblockssession)_/.test(e)));
  assert.ok(!exports('clientele_client').some((e) => /validateBlocCustomerCreate|signSignatureBase/.test(e)));
});

test('Node loads the keys module only when a key is first used (import and require)', () => {
  // import: the entry reads the keys .wasm (fs.readFileSync, watched here) on first use of a key.
  const esmProbe = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const reads = [];
    const readFileSync = fs.readFileSync;
    fs.readFileSync = (path, ...rest) => { reads.push(String(path)); return readFileSync(path, ...rest); };
    syncBuiltinESMExports();
    const read = (name) => reads.some((p) => p.endsWith(name));
    const m = await import('clientele');
    const main = read('clientele_wasm_bg.wasm');
    const before = read('clientele_keys_bg.wasm');
    m.validateBlocCustomerCreate(${JSON.stringify(GOOD)});
    const afterValidation = read('clientele_keys_bg.wasm');
    let code;
    try { m.SigningKey.fromPem('not a key'); } catch (e) { code = e.code; }
    console.log(JSON.stringify([main, before, afterValidation, read('clientele_keys_bg.wasm'), code]));`;
  const esm = spawnSync(process.execPath, ['--input-type=module', '-e', esmProbe], { encoding: 'utf8' });
  assert.equal(esm.status, 0, esm.stderr);
  assert.deepEqual(JSON.parse(esm.stdout), [true, false, false, true, 'signature_invalid_key']);
  // require: the keys glue is required on first use of a key.
  const cjsProbe = `
    const m = require('clientele');
    const keysGlue = require.resolve('clientele/package.json').replace('package.json', 'dist/wasm/node/clientele_keys.cjs');
    const cached = () => Object.keys(require.cache).includes(keysGlue);
    const before = cached();
    m.validateBlocCustomerCreate(${JSON.stringify(GOOD)});
    const afterValidation = cached();
    let code;
    try { m.SigningKey.fromPem('not a key'); } catch (e) { code = e.code; }
    console.log(JSON.stringify([before, afterValidation, cached(), code]));`;
  const cjs = spawnSync(process.execPath, ['-e', cjsProbe], { encoding: 'utf8' });
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.deepEqual(JSON.parse(cjs.stdout), [false, false, true, 'signature_invalid_key']);
});

test('a page-like global (window, document) in Node is still Node: BlocClient starts', () => {
  const program = `
    globalThis.window = {}; globalThis.document = {};
    const { BlocClient } = await import('clientele');
    console.log(new BlocClient({ secretKey: 'sk_test_synthetic0000000000' }).environment);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'test');
});

test('in a browser-like runtime (window and document, no process.versions.node) a secret key is refused', () => {
  const program = `
    globalThis.window = {}; globalThis.document = {};
    const { BlocClient, OffBlocksClient } = await import('clientele');
    Object.defineProperty(process.versions, 'node', { value: undefined });
    const out = [];
    try { new BlocClient({ secretKey: 'sk_test_synthetic0000000000' }); out.push('constructed'); } catch (e) { out.push(e.code, e.kind); }
    out.push(new BlocClient({ secretKey: 'sk_test_synthetic0000000000', dangerouslyAllowBrowser: true }).environment);
    try { new OffBlocksClient({ keyId: 'k', credentials: { apiKey: 'a', apiSecret: 'b' }, signer: () => new Uint8Array(96) }); out.push('constructed'); } catch (e) { out.push(e.code); }
    out.push(typeof new OffBlocksClient({ keyId: 'k', token: 't', signer: () => new Uint8Array(96) }).baseUrl);
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['unsafe_browser_credentials', 'credentials', 'test', 'unsafe_browser_credentials', 'string']);
});
