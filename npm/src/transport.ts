// The host's I/O for the core's client engine: send a built request with fetch (under a timeout
// and the caller's AbortSignal), sleep, sign, ask the token function, and report each outcome to
// the engine, which decides everything (retries, waits, Retry-After, token refresh, re-signing,
// the error that ends a call). Nothing here knows a status code or a retry rule.

import type * as ClientGlue from '../wasm/node/clientele_client.cjs';
import { ClienteleError, invalidArgument, toClienteleError } from './errors.js';
import { call, callClient, ensureClient, headerList, opts, parse, str, toJson } from './raw.js';
import type { HeadersInput } from './raw.js';
import type { Algorithm, AppInfo, ClientEvent, Header, HttpRequest } from './types.js';

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

/**
 * Retries of retryable failures (429, an OffBlocks request still in flight, 5xx of retry-safe
 * requests, timeouts and network failures of retry-safe requests). The rules and the defaults are
 * the core's, the same in every Clientele host.
 */
export interface RetryOptions {
  /** Retries after the first attempt; default 2. */
  maxRetries?: number | undefined;
  /** The first backoff; doubled each retry, half of it jittered. Default 500 ms. */
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
  /** Waits `ms` (rejecting when `signal` aborts); default a timer. For tests and custom schedulers. */
  sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /** A random number in [0, 1) for the backoff's jitter; default `Math.random`. */
  random?: (() => number) | undefined;
  /**
   * Your application, named in the `User-Agent` after Clientele's own part (like Stripe's
   * `appInfo`), so the provider's support can tell your requests apart. Not sent from browsers,
   * which do not let a page set a `User-Agent`.
   */
  appInfo?: AppInfo | undefined;
  /**
   * Called with each event of every call, as the core's engine reports it: a request sent
   * (method, URL, attempt, headers with credentials hidden and personal data masked), a response
   * received (status, request id, elapsed time), a request that failed, a retry scheduled (wait,
   * reason). For logs and metrics; it cannot change the call, and what it throws is ignored.
   */
  onEvent?: ((event: ClientEvent) => void) | undefined;
}

/** Per-call options of every client method. */
export interface RequestOptions {
  /** Aborts the call (the request in flight and any wait): rejects with code `aborted`. */
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

/** What the answer of a call was, beside its value: from `.withResponse()`. */
export interface ResponseInfo {
  /** The status of the final answer. */
  readonly status: number;
  /** Its headers, as received. */
  readonly headers: Header[];
  /** The provider's id of the request (quote it to their support), when it sent one. */
  readonly requestId: string | null;
  /** Attempts of the operation's request: 1, plus its retries (a token request is not one). */
  readonly attempts: number;
}

/** A value with the response it came from. */
export interface WithResponse<T, R = ResponseInfo> {
  readonly data: T;
  readonly response: R;
}

/**
 * What every client method returns: a `Promise` of the value that also offers the answer's
 * metadata, as in `const { data, response } = await bloc.getCustomer(id).withResponse()`.
 * `R` is `ResponseInfo | null` for `accessToken`, which sends nothing while its token is fresh.
 */
export class ClientPromise<T, R = ResponseInfo> extends Promise<T> {
  readonly #answer: Promise<WithResponse<T, R>>;

  /** @internal */
  constructor(answer: Promise<WithResponse<T, R>>) {
    super((resolve) => resolve(undefined as T));
    this.#answer = answer;
  }

  // `then` and friends on a derived promise make plain promises, not ClientPromises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** The value and the answer's status, headers, request id and attempts. */
  withResponse(): Promise<WithResponse<T, R>> {
    return this.#answer;
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#answer.then((answer) => answer.data).then(onFulfilled, onRejected);
  }

  override catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onFinally);
  }
}

/** The engine's options in its own units (milliseconds and seconds), as the core names them. */
interface EngineOptions {
  timeoutMs: number;
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  tokenRefreshMarginS: number;
  resignAfterS: number;
}

