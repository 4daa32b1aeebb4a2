// Builds the npm package `clientele` into npm/dist:
//   1. the three wasm modules: `cargo build --profile wasm-release --target wasm32-unknown-unknown
//      -p clientele-wasm --no-default-features --features <main|keys|client>` (the features are
//      additive; each module is built with one): the main module (clientele_wasm), the keys module
//      (clientele_keys: everything that takes a key, loaded only when used), and the client
//      module (clientele_client: the engine behind the clients, loaded on a client's first call)
//   2. JS glue with the pinned wasm-bindgen CLI (installed with cargo if missing): --target nodejs
//      (CommonJS, synchronous load) and --target web (ESM, loads the .wasm by URL), into npm/wasm/
//      (an intermediate the TypeScript sources import their types from)
//      (the web glue's initSync is widened to accept a WebAssembly.Module from another realm)
//   3. `wasm-opt` (-Oz, and -Os --converge; the smaller gzip is kept) from the pinned npm package
//      binaryen; both glues of a module load one .wasm
//      (2 and 3 are reused from target/npm-glue while the modules, the tools and this script are unchanged)
//   4. the TypeScript host layer, compiled to ESM (every entry) and CommonJS (the Node entry)
//   5. a size report (raw and gzip, per module, against the budget) in dist/size.json, and the
//      inputs' hash in dist/.inputs
// Nothing generated is committed: npm/wasm and npm/dist are ignored.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { inputsHash } from './inputs.mjs';

const npm = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(npm, '..');
const dist = join(npm, 'dist');
const glue = join(npm, 'wasm');
const WASM_BINDGEN = '0.2.130'; // must equal the wasm-bindgen crate version pinned in Cargo.toml
const started = Date.now();

const run = (cmd, args, opts = {}) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
};
const output = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).trim();
  } catch {
    return '';
  }
};

// 0. Tools: the npm dev dependencies (binaryen, typescript) and the pinned wasm-bindgen CLI
//    (cached in ~/.cargo/bin).
if (!existsSync(join(npm, 'node_modules/.bin/wasm-opt')) || !existsSync(join(npm, 'node_modules/.bin/tsc'))) {
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: npm });
}
const cargoToml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
if (!cargoToml.includes(`wasm-bindgen = "=${WASM_BINDGEN}"`)) {
  throw new Error(`npm/scripts/build.mjs pins wasm-bindgen ${WASM_BINDGEN}, but Cargo.toml pins another version`);
}
if (output('wasm-bindgen', ['--version']) !== `wasm-bindgen ${WASM_BINDGEN}`) {
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', WASM_BINDGEN, '--bin', 'wasm-bindgen', '--bin', 'wasm-bindgen-test-runner']);
}
const hash = inputsHash(root);

