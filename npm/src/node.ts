// Node entry (`import` and `require`): the `nodejs` glue compiles the module synchronously from
// the .wasm beside it, so everything is usable as soon as the import returns.
import * as glue from '../wasm/node/clientele_wasm.cjs';
import { bind } from './raw.js';

bind(glue);

export * from './api.js';

/** Resolved: the module is ready when this entry has loaded (present in every entry, for symmetry). */
export const ready: Promise<void> = Promise.resolve();
