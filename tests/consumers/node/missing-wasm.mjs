// A package whose .wasm is missing (what a bundler that does not copy it leaves behind): both
// Node entries must fail with a ClienteleError `init_failed`, not a raw ENOENT. Runs against a
// copy of the installed package with both .wasm files removed, given as argv[2].
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isClienteleError } from 'clientele';

const broken = process.argv[2];
const outcome = (e) => ({ name: e?.name, code: e?.code, typed: isClienteleError(e), cause: e?.cause?.code ?? null });
const results = {};
try {
  await import(pathToFileURL(join(broken, 'dist/esm/node.js')).href);
  results.import = 'loaded';
} catch (e) {
  results.import = outcome(e);
}
try {
  createRequire(import.meta.url)(join(broken, 'dist/cjs/node-cjs.js'));
  results.require = 'loaded';
} catch (e) {
  results.require = outcome(e);
}
console.log(JSON.stringify(results));
