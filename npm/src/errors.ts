// The one error type of the package, and the one place where anything thrown by the WebAssembly
// glue (or by fetch, or by a signer callback) becomes it.

import type { ClienteleErrorCode as CoreErrorCode, ErrorKind } from '../wasm/node/clientele_wasm.cjs';
import type { Issue, Provider, RetryAfter } from './types.js';

/**
 * Which family an error belongs to (`switch (error.kind)` covers every error): the core's one
 * vocabulary, the same in every Clientele host.
 */
export type ClienteleErrorKind = ErrorKind;

/**
 * Stable machine codes: the core's one vocabulary (generated from it). The `string & {}` member
 * keeps codes from a newer core assignable without breaking a `switch`.
 */
export type ClienteleErrorCode = CoreErrorCode | (string & {});

/** What a `ClienteleError` is made from. */
export interface ClienteleErrorInit {
  code: ClienteleErrorCode;
  message: string;
  /** The code's kind in the core's vocabulary (`internal` when omitted). */
  kind?: ClienteleErrorKind;
  status?: number | null;
  issues?: readonly Issue[];
  retryable?: boolean;
  provider?: Provider | null;
  providerMessage?: string | null;
  /** The provider's message as sent (kept out of every printed form; see `unmaskedProviderMessage()`). */
  unmaskedProviderMessage?: string | null;
  requestId?: string | null;
  retryAfter?: RetryAfter | null;
  path?: string | null;
  cause?: unknown;
}

const BRAND = Symbol.for('clientele.ClienteleError');

/**
 * Every error Clientele throws or rejects with. A real `Error` (with a stack), whose `code` is a
 * stable machine code and whose `kind` is its family. Validation errors carry every field issue
 * at once (`issues`, each with a camelCase `path`, a stable `code` and a readable `message`),
 * ready to show next to form fields. Messages never contain secrets or personal data.
 *
 * `instanceof ClienteleError` works across copies of the package (ESM and CommonJS builds loaded
 * in the same process): prefer the `isClienteleError` family of guards all the same.
 */
export class ClienteleError extends Error {
  /** Stable machine code, e.g. `validation_failed`, `rate_limited`, `timeout`. */
  readonly code: ClienteleErrorCode;
  /** The family of the error. */
  readonly kind: ClienteleErrorKind;
  /** The HTTP status for API and decoding errors, else `null`. */
  readonly status: number | null;
  /** Every field issue of a validation error (empty for other errors). */
  readonly issues: readonly Issue[];
  /** Whether sending the same request again is safe and may succeed. */
  readonly retryable: boolean;
  /** The provider that answered (API and decoding errors), else `null`. */
  readonly provider: Provider | null;
  /**
   * The provider's own message, when its answer had one, with personal data and credentials
   * masked (an error body may echo the customer it refused). As sent: `unmaskedProviderMessage()`.
   */
  readonly providerMessage: string | null;
  /** The provider's request id, to quote to its support. */
  readonly requestId: string | null;
  /** The provider's `Retry-After`, when it sent one. */
  readonly retryAfter: RetryAfter | null;
  /** The JSON path that failed, for decoding errors. */
  readonly path: string | null;
  // A private field: in no printed form (console.log, util.inspect, JSON.stringify, toJSON).
  readonly #unmasked: string | null;

  constructor(init: ClienteleErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.code = init.code;
    // The core's errors carry their kind; the few this package raises itself name theirs (its
    // tests check every one against the core's vocabulary).
    this.kind = init.kind ?? 'internal';
    this.status = init.status ?? null;
    this.issues = Object.freeze([...(init.issues ?? [])]);
    this.retryable = init.retryable ?? false;
    this.provider = init.provider ?? null;
    this.providerMessage = init.providerMessage ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfter = init.retryAfter ?? null;
    this.path = init.path ?? null;
    this.#unmasked = init.unmaskedProviderMessage ?? null;
  }

  /**
   * The provider's message exactly as it sent it, personal data included: for a deliberate look
   * while debugging, never for logs or users. Every other form of the error masks it.
   */
  unmaskedProviderMessage(): string | null {
    return this.#unmasked;
  }

  /** Milliseconds the provider asked to wait before a retry (`Retry-After`), or `null`. */
  retryAfterMs(now: Date = new Date()): number | null {
    const after = this.retryAfter;
    if (after === null) return null;
    if ('seconds' in after) return Math.max(0, after.seconds * 1000);
    const at = Date.parse(after.at);
    return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
  }

  /** A plain object for structured logs (no secrets or personal data are ever in an error). */
  toJSON(): ClienteleErrorJson {
    return {
      name: 'ClienteleError',
      code: this.code,
      kind: this.kind,
      message: this.message,
      status: this.status,
      issues: this.issues,
      retryable: this.retryable,
      provider: this.provider,
      providerMessage: this.providerMessage,
      requestId: this.requestId,
      retryAfter: this.retryAfter,
      path: this.path,
    };
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isClienteleError(value);
  }
}
export interface ClienteleError {
  /** Always `"ClienteleError"`. */
  readonly name: 'ClienteleError';
}
// On the prototype, so stack traces read `ClienteleError: ...` too.
Object.defineProperty(ClienteleError.prototype, 'name', {
  value: 'ClienteleError',
  enumerable: false,
  configurable: true,
  writable: true,
});

