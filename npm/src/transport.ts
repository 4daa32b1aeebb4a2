// The host's transport: send a built request with fetch, under a timeout and the caller's
// AbortSignal, and retry what the core says is retryable, resending the SAME request (same
// Idempotency-Key, same body bytes), after a backoff that honours Retry-After.

import { ClienteleError, invalidArgument, isClienteleError, toClienteleError } from './errors.js';
import { headerList, opts } from './raw.js';
import type { HeadersInput } from './raw.js';
import type { Header, HttpRequest } from './types.js';

/** What `fetch` is given: always a string URL and a plain init. */
export interface FetchInit {
  method: string;
  headers: [string, string][];
  body?: string;
  signal: AbortSignal;
}

/** The part of a fetch `Response` Clientele reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: HeadersInput;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch` (the global one, undici's, a test double, one with a proxy agent, ...). */
export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Retries of retryable failures (429, idempotent 5xx, timeouts and network failures of idempotent requests). */
export interface RetryOptions {
  /** Retries after the first attempt; default 2. */
  maxRetries?: number | undefined;
  /** The first backoff; doubled each retry, with jitter. Default 500 ms. */
  baseDelayMs?: number | undefined;
  /** The longest backoff; default 8 000 ms. */
  maxDelayMs?: number | undefined;
  /** A `Retry-After` longer than this is not waited for: the error is thrown. Default 60 000 ms. */
  maxRetryAfterMs?: number | undefined;
}

/** Transport options of a client. */
export interface TransportOptions {
  /** Default: the global `fetch`, looked up at call time. */
  fetch?: Fetch | undefined;
  /** Per attempt, from sending to the end of the body; default 30 000 ms. `0` disables it. */
  timeoutMs?: number | undefined;
  /** Retry policy, or `false` for none. */
  retries?: RetryOptions | false | undefined;
}

/** Per-call options of every client method. */
export interface RequestOptions {
  /** Aborts the call (the request in flight and any backoff): rejects with code `aborted`. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number | undefined;
  /** Overrides the client's `retries.maxRetries`. */
  maxRetries?: number | undefined;
}

/** A received response, ready for a `parse*` step. */
export interface ReceivedResponse {
  status: number;
  headers: Header[];
  body: Uint8Array;
}

interface Policy {
  fetch: Fetch | undefined;
  timeoutMs: number;
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

const number = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;

export function policy(options: TransportOptions): Policy {
  const retries = options.retries === false ? { maxRetries: 0 } : (options.retries ?? {});
  return {
    fetch: options.fetch,
    timeoutMs: number(options.timeoutMs, 30_000),
    maxRetries: Math.floor(number(retries.maxRetries, 2)),
    baseDelayMs: number(retries.baseDelayMs, 500),
    maxDelayMs: number(retries.maxDelayMs, 8_000),
    maxRetryAfterMs: number(retries.maxRetryAfterMs, 60_000),
  };
}

/** Whether sending `request` twice has the effect of sending it once. */
function idempotent(request: HttpRequest): boolean {
  if (request.method === 'GET' || request.method === 'PUT' || request.method === 'DELETE') return true;
  return request.headers.some((h) => h.name.toLowerCase() === 'idempotency-key');
}

function abortError(signal: AbortSignal): ClienteleError {
  return new ClienteleError({ code: 'aborted', message: 'the request was aborted', cause: signal.reason });
}

/** Sends `request` once, exactly as built. */
export async function sendOnce(
  request: HttpRequest,
  p: Policy,
  options: RequestOptions,
): Promise<ReceivedResponse> {
  const signal = options.signal;
  if (signal?.aborted) throw abortError(signal);
  const fetchFn = p.fetch ?? (globalThis as { fetch?: Fetch }).fetch;
  if (typeof fetchFn !== 'function') {
    throw new ClienteleError({ code: 'network_error', message: 'no fetch here: pass `fetch` in the client options' });
  }
  const timeoutMs = number(options.timeoutMs, p.timeoutMs);
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const init: FetchInit = {
      method: request.method,
      headers: request.headers.map((h): [string, string] => [h.name, h.value]),
      signal: controller.signal,
    };
    if (request.body !== '') init.body = request.body; // the exact text that was digested and signed
    const response = await fetchFn.call(globalThis, request.url, init);
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: headerList(response.headers), body };
  } catch (thrown) {
    if (timedOut) {
      throw new ClienteleError({
        code: 'timeout',
        message: `no complete response within ${timeoutMs} ms`,
        retryable: idempotent(request),
        cause: thrown,
      });
    }
    if (signal?.aborted) throw abortError(signal);
    if (isClienteleError(thrown)) throw thrown;
    const reason = thrown instanceof Error ? describe(thrown) : String(thrown);
    throw new ClienteleError({
      code: 'network_error',
      message: `the request could not be sent or its answer read: ${reason}`,
      retryable: idempotent(request),
      cause: thrown,
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** `TypeError: fetch failed` says little; its cause (ECONNREFUSED, ...) says more. */
function describe(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `${cause.message}` : '';
  return inner && inner !== error.message ? `${error.message} (${inner})` : error.message;
}

/** Waits `ms`, or rejects with `aborted` as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * How long to wait before retry number `retry` (0-based): exponential backoff with jitter, never
 * shorter than the provider's `Retry-After`; `null` when the provider asks for longer than allowed.
 */
export function backoff(error: ClienteleError, retry: number, p: Policy): number | null {
  const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** retry);
  const jittered = exp / 2 + Math.random() * (exp / 2);
  const after = error.retryAfterMs();
  if (after === null) return jittered;
  if (after > p.maxRetryAfterMs) return null;
  return Math.max(after, Math.min(jittered, p.maxRetryAfterMs));
}

/** What to resend on retry number `retry` (default: the same request). */
export type BeforeRetry = (request: HttpRequest, retry: number) => HttpRequest | Promise<HttpRequest>;

/**
 * build -> fetch -> parse, retrying what the error says is retryable with the same request (or
 * what `beforeRetry` returns: the same request re-signed). Every failure is a `ClienteleError`.
 */
export async function execute<T>(
  request: HttpRequest,
  parse: (response: ReceivedResponse) => T,
  p: Policy,
  options: RequestOptions = {},
  beforeRetry?: BeforeRetry,
): Promise<T> {
  options = opts(options);
  const signal = options.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function')) {
    throw invalidArgument('signal', '`signal` must be an AbortSignal');
  }
  const maxRetries = Math.floor(number(options.maxRetries, p.maxRetries));
  let current = request;
  for (let retry = 0; ; retry++) {
    try {
      const response = await sendOnce(current, p, options);
      return parse(response);
    } catch (thrown) {
      const error = toClienteleError(thrown);
      if (!error.retryable || retry >= maxRetries) throw error;
      const delay = backoff(error, retry, p);
      if (delay === null) throw error;
      await sleep(delay, options.signal);
      if (beforeRetry !== undefined) current = await beforeRetry(current, retry);
    }
  }
}

/** Whether this looks like a browser (or a browser worker) rather than a server runtime. */
export function inBrowser(): boolean {
  const g = globalThis as {
    window?: unknown;
    document?: unknown;
    process?: { versions?: { node?: unknown } };
    importScripts?: unknown;
    WorkerGlobalScope?: unknown;
  };
  if (g.process?.versions?.node !== undefined) return false;
  const page = g.window !== undefined && g.document !== undefined;
  const worker = typeof g.importScripts === 'function' && g.WorkerGlobalScope !== undefined;
  return page || worker;
}
