// Where the bytes go (`npm run size`): for each wasm module of the package, the top contributors by
// crate and by function AFTER wasm-opt, from a name-preserving twin of the shipped build.
//
// The modules come from `npm run build` (target/npm-modules/<name>.wasm, the cargo output). Each
// gets the same wasm-bindgen and wasm-opt steps as the shipped one (the flags are read from
// dist/size.json's `optLevel`), with `--debuginfo` so function names survive, and twiggy
// (`cargo install twiggy`, cached in ~/.cargo/bin) reads it. Sizes are raw code bytes (the name
// section is not counted); the gzip total of the shipped module is printed beside them.
//
//   node scripts/size.mjs [TOP_N]     default 12 rows per table
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const npm = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(npm, '..');
const top = Number(process.argv[2] ?? 12);

const sizeReport = join(npm, 'dist/size.json');
if (!existsSync(sizeReport)) {
  console.error('size: run `npm run build` first (dist/size.json is missing)');
  process.exit(1);
}
const report = JSON.parse(readFileSync(sizeReport, 'utf8'));
const targetDir = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root, encoding: 'utf8' })).target_directory;
const has = (cmd) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;
if (!has('twiggy')) {
  console.log('installing twiggy (once, into ~/.cargo/bin)');
  execFileSync('cargo', ['install', 'twiggy', '--locked'], { stdio: 'inherit' });
}

/**
 * The crate a (demangled) function name belongs to: `serde_json::de::f` and
 * `<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_map` ->
 * serde_json (the implementing type's crate, else the trait's: `<f64 as core::fmt::Display>` -> core).
 */
function crateOf(name) {
  const clean = name.replace(/\[[0-9a-f]{8,}\]/g, '');
  const path = (text) => /^(?:&(?:mut )?|dyn |impl )*([A-Za-z_][A-Za-z0-9_]*)::/.exec(text)?.[1];
  const qualified = /^<(.+?) as (.+?)>::/.exec(clean);
  if (qualified) return path(qualified[1]) ?? path(qualified[2]) ?? '(other)';
  const plain = path(clean.replace(/^<+/, ''));
  if (plain) return plain;
  if (/ multivalue shim$/.test(name)) return '(exports: wasm-bindgen shims with inlined bodies)';
  if (/^data segment/.test(name)) return '(data: constants, strings, tables)';
  if (/^(elem|table|global|import|export|type|code)\[/.test(name)) return '(wasm sections)';
  if (/^__wbg|^__wbindgen|wasm_bindgen/.test(name)) return 'wasm_bindgen';
  return '(other)';
}

const kib = (n) => `${(n / 1024).toFixed(1).padStart(7)} KiB`;
const work = mkdtempSync(join(tmpdir(), 'clientele-size-'));
try {
  for (const [name, entry] of Object.entries(report.modules)) {
    const raw = join(targetDir, 'npm-modules', `${name}.wasm`);
    if (!existsSync(raw)) throw new Error(`${raw} is missing: run \`npm run build\``);
    execFileSync('wasm-bindgen', ['--target', 'web', '--keep-debug', '--out-dir', work, '--out-name', name, raw]);
    const named = join(work, `${name}.named.wasm`);
    execFileSync(join(npm, 'node_modules/.bin/wasm-opt'), [
      ...(entry.optLevel ?? '-Oz').split(' '), '--debuginfo', '--low-memory-unused', '--strip-producers',
      '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
      join(work, `${name}_bg.wasm`), '-o', named,
    ]);
    const items = JSON.parse(execFileSync('twiggy', ['top', '-f', 'json', named], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    // The name section exists only in this twin (the shipped module is stripped).
    const code = items.filter((i) => !/"function names" subsection|custom section|name section/i.test(i.name));
    const total = code.reduce((s, i) => s + i.shallow_size, 0);
    const byCrate = new Map();
    for (const item of code) byCrate.set(crateOf(item.name), (byCrate.get(crateOf(item.name)) ?? 0) + item.shallow_size);

    console.log(`\n== ${name}: ${entry.rawBytes} B raw shipped, ${entry.gzipBytes} B gzip; ${total} B of code and data measured ==`);
    console.log('by crate:');
    for (const [crate, bytes] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${kib(bytes)} ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${crate}`);
    }
    console.log('by function:');
    for (const item of code.slice(0, top)) {
      const label = item.name.length > 110 ? `${item.name.slice(0, 107)}...` : item.name;
      console.log(`  ${kib(item.shallow_size)} ${item.shallow_size_percent.toFixed(1).padStart(5)}%  ${label}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
