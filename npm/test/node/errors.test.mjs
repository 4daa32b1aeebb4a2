// Errors: one class, typed fields and guards, and no input, however bad, escapes as anything else
// (a TypeError from the glue, a WebAssembly trap) or breaks the module for later calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as clientele from 'clientele';

const {
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
  isDecodeError,
  isRetryableError,
  isTransportError,
  isValidationError,
  isWebhookError,
  validateBlocCustomerCreate,
} = clientele;

const circular = {};
circular.self = circular;
const JUNK = [undefined, null, 0, -1, 1.5, NaN, '', 'x', '{', true, {}, [], [1, 2], circular, 10n, Symbol('s'), () => 1, new Uint8Array(3), new Date(NaN)];

const GOOD = {
  email: 'ada@example.com',
  phoneNumber: '08012345678',
  firstName: 'Ada',
  lastName: 'Obi',
  customerType: 'Personal',
  bvn: '22222222222',
};

/** Every function and static method of the public API, called with junk in every position. */
function* calls() {
  const bloc = new Bloc('sk_test_synthetic0000000000');
  const offblocks = new OffBlocks({ keyId: 'k', token: 't' });
  const pending = offblocks.buildListCustomers();
  const fns = Object.entries(clientele).filter(([name, v]) => typeof v === 'function' && !/^[A-Z]/.test(name) && !name.startsWith('is'));
  for (const [name, f] of fns) {
    for (const junk of JUNK) {
      yield [`${name}(junk)`, () => f(junk)];
      yield [`${name}(ok, junk)`, () => f('x', junk)];
      yield [`${name}(ok, ok, junk)`, () => f('0x00', 'eip155:1:0x0', junk)];
    }
  }
  const classes = { Bloc, OffBlocks, SigningKey, VerifyingKey };
  for (const [cname, C] of Object.entries(classes)) {
    for (const m of Object.getOwnPropertyNames(C).filter((m) => typeof C[m] === 'function' && m !== 'prototype')) {
      for (const junk of JUNK) yield [`${cname}.${m}(junk)`, () => C[m](junk)];
    }
  }
  for (const junk of JUNK) {
    yield ['new Bloc(junk)', () => new Bloc(junk)];
    yield ['new Bloc(key, junk)', () => new Bloc('sk_test_synthetic0000000000', junk)];
    yield ['new OffBlocks(junk)', () => new OffBlocks(junk)];
    yield ['new BlocClient(junk)', () => new BlocClient(junk)];
    yield ['new OffBlocksWebhookDeduplicator(junk)', () => new OffBlocksWebhookDeduplicator(junk)];
    for (const m of Object.getOwnPropertyNames(Bloc.prototype).filter((m) => m.startsWith('build'))) {
      yield [`bloc.${m}(junk, junk)`, () => bloc[m](junk, junk, junk)];
    }
    for (const m of Object.getOwnPropertyNames(OffBlocks.prototype).filter((m) => m.startsWith('build') || m === 'resign' || m === 'withToken')) {
      yield [`offblocks.${m}(junk, junk)`, () => offblocks[m](junk, junk, junk)];
    }
    yield ['pending.finish(junk, junk)', () => pending.finish(junk, junk)];
    yield ['pending.sign(junk)', () => pending.sign(junk)];
    yield ['Bloc.parseGetCustomer({status: junk})', () => Bloc.parseGetCustomer({ status: junk, headers: junk, body: junk })];
    yield ['Bloc.parseGetCustomer({status: 200, headers: junk})', () => Bloc.parseGetCustomer({ status: 200, headers: junk, body: '{}' })];
    yield ['OffBlocks.parseToken({status: 200, body: junk})', () => OffBlocks.parseToken({ status: 200, body: junk })];
  }
}

test('junk in every position of every public function and client method: only ClienteleErrors, and the module keeps working', async () => {
  let threw = 0;
  let returned = 0;
  const offenders = [];
  const judge = (label, e) => {
    threw++;
    if (!isClienteleError(e) || !(e instanceof Error) || e.code === 'internal') offenders.push(`${label}: ${e?.name} ${e?.code ?? ''} ${e?.message}`);
  };
  const pending = [];
  for (const [label, f] of [...calls(), ...clientCalls()]) {
    try {
      const value = f();
      if (typeof value?.next === 'function') pending.push([label, value.next()]); // an async generator
      else if (typeof value?.then === 'function') pending.push([label, value]);
      else returned++;
    } catch (e) {
      judge(label, e);
    }
  }
  for (const [label, promise] of pending) {
    try {
      await promise;
      returned++;
    } catch (e) {
      judge(label, e);
    }
  }
  assert.deepEqual(offenders, [], offenders.slice(0, 20).join('\n'));
  assert.ok(threw > 500, `only ${threw} calls threw`);
  assert.ok(returned > 0);
  // Still alive and correct after all that.
  assert.deepEqual(validateBlocCustomerCreate(GOOD), []);
  assert.equal(new Bloc('sk_test_synthetic0000000000').buildGetCustomer('64105f5d7f1b4b36103f870e').method, 'GET');
});

