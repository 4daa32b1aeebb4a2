// A consumer of the public API, type-checked (never run) under moduleResolution nodenext and
// bundler. `@ts-expect-error` lines prove the types are precise: if any of them became `any`,
// the directive would be unused and tsc would fail.
import {
  Bloc,
  BlocClient,
  ClienteleError,
  OffBlocks,
  OffBlocksClient,
  OffBlocksWebhookDeduplicator,
  SigningKey,
  VerifyingKey,
  isApiError,
  isClienteleError,
  isTransportError,
  isValidationError,
  openChallenge,
  ready,
  validateBlocCustomerCreate,
  verifyBlocWebhook,
  verifyMessage,
} from 'clientele';
import type {
  ClienteleErrorCode,
  Customer,
  CustomerCreateRequest,
  CustomerPage,
  Delivery,
  HttpRequest,
  Issue,
  OffBlocksCustomer,
  RequestOptions,
} from 'clientele';
import { init, initSync } from 'clientele/init';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): void {}

export async function usage(signal: AbortSignal): Promise<void> {
  await ready;
  const bloc = new BlocClient({ secretKey: 'sk_test_x', fetch: globalThis.fetch, timeoutMs: 5_000, retries: { maxRetries: 3 } });
  const payload: CustomerCreateRequest = {
    email: 'ada@example.com',
    phoneNumber: '08012345678',
    firstName: 'Ada',
    lastName: 'Obi',
    customerType: 'Personal',
    bvn: '22222222222',
  };
  const customer = await bloc.createCustomer(payload, { signal });
  expectType<Equals<typeof customer, Customer>>();
  const created: string | null | undefined = customer.createdAt; // ISO strings
  void created;
  // @ts-expect-error: timestamps are strings, not Dates
  const wrong: Date | null | undefined = customer.createdAt;
  void wrong;
  // A half-filled payload type-checks (missing members come back as `required` issues)...
  void (() => bloc.createCustomer({ email: 'x' }));
  // @ts-expect-error: ...but a member of the wrong type does not
  void (() => bloc.createCustomer({ email: 1 }));

  for await (const page of bloc.customerPages({ perPage: 50 })) expectType<Equals<typeof page, CustomerPage>>();
  for await (const c of bloc.customers()) expectType<Equals<typeof c, Customer>>();

  const issues = validateBlocCustomerCreate(payload);
  expectType<Equals<typeof issues, Issue[]>>();
  const code: 'required' | 'invalid_email' | (string & {}) = issues[0]?.code ?? 'required';
  void code;

  try {
    await bloc.getCustomer('64105f5d7f1b4b36103f870e', { signal, timeoutMs: 1_000, maxRetries: 0 } satisfies RequestOptions);
  } catch (error) {
    if (isValidationError(error)) {
      const list: readonly Issue[] = error.issues;
      void list;
    } else if (isApiError(error)) {
      const status: number = error.status; // narrowed from number | null
      const message: string | null = error.providerMessage;
      const wait: number | null = error.retryAfterMs();
      void [status, message, wait];
    } else if (isTransportError(error)) {
      expectType<Equals<typeof error.code, 'timeout' | 'aborted' | 'network_error'>>();
    } else if (isClienteleError(error)) {
      const c: ClienteleErrorCode = error.code;
      const name: 'ClienteleError' = error.name;
      void [c, name];
    }
    if (error instanceof ClienteleError) {
      const retry: boolean = error.retryable;
      void retry;
    }
  }

  // OffBlocks: a key in the core, or a WebCrypto signer with a non-extractable key.
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
  const offblocks = new OffBlocksClient({
    keyId: 'key-1',
    credentials: { apiKey: '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59', apiSecret: 's' },
    signer: (base) => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, privateKey, base),
  });
  new OffBlocksClient({ keyId: 'key-1', token: async () => 'from-my-backend', signingKey: SigningKey.fromPem('...') });
  const ob = await offblocks.createCustomer({ chainId: 'eip155:1:0x0', externalId: 'c-1' }, { idempotencyKey: crypto.randomUUID() });
  expectType<Equals<typeof ob, OffBlocksCustomer>>();
  const challenge = openChallenge(ob.challenge ?? '', ob.chainId ?? '');
  const chain: number = challenge.fields.chainId;
  void chain;
  // @ts-expect-error: createCustomer needs an input
  await offblocks.createCustomer();

  // Sans-IO: build, send yourself, parse.
  const context = new Bloc('sk_test_x');
  const request: HttpRequest = context.buildGetCustomer('64105f5d7f1b4b36103f870e');
  const response = await fetch(request.url, { method: request.method, headers: request.headers.map((h): [string, string] => [h.name, h.value]) });
  const parsed = Bloc.parseGetCustomer({ status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) });
  expectType<Equals<typeof parsed, Customer>>();
  const pending = new OffBlocks({ keyId: 'k', token: 't' }).buildListCustomers();
  const signed: HttpRequest = pending.finish(new Uint8Array(96), 'raw');
  // @ts-expect-error: only raw and der encodings exist
  pending.finish(new Uint8Array(96), 'base64');
  verifyMessage(signed, VerifyingKey.fromPem('...'), { now: new Date(), maxAgeSeconds: 300 });

  // Webhooks: the RAW body and the headers in the forms servers have them.
  const event = verifyBlocWebhook(new Uint8Array(), new Headers(), 'whsec');
  verifyBlocWebhook('{}', { 'x-bloc-webhook': 'abc', 'set-cookie': ['a', 'b'], absent: undefined }, 'whsec');
  verifyBlocWebhook('{}', [['X-Bloc-Webhook', 'abc']], 'whsec');
  const kind: string = event.event;
  void kind;
  const delivery: Delivery = new OffBlocksWebhookDeduplicator().observe({ webhookType: 'customer.updated', eventId: 'e', customer: null, rawJson: '{}' });
  void delivery;

  // The explicit-init entry.
  await init(new URL('https://cdn.example.com/clientele_wasm_bg.wasm'));
  initSync(new Uint8Array());
}
