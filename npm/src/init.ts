// Explicit-init entry (`clientele/init`) for apps that load the .wasm themselves: nothing is
// fetched until `init()` is called, and every call before it rejects with `not_initialized`.
//
//   import { init, validateBlocCustomerCreate } from 'clientele/init';
//   await init(new URL('/assets/clientele_wasm_bg.wasm', location.href)); // or bytes, a Response, a WebAssembly.Module
import * as glue from '../wasm/web/clientele_wasm.js';
import type { InitInput as GlueInitInput, SyncInitInput as GlueSyncInitInput } from '../wasm/web/clientele_wasm.js';
import { ClienteleError } from './errors.js';
import { loadClientSyncFrom, loadKeysSyncFrom, webClientLoader, webKeysLoader } from './web-loaders.js';
import { bind, isBound } from './raw.js';

export * from './api.js';

/**
 * A compiled `WebAssembly.Module` (typed structurally, so the types need neither the DOM library
 * nor Node's).
 */
export type CompiledModule = object;

/** What `init` loads the module from: a URL, a fetch `Response`, the bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | ArrayBuffer | ArrayBufferView | CompiledModule;

/** What `initSync` instantiates: the bytes or a compiled module. */
export type SyncInitInput = ArrayBuffer | ArrayBufferView | CompiledModule;

let loading: Promise<void> | undefined;
let resolveReady: () => void = () => {};

/** Resolves once `init` or `initSync` has succeeded. */
export const ready: Promise<void> = new Promise<void>((resolve) => {
  resolveReady = resolve;
});

/**
 * Loads and instantiates the module: from a URL (default: the .wasm beside this package's web
 * glue, `new URL(..., import.meta.url)`), a `Response`, bytes or a compiled `WebAssembly.Module`.
 * Safe to call more than once; rejects with `init_failed` (and can then be called again).
 */
export function init(input?: InitInput | Promise<InitInput>): Promise<void> {
  if (isBound()) return Promise.resolve();
  loading ??= glue
    .default(input === undefined ? undefined : { module_or_path: input as GlueInitInput | Promise<GlueInitInput> })
    .then(() => {
      bind(glue);
      resolveReady();
    })
    .catch((cause: unknown) => {
      loading = undefined;
      throw new ClienteleError({ code: 'init_failed', message: 'the Clientele WebAssembly module could not be loaded', cause });
    });
  return loading;
}

/** Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`. */
export function initSync(module: SyncInitInput): void {
  if (isBound()) return;
  try {
    glue.initSync({ module: module as GlueSyncInitInput });
  } catch (cause) {
    throw new ClienteleError({ code: 'init_failed', message: 'the Clientele WebAssembly module could not be instantiated', cause });
  }
  bind(glue);
  resolveReady();
}

const load = webKeysLoader(() => undefined);

/**
 * Loads the keys module (everything that takes a key), from a URL (default: the
 * `clientele_keys_bg.wasm` beside this package's web glue), a `Response`, bytes or a compiled
 * `WebAssembly.Module`. `OffBlocksClient` with a `signingKey` calls it by itself with the default.
 * Safe to call more than once; rejects with `init_failed` (and can then be called again).
 */
export function loadKeys(input?: InitInput | Promise<InitInput>): Promise<void> {
  return load(input);
}

/** Instantiates the keys module synchronously from its bytes or a compiled `WebAssembly.Module`. */
export function loadKeysSync(module: SyncInitInput): void {
  loadKeysSyncFrom(module);
}

const loadClientModule = webClientLoader(() => undefined);

/**
 * Loads the client module (the engine behind `BlocClient` and `OffBlocksClient`), from a URL
 * (default: the `clientele_client_bg.wasm` beside this package's web glue), a `Response`, bytes or
 * a compiled `WebAssembly.Module`. The clients call it by themselves with the default. Safe to
 * call more than once; rejects with `init_failed` (and can then be called again).
 */
export function loadClient(input?: InitInput | Promise<InitInput>): Promise<void> {
  return loadClientModule(input);
}

/** Instantiates the client module synchronously from its bytes or a compiled `WebAssembly.Module`. */
export function loadClientSync(module: SyncInitInput): void {
  loadClientSyncFrom(module);
}
