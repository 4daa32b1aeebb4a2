// The raw wasm-bindgen glue, bound once by the entry module (Node: the `nodejs` glue, loaded
// synchronously; browsers: the `web` glue after its .wasm is instantiated), and the helpers every
// wrapper uses to cross the boundary: JSON text in and out, bytes for bodies, and every throw
// converted by `toClienteleError`.
//
// There are two modules. The main one (validation, requests, parsing, digests) is bound by the
// entry. The keys one (everything that takes a key: about 40% of the code, which a page that
// only validates and parses never needs) is loaded on first use: synchronously in Node, and in
// browsers by `loadKeys()` (which `OffBlocksClient` awaits by itself before it signs).

import type * as Glue from '../wasm/node/clientele_wasm.cjs';
import type * as KeysGlue from '../wasm/node/clientele_keys.cjs';
import type * as ClientGlue from '../wasm/node/clientele_client.cjs';
import { ClienteleError, invalidArgument, toClienteleError } from './errors.js';
import type { Header } from './types.js';

/** The glue's exports (the `nodejs` and `web` targets export the same API). */
export type Raw = Omit<typeof Glue, 'default'>;

let glue: Raw | undefined;

/** Called by the entry modules once the module can run. */
export function bind(raw: Raw): void {
  glue = raw;
}

/** Whether the WebAssembly module is ready. */
export function isBound(): boolean {
  return glue !== undefined;
}

/**
 * A module loaded on first use: synchronously where the entry can (Node, Workers), else by an
 * asynchronous loader (browsers: fetched beside the entry, or from a URL the app gives).
 */
class LazyModule<T> {
  #value: T | undefined;
  #loadNow: (() => T) | undefined;
  #loadLater: (() => Promise<void>) | undefined;

  constructor(
    readonly what: string,
    readonly hint: string,
  ) {}

  loader(loader: { sync: () => T } | { async: () => Promise<void> }): void {
    if ('sync' in loader) this.#loadNow = loader.sync;
    else this.#loadLater = loader.async;
  }

  bind(value: T): void {
    this.#value = value;
  }

  availableNow(): boolean {
    return this.#value !== undefined || this.#loadNow !== undefined;
  }

  async ensure(): Promise<void> {
    if (this.availableNow()) {
      this.call(() => undefined);
      return;
    }
    if (this.#loadLater === undefined) throw this.#notLoaded();
    await this.#loadLater();
  }

  #notLoaded(): ClienteleError {
    return new ClienteleError({ code: 'not_initialized', message: `the Clientele ${this.what} is not loaded: ${this.hint}` });
  }

