// Browser and bundler entry: the `web` glue, with the .wasm loaded by
// `new URL(..., import.meta.url)` (bundlers such as Vite emit it as an asset, no plugin needed)
// and instantiated by a top-level await, so the API is usable as soon as the import resolves.
// If the .wasm cannot be loaded, the import itself rejects. Apps that load the .wasm themselves
// (another URL, a CDN, a Content-Security-Policy without top-level await) use `clientele/init`.
import * as glue from '../wasm/web/clientele_wasm.js';
import { ClienteleError } from './errors.js';
import { bind } from './raw.js';

try {
  await glue.default({ module_or_path: new URL('../wasm/web/clientele_wasm_bg.wasm', import.meta.url) });
} catch (cause) {
  throw new ClienteleError({
    code: 'init_failed',
    message: 'the Clientele WebAssembly module could not be loaded',
    cause,
  });
}
bind(glue);

export * from './api.js';

/** Resolved: the module is ready when this entry has loaded (present in every entry, for symmetry). */
export const ready: Promise<void> = Promise.resolve();
