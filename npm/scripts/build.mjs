// Builds the npm package `clientele` into npm/dist:
//   1. the wasm module: `cargo build --release --target wasm32-unknown-unknown -p clientele-wasm`
//   2. JS glue with the pinned wasm-bindgen CLI (installed with cargo if missing): --target nodejs
//      (CommonJS, synchronous load) and --target web (ESM, loads the .wasm by URL)
//   3. `wasm-opt -Oz` from the pinned npm package binaryen, applied once and copied to both
//   4. the TypeScript host layer, compiled to ESM and CommonJS
//   5. a size report (raw and gzip)
// Nothing generated is committed: dist/ is ignored.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const npm = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(npm, '..');
const dist = join(npm, 'dist');
const WASM_BINDGEN = '0.2.130'; // must equal the wasm-bindgen crate version pinned in Cargo.toml

const run = (cmd, args, opts = {}) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
};
const output = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

// 0. The pinned wasm-bindgen CLI (cached in ~/.cargo/bin).
const cargoToml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
if (!cargoToml.includes(`wasm-bindgen = "=${WASM_BINDGEN}"`)) {
  throw new Error(`npm/scripts/build.mjs pins wasm-bindgen ${WASM_BINDGEN}, but Cargo.toml pins another version`);
}
if (output('wasm-bindgen', ['--version']) !== `wasm-bindgen ${WASM_BINDGEN}`) {
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', WASM_BINDGEN, '--bin', 'wasm-bindgen', '--bin', 'wasm-bindgen-test-runner']);
}

// 1. The module.
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'clientele-wasm']);
const wasm = join(root, 'target/wasm32-unknown-unknown/release/clientele_wasm.wasm');

// 2. Glue for Node (CommonJS) and the web (ESM).
rmSync(dist, { recursive: true, force: true });
for (const target of ['nodejs', 'web']) {
  const out = join(dist, 'wasm', target === 'nodejs' ? 'node' : 'web');
  run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', 'clientele_wasm', wasm]);
}
// The nodejs glue is CommonJS: mark its folder so ESM packages can require it unambiguously.
writeFileSync(join(dist, 'wasm/node/package.json'), '{ "type": "commonjs" }\n');
renameSync(join(dist, 'wasm/node/clientele_wasm.js'), join(dist, 'wasm/node/clientele_wasm.cjs'));
cpSync(join(dist, 'wasm/node/clientele_wasm.d.ts'), join(dist, 'wasm/node/clientele_wasm.d.cts'));

// 3. Optimise once, share.
const webWasm = join(dist, 'wasm/web/clientele_wasm_bg.wasm');
const before = statSync(webWasm).size;
run(join(npm, 'node_modules/.bin/wasm-opt'), [
  '-Oz', '--strip-debug', '--strip-producers',
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
  webWasm, '-o', webWasm,
]);
cpSync(webWasm, join(dist, 'wasm/node/clientele_wasm_bg.wasm'));

// 4. The TypeScript host layer: ESM and CommonJS builds.
const tsc = join(npm, 'node_modules/.bin/tsc');
run(tsc, ['-p', join(npm, 'tsconfig.json')]);
run(tsc, ['-p', join(npm, 'tsconfig.cjs.json')]);

// 5. Size report.
const bytes = readFileSync(webWasm);
const report = {
  wasmRawBytes: bytes.length,
  wasmGzipBytes: gzipSync(bytes, { level: 9 }).length,
  beforeWasmOptBytes: before,
};
writeFileSync(join(dist, 'size.json'), JSON.stringify(report, null, 2) + '\n');
console.log(
  `size: clientele_wasm_bg.wasm ${(report.wasmRawBytes / 1024).toFixed(1)} KiB raw, ` +
    `${(report.wasmGzipBytes / 1024).toFixed(1)} KiB gzip (before wasm-opt ${(before / 1024).toFixed(1)} KiB)`,
);
if (!existsSync(join(dist, 'esm/node.js'))) throw new Error('the host layer was not built');
