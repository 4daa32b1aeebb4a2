// Issue 16.9 in npm: bodies full of BVNs, phone numbers, emails, tokens and keys pushed through
// every parse and error path of the installed package; then every printed form of each error
// (message, stack, String, JSON.stringify, util.inspect, toJSON) is searched for the sensitive
// values. Zero hits. The provider's own text stays reachable only through
// unmaskedProviderMessage().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { Bloc, OffBlocks, isClienteleError, parseBlocWebhook, parseOffBlocksWebhook, verifyBlocWebhook } from 'clientele';

const SENSITIVE = {
  bvn: '22403240419',
  phone: '08031234567',
  phoneIntl: '+2348031234567',
  email: 'chioma.eze@example.com',
  token: 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJl',
  secretKey: 'sk_live_leakyleakyleaky0123',
  apiSecret: 'api-secret-do-not-print-9f3a',
};
const values = Object.values(SENSITIVE);

/** Error bodies that echo a customer, in the shapes providers use. */
const bodies = [
  JSON.stringify({ message: `customer ${SENSITIVE.email} with BVN ${SENSITIVE.bvn} already exists` }),
  JSON.stringify({ error: { detail: `phone ${SENSITIVE.phone} is taken (also ${SENSITIVE.phoneIntl})` } }),
  JSON.stringify({ errors: [{ title: `token ${SENSITIVE.token} refused` }] }),
  JSON.stringify({ message: `bad key ${SENSITIVE.secretKey}, secret ${SENSITIVE.apiSecret}` }),
  `plain text: ${SENSITIVE.email} ${SENSITIVE.bvn} ${SENSITIVE.phone}`,
];

/** Successful-status bodies whose values are wrong: decode errors must not echo them. */
const undecodable = [
  JSON.stringify({ success: true, data: { id: 7, email: SENSITIVE.email, bvn: SENSITIVE.bvn } }),
  JSON.stringify({ success: true, data: { id: 'x', created_at: `${SENSITIVE.phone}`, customer_type: 'Personal', status: 'active', environment: 'test' } }),
  JSON.stringify({ success: true, data: [{ id: 'x', phone_number: 8031234567, bvn: 22403240419, email: [SENSITIVE.email], created_at: SENSITIVE.email }] }),
  `{"success":true,"data":{"email":"${SENSITIVE.email}"`,
];

function forms(error) {
  return [
    error.message,
    String(error),
    error.stack ?? '',
    JSON.stringify(error),
    JSON.stringify(error.toJSON()),
    inspect(error, { depth: 10, showHidden: true }),
    String(error.providerMessage),
  ];
}

function assertClean(error, where) {
  assert.ok(isClienteleError(error), `${where}: ${error}`);
  for (const form of forms(error)) {
    for (const value of values) assert.ok(!form.includes(value), `${where}: ${value} printed in ${form}`);
  }
}

const thrown = (f) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('no error');
};

test('API errors of both providers: masked in every form, the provider text only behind unmaskedProviderMessage()', () => {
  let unmasked = 0;
  for (const status of [400, 401, 404, 409, 422, 429, 500, 503]) {
    for (const body of bodies) {
      const response = { status, headers: { 'x-request-id': 'req_pii' }, body: new TextEncoder().encode(body) };
      for (const [name, parse] of [
        ['Bloc.parseGetCustomer', Bloc.parseGetCustomer],
        ['Bloc.parseCreateCustomer', Bloc.parseCreateCustomer],
        ['OffBlocks.parseGetCustomer', OffBlocks.parseGetCustomer],
        ['OffBlocks.parseCreateCustomer', OffBlocks.parseCreateCustomer],
      ]) {
        const error = thrown(() => parse(response));
        assertClean(error, `${name} ${status}`);
        assert.equal(error.requestId, 'req_pii');
        if (error.unmaskedProviderMessage() !== null && values.some((v) => error.unmaskedProviderMessage().includes(v))) unmasked++;
      }
    }
  }
  assert.ok(unmasked > 0, 'the unmasked accessor still gives the provider text');
});

test('decode errors never echo a value of the body', () => {
  for (const body of undecodable) {
    const response = { status: 200, headers: {}, body: new TextEncoder().encode(body) };
    for (const [name, parse] of [
      ['Bloc.parseGetCustomer', Bloc.parseGetCustomer],
      ['Bloc.parseListCustomers', Bloc.parseListCustomers],
      ['OffBlocks.parseGetCustomer', OffBlocks.parseGetCustomer],
      ['OffBlocks.parseListCustomers', OffBlocks.parseListCustomers],
    ]) {
      assertClean(thrown(() => parse(response)), `${name} ${body.slice(0, 40)}`);
    }
  }
});

test('webhook errors never echo the delivery', () => {
  for (const body of [...undecodable, ...bodies]) {
    const bytes = new TextEncoder().encode(body);
    assertClean(thrown(() => parseBlocWebhook(bytes)), 'parseBlocWebhook');
    assertClean(thrown(() => parseOffBlocksWebhook(bytes)), 'parseOffBlocksWebhook');
    assertClean(thrown(() => verifyBlocWebhook(bytes, { 'x-bloc-webhook': SENSITIVE.token }, SENSITIVE.apiSecret)), 'verifyBlocWebhook');
  }
});

test('credential errors never print the credential', () => {
  for (const key of [SENSITIVE.secretKey.replace('sk_live_', 'pk_live_'), `${SENSITIVE.secretKey} `, SENSITIVE.apiSecret]) {
    assertClean(thrown(() => new Bloc(key)), 'new Bloc');
  }
  assertClean(thrown(() => new OffBlocks({ keyId: 'k', baseUrl: `http://leak.example/${SENSITIVE.token}` })), 'new OffBlocks');
});
