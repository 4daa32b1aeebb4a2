// Clients that send: the core's engine decides (build, retry, wait, refresh, re-sign, the error),
// this host does (fetch, timers, the signer, the token function), then the core parses.

import { Bloc, BlocCustomerPager } from './bloc.js';
import { ClienteleError, invalidArgument, isClienteleError } from './errors.js';
import { OffBlocks } from './offblocks.js';
import { bytes, call, callClient, callKeys, ensureKeys, keysAvailableNow, opts, parse, str, toJson, uuid } from './raw.js';
import type { BodyInput } from './raw.js';
import { SigningKey } from './sig.js';
import type { Jwk } from './sig.js';
import { ClientPromise, inBrowser, io, responseInfo, runBloc, runOffBlocks, shareTokenRequests } from './transport.js';
import type { Answer, Hooks, Io, ReceivedResponse, RequestOptions, ResponseInfo, TransportOptions } from './transport.js';
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
  KycTier1Upgrade,
  KycTier2Upgrade,
  KycTier3Upgrade,
  MeansOfIdentification,
  OffBlocksCustomer,
  OffBlocksCustomerCreate,
  SignatureEncoding,
  SigningConfig,
} from './types.js';

/** An engine operation, or how to make it (when making it can throw: the promise rejects instead). */
type Operation = object | string | (() => object | string);

/** The promise of a call: the parsed value, and the answer's metadata for `withResponse()`. */
function answered<T>(run: () => Promise<Answer>, parse: (response: ReceivedResponse) => T): ClientPromise<T> {
  const answer = (async () => {
    const answer = await run();
    const info = responseInfo(answer);
    if (answer.response === undefined || info === null) {
      throw new ClienteleError({ code: 'internal', kind: 'internal', message: 'the engine ended a call without an answer' });
    }
    return { data: parse(answer.response), response: info };
  })();
  return new ClientPromise(answer);
}

function clock(now: (() => Date) | undefined): () => Date {
  if (now === undefined) return () => new Date();
  if (typeof now !== 'function') throw invalidArgument('now', '`now` must be a function returning a Date');
  return now;
}

/** Refuses a server secret in a browser unless allowed (the core's rule; this host tells where it runs). */
function refuseInBrowser(credential: 'blocSecretKey' | 'offblocksApiSecret' | 'signingKey', value: string, allowed: boolean | undefined): void {
  if (!inBrowser()) return;
  call((raw) => raw.checkCredentialPlacement(credential, value, 'browser', allowed === true));
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
  /** The clock (for KYC date checks: today is its UTC date); default `() => new Date()`. */
  now?: (() => Date) | undefined;
}

/** Options of a KYC tier 1 upgrade. */
export interface KycTier1Options extends RequestOptions {
  /** Bounds the date of birth; default: the UTC date of the client's clock. */
  today?: Date | string | undefined;
}

const dayOf = (value: Date | string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return str(value, 'today');
};

/**
 * Bloc's customer API over fetch. Every method validates its input in the core first (throwing a
 * `ClienteleError` with every field issue), sends the request as built, and parses the answer into
 * typed values or a typed error. What is retried, and when, is the core's decision.
 */
export class BlocClient {
  readonly #bloc: Bloc;
  readonly #io: Io;
  readonly #secretKey: string;
  readonly #baseUrl: string | undefined;
  #context: import('../wasm/node/clientele_client.cjs').BlocContext | undefined;

  constructor(options: BlocClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', '`options` must be an object with `secretKey`');
    }
    this.#secretKey = str(options.secretKey, 'secretKey');
    refuseInBrowser('blocSecretKey', this.#secretKey, options.dangerouslyAllowBrowser);
    this.#bloc = new Bloc(this.#secretKey, { baseUrl: options.baseUrl });
    this.#baseUrl = options.baseUrl;
    this.#io = io(options, clock(options.now));
  }

