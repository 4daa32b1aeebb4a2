// Browser and bundler entry: the `web` glue, with the .wasm loaded by
// `new URL(..., import.meta.url)` (bundlers such as Vite emit it as an asset, no plugin needed)
// and instantiated by a top-level await, so the API is usable as soon as the import resolves.
// If the .wasm cannot be loaded, the import itself rejects. Apps that load the .wasm themselves
// (another URL, a CDN, a Content-Security-Policy without top-level await) use `clientele/init`.
import * as glue from '../wasm/web/clientele_wasm.js';
import { ClienteleError } from './errors.js';
import { webClientLoader, webKeysLoader } from './web-loaders.js';
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

const load = webKeysLoader(() => new URL('../wasm/web/clientele_keys_bg.wasm', import.meta.url));
const loadClientModule = webClientLoader(() => new URL('../wasm/web/clientele_client_bg.wasm', import.meta.url));

/**
 * Fetches and instantiates the client module (the engine behind `BlocClient` and
 * `OffBlocksClient`), by default from beside this entry. Optional: the clients load it by
 * themselves on their first call; call it to pay the load earlier. Rejects with `init_failed`
 * (and can then be called again).
 */
export function loadClient(input?: string | URL | Request | Response | ArrayBuffer | ArrayBufferView): Promise<void> {
  return loadClientModule(input);
}

/**
 * Fetches and instantiates the keys module (everything that takes a key: `SigningKey`,
 * `VerifyingKey`, `verifyMessage`, `acceptChallengeSignature`, ...), by default from beside this
 * entry. Pages that only validate and parse never need it; `OffBlocksClient` with a
 * `signingKey` calls it by itself. Safe to call more than once; rejects with `init_failed`
 * (and can then be called again).
 */
export function loadKeys(input?: string | URL | Request | Response | ArrayBuffer | ArrayBufferView): Promise<void> {
  return load(input);
}

/** Resolved: the module is ready when this entry has loaded (present in every entry, for symmetry). */
export const ready: Promise<void> = Promise.resolve();