  call<R>(f: (raw: T) => R): R {
    if (this.#value === undefined && this.#loadNow !== undefined) {
      try {
        this.#value = this.#loadNow();
      } catch (cause) {
        throw new ClienteleError({ code: 'init_failed', message: `the Clientele ${this.what} could not be loaded`, cause });
      }
    }
    if (this.#value === undefined) throw this.#notLoaded();
    try {
      return f(this.#value);
    } catch (thrown) {
      throw toClienteleError(thrown);
    }
  }
}

/** The keys module's exports. */
export type RawKeys = Omit<typeof KeysGlue, 'default'>;

/** The keys module: everything that takes a key. */
const keysModule = new LazyModule<RawKeys>('keys module (everything that takes a key)', 'await loadKeys() first');

/** Called by the entry modules: how to load the keys module, synchronously (Node) or not. */
export function keysLoader(loader: { sync: () => RawKeys } | { async: () => Promise<void> }): void {
  keysModule.loader(loader);
}

/** Called once the keys module can run. */
export function bindKeys(raw: RawKeys): void {
  keysModule.bind(raw);
}

/** Whether the keys module is ready, or can be made ready synchronously. */
export function keysAvailableNow(): boolean {
  return keysModule.availableNow();
}

/** Makes the keys module ready, loading it if needed. */
export function ensureKeys(): Promise<void> {
  return keysModule.ensure();
}

/** As `call`, against the keys module (loaded synchronously on first use where that is possible). */
export function callKeys<T>(f: (raw: RawKeys) => T): T {
  return keysModule.call(f);
}

/** The client module's exports. */
export type RawClient = Omit<typeof ClientGlue, 'default'>;

/** The client module: the engine behind `BlocClient` and `OffBlocksClient`. */
const clientModule = new LazyModule<RawClient>('client module (the engine of BlocClient and OffBlocksClient)', 'await loadClient() first');

/** Called by the entry modules: how to load the client module, synchronously or not. */
export function clientLoader(loader: { sync: () => RawClient } | { async: () => Promise<void> }): void {
  clientModule.loader(loader);
}

/** Called once the client module can run. */
export function bindClient(raw: RawClient): void {
  clientModule.bind(raw);
}

/** Makes the client module ready, loading it if needed (the clients await it before each call). */
export function ensureClient(): Promise<void> {
  return clientModule.ensure();
}

/** As `call`, against the client module. */
export function callClient<T>(f: (raw: RawClient) => T): T {
  return clientModule.call(f);
}

/**
 * Runs `f` against the glue; whatever it throws becomes a `ClienteleError`. Every call into the
 * module goes through here, so a bad input can never escape as anything else.
 */
export function call<T>(f: (raw: Raw) => T): T {
  if (glue === undefined) {
    throw new ClienteleError({
      code: 'not_initialized',
      message:
        "the Clientele WebAssembly module is not initialised: with 'clientele/init', await init() first",
    });
  }
  try {
    return f(glue);
  } catch (thrown) {
    throw toClienteleError(thrown);
  }
}

/** Parses JSON text produced by the core. */
export function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** A value as JSON text for the core; values JSON cannot hold are an `invalid_argument`. */
export function toJson(value: unknown, name: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch {
    text = undefined;
  }
  if (text === undefined) throw invalidArgument(name, `\`${name}\` cannot be written as JSON`);
  return text;
}

/** A string argument, checked. */
export function str(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgument(name, `\`${name}\` must be a string`);
  return value;
}

/** Raw bytes in any of the forms hosts hold them: Uint8Array (Buffer), ArrayBuffer, a view, or text (UTF-8). */
export type BodyInput = Uint8Array | ArrayBuffer | ArrayBufferView | string;

const encoder = new TextEncoder();

export function bytes(value: BodyInput | null | undefined, name: string): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw invalidArgument(name, `\`${name}\` must be a Uint8Array, an ArrayBuffer or a string`);
}

/**
 * Header fields in any of the forms hosts hold them: a fetch `Headers`, Node's
 * `IncomingHttpHeaders` (`Record<string, string | string[] | undefined>`), `[name, value]` pairs,
 * or `{ name, value }` objects.
 */
export type HeadersInput =
  | HeadersLike
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>
  | readonly Header[];

/** The part of a fetch `Headers` Clientele reads. */
export interface HeadersLike {
  forEach(callback: (value: string, name: string) => void): void;
}

export function headerList(value: HeadersInput | null | undefined, name = 'headers'): Header[] {
  const out: Header[] = [];
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object') throw invalidArgument(name, `\`${name}\` must be headers`);
  const push = (n: unknown, v: unknown): void => {
    if (typeof n !== 'string' || v === undefined || v === null) return;
    if (Array.isArray(v)) {
      for (const item of v) out.push({ name: n, value: String(item) });
    } else {
      out.push({ name: n, value: String(v) });
    }
  };
  if (typeof (value as HeadersLike).forEach === 'function' && !Array.isArray(value)) {
    (value as HeadersLike).forEach((v, n) => push(n, v));
    return out;
  }
  if (Symbol.iterator in value) {
    for (const entry of value as Iterable<unknown>) {
      if (Array.isArray(entry)) push(entry[0], entry[1]);
      else if (typeof entry === 'object' && entry !== null) {
        const h = entry as { name?: unknown; value?: unknown };
        push(h.name, h.value);
      }
    }
    return out;
  }
  for (const [n, v] of Object.entries(value)) push(n, v);
  return out;
}

/** An instant for the core: a `Date` or an RFC 3339 string; the current time when omitted. */
export type Instant = Date | string;

export function iso(value: Instant | undefined, name = 'now'): string {
  if (value === undefined) return new Date().toISOString();
  if (typeof value === 'string') return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  throw invalidArgument(name, `\`${name}\` must be a valid Date or an RFC 3339 string`);
}

/** A calendar date `YYYY-MM-DD` (UTC) from a `Date`, or the string as given. */
export function day(value: Date | string | undefined, name = 'today'): string {
  if (typeof value === 'string') return value;
  return iso(value, name).slice(0, 10);
}

/** A random UUID v4 (crypto.randomUUID where available, else from crypto.getRandomValues). */
export function uuid(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c === undefined) {
    throw new ClienteleError({
      code: 'internal',
      message: 'no Web Crypto API here to make an Idempotency-Key; pass idempotencyKey yourself',
    });
  }
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  // crypto.randomUUID is missing in insecure (non-https) browser contexts.
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An options argument: `undefined` or `null` for none, else an object. */
export function opts<T extends object>(value: T | null | undefined, name = 'options'): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw invalidArgument(name, `\`${name}\` must be an object`);
  return value;
}

/** An optional string argument. */
export function optStr(value: unknown, name: string): string | undefined {
  return value === undefined || value === null ? undefined : str(value, name);
}

/** A whole number in 0..2^32-1. */
export function u32(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalidArgument(name, `\`${name}\` must be a whole number from 0 to 4294967295`);
  }
  return value;
}