// 1. The modules. Both builds write the same artefact path, so each is copied out after its build.
const targetDir = JSON.parse(output('cargo', ['metadata', '--format-version', '1', '--no-deps']) || '{}').target_directory ?? join(root, 'target');
const modulesDir = join(targetDir, 'npm-modules');
mkdirSync(modulesDir, { recursive: true });
const MODULES = [
  { name: 'clientele_wasm', features: ['--no-default-features', '--features', 'main'] },
  { name: 'clientele_keys', features: ['--no-default-features', '--features', 'keys'] },
  { name: 'clientele_client', features: ['--no-default-features', '--features', 'client'] },
];
// sha2's documented compact software backend (its README, "Backends"): the unrolled rounds cost
// about 5 kB gzip per module for hashing speed no body in this SDK needs. Set for the wasm target
// only, so host builds and their caches are untouched.
const wasmEnv = { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: '--cfg sha2_backend_soft="compact"' };
for (const module of MODULES) {
  run('cargo', ['build', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown', '-p', 'clientele-wasm', ...module.features], { env: wasmEnv });
  module.path = join(modulesDir, `${module.name}.wasm`);
  cpSync(join(targetDir, 'wasm32-unknown-unknown/wasm-release/clientele_wasm.wasm'), module.path);
}

// 2-3. The glue and the optimised .wasm files depend only on the modules, the tools and this
// script: reuse them from target/npm-glue when those did not change (wasm-opt takes ~20 s each).
const glueHash = createHash('sha256');
for (const module of MODULES) glueHash.update(readFileSync(module.path));
const glueKey = glueHash
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(WASM_BINDGEN)
  .update(readFileSync(join(npm, 'node_modules/binaryen/package.json')))
  .digest('hex')
  .slice(0, 16);
const glueCache = join(targetDir, 'npm-glue', glueKey);
let before;
rmSync(glue, { recursive: true, force: true });
if (existsSync(join(glueCache, 'before-wasm-opt.json'))) {
  console.log(`glue and optimised .wasm: unchanged modules, reused from ${glueCache}`);
  cpSync(join(glueCache, 'glue'), glue, { recursive: true });
  before = JSON.parse(readFileSync(join(glueCache, 'before-wasm-opt.json'), 'utf8'));
} else {
  rmSync(glue, { recursive: true, force: true });
  before = {};
  for (const module of MODULES) before[module.name] = generateGlue(module);
  // The nodejs glue is CommonJS: mark its folder so ESM packages can require it unambiguously.
  writeFileSync(join(glue, 'node/package.json'), '{ "type": "commonjs" }\n');
  rmSync(join(targetDir, 'npm-glue'), { recursive: true, force: true });
  cpSync(glue, join(glueCache, 'glue'), { recursive: true });
  writeFileSync(join(glueCache, 'before-wasm-opt.json'), JSON.stringify(before));
}

function generateGlue({ name, path }) {
  // 2. Glue for Node (CommonJS) and the web (ESM).
  for (const [target, dir] of [['nodejs', 'node'], ['web', 'web']]) {
    const out = join(glue, dir);
    run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', name, path]);
    rmSync(join(out, `${name}_bg.wasm.d.ts`)); // the raw exports' types: internal
    // `[Symbol.dispose]` needs lib esnext.disposable in every consumer's tsconfig; the methods stay,
    // only their declarations go (the wrapper never exposes the raw classes).
    for (const file of readdirSync(out).filter((f) => f.startsWith(name) && f.endsWith('.d.ts'))) {
      const path = join(out, file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, ''));
    }
  }
  // The web glue's initSync tells a compiled module from bytes with `instanceof`, which is false
  // for a WebAssembly.Module from another realm: the Next.js Edge runtime (a vm context) hands a
  // `.wasm?module` import over compiled outside it. Instantiating such a module works; only the
  // test is too narrow, so it also accepts the module's own tag.
  const webGlue = join(glue, `web/${name}.js`);
  const webGlueText = readFileSync(webGlue, 'utf8');
  const moduleTest = 'if (!(module instanceof WebAssembly.Module)) {';
  if (webGlueText.split(moduleTest).length !== 2) throw new Error('the web glue no longer tells modules from bytes as expected: update build.mjs');
  writeFileSync(
    webGlue,
    webGlueText.replace(
      moduleTest,
      "if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {",
    ),
  );
  renameSync(join(glue, `node/${name}.js`), join(glue, `node/${name}.cjs`));
  renameSync(join(glue, `node/${name}.d.ts`), join(glue, `node/${name}.d.cts`));
  // Both glues load the same .wasm: the Node glue reads the web folder's copy, so the package
  // ships each module once.
  const nodeGlue = join(glue, `node/${name}.cjs`);
  const nodeGlueText = readFileSync(nodeGlue, 'utf8');
  const wasmPathLine = `const wasmPath = \`\${__dirname}/${name}_bg.wasm\`;`;
  if (!nodeGlueText.includes(wasmPathLine)) throw new Error('the nodejs glue no longer loads its .wasm as expected: update build.mjs');
  writeFileSync(
    nodeGlue,
    nodeGlueText
      .replace(wasmPathLine, `const wasmPath = require('path').join(__dirname, '..', 'web', '${name}_bg.wasm');`)
      .replace(`/* @ts-self-types="./${name}.d.ts" */`, `/* @ts-self-types="./${name}.d.cts" */`),
  );
  rmSync(join(glue, `node/${name}_bg.wasm`));

  // 3. Optimise for the size users download (gzip, what the budget measures). Neither level wins
  //    for every module (2026-12-03: the main module 198,661 B gzip with `-Os --converge` against
  //    200,033 B with `-Oz`; the keys module 188,141 B with `-Oz` against 188,330 B), so both run
  //    and the smaller gzip is kept. `--low-memory-unused` lets it fold constant offsets into
  //    loads and stores: true of Rust's wasm32 layout, whose stack sits below its data at 1 MiB and
  //    reaches the lowest 1 KiB only by overflowing (main module: 197,435 B against 199,507 B).
  const webWasm = join(glue, `web/${name}_bg.wasm`);
  const sizeBefore = statSync(webWasm).size;
  const candidates = [['-Oz'], ['-Os', '--converge']].map((level, i) => {
    const out = `${webWasm}.${i}`;
    run(join(npm, 'node_modules/.bin/wasm-opt'), [
      ...level, '--low-memory-unused', '--strip-debug', '--strip-producers',
      '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
      webWasm, '-o', out,
    ]);
    return { out, level: level.join(' '), gzip: gzipSync(readFileSync(out), { level: 9 }).length };
  });
  const best = candidates.reduce((a, b) => (b.gzip < a.gzip ? b : a));
  console.log(`wasm-opt ${name}: ${candidates.map((c) => `${c.level} ${c.gzip} B gzip`).join(', ')}; kept ${best.level}`);
  renameSync(best.out, webWasm);
  for (const c of candidates) rmSync(c.out, { force: true });
  return { bytes: sizeBefore, optLevel: best.level };
}

// 4. The TypeScript host layer: ESM (every entry) and CommonJS (the Node entry), beside the glue.
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
cpSync(glue, join(dist, 'wasm'), { recursive: true });
const tsc = join(npm, 'node_modules/.bin/tsc');
run(tsc, ['-p', join(npm, 'tsconfig.json')]);
run(tsc, ['-p', join(npm, 'tsconfig.cjs.json')]);
writeFileSync(join(dist, 'cjs/package.json'), '{ "type": "commonjs" }\n');

// 5. Size report: every module against the budget (checked by the package's tests).
// Per module, in decimal kilobytes (the stricter reading). The keys module's is 215 kB: it reads
// keys with RustCrypto's pkcs8/sec1/spki parsers (about 22 kB gzip more than a hand-written DER
// reader; key material goes through well-kept parsers), until JS signing moves to WebCrypto.
const BUDGETS = { clientele_wasm: 200_000, clientele_keys: 215_000, clientele_client: 200_000 };
const report = { modules: {} };
for (const { name } of MODULES) {
  const bytes = readFileSync(join(dist, `wasm/web/${name}_bg.wasm`));
  const budget = BUDGETS[name];
  const entry = {
    budgetGzipBytes: budget,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    beforeWasmOptBytes: before[name].bytes,
    optLevel: before[name].optLevel,
  };
  report.modules[name] = entry;
  console.log(
    `size: ${name}_bg.wasm ${entry.rawBytes} bytes raw, ${entry.gzipBytes} bytes gzip ` +
      `(${(entry.gzipBytes / 1024).toFixed(1)} KiB; budget ${budget}: ` +
      `${entry.gzipBytes <= budget ? 'within' : 'OVER'}; before wasm-opt ${entry.beforeWasmOptBytes} bytes)`,
  );
}
writeFileSync(join(dist, 'size.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(dist, '.inputs'), hash + '\n');
if (!existsSync(join(dist, 'esm/node.js')) || !existsSync(join(dist, 'cjs/node-cjs.js'))) {
  throw new Error('the host layer was not built');
}
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
