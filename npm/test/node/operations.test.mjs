// The one operation list (tests/fixtures/operations.json), checked against the installed
// package's public API: a host that lacks an operation fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as clientele from 'clientele';
import { load } from './helpers.mjs';

const list = load('operations.json');

for (const [name, { operations, streams }] of Object.entries(list.clients)) {
  test(`operations.json: ${name} has every operation and stream`, () => {
    const Client = clientele[name];
    assert.equal(typeof Client, 'function', `${name} is not exported`);
    const missing = [...operations, ...streams].filter((op) => typeof Client.prototype[op] !== 'function');
    assert.deepEqual(missing, [], `${name} lacks ${missing.join(', ')}`);
  });
}

test('operations.json: streams are lazy async iterators (nothing is fetched until the loop asks)', async () => {
  let sent = 0;
  const bloc = new clientele.BlocClient({
    secretKey: 'sk_test_operations',
    fetch: async () => {
      sent++;
      return new Response('{"success":true,"data":[],"message":"ok"}', { status: 200 });
    },
  });
  for (const stream of list.clients.BlocClient.streams) {
    const before = sent;
    const iterator = bloc[stream]();
    assert.equal(typeof iterator[Symbol.asyncIterator], 'function', `${stream}() is not an async iterator`);
    assert.equal(sent, before, `${stream}() sent a request before it was iterated`);
    await iterator.next();
    assert.equal(sent, before + 1, `${stream}() fetches one page when asked`);
  }
});

test('operations.json: every operation returns a promise with withResponse()', () => {
  const bloc = new clientele.BlocClient({ secretKey: 'sk_test_operations', fetch: async () => new Response('{}', { status: 500 }) });
  const promise = bloc.getCustomer('not an id');
  assert.ok(promise instanceof Promise && typeof promise.withResponse === 'function');
  return assert.rejects(promise.withResponse(), { code: 'validation_failed' });
});

test('operations.json: every validation, challenge and webhook function is exported', () => {
  for (const [group, names] of Object.entries(list.functions)) {
    const missing = names.filter((n) => typeof clientele[n] !== 'function');
    assert.deepEqual(missing, [], `${group}: lacks ${missing.join(', ')}`);
  }
});

test('operations.json: the webhook deduplicator saves and restores', () => {
  for (const [name, { methods, constructors }] of Object.entries(list.classes)) {
    const Class = clientele[name];
    assert.equal(typeof Class, 'function', `${name} is not exported`);
    assert.deepEqual(methods.filter((m) => typeof Class.prototype[m] !== 'function'), []);
    assert.deepEqual(constructors.filter((c) => typeof Class[c] !== 'function'), []);
  }
});

test('fields.json: validateField and validateDateOfBirth give the core\'s issue codes', () => {
  const fields = load('fields.json');
  assert.deepEqual([...new Set(fields.fields.map((c) => c.kind))].sort(), [...list.fieldKinds].sort());
  for (const c of fields.fields) assert.equal(clientele.validateField(c.kind, c.value), c.issue, `${c.kind} ${JSON.stringify(c.value)}`);
  for (const c of fields.datesOfBirth) assert.equal(clientele.validateDateOfBirth(c.value, c.today), c.issue, c.value);
  assert.throws(() => clientele.validateField('shoeSize', '42'), { code: 'invalid_argument' });
});

test('blocCustomerHasKycTier compares tiers in the core', () => {
  assert.equal(clientele.blocCustomerHasKycTier({ kycTier: '2' }, 1), true);
  assert.equal(clientele.blocCustomerHasKycTier({ kycTier: '2' }, 3), false);
  assert.equal(clientele.blocCustomerHasKycTier({ kycTier: 'platinum' }, 1), false);
});