/** Every default, from the core (the same numbers in every host): `clientDefaults()`. */
interface Defaults {
  client: EngineOptions;
  webhookMaxAgeS: number;
  webhookDedupeCapacity: number;
}

let defaults: Defaults | undefined;
/** The core's client defaults (read once, from the client module). */
export async function clientDefaults(): Promise<Defaults> {
  await ensureClient();
  defaults ??= callClient((raw) => parse<Defaults>(raw.clientDefaults()));
  return defaults;
}

/** What a client holds: its choices among the engine's options, and its own I/O. */
export interface Io {
  choices: Partial<EngineOptions>;
  fetch: Fetch | undefined;
  now: () => Date;
  sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  random: () => number;
  appInfo: AppInfo | undefined;
  /** The identity every call sends (JSON), made by the core on the first call. */
  identity: string | undefined;
  onEvent: ((event: ClientEvent) => void) | undefined;
}

/**
 * The runtime and OS this runs on, for the `User-Agent`; `undefined` in a browser, which sends
 * its own `User-Agent` and would send a CORS preflight for the retry header.
 */
export function describeRuntime(): { runtime: string; os: string } | undefined {
  const g = globalThis as {
    Deno?: { version?: { deno?: unknown }; build?: { os?: unknown; arch?: unknown } };
    Bun?: { version?: unknown };
    EdgeRuntime?: unknown;
    navigator?: { userAgent?: unknown };
    process?: { versions?: { node?: unknown }; platform?: unknown; arch?: unknown };
  };
  const os = (platform: unknown, arch: unknown): string =>
    typeof platform === 'string' ? (typeof arch === 'string' ? `${platform} ${arch}` : platform) : 'unknown';
  // Deno and Bun also define `process` (Node compatibility): asked first.
  if (typeof g.Deno?.version?.deno === 'string') return { runtime: `deno/${g.Deno.version.deno}`, os: os(g.Deno.build?.os, g.Deno.build?.arch) };
  if (typeof g.Bun?.version === 'string') return { runtime: `bun/${g.Bun.version}`, os: os(g.process?.platform, g.process?.arch) };
  if (typeof g.EdgeRuntime === 'string') return { runtime: `edge-light/${g.EdgeRuntime}`, os: 'unknown' };
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return { runtime: 'workerd', os: 'unknown' };
  if (typeof g.process?.versions?.node === 'string') return { runtime: `node/${g.process.versions.node}`, os: os(g.process.platform, g.process.arch) };
  if (inBrowser()) return undefined;
  return { runtime: 'unknown', os: 'unknown' };
}

/** The identity of this client's calls (`{userAgent, retryHeader}` JSON), by the core. */
function identity(io: Io): string {
  if (io.identity === undefined) {
    const here = describeRuntime();
    const app = io.appInfo === undefined ? undefined : toJson(io.appInfo, 'appInfo');
    io.identity = toJson(
      here === undefined ? { retryHeader: false } : { userAgent: callClient((raw) => raw.userAgent('npm', here.runtime, here.os, app)), retryHeader: true },
      'identity',
    );
  }
  return io.identity;
}

const whole = (value: unknown, name: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalidArgument(name, `\`${name}\` must be a whole number from 0 to 4294967295`);
  }
  return value;
};

