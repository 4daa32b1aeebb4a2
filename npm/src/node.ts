// Node ESM entry (`import`; also Deno and Bun, which resolve the `node` condition and load the
// package from node_modules as files). The `web` glue (ESM, so no CommonJS export lexer runs over
// it) is instantiated synchronously from the .wasm beside it, read from
// `new URL('…', import.meta.url)` (a form bundlers that do not take the `node` + `module` entry
// can recognise and rewrite). The main module loads now, the keys module on first use of a key,
// so everything is usable as soon as the import returns. A .wasm that cannot be read or
// instantiated makes the import throw a ClienteleError `init_failed`.
import { readFileSync } from 'node:fs';
import * as glue from '../wasm/web/clientele_wasm.js';
import * as clientGlue from '../wasm/web/clientele_client.js';
import * as keysGlue from '../wasm/web/clientele_keys.js';
import { ClienteleError } from './errors.js';
import { bind, clientLoader, ensureClient, ensureKeys, keysLoader } from './raw.js';

try {
  glue.initSync({ module: readFileSync(new URL('../wasm/web/clientele_wasm_bg.wasm', import.meta.url)) });
} catch (cause) {
  throw new ClienteleError({ code: 'init_failed', message: 'the Clientele WebAssembly module could not be loaded', cause });
}
bind(glue);
keysLoader({
  sync: () => {
    keysGlue.initSync({ module: readFileSync(new URL('../wasm/web/clientele_keys_bg.wasm', import.meta.url)) });
    return keysGlue;
  },
});
clientLoader({
  sync: () => {
    clientGlue.initSync({ module: readFileSync(new URL('../wasm/web/clientele_client_bg.wasm', import.meta.url)) });
    return clientGlue;
  },
});

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
