// Webhook helpers. Signatures cover the RAW body: pass the bytes exactly as received (a Buffer from
// `express.raw()`, `await request.arrayBuffer()`), never a re-serialised JSON object.

import type * as Glue from '../wasm/node/clientele_wasm.cjs';
import { ClienteleError, invalidArgument } from './errors.js';
import { bytes, call, callKeys, headerList, iso, optStr, opts, parse, str, toJson, u32 } from './raw.js';
import type { BodyInput, HeadersInput, Instant } from './raw.js';
import { keyOf, toHttpRequest } from './sig.js';
import type { SignedMessage, VerifyingKey } from './sig.js';
import type { BlocWebhookEvent, Delivery, OffBlocksWebhookEvent, VerifiedSignatureSummary } from './types.js';

/** The part of a fetch `Request` the `*Request` helpers read. */
export interface WebhookRequestLike {
  readonly headers: HeadersInput;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Verifies a Bloc delivery (`X-Bloc-Webhook`: hex HMAC-SHA256 of the RAW body, checked in constant
 * time) and parses it. Throws `webhook_signature_missing`, `_malformed`, `_mismatch` or
 * `webhook_body_invalid`.
 */
export function verifyBlocWebhook(body: BodyInput, headers: HeadersInput, secret: string): BlocWebhookEvent {
  return call((raw) =>
    parse<BlocWebhookEvent>(
      raw.blocWebhookVerify(str(secret, 'secret'), bytes(body, 'body'), toJson(headerList(headers), 'headers')),
    ),
  );
}

/** `verifyBlocWebhook` for a fetch `Request` (Next.js route handlers, Workers, Deno, Bun). */
export async function verifyBlocWebhookRequest(request: WebhookRequestLike, secret: string): Promise<BlocWebhookEvent> {
  if (typeof request !== 'object' || request === null || typeof request.arrayBuffer !== 'function') {
    throw invalidArgument('request', '`request` must be a fetch Request');
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await request.arrayBuffer());
  } catch (cause) {
    throw new ClienteleError({ code: 'invalid_argument', kind: 'validation', message: "the request's body could not be read", cause });
  }
  return verifyBlocWebhook(body, request.headers, secret);
}

/** Parses a Bloc delivery WITHOUT verifying it (verify first with `verifyBlocWebhook`). */
export function parseBlocWebhook(body: BodyInput): BlocWebhookEvent {
  return call((raw) => parse<BlocWebhookEvent>(raw.blocWebhookParse(bytes(body, 'body'))));
}

/** Parses an OffBlocks delivery; unknown `webhookType`s are kept. */
export function parseOffBlocksWebhook(body: BodyInput): OffBlocksWebhookEvent {
  return call((raw) => parse<OffBlocksWebhookEvent>(raw.offblocksWebhookParse(bytes(body, 'body'))));
}

/** Options of `verifyOffBlocksWebhookSignature`. */
export interface WebhookSignatureOptions {
  /** The verifier's clock (default: now). */
  now?: Instant | undefined;
  /** Refuse signatures whose `created` is older than this; default 300. */
  maxAgeSeconds?: number | undefined;
}

/**
 * Verifies an RFC 9421 signature on an OffBlocks delivery (when OffBlocks gives you a key):
 * the delivery's method (default POST), full URL, headers and RAW body.
 */
export function verifyOffBlocksWebhookSignature(
  delivery: SignedMessage,
  key: VerifyingKey,
  options: WebhookSignatureOptions = {},
): VerifiedSignatureSummary {
  const request = toHttpRequest(delivery, 'POST');
  const o = opts(options);
  const maxAge = o.maxAgeSeconds === undefined ? undefined : u32(o.maxAgeSeconds, 'maxAgeSeconds');
  return callKeys((raw) =>
    parse<VerifiedSignatureSummary>(
      raw.offblocksWebhookVerifySignature(toJson(request, 'delivery'), keyOf(key), iso(o.now), maxAge),
    ),
  );
}

/**
 * Classifies a delivery from what you stored: whether its `eventId` was processed already, and the
 * customer's last `updatedAt` you applied. `"stale"` deliveries are older than what you have.
 */
export function classifyOffBlocksWebhook(
  event: OffBlocksWebhookEvent,
  seen: { alreadySeen: boolean; lastUpdatedAt?: string | null | undefined },
): Delivery {
  const s = opts(seen, 'seen');
  const last = optStr(s.lastUpdatedAt, 'lastUpdatedAt');
  return call((raw) => parse<Delivery>(raw.offblocksWebhookClassify(toJson(event, 'event'), s.alreadySeen === true, last)));
}

/** What `OffBlocksWebhookDeduplicator.toJSON()` returns, to persist and give to `restore`. */
export type OffBlocksWebhookDeduplicatorState = { readonly [member: string]: unknown };

/**
 * Remembers processed deliveries (by event id, and each customer's latest `updatedAt`) to tell
 * new ones from duplicates and stale, out-of-order ones. OffBlocks retries deliveries.
 */
export class OffBlocksWebhookDeduplicator {
  readonly #raw: Glue.OffBlocksWebhookDeduplicator;

  /** Remembers up to `capacity` event ids (default 10 000, the core's). */
  constructor(capacity?: number) {
    if (adopting !== undefined) {
      this.#raw = adopting;
      return;
    }
    if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1 || capacity > 0xffffffff)) {
      throw invalidArgument('capacity', '`capacity` must be a positive integer');
    }
    this.#raw = call((raw) => new raw.OffBlocksWebhookDeduplicator(capacity));
  }

  /** `"new"`, `"duplicate"` or `"stale"`; records new deliveries. */
  observe(event: OffBlocksWebhookEvent): Delivery {
    return call(() => parse<Delivery>(this.#raw.observe(toJson(event, 'event'))));
  }

  /** The state as JSON text, to persist between runs and give to `restore`. */
  save(): string {
    return call(() => this.#raw.toJSON());
  }

  /** The state as an object (so `JSON.stringify(deduplicator)` saves it too). */
  toJSON(): OffBlocksWebhookDeduplicatorState {
    return parse<OffBlocksWebhookDeduplicatorState>(this.save());
  }

  /**
   * A deduplicator with saved state (the text from `save`, or the object from `toJSON`); throws
   * `invalid_argument` for anything else.
   */
  static restore(state: OffBlocksWebhookDeduplicatorState | string): OffBlocksWebhookDeduplicator {
    const text = typeof state === 'string' ? state : toJson(state, 'state');
    adopting = call((raw) => raw.OffBlocksWebhookDeduplicator.fromJSON(text));
    try {
      return new OffBlocksWebhookDeduplicator();
    } finally {
      adopting = undefined;
    }
  }
}

// Hands a restored raw deduplicator to the constructor (private fields are set only there).
let adopting: Glue.OffBlocksWebhookDeduplicator | undefined;
