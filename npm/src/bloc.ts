// Bloc without I/O: build requests, parse responses, validate payloads (no key needed), walk pages.

import type * as Glue from '../wasm/node/clientele_wasm.cjs';
import { invalidArgument } from './errors.js';
import { bytes, call, day, headerList, optStr, opts, parse, str, toJson } from './raw.js';
import type { BodyInput, HeadersInput, Raw } from './raw.js';
import type {
  Customer,
  CustomerCreateRequest,
  CustomerListQuery,
  CustomerPage,
  CustomerUpdateRequest,
  Environment,
  FieldKind,
  HttpRequest,
  Issue,
  IssueCode,
  KycTier1Upgrade,
  KycTier2Upgrade,
  KycTier3Upgrade,
  MeansOfIdentification,
} from './types.js';

/** A response as the host received it: the status, the header fields and the RAW body. */
export interface ResponseInput {
  status: number;
  headers?: HeadersInput | null;
  body?: BodyInput | null;
}

/** Calls a raw `parse*(status, headersJson, body)` export with a response. */
export function parseWith<T>(
  response: ResponseInput,
  f: (raw: Raw, status: number, headers: string, body: Uint8Array) => T,
): T {
  return call((raw) => {
    if (typeof response !== 'object' || response === null) {
      throw invalidArgument('response', '`response` must be an object with `status`, `headers` and `body`');
    }
    const status = response.status;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw invalidArgument('response.status', '`response.status` must be an HTTP status code (100-599)');
    }
    return f(raw, status, toJson(headerList(response.headers, 'response.headers'), 'headers'), bytes(response.body, 'response.body'));
  });
}

/** Options of the `Bloc` context. */
export interface BlocOptions {
  /** Another base URL (a local sandbox, a proxy). Default `https://api.blochq.io/v1`. */
  baseUrl?: string | undefined;
}

/**
 * The context of every Bloc request: the secret key (`sk_test_...`/`sk_live_...`; the environment
 * follows the key) and the base URL. Builds requests and parses responses; sends nothing. For a
 * client that sends, see `BlocClient`.
 */
export class Bloc {
  /** @internal */
  readonly raw: Glue.Bloc;

  constructor(secretKey: string, options: BlocOptions = {}) {
    this.raw = call((raw) => new raw.Bloc(str(secretKey, 'secretKey'), optStr(opts(options).baseUrl, 'baseUrl')));
  }

  /** `"test"` or `"live"`, from the key. */
  get environment(): Environment {
    return call(() => this.raw.environment);
  }

  /** The base URL requests are built against. */
  get baseUrl(): string {
    return call(() => this.raw.baseUrl);
  }

  /** `GET /customers` (one page). */
  buildListCustomers(query: CustomerListQuery = {}): HttpRequest {
    return call(() => parse(this.raw.buildListCustomers(toJson(query, 'query'))));
  }

  /** `GET /customers/{id}`. */
  buildGetCustomer(customerId: string): HttpRequest {
    return call(() => parse(this.raw.buildGetCustomer(str(customerId, 'customerId'))));
  }

  /** `POST /customers`; the payload is validated first (every issue at once). */
  buildCreateCustomer(payload: CustomerCreateRequest): HttpRequest {
    return call(() => parse(this.raw.buildCreateCustomer(toJson(payload, 'payload'))));
  }

  /** `PUT /customers/{id}`. */
  buildUpdateCustomer(customerId: string, payload: CustomerUpdateRequest): HttpRequest {
    return call(() =>
      parse(this.raw.buildUpdateCustomer(str(customerId, 'customerId'), toJson(payload, 'payload'))),
    );
  }

  /** `PUT /customers/upgrade/t1/{id}`; `today` (a `Date`, or `YYYY-MM-DD`; default: the UTC date now) bounds the date of birth. */
  buildKycTier1Upgrade(customerId: string, payload: KycTier1Upgrade, today?: Date | string): HttpRequest {
    return call(() =>
      parse(
        this.raw.buildKycTier1Upgrade(str(customerId, 'customerId'), toJson(payload, 'payload'), day(today)),
      ),
    );
  }