/** The client's I/O and its choices among the engine's options (the core fills in the rest). */
export function io(
  options: TransportOptions & { refreshMarginSeconds?: number | undefined; resignAfterSeconds?: number | undefined },
  now: () => Date,
): Io {
  const retries = options.retries === false ? { maxRetries: 0 } : opts(options.retries, 'retries');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw invalidArgument('fetch', '`fetch` must be a function');
  if (options.sleep !== undefined && typeof options.sleep !== 'function') throw invalidArgument('sleep', '`sleep` must be a function');
  if (options.random !== undefined && typeof options.random !== 'function') throw invalidArgument('random', '`random` must be a function');
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw invalidArgument('onEvent', '`onEvent` must be a function');
  const appInfo = options.appInfo === undefined ? undefined : opts(options.appInfo, 'appInfo');
  if (appInfo !== undefined) str(appInfo.name, 'appInfo.name');
  const choices: Partial<EngineOptions> = {
    timeoutMs: whole(options.timeoutMs, 'timeoutMs'),
    maxRetries: whole(retries.maxRetries, 'retries.maxRetries'),
    baseDelayMs: whole(retries.baseDelayMs, 'retries.baseDelayMs'),
    maxDelayMs: whole(retries.maxDelayMs, 'retries.maxDelayMs'),
    maxRetryAfterMs: whole(retries.maxRetryAfterMs, 'retries.maxRetryAfterMs'),
    tokenRefreshMarginS: whole(options.refreshMarginSeconds, 'refreshMarginSeconds'),
    resignAfterS: whole(options.resignAfterSeconds, 'resignAfterSeconds'),
  };
  return {
    choices,
    fetch: options.fetch,
    now,
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
    appInfo: appInfo as AppInfo | undefined,
    identity: undefined,
    onEvent: options.onEvent,
  };
}

/** The engine's options for one call (JSON): the client's and the call's choices; the engine's defaults for the rest. */
function callOptions(io: Io, options: RequestOptions): string {
  const call = { timeoutMs: whole(options.timeoutMs, 'timeoutMs'), maxRetries: whole(options.maxRetries, 'maxRetries') };
  const defined = (o: object): [string, unknown][] => Object.entries(o).filter(([, v]) => v !== undefined);
  return toJson(Object.fromEntries([...defined(io.choices), ...defined(call)]), 'options');
}

function abortError(): ClienteleError {
  return new ClienteleError({ code: 'aborted', kind: 'transport', message: 'the call was aborted' });
}

/** Why a send got no answer, in the engine's words. */
type Failure = 'timeout' | 'network' | 'aborted';

class SendFailed {
  constructor(
    readonly failure: Failure,
    readonly cause: unknown,
  ) {}
}

