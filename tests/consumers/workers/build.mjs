// Bundles src/worker.js the way wrangler does (wrangler bundles with esbuild; see its docs,
// "Bundling"): the `workerd`, `worker` and `browser` export conditions, ES module output, and
// every `.wasm` / `.wasm?module` import kept as a separate CompiledWasm module (wrangler's default
// module rule) rather than bundled. Writes dist/ and dist/config.capnp for `workerd serve`.
// (wrangler itself needs Node 22; this machine's Node is 20, so its bundling step is reproduced here.)
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
// The newest date the pinned workerd (package.json) accepts is its own build date.
export const COMPATIBILITY_DATE = '2026-11-17';

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
const wasmModules = new Map(); // module name -> file
const compiledWasm = {
  name: 'compiled-wasm',
  setup(b) {
    b.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
      const file = join(args.resolveDir, args.path.replace(/\?module$/, ''));
      const name = basename(file);
      wasmModules.set(name, file);
      return { path: `./${name}`, external: true };
    });
  },
};
await build({
  entryPoints: [join(here, 'src/worker.js')],
  outfile: join(dist, 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  plugins: [compiledWasm],
  logLevel: 'warning',
});
for (const [name, file] of wasmModules) copyFileSync(file, join(dist, name));
const modules = [
  '(name = "worker.js", esModule = embed "worker.js")',
  ...[...wasmModules.keys()].map((name) => `(name = "${name}", wasm = embed "${name}")`),
];
writeFileSync(
  join(dist, 'config.capnp'),
  `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')},
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`,
);
console.log(`bundled dist/worker.js with ${[...wasmModules.keys()].join(', ')}`);
