// Explicit-init entry (`clientele/init`) for apps that load the .wasm themselves: nothing is
// fetched until `init()` is called, and every call before it rejects with `not_initialized`.
//
//   import { init, validateBlocCustomerCreate } from 'clientele/init';
//   await init(new URL('/assets/clientele_wasm_bg.wasm', location.href)); // or bytes, a Response, a WebAssembly.Module
import * as glue from '../wasm/web/clientele_wasm.js';
import type { InitInput, SyncInitInput } from '../wasm/web/clientele_wasm.js';
import { ClienteleError } from './errors.js';
import { bind, isBound } from './raw.js';

export * from './api.js';
export type { InitInput, SyncInitInput };

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
    .default(input === undefined ? undefined : { module_or_path: input })
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
    glue.initSync({ module });
  } catch (cause) {
    throw new ClienteleError({ code: 'init_failed', message: 'the Clientele WebAssembly module could not be instantiated', cause });
  }
  bind(glue);
  resolveReady();
}