/** Sends `request` once, exactly as built, within `timeoutMs` (0: no limit). */
async function sendOnce(
  request: HttpRequest,
  timeoutMs: number,
  fetchFn: Fetch | undefined,
  signal: AbortSignal | undefined,
): Promise<ReceivedResponse> {
  if (signal?.aborted) throw new SendFailed('aborted', signal.reason);
  const f = fetchFn ?? (globalThis as { fetch?: Fetch }).fetch;
  if (typeof f !== 'function') throw new SendFailed('network', new Error('no fetch here: pass `fetch` in the client options'));
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
    const response = await f.call(globalThis, request.url, init);
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: headerList(response.headers), body };
  } catch (thrown) {
    // Our own limit, or a fetch that gave up on its own (`AbortSignal.timeout`: a TimeoutError).
    if (timedOut || (thrown as { name?: unknown } | null)?.name === 'TimeoutError') throw new SendFailed('timeout', thrown);
    if (signal?.aborted) throw new SendFailed('aborted', signal.reason);
    throw new SendFailed('network', thrown);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An action of the engine, as its JSON says. */
type Action =
  | { action: 'send'; request: HttpRequest; timeoutMs: number; attempt: number; purpose: 'operation' | 'token' }
  | { action: 'sign'; base: number[]; algorithm: Algorithm }
  | { action: 'obtain_token' }
  | { action: 'wait'; ms: number; cause: string }
  | { action: 'done'; attempts: number };

/** The raw engine call both providers' calls look like to the loop below. */
interface EngineCall {
  identify(identity: string): void;
  takeEvents(): string;
  start(): string;
  onResponse(status: number, headers: string, body: Uint8Array, now: string, jitter: number): string;
  onFailure(failure: Failure, now: string, jitter: number): string;
  onWaited(now: string): string;
  onSignature?(signature: Uint8Array, encoding: string, now: string): string;
  onToken?(token: string, expiresAt: string | undefined, now: string): string;
  free(): void;
}

/** How an OffBlocks client signs and gets tokens (absent for Bloc). */
export interface Hooks {
  /** Signs a signature base; resolves to the signature and its encoding. */
  sign?(base: Uint8Array<ArrayBuffer>, algorithm: Algorithm): Promise<{ signature: Uint8Array; encoding: 'raw' | 'der' }>;
  /** Asks the token function for a token. */
  token?(): Promise<{ token: string; expiresAt?: string | undefined }>;
}

/** The end of a call: its final answer (none when it sent nothing) and how many requests it sent. */
export interface Answer {
  response: ReceivedResponse | undefined;
  attempts: number;
}

/** The metadata of an answer, for `withResponse()`. */
export function responseInfo(answer: Answer): ResponseInfo | null {
  const r = answer.response;
  if (r === undefined) return null;
  const requestId = callClient((raw) => raw.responseRequestId(toJson(r.headers, 'headers'))) ?? null;
  return { status: r.status, headers: r.headers, requestId, attempts: answer.attempts };
}

/**
 * Runs one call of the engine to its end: performs each action it returns and reports the outcome,
 * until it is done (resolving to the final answer) or fails (rejecting with its `ClienteleError`,
 * whose `cause` is what the transport threw when the call ends without an answer).
 * `shared` coalesces identical token requests of concurrent calls into one send (I/O, not a rule:
 * each call's engine reads the same answer).
 */
async function drive(
  engine: EngineCall,
  io: Io,
  signal: AbortSignal | undefined,
  hooks: Hooks,
  shared?: Map<string, Promise<ReceivedResponse>>,
): Promise<Answer> {
  const now = (): string => io.now().toISOString();
  const onEvent = io.onEvent;
  const report = (): void => {
    if (onEvent === undefined) return;
    for (const event of parse<ClientEvent[]>(engine.takeEvents())) {
      try {
        onEvent(event);
      } catch {
        // A listener cannot change or break the call.
      }
    }
  };
  const step = (f: () => string): Action => {
    try {
      return callClient(() => parse<Action>(f()));
    } finally {
      report();
    }
  };
  let last: ReceivedResponse | undefined;
  let lastFailure: unknown;
  const send = (request: HttpRequest, timeoutMs: number, purpose: string): Promise<ReceivedResponse> => {
    if (purpose !== 'token' || shared === undefined) return sendOnce(request, timeoutMs, io.fetch, signal);
    const key = JSON.stringify([request.url, request.body]);
    let pending = shared.get(key);
    if (pending === undefined) {
      // Not cancelled by one caller's signal: others wait for it too.
      pending = sendOnce(request, timeoutMs, io.fetch, undefined).finally(() => shared.delete(key));
      shared.set(key, pending);
    }
    if (signal === undefined) return pending;
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new SendFailed('aborted', signal.reason));
      signal.addEventListener('abort', () => reject(new SendFailed('aborted', signal.reason)), { once: true });
    });
    return Promise.race([pending, aborted]);
  };
  try {
    const who = identity(io);
    callClient(() => engine.identify(who));
    let action = step(() => engine.start());
    for (;;) {
      switch (action.action) {
        case 'send': {
          let received: ReceivedResponse;
          try {
            received = await send(action.request, action.timeoutMs, action.purpose);
          } catch (thrown) {
            const failure = thrown instanceof SendFailed ? thrown : new SendFailed('network', thrown);
            lastFailure = failure.cause;
            action = step(() => engine.onFailure(failure.failure, now(), io.random()));
            break;
          }
          last = received;
          const headers = toJson(received.headers, 'headers');
          action = step(() => engine.onResponse(received.status, headers, received.body, now(), io.random()));
          break;
        }
        case 'wait': {
          try {
            await io.sleep(action.ms, signal);
          } catch {
            action = step(() => engine.onFailure('aborted', now(), io.random()));
            break;
          }
          action = step(() => engine.onWaited(now()));
          break;
        }
        case 'sign': {
          if (hooks.sign === undefined || engine.onSignature === undefined) throw new Error('nothing to sign with');
          const { signature, encoding } = await hooks.sign(Uint8Array.from(action.base), action.algorithm);
          action = step(() => (engine.onSignature as NonNullable<EngineCall['onSignature']>)(signature, encoding, now()));
          break;
        }
        case 'obtain_token': {
          if (hooks.token === undefined || engine.onToken === undefined) throw new Error('no token function');
          const { token, expiresAt } = await hooks.token();
          action = step(() => (engine.onToken as NonNullable<EngineCall['onToken']>)(token, expiresAt, now()));
          break;
        }
        case 'done':
          return { response: last, attempts: action.attempts };
      }
    }
  } catch (thrown) {
    const error = toClienteleError(thrown);
    if (error.kind !== 'transport') throw error;
    // The engine's transport error, with what the transport threw (or the abort reason).
    const cause = error.code === 'aborted' ? signal?.reason : lastFailure;
    throw cause === undefined ? error : new ClienteleError({ ...error.toJSON(), cause });
  } finally {
    engine.free();
  }
}

