// OffBlocks without I/O: signed requests in two steps (build, then sign in the core or finish
// with a signature made elsewhere), response parsing, the ownership challenge, tokens.

import type * as Glue from '../wasm/node/clientele_wasm.cjs';
import { parseWith } from './bloc.js';
import { invalidArgument } from './errors.js';
import type { ResponseInput } from './bloc.js';
import { bytes, call, callKeys, iso, optStr, opts, parse, str, toJson, u32, uuid } from './raw.js';
import type { BodyInput, Instant } from './raw.js';
import { SigningKey } from './sig.js';
import type {
  AccessToken,
  Algorithm,
  ApiCredentials,
  Challenge,
  ChallengePaths,
  ChallengeSubmission,
  HttpRequest,
  Issue,
  OffBlocksCustomer,
  OffBlocksCustomerCreate,
  OffBlocksStatus,
  SignatureEncoding,
  SigningConfig,
} from './types.js';

/** Options of the `OffBlocks` context. */
export interface OffBlocksOptions {
  /** Default `OffBlocks.SANDBOX_BASE_URL`; use `OffBlocks.LIVE_BASE_URL` in production. */
  baseUrl?: string | undefined;
  /** The id OffBlocks associates with the public key you registered (`PUT /auth/signing`). */
  keyId: string;
  /** Other signing parameters (components, label, digest, expiry); the defaults fit OffBlocks. */
  signing?: Omit<SigningConfig, 'keyId'> | undefined;
  /** The bearer token (from `POST /auth/token`). */
  token?: string | undefined;
  /** Other ownership challenge paths (`{id}` stands for the customer id). */
  challengePaths?: ChallengePaths | undefined;
}

/** What identifies one operation: the Idempotency-Key (a fresh UUID when omitted) and the clock. */
export interface OperationOptions {
  /** Reuse it to retry the same operation; default `crypto.randomUUID()`. */
  idempotencyKey?: string | undefined;
  /** The signature's `created` time; default now. */
  now?: Instant | undefined;
}

const ADOPT = Symbol('adopt');

const signing = (f: () => Glue.SigningRequest): SigningRequest => new SigningRequest(call(f));

const key = (options: OperationOptions): string =>
  options.idempotencyKey === undefined ? uuid() : str(options.idempotencyKey, 'idempotencyKey');

/**
 * A built request waiting for its signature. `signatureBase` is exactly what must be signed:
 * sign it in the core (`sign(key)`) or elsewhere and `finish(signature)`.
 */
export class SigningRequest {
  readonly #raw: Glue.SigningRequest;

  /** @internal */
  constructor(raw: Glue.SigningRequest) {
    this.#raw = raw;
  }

