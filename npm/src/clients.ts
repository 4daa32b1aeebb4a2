// Clients that send: build (the core) -> fetch (this host) -> parse (the core).

import { Bloc, BlocCustomerPager } from './bloc.js';
import { ClienteleError, invalidArgument, isClienteleError } from './errors.js';
import { OffBlocks } from './offblocks.js';
import type { SigningRequest } from './offblocks.js';
import { bytes, ensureKeys, keysAvailableNow, opts, str, uuid } from './raw.js';
import type { BodyInput } from './raw.js';
import { SigningKey } from './sig.js';
import type { Jwk } from './sig.js';
import { execute, inBrowser, policy } from './transport.js';
import type { ReceivedResponse, RequestOptions, TransportOptions } from './transport.js';
import { accessTokenNeedsRefresh } from './offblocks.js';
import type {
  AccessToken,
  ApiCredentials,
  ChallengePaths,
  ChallengeSubmission,
  Customer,
  CustomerCreateRequest,
  CustomerListQuery,
  CustomerPage,
  CustomerUpdateRequest,
  Environment,
  HttpRequest,
  KycTier1Upgrade,
  KycTier2Upgrade,
  KycTier3Upgrade,
  MeansOfIdentification,
  OffBlocksCustomer,
  OffBlocksCustomerCreate,
  SignatureEncoding,
  SigningConfig,
} from './types.js';

function clock(now: (() => Date) | undefined): () => Date {
  if (now === undefined) return () => new Date();
  if (typeof now !== 'function') throw invalidArgument('now', '`now` must be a function returning a Date');
  return now;
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidArgument(name, `\`${name}\` must be a whole number of seconds`);
  }
  return value;
}

function refuseInBrowser(what: string, allowed: boolean | undefined): void {
  if (allowed === true || !inBrowser()) return;
  throw new ClienteleError({
    code: 'unsafe_browser_credentials',
    message:
      `${what} in a browser would hand it to every visitor: call your own backend instead, ` +
      'or pass dangerouslyAllowBrowser: true if this page never reaches untrusted users',
  });
}

// ---- Bloc -----------------------------------------------------------------------------------

/** Options of a `BlocClient`. */
export interface BlocClientOptions extends TransportOptions {
  /** `sk_test_...` or `sk_live_...`: the environment follows the key. A server-side secret. */
  secretKey: string;
  /** Another base URL (a local sandbox, a proxy). Default `https://api.blochq.io/v1`. */
  baseUrl?: string | undefined;
  /** Allow a secret key in a browser (internal tools only). Default false: the constructor throws. */
  dangerouslyAllowBrowser?: boolean | undefined;
  /** The clock (for KYC date checks); default `() => new Date()`. */
  now?: (() => Date) | undefined;
}

/** Options of a KYC tier 1 upgrade. */
export interface KycTier1Options extends RequestOptions {
  /** Bounds the date of birth; default: today's UTC date from the client's clock. */
  today?: Date | string | undefined;
}

/**
 * Bloc's customer API over fetch. Every method validates its input in the core first (throwing a
 * `ClienteleError` with every field issue), sends the request as built, and parses the answer into
 * typed values or a typed error. Retryable failures are retried with the same request.
 */
export class BlocClient {
  readonly #bloc: Bloc;
  readonly #policy: ReturnType<typeof policy>;
  readonly #now: () => Date;