/** `ClienteleError.toJSON()`'s shape. */
export interface ClienteleErrorJson {
  name: 'ClienteleError';
  code: ClienteleErrorCode;
  kind: ClienteleErrorKind;
  message: string;
  status: number | null;
  issues: readonly Issue[];
  retryable: boolean;
  provider: Provider | null;
  providerMessage: string | null;
  requestId: string | null;
  retryAfter: RetryAfter | null;
  path: string | null;
}

/** A validation error: the input was refused before anything was built or sent. */
export type ValidationError = ClienteleError & { readonly kind: 'validation' };
/** The provider answered with an error status. */
export type ApiError = ClienteleError & { readonly kind: 'api'; readonly status: number; readonly provider: Provider };
/** A response that could not be decoded (`path` names where). */
export type DecodeError = ClienteleError & { readonly kind: 'decode'; readonly status: number; readonly path: string };
/** No response: a timeout, an abort or a network failure. */
export type TransportError = ClienteleError & {
  readonly kind: 'transport';
  readonly code: 'timeout' | 'aborted' | 'network_error';
};

/** Whether `value` is a `ClienteleError` (from any copy of the package). */
export function isClienteleError(value: unknown): value is ClienteleError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Whether `value` is a validation error (`issues` lists every field problem). */
export function isValidationError(value: unknown): value is ValidationError {
  return isClienteleError(value) && value.kind === 'validation';
}

/** Whether `value` is an error answer from the provider (`status`, `providerMessage`, ...). */
export function isApiError(value: unknown): value is ApiError {
  return isClienteleError(value) && value.kind === 'api';
}

/** Whether `value` is a response the core could not decode. */
export function isDecodeError(value: unknown): value is DecodeError {
  return isClienteleError(value) && value.kind === 'decode';
}

/** Whether `value` is a webhook verification or parsing failure. */
export function isWebhookError(value: unknown): value is ClienteleError & { readonly kind: 'webhook' } {
  return isClienteleError(value) && value.kind === 'webhook';
}

/** Whether `value` is a signing or signature verification failure. */
export function isSignatureError(value: unknown): value is ClienteleError & { readonly kind: 'signature' } {
  return isClienteleError(value) && value.kind === 'signature';
}

/** Whether `value` is an ownership challenge failure. */
export function isChallengeError(value: unknown): value is ClienteleError & { readonly kind: 'challenge' } {
  return isClienteleError(value) && value.kind === 'challenge';
}

/** Whether `value` is a timeout, an abort or a network failure. */
export function isTransportError(value: unknown): value is TransportError {
  return isClienteleError(value) && value.kind === 'transport';
}

/** Whether `value` is a `ClienteleError` that says resending the same request is safe. */
export function isRetryableError(value: unknown): value is ClienteleError & { readonly retryable: true } {
  return isClienteleError(value) && value.retryable;
}

// ---- conversion -------------------------------------------------------------------------------

type Fields = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * THE conversion: anything thrown below the public API becomes a `ClienteleError`. The glue
 * throws `Error`s named `ClienteleError` carrying plain fields; a trap inside the module
 * (`WebAssembly.RuntimeError`) or anything else unexpected becomes code `internal`.
 */
export function toClienteleError(thrown: unknown): ClienteleError {
  if (isClienteleError(thrown)) return thrown;
  if (thrown instanceof Error && thrown.name === 'ClienteleError') {
    const f = thrown as unknown as Fields;
    const code = str(f.code) ?? 'internal';
    return new ClienteleError({
      code,
      kind: (str(f.kind) as ClienteleErrorKind | null) ?? undefined,
      message: thrown.message,
      status: typeof f.status === 'number' ? f.status : null,
      issues: Array.isArray(f.issues) ? (f.issues as Issue[]) : [],
      retryable: f.retryable === true,
      provider: (str(f.provider) as Provider | null) ?? null,
      providerMessage: str(f.providerMessage),
      unmaskedProviderMessage: str(f.unmaskedProviderMessage),
      requestId: str(f.requestId),
      retryAfter: (f.retryAfter as RetryAfter | null | undefined) ?? null,
      path: str(f.path),
    });
  }
  const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  return new ClienteleError({
    code: 'internal',
    message: `Clientele failed unexpectedly (${detail}); please report this`,
    cause: thrown,
  });
}

/** An `invalid_argument` error for one argument, shaped like the core's own. */
export function invalidArgument(name: string, message: string): ClienteleError {
  return new ClienteleError({
    code: 'invalid_argument',
    kind: 'validation',
    message,
    issues: [{ path: name, code: 'invalid_format', message }],
  });
}
