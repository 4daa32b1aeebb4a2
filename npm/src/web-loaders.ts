// Loading the lazily used modules (keys, client) with the `web` glue (browsers, bundlers,
// `clientele/init`): one loader per module and entry, shared here. Node and Workers entries load
// them synchronously instead (see node.ts, worker.ts).
import * as clientGlue from '../wasm/web/clientele_client.js';
import * as keysGlue from '../wasm/web/clientele_keys.js';
import type { InitInput as GlueInitInput, SyncInitInput as GlueSyncInitInput } from '../wasm/web/clientele_keys.js';
import { ClienteleError } from './errors.js';
import { bindClient, bindKeys, clientLoader, keysLoader } from './raw.js';

/** A wasm-bindgen `web` glue: its async initialiser and its synchronous one. */
interface WebGlue {
  default(input?: { module_or_path: GlueInitInput | Promise<GlueInitInput> }): Promise<unknown>;
  initSync(input: { module: GlueSyncInitInput }): unknown;
}

/**
 * A `load(input?)` that fetches and instantiates a module once (`input` when given, else
 * `fallback()`, else the glue's own default beside it) and registers it, so the package can await
 * it by itself. A failed load rejects with `init_failed` and can be retried.
 */
function webLoader(glue: WebGlue, what: string, register: (load: () => Promise<void>) => void, bind: () => void, fallback: () => unknown) {
  let loading: Promise<void> | undefined;
  const load = (input?: unknown): Promise<void> => {
    const source = input ?? fallback();
    loading ??= glue
      .default(source === undefined ? undefined : { module_or_path: source as GlueInitInput | Promise<GlueInitInput> })
      .then(bind)
      .catch((cause: unknown) => {
        loading = undefined;
        throw new ClienteleError({ code: 'init_failed', message: `the Clientele ${what} could not be loaded`, cause });
      });
    return loading;
  };
  register(() => load());
  return load;
}

/** Instantiates a module synchronously from its bytes or a compiled `WebAssembly.Module`. */
function syncFrom(glue: WebGlue, what: string, module: unknown, bind: () => void): void {
  try {
    glue.initSync({ module: module as GlueSyncInitInput });
  } catch (cause) {
    throw new ClienteleError({ code: 'init_failed', message: `the Clientele ${what} could not be instantiated`, cause });
  }
  bind();
}

/** `loadKeys(input?)` for a web entry; `OffBlocksClient` with a `signingKey` awaits it by itself. */
export function webKeysLoader(fallback: () => unknown): (input?: unknown) => Promise<void> {
  return webLoader(keysGlue, 'keys module', (load) => keysLoader({ async: load }), () => bindKeys(keysGlue), fallback);
}

/** Instantiates the keys module synchronously. */
export function loadKeysSyncFrom(module: unknown): void {
  syncFrom(keysGlue, 'keys module', module, () => bindKeys(keysGlue));
}

/** `loadClient(input?)` for a web entry; `BlocClient` and `OffBlocksClient` await it by themselves. */
export function webClientLoader(fallback: () => unknown): (input?: unknown) => Promise<void> {
  return webLoader(clientGlue, 'client module', (load) => clientLoader({ async: load }), () => bindClient(clientGlue), fallback);
}

/** Instantiates the client module synchronously. */
export function loadClientSyncFrom(module: unknown): void {
  syncFrom(clientGlue, 'client module', module, () => bindClient(clientGlue));
}