  constructor(options: BlocClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', '`options` must be an object with `secretKey`');
    }
    refuseInBrowser('A Bloc secret key', options.dangerouslyAllowBrowser);
    this.#bloc = new Bloc(str(options.secretKey, 'secretKey'), { baseUrl: options.baseUrl });
    this.#policy = policy(options);
    this.#now = clock(options.now);
  }

  /** `"test"` or `"live"`, from the key. */
  get environment(): Environment {
    return this.#bloc.environment;
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#bloc.baseUrl;
  }

  #send<T>(request: HttpRequest, parse: (response: ReceivedResponse) => T, options?: RequestOptions): Promise<T> {
    return execute(request, parse, this.#policy, options);
  }

  /** One page of customers (`query.page`, `query.perPage`; the first page by default). */
  async listCustomers(query: CustomerListQuery = {}, options?: RequestOptions): Promise<CustomerPage> {
    return this.#send(this.#bloc.buildListCustomers(query), Bloc.parseListCustomers, options);
  }

  /** Every page of customers, one request per page, from `query.page` on. */
  async *customerPages(query: CustomerListQuery = {}, options?: RequestOptions): AsyncGenerator<CustomerPage, void, undefined> {
    const pager = new BlocCustomerPager(query);
    for (;;) {
      const request = pager.nextRequest(this.#bloc);
      if (request === undefined) return;
      yield await this.#send(request, (response) => pager.advance(response), options);
    }
  }

  /** Every customer, across all pages (`for await (const customer of bloc.customers())`). */
  async *customers(query: CustomerListQuery = {}, options?: RequestOptions): AsyncGenerator<Customer, void, undefined> {
    for await (const page of this.customerPages(query, options)) yield* page.customers;
  }

  /** One customer by id. */
  async getCustomer(customerId: string, options?: RequestOptions): Promise<Customer> {
    return this.#send(this.#bloc.buildGetCustomer(customerId), Bloc.parseGetCustomer, options);
  }

  /**
   * Creates a customer. A 5xx answer is not retried (the customer may exist): list to check. Bloc
   * customers cannot be deleted (archive or edit them in Bloc's dashboard).
   */
  async createCustomer(payload: CustomerCreateRequest, options?: RequestOptions): Promise<Customer> {
    return this.#send(this.#bloc.buildCreateCustomer(payload), Bloc.parseCreateCustomer, options);
  }

  /** Replaces a customer's details. */
  async updateCustomer(customerId: string, payload: CustomerUpdateRequest, options?: RequestOptions): Promise<Customer> {
    return this.#send(this.#bloc.buildUpdateCustomer(customerId, payload), Bloc.parseUpdateCustomer, options);
  }

  /** KYC tier 1: date and place of birth, gender, address, a selfie. */
  async upgradeKycTier1(customerId: string, payload: KycTier1Upgrade, options: KycTier1Options = {}): Promise<Customer> {
    const today = opts(options).today ?? this.#now();
    return this.#send(this.#bloc.buildKycTier1Upgrade(customerId, payload, today), Bloc.parseKycUpgrade, options);
  }

  /** KYC tier 2: a means of identification. */
  async upgradeKycTier2(customerId: string, payload: KycTier2Upgrade, options?: RequestOptions): Promise<Customer> {
    return this.#send(this.#bloc.buildKycTier2Upgrade(customerId, payload), Bloc.parseKycUpgrade, options);
  }

  /** KYC tier 3: proof of address. */
  async upgradeKycTier3(customerId: string, payload: KycTier3Upgrade, options?: RequestOptions): Promise<Customer> {
    return this.#send(this.#bloc.buildKycTier3Upgrade(customerId, payload), Bloc.parseKycUpgrade, options);
  }

  /** The means of identification Bloc accepts for tier 2. */
  async meansOfIdentification(options?: RequestOptions): Promise<MeansOfIdentification[]> {
    return this.#send(this.#bloc.buildMeansOfIdentification(), Bloc.parseMeansOfIdentification, options);
  }

  /** Asks Bloc to re-run KYC checks; resolves to Bloc's message. */
  async revalidateKyc(customerId: string, options?: RequestOptions): Promise<string> {
    return this.#send(this.#bloc.buildRevalidateKyc(customerId), Bloc.parseRevalidateKyc, options);
  }
}

// ---- OffBlocks ------------------------------------------------------------------------------

/**
 * Signs the signature base elsewhere (WebCrypto with a non-extractable key, a KMS, an HSM) and
 * returns the signature: raw `r||s` by default (what WebCrypto's ECDSA returns), or DER when the
 * client's `signatureEncoding` is `"der"`.
 */
export type Signer = (signatureBase: Uint8Array<ArrayBuffer>) => Promise<BodyInput> | BodyInput;

/** A bearer token, or where to get one (your backend, for a browser). */
export type TokenSource = string | AccessToken | (() => Promise<string | AccessToken> | string | AccessToken);

