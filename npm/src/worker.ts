// Entry for runtimes and bundlers that import a `.wasm` as a compiled module: the `workerd` and
// `edge-light` export conditions (Cloudflare Workers bundled by wrangler, the Next.js Edge
// runtime), and `node` + `module`, the conditions of server bundlers such as Turbopack in Next.js
// (Node, Deno and Bun do not set `module`). Workers runtimes refuse to compile WebAssembly from
// bytes at run time, and a server bundle moves files away from the paths a package computes, so
// both modules are imported as `.wasm?module` (wrangler's default `CompiledWasm` rule, Turbopack's
// and Next.js's `?module` imports) and instantiated synchronously: the main one now, the keys one
// on first use of a key, the client one on a client's first call.
import * as glue from '../wasm/web/clientele_wasm.js';
import * as clientGlue from '../wasm/web/clientele_client.js';
import * as keysGlue from '../wasm/web/clientele_keys.js';
import wasmModule from '../wasm/web/clientele_wasm_bg.wasm?module';
import keysModule from '../wasm/web/clientele_keys_bg.wasm?module';
import clientModule from '../wasm/web/clientele_client_bg.wasm?module';
import { ClienteleError } from './errors.js';
import { bind, clientLoader, ensureClient, ensureKeys, keysLoader } from './raw.js';

try {
  glue.initSync({ module: wasmModule });
} catch (cause) {
  throw new ClienteleError({ code: 'init_failed', message: 'the Clientele WebAssembly module could not be loaded', cause });
}
bind(glue);
keysLoader({
  sync: () => {
    keysGlue.initSync({ module: keysModule });
    return keysGlue;
  },
});
clientLoader({
  sync: () => {
    clientGlue.initSync({ module: clientModule });
    return clientGlue;
  },
});

export * from './api.js';

/** Resolved: the module is ready when this entry has loaded (present in every entry, for symmetry). */
export const ready: Promise<void> = Promise.resolve();

/**
 * Instantiates the keys module (everything that takes a key). Optional here, where it is
 * instantiated by itself on first use; call it to pay that before the first signature.
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