  /** `PUT /customers/upgrade/t2/{id}`. */
  buildKycTier2Upgrade(customerId: string, payload: KycTier2Upgrade): HttpRequest {
    return call(() =>
      parse(this.raw.buildKycTier2Upgrade(str(customerId, 'customerId'), toJson(payload, 'payload'))),
    );
  }

  /** `PUT /customers/upgrade/t3/{id}`. */
  buildKycTier3Upgrade(customerId: string, payload: KycTier3Upgrade): HttpRequest {
    return call(() =>
      parse(this.raw.buildKycTier3Upgrade(str(customerId, 'customerId'), toJson(payload, 'payload'))),
    );
  }

  /** `GET /customers/means-of-id`. */
  buildMeansOfIdentification(): HttpRequest {
    return call(() => parse(this.raw.buildMeansOfIdentification()));
  }

  /** `GET /customers/kyc/revalidate/{id}`. */
  buildRevalidateKyc(customerId: string): HttpRequest {
    return call(() => parse(this.raw.buildRevalidateKyc(str(customerId, 'customerId'))));
  }

  /** Parses a `GET /customers` answer. */
  static parseListCustomers(response: ResponseInput): CustomerPage {
    return parseWith(response, (raw, s, h, b) => parse(raw.Bloc.parseListCustomers(s, h, b)));
  }

  /** Parses a `GET /customers/{id}` answer. */
  static parseGetCustomer(response: ResponseInput): Customer {
    return parseWith(response, (raw, s, h, b) => parse(raw.Bloc.parseGetCustomer(s, h, b)));
  }

  /** Parses a `POST /customers` answer (a 5xx is never retryable: the customer may exist). */
  static parseCreateCustomer(response: ResponseInput): Customer {
    return parseWith(response, (raw, s, h, b) => parse(raw.Bloc.parseCreateCustomer(s, h, b)));
  }

  /** Parses a `PUT /customers/{id}` answer. */
  static parseUpdateCustomer(response: ResponseInput): Customer {
    return parseWith(response, (raw, s, h, b) => parse(raw.Bloc.parseUpdateCustomer(s, h, b)));
  }

  /** Parses the answer of any KYC tier upgrade. */
  static parseKycUpgrade(response: ResponseInput): Customer {
    return parseWith(response, (raw, s, h, b) => parse(raw.Bloc.parseKycUpgrade(s, h, b)));
  }

  /** Parses a `GET /customers/means-of-id` answer. */
  static parseMeansOfIdentification(response: ResponseInput): MeansOfIdentification[] {
    return parseWith(response, (raw, s, h, b) => parse(raw.Bloc.parseMeansOfIdentification(s, h, b)));
  }

  /** Parses a `GET /customers/kyc/revalidate/{id}` answer into Bloc's message. */
  static parseRevalidateKyc(response: ResponseInput): string {
    return parseWith(response, (raw, s, h, b) => raw.Bloc.parseRevalidateKyc(s, h, b));
  }
}

/**
 * Walks every page of customers: send `nextRequest(bloc)` until it returns `undefined`, and hand
 * each answer to `advance(response)`, which parses the page and moves on. Stops with
 * `paging_ignored` if Bloc returns the same page twice. `BlocClient.customerPages()` runs this
 * loop for you.
 */
export class BlocCustomerPager {
  readonly #raw: Glue.BlocCustomerPager;

  constructor(query: CustomerListQuery = {}) {
    this.#raw = call((raw) => new raw.BlocCustomerPager(toJson(query, 'query')));
  }

  /** The request for the next page, or `undefined` when every page has been seen. */
  nextRequest(bloc: Bloc): HttpRequest | undefined {
    return call(() => {
      const text = this.#raw.nextRequest(bloc.raw);
      return text === undefined ? undefined : parse<HttpRequest>(text);
    });
  }

