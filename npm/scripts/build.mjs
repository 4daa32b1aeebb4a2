// Builds the npm package `clientele` into npm/dist:
//   1. the wasm module: `cargo build --profile wasm-release --target wasm32-unknown-unknown -p clientele-wasm`
//   2. JS glue with the pinned wasm-bindgen CLI (installed with cargo if missing): --target nodejs
//      (CommonJS, synchronous load) and --target web (ESM, loads the .wasm by URL), into npm/wasm/
//      (an intermediate the TypeScript sources import their types from)
//   3. `wasm-opt -Os` from the pinned npm package binaryen; both glues load the one .wasm
//      (2 and 3 are reused from target/npm-glue while the module, the tools and this script are unchanged)
//   4. the TypeScript host layer, compiled to ESM (every entry) and CommonJS (the Node entry)
//   5. a size report (raw and gzip) in dist/size.json, and the inputs' hash in dist/.inputs
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

// 1. The module.
run('cargo', ['build', '--profile', 'wasm-release', '--target', 'wasm32-unknown-unknown', '-p', 'clientele-wasm']);
// Wherever cargo puts it (CARGO_TARGET_DIR, .cargo/config.toml).
const targetDir = JSON.parse(output('cargo', ['metadata', '--format-version', '1', '--no-deps']) || '{}').target_directory ?? join(root, 'target');
const wasm = join(targetDir, 'wasm32-unknown-unknown/wasm-release/clientele_wasm.wasm');

// 2-3. The glue and the optimised .wasm depend only on the module, the tools and this script:
// reuse them from target/npm-glue when those did not change (wasm-opt alone takes ~20 s).
const glueKey = createHash('sha256')
  .update(readFileSync(wasm))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(WASM_BINDGEN)
  .update(readFileSync(join(npm, 'node_modules/binaryen/package.json')))
  .digest('hex')
  .slice(0, 16);
const glueCache = join(targetDir, 'npm-glue', glueKey);
let before;
rmSync(glue, { recursive: true, force: true });
if (existsSync(join(glueCache, 'before-wasm-opt'))) {
  console.log(`glue and optimised .wasm: unchanged module, reused from ${glueCache}`);
  cpSync(join(glueCache, 'glue'), glue, { recursive: true });
  before = Number(readFileSync(join(glueCache, 'before-wasm-opt'), 'utf8'));
} else {
  before = generateGlue();
  rmSync(join(targetDir, 'npm-glue'), { recursive: true, force: true });
  cpSync(glue, join(glueCache, 'glue'), { recursive: true });
  writeFileSync(join(glueCache, 'before-wasm-opt'), String(before));
}
const webWasm = join(glue, 'web/clientele_wasm_bg.wasm');

function generateGlue() {
  // 2. Glue for Node (CommonJS) and the web (ESM).
  rmSync(glue, { recursive: true, force: true });
  for (const [target, dir] of [['nodejs', 'node'], ['web', 'web']]) {
    const out = join(glue, dir);
    run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', 'clientele_wasm', wasm]);
    rmSync(join(out, 'clientele_wasm_bg.wasm.d.ts')); // the raw exports' types: internal
    // `[Symbol.dispose]` needs lib esnext.disposable in every consumer's tsconfig; the methods stay,
    // only their declarations go (the wrapper never exposes the raw classes).
    for (const file of readdirSync(out).filter((f) => f.endsWith('.d.ts'))) {
      const path = join(out, file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, ''));
    }
  }
  // The nodejs glue is CommonJS: mark its folder so ESM packages can require it unambiguously.
  writeFileSync(join(glue, 'node/package.json'), '{ "type": "commonjs" }\n');
  renameSync(join(glue, 'node/clientele_wasm.js'), join(glue, 'node/clientele_wasm.cjs'));
  renameSync(join(glue, 'node/clientele_wasm.d.ts'), join(glue, 'node/clientele_wasm.d.cts'));
  // Both glues load the same .wasm: the Node glue reads the web folder's copy, so the package
  // ships the module once.
  const nodeGlue = join(glue, 'node/clientele_wasm.cjs');
  const nodeGlueText = readFileSync(nodeGlue, 'utf8');
  const wasmPathLine = 'const wasmPath = `${__dirname}/clientele_wasm_bg.wasm`;';
  if (!nodeGlueText.includes(wasmPathLine)) throw new Error('the nodejs glue no longer loads its .wasm as expected: update build.mjs');
  writeFileSync(
    nodeGlue,
    nodeGlueText
      .replace(wasmPathLine, "const wasmPath = require('path').join(__dirname, '..', 'web', 'clientele_wasm_bg.wasm');")
      .replace('/* @ts-self-types="./clientele_wasm.d.ts" */', '/* @ts-self-types="./clientele_wasm.d.cts" */'),
  );
  rmSync(join(glue, 'node/clientele_wasm_bg.wasm'));

  // 3. Optimise.
  const webWasm = join(glue, 'web/clientele_wasm_bg.wasm');
  const sizeBefore = statSync(webWasm).size;
  run(join(npm, 'node_modules/.bin/wasm-opt'), [
    '-Os', '--strip-debug', '--strip-producers',
    '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
    webWasm, '-o', webWasm,
  ]);

  return sizeBefore;
}

// 4. The TypeScript host layer: ESM (every entry) and CommonJS (the Node entry), beside the glue.
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
cpSync(glue, join(dist, 'wasm'), { recursive: true });
const tsc = join(npm, 'node_modules/.bin/tsc');
run(tsc, ['-p', join(npm, 'tsconfig.json')]);
run(tsc, ['-p', join(npm, 'tsconfig.cjs.json')]);
writeFileSync(join(dist, 'cjs/package.json'), '{ "type": "commonjs" }\n');

// 5. Size report.
const bytes = readFileSync(webWasm);
const report = {
  wasmRawBytes: bytes.length,
  wasmGzipBytes: gzipSync(bytes, { level: 9 }).length,
  beforeWasmOptBytes: before,
};
writeFileSync(join(dist, 'size.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(dist, '.inputs'), hash + '\n');
console.log(
  `size: clientele_wasm_bg.wasm ${(report.wasmRawBytes / 1024).toFixed(1)} KiB raw, ` +
    `${(report.wasmGzipBytes / 1024).toFixed(1)} KiB gzip (before wasm-opt ${(before / 1024).toFixed(1)} KiB)`,
);
if (!existsSync(join(dist, 'esm/node.js')) || !existsSync(join(dist, 'cjs/node.js'))) {
  throw new Error('the host layer was not built');
}
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
