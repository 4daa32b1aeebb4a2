// Node ESM entry (`import`). The `nodejs` glue (CommonJS) is loaded with `require` rather than
// `import`: importing CommonJS from ESM runs Node's export lexer over the whole glue, which cost
// more than compiling the .wasm. Both modules compile synchronously: the main one now, the keys
// one on first use of a key, so everything is usable as soon as the import returns.
import { createRequire } from 'node:module';
import { bind, ensureKeys, keysLoader } from './raw.js';
import type { Raw, RawKeys } from './raw.js';

const require = createRequire(import.meta.url);
bind(require('../wasm/node/clientele_wasm.cjs') as Raw);
keysLoader({ sync: () => require('../wasm/node/clientele_keys.cjs') as RawKeys });

export * from './api.js';

/** Resolved: the module is ready when this entry has loaded (present in every entry, for symmetry). */
export const ready: Promise<void> = Promise.resolve();

/**
 * Loads the keys module (everything that takes a key). Optional in Node, where it loads by itself
 * on first use; call it to pay the load before the first signature rather than during it.
 */
export function loadKeys(): Promise<void> {
  return ensureKeys();
}

