// Node CommonJS entry (`require('clientele')`): the same API as the ESM entry, on the `nodejs`
// glue (which reads its .wasm synchronously when required). The keys module is required on first
// use of a key. A .wasm that cannot be loaded makes the require throw a ClienteleError `init_failed`.
import { ClienteleError } from './errors.js';
import { bind, clientLoader, ensureClient, ensureKeys, keysLoader } from './raw.js';
import type { Raw, RawClient, RawKeys } from './raw.js';

declare const require: (id: string) => unknown;

let glue: Raw;
try {
  glue = require('../wasm/node/clientele_wasm.cjs') as Raw;
} catch (cause) {
  throw new ClienteleError({ code: 'init_failed', message: 'the Clientele WebAssembly module could not be loaded', cause });
}
bind(glue);
keysLoader({ sync: () => require('../wasm/node/clientele_keys.cjs') as RawKeys });
clientLoader({ sync: () => require('../wasm/node/clientele_client.cjs') as RawClient });

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

/**
 * Loads the client module (the engine behind `BlocClient` and `OffBlocksClient`). Optional here,
 * where it loads by itself on a client's first call; call it to pay that load earlier.
 */
export function loadClient(): Promise<void> {
  return ensureClient();
}
