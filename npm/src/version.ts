import { call } from './raw.js';

/** The version of the Clientele core compiled into the WebAssembly module. */
export function coreVersion(): string {
  return call((raw) => raw.coreVersion());
}