/** Options of an `OffBlocksClient`. */
export interface OffBlocksClientOptions extends TransportOptions {
  /** Default `OffBlocks.SANDBOX_BASE_URL`; use `OffBlocks.LIVE_BASE_URL` in production. */
  baseUrl?: string | undefined;
  /** The id OffBlocks associates with the public key you registered (`PUT /auth/signing`). */
  keyId: string;
  /** Other signing parameters; the defaults fit OffBlocks. */
  signing?: Omit<SigningConfig, 'keyId'> | undefined;
  /** A P-384 private key held by the core: PEM, JWK or `SigningKey`. Or use `signer`. */
  signingKey?: SigningKey | string | Jwk | undefined;
  /** Signs outside the core (a non-extractable WebCrypto key, a KMS). Or use `signingKey`. */
  signer?: Signer | undefined;
  /** The encoding of what `signer` returns; default `"raw"` (`r||s`). */
  signatureEncoding?: SignatureEncoding | undefined;
  /** API credentials: the client fetches a token and refreshes it before it expires. */
  credentials?: ApiCredentials | undefined;
  /** Or a token, or a function that returns one (called again when it nears expiry or is refused). */
  token?: TokenSource | undefined;
  /** Refresh a token this long before it expires; default 60 s. */
  refreshMarginSeconds?: number | undefined;
  /** Re-sign (same body, same Idempotency-Key) a retry whose signature is older than this; default 30 s. */
  resignAfterSeconds?: number | undefined;
  /** Other ownership challenge paths (`{id}` stands for the customer id). */
  challengePaths?: ChallengePaths | undefined;
  /** Allow API secrets or private keys in a browser. Default false: the constructor throws. */
  dangerouslyAllowBrowser?: boolean | undefined;
  /** The clock (signatures' `created`, token expiry); default `() => new Date()`. */
  now?: (() => Date) | undefined;
}

/** Options of an operation that changes something: its Idempotency-Key. */
export interface IdempotentRequestOptions extends RequestOptions {
  /** Pass the same key to retry the same operation later; default `crypto.randomUUID()`. */
  idempotencyKey?: string | undefined;
}

const isAccessToken = (v: unknown): v is AccessToken =>
  typeof v === 'object' && v !== null && typeof (v as AccessToken).token === 'string';

/**
 * OffBlocks' customer API over fetch. Every request is signed (RFC 9421, ECDSA P-384, with a
 * Content-Digest of the body) by a key held by the core or by your `signer`; operations that
 * change something carry an Idempotency-Key, reused unchanged on every retry.
 */
export class OffBlocksClient {
  readonly #base: OffBlocks;
  readonly #policy: ReturnType<typeof policy>;
  readonly #now: () => Date;
  readonly #sign: (pending: SigningRequest) => Promise<HttpRequest>;
  readonly #credentials: ApiCredentials | undefined;
  readonly #tokenSource: TokenSource | undefined;
  readonly #margin: number;
  readonly #resignAfterMs: number;
  #token: AccessToken | string | undefined;
  #refreshing: Promise<AccessToken | string> | undefined;
  #context: { token: string; offblocks: OffBlocks } | undefined;
  #placeholder: OffBlocks | undefined;