  /** The request without its `Signature-Input` and `Signature` headers. */
  get request(): HttpRequest {
    return call(() => parse<HttpRequest>(this.#raw.request));
  }

  /** The exact bytes to sign (the RFC 9421 signature base). */
  get signatureBase(): Uint8Array<ArrayBuffer> {
    return call(() => this.#raw.signatureBase as Uint8Array<ArrayBuffer>);
  }

  /** The `Signature-Input` value that will be sent. */
  get signatureInput(): string {
    return call(() => this.#raw.signatureInput);
  }

  /** The algorithm the signature must use (`ecdsa-p384-sha384` for OffBlocks). */
  get algorithm(): Algorithm {
    return call(() => parse<Algorithm>(this.#raw.algorithm));
  }

  /**
   * Completes the request with a signature made elsewhere: `raw` (`r||s`, 96 bytes for P-384, as
   * WebCrypto returns it) or `der` (as most KMSs and Android Keystore return it).
   */
  finish(signature: BodyInput, encoding: SignatureEncoding = 'raw'): HttpRequest {
    return call(() =>
      parse<HttpRequest>(this.#raw.finish(bytes(signature, 'signature'), toJson(encoding, 'encoding'))),
    );
  }

  /**
   * Signs with a key held by the core (deterministic RFC 6979 ECDSA) and completes the request.
   * The key lives in the keys module: it signs this request's signature base, and `finish` takes
   * the raw signature.
   */
  sign(key: SigningKey): HttpRequest {
    const signingKey = SigningKey.from(key);
    const base = this.signatureBase;
    const algorithm = this.algorithm;
    const signature = callKeys((raw) => raw.signSignatureBase(signingKey.raw, algorithm, base));
    return this.finish(signature, 'raw');
  }
}

/**
 * The context of every OffBlocks request: base URL, bearer token and signing configuration.
 * Builds and parses; sends nothing. For a client that sends, see `OffBlocksClient`.
 */
export class OffBlocks {
  readonly #raw: Glue.OffBlocks;

  constructor(options: OffBlocksOptions) {
    const adopted = (options as { [ADOPT]?: Glue.OffBlocks } | null)?.[ADOPT];
    this.#raw =
      adopted ??
      call((raw) => {
        if (typeof options !== 'object' || options === null) {
          return new raw.OffBlocks(raw.OffBlocks.SANDBOX_BASE_URL, 'null'); // refused: invalid_argument
        }
        const signing = { ...opts(options.signing, 'signing'), keyId: options.keyId };
        let context = new raw.OffBlocks(
          optStr(options.baseUrl, 'baseUrl') ?? raw.OffBlocks.SANDBOX_BASE_URL,
          toJson(signing, 'signing'),
        );
        if (options.challengePaths !== undefined) {
          context = context.withChallengePaths(toJson(options.challengePaths, 'challengePaths'));
        }
        if (options.token !== undefined) context = context.withToken(str(options.token, 'token'));
        return context;
      });
  }

  /** OffBlocks' live API. */
  static get LIVE_BASE_URL(): string {
    return call((raw) => raw.OffBlocks.LIVE_BASE_URL);
  }

  /** OffBlocks' sandbox API. */
  static get SANDBOX_BASE_URL(): string {
    return call((raw) => raw.OffBlocks.SANDBOX_BASE_URL);
  }

  /** The base URL. */
  get baseUrl(): string {
    return call(() => this.#raw.baseUrl);
  }

  /** The same context with a bearer token. */
  withToken(token: string): OffBlocks {
    const raw = call(() => this.#raw.withToken(str(token, 'token')));
    return new OffBlocks({ [ADOPT]: raw } as unknown as OffBlocksOptions);
  }

  /** `POST /auth/token`: API credentials for a bearer token (not signed). */
  buildTokenRequest(credentials: ApiCredentials): HttpRequest {
    return call(() => parse<HttpRequest>(this.#raw.buildTokenRequest(toJson(credentials, 'credentials'))));
  }

  /** `POST /customers`: the customer and its ownership challenge. */
  buildCreateCustomer(input: OffBlocksCustomerCreate, options: OperationOptions = {}): SigningRequest {
    return signing(() =>
      this.#raw.buildCreateCustomer(toJson(input, 'input'), key(opts(options)), iso(opts(options).now)),
    );
  }

  /** `GET /customers`. */
  buildListCustomers(options: { now?: Instant | undefined } = {}): SigningRequest {
    return signing(() => this.#raw.buildListCustomers(iso(opts(options).now)));
  }

  /** `GET /customers/{id}`. */
  buildGetCustomer(customerId: string, options: { now?: Instant | undefined } = {}): SigningRequest {
    return signing(() => this.#raw.buildGetCustomer(str(customerId, 'customerId'), iso(opts(options).now)));
  }

  /** `PATCH /customers/{id}/deactivate`. */
  buildDeactivateCustomer(customerId: string, options: OperationOptions = {}): SigningRequest {
    return signing(() =>
      this.#raw.buildDeactivateCustomer(str(customerId, 'customerId'), key(opts(options)), iso(opts(options).now)),
    );
  }

  /** `PATCH /customers/{id}/activate`. */
  buildActivateCustomer(customerId: string, options: OperationOptions = {}): SigningRequest {
    return signing(() =>
      this.#raw.buildActivateCustomer(str(customerId, 'customerId'), key(opts(options)), iso(opts(options).now)),
    );
  }

  /** `PATCH /simulator/customers/{id}/verify` (sandbox only). */
  buildSimulatorVerify(customerId: string, options: OperationOptions = {}): SigningRequest {
    return signing(() =>
      this.#raw.buildSimulatorVerify(str(customerId, 'customerId'), key(opts(options)), iso(opts(options).now)),
    );
  }

  /** `GET` the customer's current ownership challenge. */
  buildGetChallenge(customerId: string, options: { now?: Instant | undefined } = {}): SigningRequest {
    return signing(() => this.#raw.buildGetChallenge(str(customerId, 'customerId'), iso(opts(options).now)));
  }

  /** `POST` the signed challenge (from `acceptChallengeSignature`). */
  buildSubmitChallenge(
    customerId: string,
    submission: ChallengeSubmission,
    options: OperationOptions = {},
  ): SigningRequest {
    return signing(() =>
      this.#raw.buildSubmitChallenge(
        str(customerId, 'customerId'),
        toJson(submission, 'submission'),
        key(opts(options)),
        iso(opts(options).now),
      ),
    );
  }

  /**
   * Re-signs a built request at `now`, keeping its Idempotency-Key, body and digest: for a retry
   * whose first signature has grown too old.
   */
  resign(request: HttpRequest, options: { now?: Instant | undefined } = {}): SigningRequest {
    return signing(() => this.#raw.resign(toJson(request, 'request'), iso(opts(options).now)));
  }

  /** Parses the token answer. */
  static parseToken(response: ResponseInput): AccessToken {
    return parseWith(response, (raw, s, h, b) => parse(raw.OffBlocks.parseToken(s, h, b)));
  }

  /** Parses a create answer (201, with the challenge). */
  static parseCreateCustomer(response: ResponseInput): OffBlocksCustomer {
    return parseWith(response, (raw, s, h, b) => parse(raw.OffBlocks.parseCreateCustomer(s, h, b)));
  }

  /** Parses a get answer. */
  static parseGetCustomer(response: ResponseInput): OffBlocksCustomer {
    return parseWith(response, (raw, s, h, b) => parse(raw.OffBlocks.parseGetCustomer(s, h, b)));
  }

  /** Parses a list answer (a bare array or `{ data: [...] }`). */
  static parseListCustomers(response: ResponseInput): OffBlocksCustomer[] {
    return parseWith(response, (raw, s, h, b) => parse(raw.OffBlocks.parseListCustomers(s, h, b)));
  }

  /** Parses a deactivate or activate answer: the customer, or `null` for an empty body. */
  static parseStatusChange(response: ResponseInput): OffBlocksCustomer | null {
    return parseWith(response, (raw, s, h, b) => parse(raw.OffBlocks.parseStatusChange(s, h, b)));
  }

  /** Parses the simulator's answer (202). */
  static parseSimulatorVerify(response: ResponseInput): void {
    parseWith(response, (raw, s, h, b) => raw.OffBlocks.parseSimulatorVerify(s, h, b));
  }

  /** Parses a challenge answer into the base64 challenge. */
  static parseChallenge(response: ResponseInput): string {
    return parseWith(response, (raw, s, h, b) => raw.OffBlocks.parseChallenge(s, h, b));
  }

  /** Parses a challenge submission's answer: the customer, or `null` for an empty body. */
  static parseSubmitChallenge(response: ResponseInput): OffBlocksCustomer | null {
    return parseWith(response, (raw, s, h, b) => parse(raw.OffBlocks.parseSubmitChallenge(s, h, b)));
  }
}

/** Every issue of a create input (empty when valid): a CAIP-10 `chainId` with its EIP-55 checksum, an `externalId`. */
export function validateOffBlocksCustomerCreate(input: OffBlocksCustomerCreate): Issue[] {
  return call((raw) => parse<Issue[]>(raw.validateOffBlocksCustomerCreate(toJson(input, 'input'))));
}

/**
 * The CAIP-10 account id OffBlocks wants in `chainId` (`eip155:<chainId>:<address>`), from an EVM
 * chain id (`1` for Ethereum, `300` for zkSync Sepolia) and a wallet address as a wallet shows it
 * (`0x` + 40 hex digits; a mixed-case address must pass its EIP-55 checksum). The address is kept
 * exactly as given. Throws a `ClienteleError` (`validation_failed`, issue path `address`) otherwise.
 */
export function caip10AccountId(chainId: number, address: string): string {
  if (typeof chainId !== 'number') throw invalidArgument('chainId', '`chainId` must be a number (an EIP-155 chain id)');
  return call((raw) => raw.caip10AccountId(chainId, str(address, 'address')));
}

/** Whether to fetch a new token before the next request: `now` is within `marginSeconds` (default 60 s, the core's) of its expiry. */
export function accessTokenNeedsRefresh(token: AccessToken, now?: Instant, marginSeconds?: number): boolean {
  const margin = marginSeconds === undefined ? undefined : u32(marginSeconds, 'marginSeconds');
  return call((raw) => raw.accessTokenNeedsRefresh(toJson(token, 'token'), iso(now), margin));
}

/** Whether a customer in `status` may be deactivated. */
export function offblocksCanDeactivate(status: OffBlocksStatus): boolean {
  return call((raw) => raw.offblocksCanDeactivate(str(status, 'status')));
}

/** Whether a customer in `status` may be activated. */
export function offblocksCanActivate(status: OffBlocksStatus): boolean {
  return call((raw) => raw.offblocksCanActivate(str(status, 'status')));
}

/**
 * Decodes an ownership challenge (base64 Sign-In with Ethereum) and checks it against the
 * customer's CAIP-10 `chainId` and the clock, before a wallet is asked to sign `message`. Part of
 * the keys module with `acceptChallengeSignature`: in a browser, `await loadKeys()` first.
 */
export function openChallenge(encoded: string, chainId: string, now?: Instant): Challenge {
  return callKeys((raw) => parse<Challenge>(raw.openChallenge(str(encoded, 'challenge'), str(chainId, 'chainId'), iso(now))));
}

/**
 * Checks the wallet's `personal_sign` signature (0x-hex) of the challenge and returns what to
 * submit (`OffBlocksClient.submitChallenge`); refuses any other signer.
 */
export function acceptChallengeSignature(
  encoded: string,
  chainId: string,
  signature: string,
  now?: Instant,
): ChallengeSubmission {
  return callKeys((raw) =>
    parse<ChallengeSubmission>(
      raw.acceptChallengeSignature(str(encoded, 'challenge'), str(chainId, 'chainId'), iso(now), str(signature, 'signature')),
    ),
  );
}