  /** The client module's context (made on the first call, once that module is loaded). */
  #engineContext = (): import('../wasm/node/clientele_client.cjs').BlocContext => {
    this.#context ??= callClient((raw) => new raw.BlocContext(this.#secretKey, this.#baseUrl));
    return this.#context;
  };

  /** `"test"` or `"live"`, from the key. */
  get environment(): Environment {
    return this.#bloc.environment;
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#bloc.baseUrl;
  }

  #send<T>(operation: Operation, parse: (response: ReceivedResponse) => T, options?: RequestOptions): ClientPromise<T> {
    return answered(() => runBloc(this.#engineContext, typeof operation === 'function' ? operation() : operation, this.#io, options), parse);
  }

  /** One page of customers (`query.page`, `query.perPage`; the first page by default). */
  listCustomers(query: CustomerListQuery = {}, options?: RequestOptions): ClientPromise<CustomerPage> {
    return this.#send({ list_customers: { query } }, Bloc.parseListCustomers, options);
  }

  /** Every page of customers, one request per page (fetched when the loop asks), from `query.page` on. */
  async *customerPages(query: CustomerListQuery = {}, options?: RequestOptions): AsyncGenerator<CustomerPage, void, undefined> {
    const pager = new BlocCustomerPager(query);
    for (;;) {
      const next = pager.nextQuery();
      if (next === undefined) return;
      yield await this.#send({ list_customers: { query: next } }, (response) => pager.advance(response), options);
    }
  }

  /** Every customer, across all pages (`for await (const customer of bloc.customers())`). */
  async *customers(query: CustomerListQuery = {}, options?: RequestOptions): AsyncGenerator<Customer, void, undefined> {
    for await (const page of this.customerPages(query, options)) yield* page.customers;
  }

  /** One customer by id. */
  getCustomer(customerId: string, options?: RequestOptions): ClientPromise<Customer> {
    return this.#send({ get_customer: { customerId } }, Bloc.parseGetCustomer, options);
  }

  /**
   * Creates a customer. A 5xx answer is not retried (the customer may exist): list to check. Bloc
   * customers cannot be deleted (archive or edit them in Bloc's dashboard).
   */
  createCustomer(payload: CustomerCreateRequest, options?: RequestOptions): ClientPromise<Customer> {
    return this.#send({ create_customer: { payload } }, Bloc.parseCreateCustomer, options);
  }

  /** Replaces a customer's details. */
  updateCustomer(customerId: string, payload: CustomerUpdateRequest, options?: RequestOptions): ClientPromise<Customer> {
    return this.#send({ update_customer: { customerId, payload } }, Bloc.parseUpdateCustomer, options);
  }

  /** KYC tier 1: date and place of birth, gender, address, a selfie. */
  upgradeKycTier1(customerId: string, payload: KycTier1Upgrade, options: KycTier1Options = {}): ClientPromise<Customer> {
    return this.#send(() => ({ kyc_tier1_upgrade: { customerId, payload, today: dayOf(opts(options).today) } }), Bloc.parseKycUpgrade, options);
  }

  /** KYC tier 2: a means of identification. */
  upgradeKycTier2(customerId: string, payload: KycTier2Upgrade, options?: RequestOptions): ClientPromise<Customer> {
    return this.#send({ kyc_tier2_upgrade: { customerId, payload } }, Bloc.parseKycUpgrade, options);
  }

  /** KYC tier 3: proof of address. */
  upgradeKycTier3(customerId: string, payload: KycTier3Upgrade, options?: RequestOptions): ClientPromise<Customer> {
    return this.#send({ kyc_tier3_upgrade: { customerId, payload } }, Bloc.parseKycUpgrade, options);
  }

  /** The means of identification Bloc accepts for tier 2. */
  meansOfIdentification(options?: RequestOptions): ClientPromise<MeansOfIdentification[]> {
    return this.#send('means_of_identification', Bloc.parseMeansOfIdentification, options);
  }

  /** Asks Bloc to re-run KYC checks; resolves to Bloc's message. */
  revalidateKyc(customerId: string, options?: RequestOptions): ClientPromise<string> {
    return this.#send({ revalidate_kyc: { customerId } }, Bloc.parseRevalidateKyc, options);
  }
}

// ---- OffBlocks ------------------------------------------------------------------------------

/**
 * Signs the signature base elsewhere (WebCrypto with a non-extractable key, a KMS, an HSM) and
 * returns the signature: raw `r||s` by default (what WebCrypto's ECDSA returns), or DER when the
 * client's `signatureEncoding` is `"der"`.
 */
export type Signer = (signatureBase: Uint8Array<ArrayBuffer>) => Promise<BodyInput> | BodyInput;

/** A bearer token, or where to get one (your backend, for a browser or an app). */
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
  /** API credentials (a server-side secret): the client fetches a token and refreshes it before it expires. */
  credentials?: ApiCredentials | undefined;
  /** Or a token, or a function that returns one (asked again when it nears expiry or is refused). */
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

/** The session's token source, in the core's words. */
function source(options: OffBlocksClientOptions): object | string {
  if ((options.credentials === undefined) === (options.token === undefined)) {
    throw invalidArgument('credentials', 'pass exactly one of `credentials` and `token`');
  }
  if (options.credentials !== undefined) return { credentials: { credentials: options.credentials } };
  const token = options.token;
  if (typeof token === 'function') return 'provider';
  if (typeof token === 'string') return { fixed: { token } };
  if (isAccessToken(token)) return { fixed: { token: token.token, expiresAt: token.expiresAt } };
  throw invalidArgument('token', '`token` must be a string, an AccessToken or a function returning one');
}