  /** The query of the next page (for a client), or `undefined` when every page has been seen. */
  nextQuery(): CustomerListQuery | undefined {
    return call(() => {
      const text = this.#raw.nextQuery();
      return text === undefined ? undefined : parse<CustomerListQuery>(text);
    });
  }

  /** Parses the answer to the last `nextRequest` and records it; returns the page. */
  advance(response: ResponseInput): CustomerPage {
    return parseWith(response, (_, s, h, b) => parse<CustomerPage>(this.#raw.advance(s, h, b)));
  }

  /** Whether every page has been seen. */
  get isFinished(): boolean {
    return call(() => this.#raw.isFinished);
  }
}

const issues = (text: string): Issue[] => parse<Issue[]>(text);

/** Every issue of a create payload (empty when valid). Needs no key: safe in a browser form. */
export function validateBlocCustomerCreate(payload: CustomerCreateRequest): Issue[] {
  return call((raw) => issues(raw.validateBlocCustomerCreate(toJson(payload, 'payload'))));
}

/** Every issue of an update payload (empty when valid). */
export function validateBlocCustomerUpdate(payload: CustomerUpdateRequest): Issue[] {
  return call((raw) => issues(raw.validateBlocCustomerUpdate(toJson(payload, 'payload'))));
}

/** Every issue of a KYC tier 1 payload (empty when valid); `today` bounds the date of birth. */
export function validateKycTier1Upgrade(payload: KycTier1Upgrade, today?: Date | string): Issue[] {
  return call((raw) => issues(raw.validateKycTier1Upgrade(toJson(payload, 'payload'), day(today))));
}

/** Every issue of a KYC tier 2 payload (empty when valid). */
export function validateKycTier2Upgrade(payload: KycTier2Upgrade): Issue[] {
  return call((raw) => issues(raw.validateKycTier2Upgrade(toJson(payload, 'payload'))));
}

/** Every issue of a KYC tier 3 payload (empty when valid). */
export function validateKycTier3Upgrade(payload: KycTier3Upgrade): Issue[] {
  return call((raw) => issues(raw.validateKycTier3Upgrade(toJson(payload, 'payload'))));
}

/** A Nigerian mobile number in Bloc's 11-digit local form (`+234 801 234 5678` -> `08012345678`); throws a validation error otherwise. */
export function normalizeNigerianPhone(value: string): string {
  return call((raw) => raw.normalizeNigerianPhone(str(value, 'value')));
}

/**
 * Checks one form field as the user types, by the rule of `kind`: the issue code (`invalid_bvn`,
 * `required`, ...), or `null` when the value is acceptable. Whole payloads: the `validate*`
 * functions.
 */
export function validateField(kind: FieldKind, value: string): IssueCode | null {
  return (call((raw) => raw.validateField(str(kind, 'kind'), str(value, 'value'))) as IssueCode | undefined) ?? null;
}

/**
 * Checks a date of birth (`YYYY-MM-DD`, a real date from 1900-01-01 up to `today`, by default the
 * UTC date now): the issue code (`invalid_date`, `date_in_future`, ...), or `null`.
 */
export function validateDateOfBirth(value: string, today?: Date | string): IssueCode | null {
  return (call((raw) => raw.validateDateOfBirth(str(value, 'value'), day(today))) as IssueCode | undefined) ?? null;
}

/** Whether the customer's KYC has reached at least `tier` (1, 2 or 3; unknown tiers: not reached). */
export function blocCustomerHasKycTier(customer: Pick<Customer, 'kycTier'>, tier: number): boolean {
  if (!Number.isInteger(tier) || tier < 0 || tier > 255) throw invalidArgument('tier', '`tier` must be a whole number');
  const kycTier = opts(customer, 'customer').kycTier;
  return typeof kycTier === 'string' && call((raw) => raw.blocKycTierReaches(kycTier, tier));
}

/** Whether `value` is a well-formed Bloc customer id (24 hex characters). */
export function isBlocCustomerId(value: string): boolean {
  return typeof value === 'string' && call((raw) => raw.isBlocCustomerId(value));
}
