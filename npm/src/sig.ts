// HTTP message signatures (RFC 9421) and Content-Digest (RFC 9530): keys held by the core,
// digests, verification.

import type * as Glue from '../wasm/node/clientele_keys.cjs';
import { invalidArgument } from './errors.js';
import { bytes, call, callKeys, headerList, iso, opts, parse, str, toJson, u32 } from './raw.js';
import type { BodyInput, HeadersInput, Instant } from './raw.js';
import type { Algorithm, DigestAlgorithm, HttpRequest, Method, VerifiedSignatureSummary } from './types.js';

/** A JSON Web Key (RFC 7517) as an object; the core reads EC P-256/P-384, OKP Ed25519 and oct keys. */
export interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  k?: string;
  kid?: string;
  alg?: string;
  [member: string]: unknown;
}

const jwkText = (jwk: Jwk | string): string => (typeof jwk === 'string' ? jwk : toJson(jwk, 'jwk'));

/**
 * A private key held by the core (P-384, P-256, Ed25519, or an HMAC secret). When the platform
 * can keep the key (WebCrypto with `extractable: false`, a KMS), prefer a `signer` callback.
 */
export class SigningKey {
  /** @internal */
  readonly raw: Glue.SigningKey;

  private constructor(raw: Glue.SigningKey) {
    this.raw = raw;
  }

  /** From PEM: PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`. */
  static fromPem(pem: string): SigningKey {
    return new SigningKey(callKeys((raw) => raw.SigningKey.fromPem(str(pem, 'pem'))));
  }

  /** From a JWK (object or JSON text) with its private part `d`. */
  static fromJwk(jwk: Jwk | string): SigningKey {
    return new SigningKey(callKeys((raw) => raw.SigningKey.fromJwk(jwkText(jwk))));
  }

  /** An HMAC-SHA256 shared secret. */
  static hmacSha256(secret: BodyInput): SigningKey {
    return new SigningKey(callKeys((raw) => raw.SigningKey.hmacSha256(bytes(secret, 'secret'))));
  }

  /** A PEM string or a JWK as a key; a `SigningKey` as it is. */
  static from(key: SigningKey | string | Jwk): SigningKey {
    if (key instanceof SigningKey) return key;
    if (typeof key === 'string') return key.trimStart().startsWith('{') ? SigningKey.fromJwk(key) : SigningKey.fromPem(key);
    if (typeof key === 'object' && key !== null) return SigningKey.fromJwk(key);
    throw invalidArgument('signingKey', '`signingKey` must be a PEM string, a JWK or a SigningKey');
  }

  /** The key's algorithm. */
  get algorithm(): Algorithm {
    return callKeys(() => parse<Algorithm>(this.raw.algorithm));
  }

  /** The matching verification key. */
  publicKey(): VerifyingKey {
    return VerifyingKey.wrap(callKeys(() => this.raw.publicKey()));
  }
}

/** A public key (or an HMAC secret) for verifying signatures. */
export class VerifyingKey {
  /** @internal */
  readonly raw: Glue.VerifyingKey;

  private constructor(raw: Glue.VerifyingKey) {
    this.raw = raw;
  }

  /** @internal */
  static wrap(raw: Glue.VerifyingKey): VerifyingKey {
    return new VerifyingKey(raw);
  }

  /** From PEM (SPKI `PUBLIC KEY`). */
  static fromPem(pem: string): VerifyingKey {
    return new VerifyingKey(callKeys((raw) => raw.VerifyingKey.fromPem(str(pem, 'pem'))));
  }

  /** From a JWK (object or JSON text). */
  static fromJwk(jwk: Jwk | string): VerifyingKey {
    return new VerifyingKey(callKeys((raw) => raw.VerifyingKey.fromJwk(jwkText(jwk))));
  }

  /** An HMAC-SHA256 shared secret. */
  static hmacSha256(secret: BodyInput): VerifyingKey {
    return new VerifyingKey(callKeys((raw) => raw.VerifyingKey.hmacSha256(bytes(secret, 'secret'))));
  }

  /** A PEM string or a JWK as a key; a `VerifyingKey` as it is. */
  static from(key: VerifyingKey | string | Jwk): VerifyingKey {
    if (key instanceof VerifyingKey) return key;
    if (typeof key === 'string') return key.trimStart().startsWith('{') ? VerifyingKey.fromJwk(key) : VerifyingKey.fromPem(key);
    if (typeof key === 'object' && key !== null) return VerifyingKey.fromJwk(key);
    throw invalidArgument('key', '`key` must be a PEM string, a JWK or a VerifyingKey');
  }

  /** The public key as PEM (what OffBlocks' `PUT /auth/signing` takes, base64-encoded). */
  publicKeyPem(): string {
    return callKeys(() => this.raw.publicKeyPem());
  }
}

/** The `Content-Digest` value for `body`. */
export function contentDigest(body: BodyInput, algorithm: DigestAlgorithm = 'sha-256'): string {
  return call((raw) => raw.contentDigest(bytes(body, 'body'), toJson(algorithm, 'algorithm')));
}

/** Checks a `Content-Digest` value against `body`; returns the algorithm checked. */
export function verifyContentDigest(header: string, body: BodyInput): DigestAlgorithm {
  return call((raw) => parse<DigestAlgorithm>(raw.verifyContentDigest(str(header, 'header'), bytes(body, 'body'))));
}

/** A signed HTTP message to verify. `body` must be UTF-8 (every JSON body is). */
export interface SignedMessage {
  method?: Method | undefined;
  url: string;
  headers: HeadersInput;
  body?: BodyInput | null | undefined;
}

/** Options of a signature verification. */
export interface VerifyOptions {
  /** The verifier's clock (default: now). */
  now?: Instant | undefined;
  /** Refuse signatures whose `created` is older than this. */
  maxAgeSeconds?: number | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message as the core's `HttpRequest`, its body decoded as UTF-8 text. */
export function toHttpRequest(message: SignedMessage, defaultMethod: Method = 'POST'): HttpRequest {
  if (typeof message !== 'object' || message === null) {
    throw invalidArgument('message', '`message` must be an object with `url`, `headers` and `body`');
  }
  let body: string;
  if (message.method !== undefined && typeof message.method !== 'string') {
    throw invalidArgument('method', '`method` must be an HTTP method');
  }
  try {
    body = utf8.decode(bytes(message.body, 'body'));
  } catch {
    throw invalidArgument('body', '`body` is not UTF-8 text');
  }
  return {
    method: message.method ?? defaultMethod,
    url: str(message.url, 'url'),
    headers: headerList(message.headers),
    body,
  };
}

/**
 * Verifies the RFC 9421 signature of a request with `key` (the digest too, when there is a body);
 * returns what was verified. Throws a `signature_*` error otherwise.
 */
export function verifyMessage(
  message: SignedMessage,
  key: VerifyingKey,
  options: VerifyOptions = {},
): VerifiedSignatureSummary {
  const request = toHttpRequest(message, 'GET');
  const o = opts(options);
  const maxAge = o.maxAgeSeconds === undefined ? undefined : u32(o.maxAgeSeconds, 'maxAgeSeconds');
  return callKeys((raw) =>
    parse<VerifiedSignatureSummary>(raw.verifyMessage(toJson(request, 'request'), keyOf(key), iso(o.now), maxAge)),
  );
}

/** @internal */
export function keyOf(key: VerifyingKey): Glue.VerifyingKey {
  if (!(key instanceof VerifyingKey)) throw invalidArgument('key', '`key` must be a VerifyingKey');
  return key.raw;
}