/**
 * OffBlocks' customer API over fetch. Every request is signed (RFC 9421, ECDSA P-384, with a
 * Content-Digest of the body) by a key held by the core or by your `signer`; operations that
 * change something carry an Idempotency-Key, reused unchanged on every retry. Tokens, retries and
 * re-signing are the core's decisions, the same in every Clientele host.
 */
export class OffBlocksClient {
  readonly #makeSession: () => import('../wasm/node/clientele_client.cjs').OffBlocksSession;
  #sessionValue: import('../wasm/node/clientele_client.cjs').OffBlocksSession | undefined;
  readonly #io: Io;
  readonly #hooks: Hooks;
  readonly #baseUrl: string;
  #pendingToken: Promise<{ token: string; expiresAt?: string | undefined }> | undefined;

  constructor(options: OffBlocksClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', '`options` must be an object with `keyId`');
    }
    if (options.credentials !== undefined) refuseInBrowser('offblocksApiSecret', String(options.baseUrl ?? ''), options.dangerouslyAllowBrowser);
    if (options.signingKey !== undefined) refuseInBrowser('signingKey', '', options.dangerouslyAllowBrowser);
    const signing = { ...opts(options.signing, 'signing'), keyId: options.keyId };
    const tokenSource = source(options);
    // Checked now by the main module (base URL, key id, challenge paths); the engine's session is
    // made in the client module on the first call.
    const checked = new OffBlocks({ baseUrl: options.baseUrl, keyId: options.keyId, signing: options.signing, challengePaths: options.challengePaths });
    this.#baseUrl = checked.baseUrl;
    const sessionArgs = [
      this.#baseUrl,
      toJson(signing, 'signing'),
      options.challengePaths === undefined ? undefined : toJson(options.challengePaths, 'challengePaths'),
      toJson(tokenSource, 'token'),
    ] as const;
    this.#makeSession = () => callClient((raw) => new raw.OffBlocksSession(...sessionArgs));
    this.#io = io(options, clock(options.now));