/** Every client method with junk arguments; the network is a fetch that always fails. */
function* clientCalls() {
  const fetch = () => Promise.reject(new TypeError('no network in this test'));
  const retries = false;
  const bloc = new BlocClient({ secretKey: 'sk_test_synthetic0000000000', fetch, retries });
  const offblocks = new OffBlocksClient({ keyId: 'k', token: 't', signer: () => new Uint8Array(96), fetch, retries });
  for (const [name, client] of [['bloc', bloc], ['offblocks', offblocks]]) {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(client)).filter((m) => m !== 'constructor' && typeof client[m] === 'function');
    for (const m of methods) {
      for (const junk of JUNK) yield [`${name}.${m}(junk...)`, () => client[m](junk, junk, junk)];
    }
  }
}

test('ClienteleError: a real Error with a stack, a name, typed fields, JSON for logs', () => {
  let err;
  try {
    validateBlocCustomerCreate({ ...GOOD, email: 'nope', phoneNumber: '0709' });
  } catch {
    assert.fail('validation returns issues, it does not throw');
  }
  try {
    new Bloc('sk_test_synthetic0000000000').buildCreateCustomer({ ...GOOD, email: 'nope', phoneNumber: '0709' });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Error);
  assert.ok(err instanceof ClienteleError);
  assert.equal(err.name, 'ClienteleError');
  assert.match(err.stack, /^ClienteleError: /);
  assert.equal(err.code, 'validation_failed');
  assert.equal(err.kind, 'validation');
  assert.equal(err.status, null);
  assert.equal(err.retryable, false);
  assert.deepEqual(err.issues.map((i) => [i.path, i.code]), [['email', 'invalid_email'], ['phoneNumber', 'invalid_phone']]);
  assert.ok(Object.isFrozen(err.issues));
  assert.ok(!err.message.includes('0709') && !err.message.includes('nope'), 'no personal data in messages');
  const json = JSON.parse(JSON.stringify(err));
  assert.equal(json.code, 'validation_failed');
  assert.equal(json.issues.length, 2);
  assert.ok(isValidationError(err) && !isApiError(err) && !isTransportError(err) && !isRetryableError(err));
});

test('type guards tell the families apart', () => {
  const api = catching(() => Bloc.parseGetCustomer({ status: 503, body: 'down' }));
  const decode = catching(() => Bloc.parseGetCustomer({ status: 200, body: '{' }));
  const webhook = catching(() => clientele.verifyBlocWebhook('{}', {}, 'secret'));
  assert.ok(isApiError(api) && api.status === 503 && api.provider === 'Bloc' && isRetryableError(api));
  assert.ok(isDecodeError(decode) && typeof decode.path === 'string' && decode.status === 200 && !isApiError(decode));
  assert.ok(isWebhookError(webhook) && webhook.code === 'webhook_signature_missing');
  assert.ok(!isClienteleError(new Error('x')) && !isClienteleError(null) && !isClienteleError({ code: 'x' }));
  // A plain object that only looks like one is not one.
  assert.ok(!({ name: 'ClienteleError', code: 'x' } instanceof ClienteleError));
  // An error made by hand has the kind it is given (the core's errors carry theirs).
  const made = new ClienteleError({ code: 'timeout', kind: 'transport', message: 'late', retryable: true });
  assert.ok(isTransportError(made) && made.kind === 'transport');
  assert.equal(new ClienteleError({ code: 'x', message: 'no kind' }).kind, 'internal');
});

test('responses that are not responses are invalid_argument, never a crash', () => {
  for (const response of [undefined, null, 'x', {}, { status: 99 }, { status: 600 }, { status: 200.5 }, { status: '200' }]) {
    const err = catching(() => Bloc.parseGetCustomer(response));
    assert.equal(err.code, 'invalid_argument', JSON.stringify(response));
  }
});

function catching(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}
