// What the build reads: when none of it changed, dist/ is up to date (see dist/.inputs) and the
// test script skips the build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const INPUTS = [
  'Cargo.toml',
  'Cargo.lock',
  'core/Cargo.toml',
  'core/src',
  'bindings-wasm/Cargo.toml',
  'bindings-wasm/src',
  'npm/package.json',
  'npm/package-lock.json',
  'npm/tsconfig.json',
  'npm/tsconfig.cjs.json',
  'npm/src',
  'npm/scripts/build.mjs',
  'npm/scripts/inputs.mjs',
];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** A hash of every input file's path and bytes. */
export function inputsHash(root) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(root, input))) {
      hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}
