// The public API, identical in every entry (Node import and require, browsers, `clientele/init`).

export * from './types.js';
export {
  ClienteleError,
  isApiError,
  isChallengeError,
  isClienteleError,
  isDecodeError,
  isRetryableError,
  isSignatureError,
  isTransportError,
  isValidationError,
  isWebhookError,
} from './errors.js';
export type {
  ApiError,
  ClienteleErrorCode,
  ClienteleErrorInit,
  ClienteleErrorJson,
  ClienteleErrorKind,
  DecodeError,
  TransportError,
  ValidationError,
} from './errors.js';
export type { BodyInput, HeadersInput, HeadersLike, Instant } from './raw.js';
export {
  Bloc,
  BlocCustomerPager,
  blocCustomerHasKycTier,
  isBlocCustomerId,
  normalizeNigerianPhone,
  validateBlocCustomerCreate,
  validateBlocCustomerUpdate,
  validateKycTier1Upgrade,
  validateKycTier2Upgrade,
  validateDateOfBirth,
  validateField,
  validateKycTier3Upgrade,
} from './bloc.js';
export type { BlocOptions, ResponseInput } from './bloc.js';
export {
  OffBlocks,
  SigningRequest,
  acceptChallengeSignature,
  accessTokenNeedsRefresh,
  caip10AccountId,
  offblocksCanActivate,
  offblocksCanDeactivate,
  openChallenge,
  validateOffBlocksCustomerCreate,
} from './offblocks.js';
export type { OffBlocksOptions, OperationOptions } from './offblocks.js';
export { SigningKey, VerifyingKey, contentDigest, verifyContentDigest, verifyMessage } from './sig.js';
export type { Jwk, SignedMessage, VerifyOptions } from './sig.js';
export {
  OffBlocksWebhookDeduplicator,
  classifyOffBlocksWebhook,
  parseBlocWebhook,
  parseOffBlocksWebhook,
  verifyBlocWebhook,
  verifyBlocWebhookRequest,
  verifyOffBlocksWebhookSignature,
} from './webhooks.js';
export type { OffBlocksWebhookDeduplicatorState, WebhookRequestLike, WebhookSignatureOptions } from './webhooks.js';
export { BlocClient, OffBlocksClient } from './clients.js';
export type {
  BlocClientOptions,
  IdempotentRequestOptions,
  KycTier1Options,
  OffBlocksClientOptions,
  Signer,
  TokenSource,
} from './clients.js';
export { ClientPromise, clientDefaults } from './transport.js';
export type {
  Fetch,
  FetchInit,
  FetchResponse,
  ReceivedResponse,
  RequestOptions,
  ResponseInfo,
  RetryOptions,
  TransportOptions,
  WithResponse,
} from './transport.js';
export { coreVersion } from './version.js';