  constructor(options: OffBlocksClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', '`options` must be an object with `keyId`');
    }
    if (options.credentials !== undefined) refuseInBrowser('An OffBlocks API secret', options.dangerouslyAllowBrowser);
    if (options.signingKey !== undefined) refuseInBrowser('A private signing key', options.dangerouslyAllowBrowser);
    this.#base = new OffBlocks({
      baseUrl: options.baseUrl,
      keyId: options.keyId,
      signing: options.signing,
      challengePaths: options.challengePaths,
    });
    this.#policy = policy(options);
    this.#now = clock(options.now);
    this.#margin = seconds(options.refreshMarginSeconds, 60, 'refreshMarginSeconds');
    this.#resignAfterMs = seconds(options.resignAfterSeconds, 30, 'resignAfterSeconds') * 1000;

    if ((options.signingKey === undefined) === (options.signer === undefined)) {
      throw invalidArgument('signingKey', 'pass exactly one of `signingKey` and `signer`');
    }
    if (options.signingKey !== undefined) {
      const given = options.signingKey;
      // Parsed now where the keys module loads synchronously (Node), so a bad key fails here;
      // in browsers, on the first request, once `loadKeys()` has fetched the module.
      let key = keysAvailableNow() ? SigningKey.from(given) : undefined;
      this.#sign = async (pending) => {
        if (key === undefined) {
          await ensureKeys();
          key = SigningKey.from(given);
        }
        return pending.sign(key);
      };
    } else {
      const signer = options.signer;
      if (typeof signer !== 'function') throw invalidArgument('signer', '`signer` must be a function');
      const encoding = options.signatureEncoding ?? 'raw';
      this.#sign = async (pending) => {
        let signature: Uint8Array;
        try {
          signature = bytes(await signer(pending.signatureBase), 'signature');
        } catch (thrown) {
          if (isClienteleError(thrown)) throw thrown;
          throw new ClienteleError({ code: 'signer_failed', message: 'the signer callback failed', cause: thrown });
        }
        return pending.finish(signature, encoding);
      };
    }

    if ((options.credentials === undefined) === (options.token === undefined)) {
      throw invalidArgument('credentials', 'pass exactly one of `credentials` and `token`');
    }
    this.#credentials = options.credentials;
    this.#tokenSource = options.token;
    if (typeof options.token === 'string' || isAccessToken(options.token)) this.#token = options.token;
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#base.baseUrl;
  }

  /**
   * The current token, fetched (`credentials`) or obtained (`token` function) first when there is
   * none or it is within `refreshMarginSeconds` of expiry. A backend can hand it to a browser.
   */
  async getAccessToken(options?: RequestOptions): Promise<AccessToken | string> {
    const current = this.#token;
    const fresh =
      current !== undefined &&
      (typeof current === 'string' || !accessTokenNeedsRefresh(current, this.#now(), this.#margin));
    if (fresh) return current;
    if (this.#credentials === undefined && typeof this.#tokenSource !== 'function') {
      return current as AccessToken; // a fixed token: nothing to refresh it with
    }
    // One refresh at a time, shared by concurrent calls.
    this.#refreshing ??= this.#refresh(options).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(options?: RequestOptions): Promise<AccessToken | string> {
    let token: AccessToken | string;
    if (this.#credentials !== undefined) {
      const request = this.#base.buildTokenRequest(this.#credentials);
      token = await execute(request, OffBlocks.parseToken, this.#policy, options);
    } else {
      const source = this.#tokenSource as () => Promise<string | AccessToken> | string | AccessToken;
      try {
        token = await source();
      } catch (thrown) {
        if (isClienteleError(thrown)) throw thrown;
        throw new ClienteleError({ code: 'token_unavailable', message: 'the token function failed', cause: thrown });
      }
      if (typeof token !== 'string' && !isAccessToken(token)) {
        throw invalidArgument('token', 'the `token` function must return a string or an AccessToken');
      }
    }
    this.#token = token;
    return token;
  }

  #offblocks(token: string): OffBlocks {
    if (this.#context?.token !== token) this.#context = { token, offblocks: this.#base.withToken(token) };
    return this.#context.offblocks;
  }

  /**
   * Runs a signed operation: token, build, sign, send, parse. Retries resend the same signed
   * request, re-signed (same body, digest and Idempotency-Key) when it has grown older than
   * `resignAfterSeconds`. A 401 with a refreshable token refreshes it and rebuilds once (the same
   * input and Idempotency-Key give the same body).
   */
  async #signed<T>(
    build: (offblocks: OffBlocks, now: Date) => SigningRequest,
    parse: (response: ReceivedResponse) => T,
    options: RequestOptions = {},
  ): Promise<T> {
    const refreshable = this.#credentials !== undefined || typeof this.#tokenSource === 'function';
    if (this.#token === undefined) {
      // Refuse invalid input before spending a round trip on a token.
      this.#placeholder ??= this.#base.withToken('placeholder');
      build(this.#placeholder, this.#now());
    }
    for (let attempt = 0; ; attempt++) {
      const token = await this.getAccessToken(options);
      const offblocks = this.#offblocks(typeof token === 'string' ? token : token.token);
      let signedAt = this.#now();
      const request = await this.#sign(build(offblocks, signedAt));
      const resign = async (current: HttpRequest): Promise<HttpRequest> => {
        const now = this.#now();
        if (now.getTime() - signedAt.getTime() < this.#resignAfterMs) return current;
        signedAt = now;
        return this.#sign(offblocks.resign(current, { now }));
      };
      try {
        return await execute(request, parse, this.#policy, options, resign);
      } catch (thrown) {
        if (attempt === 0 && refreshable && isClienteleError(thrown) && thrown.code === 'unauthorized') {
          this.#token = undefined; // refused: get another, then rebuild once
          continue;
        }
        throw thrown;
      }
    }
  }

  #key(options: IdempotentRequestOptions): string {
    const key = opts(options).idempotencyKey;
    return key === undefined ? uuid() : str(key, 'idempotencyKey');
  }

  /** Creates a customer; the answer carries its ownership challenge (see `openChallenge`). */
  async createCustomer(input: OffBlocksCustomerCreate, options: IdempotentRequestOptions = {}): Promise<OffBlocksCustomer> {
    const idempotencyKey = this.#key(options);
    return this.#signed((o, now) => o.buildCreateCustomer(input, { idempotencyKey, now }), OffBlocks.parseCreateCustomer, options);
  }

  /** One customer by id. */
  async getCustomer(customerId: string, options?: RequestOptions): Promise<OffBlocksCustomer> {
    return this.#signed((o, now) => o.buildGetCustomer(customerId, { now }), OffBlocks.parseGetCustomer, options);
  }

  /** Every customer. */
  async listCustomers(options?: RequestOptions): Promise<OffBlocksCustomer[]> {
    return this.#signed((o, now) => o.buildListCustomers({ now }), OffBlocks.parseListCustomers, options);
  }

  /**
   * Deactivates an active customer, and with it every account and card of the customer; resolves
   * to the customer, or `null` when OffBlocks sends no body.
   */
  async deactivateCustomer(customerId: string, options: IdempotentRequestOptions = {}): Promise<OffBlocksCustomer | null> {
    const idempotencyKey = this.#key(options);
    return this.#signed(
      (o, now) => o.buildDeactivateCustomer(customerId, { idempotencyKey, now }),
      OffBlocks.parseStatusChange,
      options,
    );
  }

  /** Activates an inactive customer; resolves to the customer, or `null` when OffBlocks sends no body. */
  async activateCustomer(customerId: string, options: IdempotentRequestOptions = {}): Promise<OffBlocksCustomer | null> {
    const idempotencyKey = this.#key(options);
    return this.#signed(
      (o, now) => o.buildActivateCustomer(customerId, { idempotencyKey, now }),
      OffBlocks.parseStatusChange,
      options,
    );
  }

  /** Sandbox only: marks the customer verified. */
  async simulateVerification(customerId: string, options: IdempotentRequestOptions = {}): Promise<void> {
    const idempotencyKey = this.#key(options);
    return this.#signed(
      (o, now) => o.buildSimulatorVerify(customerId, { idempotencyKey, now }),
      OffBlocks.parseSimulatorVerify,
      options,
    );
  }

  /** The customer's current ownership challenge (base64; open it with `openChallenge`). */
  async getChallenge(customerId: string, options?: RequestOptions): Promise<string> {
    return this.#signed((o, now) => o.buildGetChallenge(customerId, { now }), OffBlocks.parseChallenge, options);
  }

  /** Submits the wallet's signature (from `acceptChallengeSignature`). */
  async submitChallenge(
    customerId: string,
    submission: ChallengeSubmission,
    options: IdempotentRequestOptions = {},
  ): Promise<OffBlocksCustomer | null> {
    const idempotencyKey = this.#key(options);
    return this.#signed(
      (o, now) => o.buildSubmitChallenge(customerId, submission, { idempotencyKey, now }),
      OffBlocks.parseSubmitChallenge,
      options,
    );
  }
}