    if ((options.signingKey === undefined) === (options.signer === undefined)) {
      throw invalidArgument('signingKey', 'pass exactly one of `signingKey` and `signer`');
    }
    let sign: NonNullable<Hooks['sign']>;
    if (options.signingKey !== undefined) {
      const given = options.signingKey;
      // Parsed now where the keys module loads synchronously (Node), so a bad key fails here;
      // in browsers, on the first request, once `loadKeys()` has fetched the module.
      let key = keysAvailableNow() ? SigningKey.from(given) : undefined;
      sign = async (base, algorithm) => {
        if (key === undefined) {
          await ensureKeys();
          key = SigningKey.from(given);
        }
        const signingKey = key;
        const signature = callKeys((raw) => raw.signSignatureBase(signingKey.raw, algorithm, base));
        return { signature, encoding: 'raw' };
      };
    } else {
      const signer = options.signer;
      if (typeof signer !== 'function') throw invalidArgument('signer', '`signer` must be a function');
      const encoding = options.signatureEncoding ?? 'raw';
      if (encoding !== 'raw' && encoding !== 'der') throw invalidArgument('signatureEncoding', '`signatureEncoding` must be "raw" or "der"');
      sign = async (base) => {
        try {
          return { signature: bytes(await signer(base), 'signature'), encoding };
        } catch (thrown) {
          if (isClienteleError(thrown)) throw thrown;
          throw new ClienteleError({ code: 'signer_failed', kind: 'signature', message: 'the signer callback failed', cause: thrown });
        }
      };
    }
    const provider = typeof options.token === 'function' ? options.token : undefined;
    this.#hooks = {
      sign,
      token:
        provider === undefined
          ? undefined
          : () => {
              // One call of the token function at a time, shared by concurrent calls.
              this.#pendingToken ??= this.#ask(provider).finally(() => {
                this.#pendingToken = undefined;
              });
              return this.#pendingToken;
            },
    };
  }

  async #ask(provider: () => Promise<string | AccessToken> | string | AccessToken): Promise<{ token: string; expiresAt?: string | undefined }> {
    let token: string | AccessToken;
    try {
      token = await provider();
    } catch (thrown) {
      if (isClienteleError(thrown)) throw thrown;
      throw new ClienteleError({ code: 'token_unavailable', kind: 'credentials', message: 'the token function failed', cause: thrown });
    }
    if (typeof token === 'string') return { token };
    if (isAccessToken(token)) return { token: token.token, expiresAt: token.expiresAt };
    throw invalidArgument('token', 'the `token` function must return a string or an AccessToken');
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** The engine's session (made on the first call, once the client module is loaded). */
  #session = (): import('../wasm/node/clientele_client.cjs').OffBlocksSession => {
    if (this.#sessionValue === undefined) {
      this.#sessionValue = this.#makeSession();
      shareTokenRequests(this.#sessionValue);
    }
    return this.#sessionValue;
  };

  /**
   * The current token, fetched (`credentials`) or obtained (`token` function) first when there is
   * none or it is within `refreshMarginSeconds` of expiry. A backend can hand it to a browser. A
   * token whose expiry is unknown is returned as a string.
   */
  accessToken(options?: RequestOptions): ClientPromise<AccessToken | string, ResponseInfo | null> {
    const answer = (async () => {
      const answer = await runOffBlocks(this.#session, 'access_token', this.#io, options ?? {}, this.#hooks);
      const current = callClient(() => this.#session().token());
      if (current === undefined) throw new ClienteleError({ code: 'token_unavailable', kind: 'credentials', message: 'no token could be obtained' });
      const { token, expiresAt } = parse<{ token: string; expiresAt: string | null }>(current);
      const data: AccessToken | string = expiresAt === null ? token : { token, expiresAt, tokenType: 'Bearer' };
      return { data, response: responseInfo(answer) };
    })();
    return new ClientPromise(answer);
  }

  #run<T>(operation: Operation, parse: (response: ReceivedResponse) => T, options: RequestOptions = {}): ClientPromise<T> {
    return answered(() => runOffBlocks(this.#session, typeof operation === 'function' ? operation() : operation, this.#io, options, this.#hooks), parse);
  }

  #key(options: IdempotentRequestOptions | undefined): string {
    const key = opts(options).idempotencyKey;
    return key === undefined ? uuid() : str(key, 'idempotencyKey');
  }

  /** Creates a customer; the answer carries its ownership challenge (see `openChallenge`) and its KYC `verificationUrl`. */
  createCustomer(input: OffBlocksCustomerCreate, options: IdempotentRequestOptions = {}): ClientPromise<OffBlocksCustomer> {
    return this.#run(() => ({ create_customer: { input, idempotencyKey: this.#key(options) } }), OffBlocks.parseCreateCustomer, options);
  }

  /** One customer by id. */
  getCustomer(customerId: string, options?: RequestOptions): ClientPromise<OffBlocksCustomer> {
    return this.#run({ get_customer: { customerId } }, OffBlocks.parseGetCustomer, options);
  }

  /** Every customer. */
  listCustomers(options?: RequestOptions): ClientPromise<OffBlocksCustomer[]> {
    return this.#run('list_customers', OffBlocks.parseListCustomers, options);
  }

  /**
   * Deactivates an active customer, and with it every account and card of the customer; resolves
   * to the customer, or `null` when OffBlocks sends no body.
   */
  deactivateCustomer(customerId: string, options: IdempotentRequestOptions = {}): ClientPromise<OffBlocksCustomer | null> {
    return this.#run(() => ({ deactivate_customer: { customerId, idempotencyKey: this.#key(options) } }), OffBlocks.parseStatusChange, options);
  }

  /** Activates an inactive customer (and its accounts and cards); resolves to the customer, or `null` when OffBlocks sends no body. */
  activateCustomer(customerId: string, options: IdempotentRequestOptions = {}): ClientPromise<OffBlocksCustomer | null> {
    return this.#run(() => ({ activate_customer: { customerId, idempotencyKey: this.#key(options) } }), OffBlocks.parseStatusChange, options);
  }

  /** Sandbox only: marks the customer verified. */
  simulateVerification(customerId: string, options: IdempotentRequestOptions = {}): ClientPromise<void> {
    return this.#run(() => ({ simulate_verification: { customerId, idempotencyKey: this.#key(options) } }), OffBlocks.parseSimulatorVerify, options);
  }

  /** The customer's current ownership challenge (base64; open it with `openChallenge`). */
  getChallenge(customerId: string, options?: RequestOptions): ClientPromise<string> {
    return this.#run({ get_challenge: { customerId } }, OffBlocks.parseChallenge, options);
  }

  /** Submits the wallet's signature (from `acceptChallengeSignature`). */
  submitChallenge(
    customerId: string,
    submission: ChallengeSubmission,
    options: IdempotentRequestOptions = {},
  ): ClientPromise<OffBlocksCustomer | null> {
    return this.#run(
      () => ({ submit_challenge: { customerId, submission, idempotencyKey: this.#key(options) } }),
      OffBlocks.parseSubmitChallenge,
      options,
    );
  }
}
