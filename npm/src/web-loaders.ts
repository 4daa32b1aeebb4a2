// Loading the keys module with the `web` glue (browsers, bundlers, `clientele/init`): one loader
// per entry, shared here. Node entries load it synchronously instead (see node.ts).
import * as keysGlue from '../wasm/web/clientele_keys.js';
import type { InitInput as GlueInitInput, SyncInitInput as GlueSyncInitInput } from '../wasm/web/clientele_keys.js';
import { ClienteleError } from './errors.js';
import { bindKeys, keysLoader } from './raw.js';

/**
 * A `loadKeys(input?)` that fetches and instantiates the keys module once (`input` when given,
 * else `fallback()`, else the glue's own default beside it), and registers it so that
 * `OffBlocksClient` can await it by itself. A failed load rejects with `init_failed` and can be
 * retried.
 */
export function webKeysLoader(fallback: () => unknown): (input?: unknown) => Promise<void> {
  let loading: Promise<void> | undefined;
  const load = (input?: unknown): Promise<void> => {
    const source = input ?? fallback();
    loading ??= keysGlue
      .default(source === undefined ? undefined : { module_or_path: source as GlueInitInput | Promise<GlueInitInput> })
      .then(() => bindKeys(keysGlue))
      .catch((cause: unknown) => {
        loading = undefined;
        throw new ClienteleError({ code: 'init_failed', message: 'the Clientele keys module could not be loaded', cause });
      });
    return loading;
  };
  keysLoader({ async: () => load() });
  return load;
}

/** Instantiates the keys module synchronously from its bytes or a compiled `WebAssembly.Module`. */
export function loadKeysSyncFrom(module: unknown): void {
  try {
    keysGlue.initSync({ module: module as GlueSyncInitInput });
  } catch (cause) {
    throw new ClienteleError({ code: 'init_failed', message: 'the Clientele keys module could not be instantiated', cause });
  }
  bindKeys(keysGlue);
}