/** Runs a Bloc operation (`{get_customer: {customerId}}`, ...) with the context `bloc()` makes. */
export async function runBloc(
  bloc: () => ClientGlue.BlocContext,
  operation: object | string,
  io: Io,
  options: RequestOptions = {},
): Promise<Answer> {
  const o = opts(options);
  checkSignal(o.signal);
  const settings = callOptions(io, o);
  await ensureClient();
  const context = bloc();
  const raw = callClient((r) => new r.BlocCall(toJson(operation, 'operation'), settings));
  const engine: EngineCall = {
    identify: (identity) => raw.identify(identity),
    takeEvents: () => raw.takeEvents(),
    start: () => raw.start(context, io.now().toISOString()),
    onResponse: (s, h, b, n, j) => raw.onResponse(s, h, b, n, j),
    onFailure: (f, n, j) => raw.onFailure(f, n, j),
    onWaited: (n) => raw.onWaited(n),
    free: () => raw.free(),
  };
  return drive(engine, io, o.signal, {});
}

/** Runs an OffBlocks operation with the session `session()` gives (token and signing context). */
export async function runOffBlocks(
  session: () => ClientGlue.OffBlocksSession,
  operation: object | string,
  io: Io,
  options: RequestOptions,
  hooks: Hooks,
): Promise<Answer> {
  const o = opts(options);
  checkSignal(o.signal);
  const settings = callOptions(io, o);
  await ensureClient();
  const s = session();
  const raw = callClient((r) => new r.OffBlocksCall(toJson(operation, 'operation'), settings));
  const engine: EngineCall = {
    identify: (identity) => raw.identify(identity),
    takeEvents: () => raw.takeEvents(),
    start: () => raw.start(s, io.now().toISOString()),
    onResponse: (st, h, b, n, j) => raw.onResponse(s, st, h, b, n, j),
    onFailure: (f, n, j) => raw.onFailure(f, n, j),
    onWaited: (n) => raw.onWaited(s, n),
    onSignature: (sig, enc, n) => raw.onSignature(sig, enc, n),
    onToken: (t, e, n) => raw.onToken(s, t, e, n),
    free: () => raw.free(),
  };
  return drive(engine, io, o.signal, hooks, sharedTokenRequests.get(s));
}

/** Token requests in flight, per session (concurrent calls of one client share one). */
const sharedTokenRequests = new WeakMap<object, Map<string, Promise<ReceivedResponse>>>();

/** Registers a session whose concurrent token requests are coalesced. */
export function shareTokenRequests(session: object): void {
  sharedTokenRequests.set(session, new Map());
}

function checkSignal(signal: unknown): void {
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).addEventListener !== 'function')) {
    throw invalidArgument('signal', '`signal` must be an AbortSignal');
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
