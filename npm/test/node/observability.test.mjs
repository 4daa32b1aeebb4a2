// What a call tells its caller (issue 15): the User-Agent and retry counter the core builds, the
// events `onEvent` hears (masked like Debug: no key, token, secret, BVN, phone or email), and the
// response metadata of `withResponse()`. Run against the installed package.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlocClient, OffBlocksClient, coreVersion } from 'clientele';
import { text } from './helpers.mjs';

const SECRET_KEY = 'sk_test_observability0123456789';
const CUSTOMER = {
  email: 'ada.obi@example.com',
  phoneNumber: '08012345678',
  firstName: 'Ada',
  lastName: 'Obi',
  customerType: 'Personal',
  bvn: '22403240419',
};
const created = JSON.stringify({ success: true, data: { id: '6410612c7f1b4b36103f872a', customer_type: 'Personal', status: 'active', environment: 'test' } });

/** A fetch that answers `answers` in order and records what was sent. */
function scripted(answers) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, ...init, headers: Object.fromEntries(init.headers.map(([k, v]) => [k.toLowerCase(), v])) });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return new Response(next.status === 204 ? null : next.body ?? '', { status: next.status, headers: next.headers ?? {} });
  };
  return { sent, fetch };
}

test('the User-Agent names Clientele, this runtime and the app; retries count themselves', async () => {
  const { sent, fetch } = scripted([{ status: 503 }, { status: 200, body: created }]);
  const bloc = new BlocClient({ secretKey: SECRET_KEY, fetch, sleep: async () => {}, appInfo: { name: 'Acme Dashboard', version: '1.4.2', url: 'https://acme.example' } });
  await bloc.getCustomer('6410612c7f1b4b36103f872a');
  const ua = sent[0].headers['user-agent'];
  assert.equal(ua, `clientele/${coreVersion()} (npm node/${process.versions.node}; ${process.platform} ${process.arch}) Acme-Dashboard/1.4.2 (+https://acme.example)`);
  assert.equal(sent[0].headers['x-clientele-retry'], undefined);
  assert.equal(sent[1].headers['x-clientele-retry'], '1');
  assert.equal(sent[1].headers['user-agent'], ua);
});

test('appInfo and onEvent are checked when the client is made', () => {
  assert.throws(() => new BlocClient({ secretKey: SECRET_KEY, appInfo: { version: '1' } }), { code: 'invalid_argument' });
  assert.throws(() => new BlocClient({ secretKey: SECRET_KEY, onEvent: 'log' }), { code: 'invalid_argument' });
});

test('events carry no key, token, secret or personal data, and a throwing listener breaks nothing', async () => {
  const events = [];
  const { fetch } = scripted([{ status: 500 }, { status: 201, body: created, headers: { 'x-request-id': 'req_7' } }]);
  const bloc = new BlocClient({
    secretKey: SECRET_KEY,
    fetch,
    sleep: async () => {},
    onEvent: (e) => {
      events.push(e);
      throw new Error('a broken logger');
    },
  });
  // A create is not retried on a 5xx (the customer may exist): the error, with its events.
  await assert.rejects(bloc.createCustomer(CUSTOMER), { code: 'server_error' });
  const { data, response } = await bloc.createCustomer(CUSTOMER).withResponse();
  assert.equal(data.id, '6410612c7f1b4b36103f872a');
  assert.deepEqual({ status: response.status, requestId: response.requestId, attempts: response.attempts }, { status: 201, requestId: 'req_7', attempts: 1 });
  assert.deepEqual(events.map((e) => e.event), ['request_sent', 'response_received', 'request_sent', 'response_received']);
  const all = JSON.stringify(events);
  for (const secret of [SECRET_KEY, CUSTOMER.bvn, CUSTOMER.phoneNumber, CUSTOMER.email, 'observability0123456789']) {
    assert.ok(!all.includes(secret), `an event shows ${secret}: ${all}`);
  }
  assert.match(all, /Bearer sk_test_<redacted>/);
});

test('OffBlocks: token requests are events too; the secret and the token never appear', async () => {
  const events = [];
  const token = 'eyJ.observability-token.sig';
  const { fetch } = scripted([
    { status: 200, body: JSON.stringify({ token, expiresAt: 4102444800, tokenType: 'Bearer' }) },
    { status: 200, body: '[]', headers: { 'request-id': 'req_list' } },
  ]);
  const client = new OffBlocksClient({
    keyId: 'key-1',
    signingKey: text('offblocks/test-key-p384.pem'),
    credentials: { apiKey: '0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59', apiSecret: 'observability-api-secret' },
    fetch,
    onEvent: (e) => events.push(e),
  });
  const { data, response } = await client.listCustomers().withResponse();
  assert.deepEqual(data, []);
  assert.equal(response.requestId, 'req_list');
  assert.equal(response.attempts, 1, 'the list was sent once (the token request is not an attempt of it)');
  assert.deepEqual(events.filter((e) => e.event === 'request_sent').map((e) => e.purpose), ['token', 'operation']);
  const all = JSON.stringify(events);
  for (const secret of ['observability-api-secret', token, 'observability-token']) assert.ok(!all.includes(secret), `an event shows ${secret}`);
  // The token is fresh: asking for it sends nothing, so there is no response to tell.
  const again = await client.accessToken().withResponse();
  assert.equal(again.response, null);
  assert.equal(again.data.token, token);
});

test('a ClientPromise is a Promise: then, catch, finally, Promise.all; invalid input rejects, never throws', async () => {
  const { fetch } = scripted([{ status: 200, body: created }]);
  const bloc = new BlocClient({ secretKey: SECRET_KEY, fetch });
  const p = bloc.getCustomer('6410612c7f1b4b36103f872a');
  assert.ok(p instanceof Promise);
  const [customer] = await Promise.all([p]);
  assert.equal(customer.id, '6410612c7f1b4b36103f872a');
  let finished = false;
  await bloc.getCustomer('nope').catch((e) => assert.equal(e.code, 'validation_failed')).finally(() => (finished = true));
  assert.ok(finished);
  const bad = bloc.upgradeKycTier1('6410612c7f1b4b36103f872a', {}, { today: 42 });
  await assert.rejects(bad, { code: 'invalid_argument' });
});
