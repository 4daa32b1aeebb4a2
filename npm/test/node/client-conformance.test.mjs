// The client conformance cases of tests/fixtures/client, run through the REAL BlocClient and
// OffBlocksClient of the installed package: a scripted fetch (no network), a recording clock and
// sleeper (the clock moves only by the waits) and the fixtures' jitter values, exactly as
// core/tests/client_fixtures.rs runs them through the engine. One behaviour, proven here too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlocClient, OffBlocksClient, isClienteleError } from 'clientele';
import { load, subset, text } from './helpers.mjs';

/** The fixture's fetch, clock, sleeper and random source, checking every request. */
function script(c) {
  const s = {
    steps: c.steps,
    next: 0,
    clock: Date.parse(c.now),
    jitter: c.jitter,
    draws: 0,
    waits: [],
    previous: undefined,
    failures: [],
    controller: new AbortController(),
    events: [],
  };
  // The events as the fixtures write them: headers as a name -> value map.
  s.onEvent = (event) =>
    s.events.push('headers' in event ? { ...event, headers: Object.fromEntries(event.headers.map((h) => [h.name, h.value])) } : event);
  s.now = () => new Date(s.clock);
  s.random = () => {
    const j = s.jitter[Math.min(s.draws, s.jitter.length - 1)] ?? 0.5;
    s.draws++;
    return j;
  };
  s.sleep = async (ms, signal) => {
    s.waits.push(ms);
    if (c.abortAtWait === s.waits.length) s.controller.abort(new Error('cancelled by the test'));
    if (signal?.aborted) throw new Error('aborted');
    s.clock += ms;
  };
  s.fetch = async (url, init) => {
    const step = s.steps[s.next];
    if (step === undefined) {
      s.failures.push(`an unexpected request: ${init.method} ${url}`);
      throw new TypeError('no such step');
    }
    s.next++;
    const i = s.next;
    const want = step.request;
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    if (init.method !== want.method || path !== want.path) s.failures.push(`step ${i}: sent ${init.method} ${path}, expected ${want.method} ${want.path}`);
    const header = (h, name) => h.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    for (const [name, value] of Object.entries(want.headers ?? {})) {
      if (header(init.headers, name) !== value) s.failures.push(`step ${i}: header ${name} is ${header(init.headers, name)}, expected ${value}`);
    }
    for (const [name, pattern] of Object.entries(want.headersMatching ?? {})) {
      const value = header(init.headers, name);
      if (value === undefined || !new RegExp(pattern).test(value)) s.failures.push(`step ${i}: header ${name} is ${value}, expected to match ${pattern}`);
    }
    for (const name of want.headersAbsent ?? []) {
      if (header(init.headers, name) !== undefined) s.failures.push(`step ${i}: header ${name} was sent: ${header(init.headers, name)}`);
    }
    if (want.body !== undefined && (init.body ?? '') !== want.body) s.failures.push(`step ${i}: body ${init.body} != ${want.body}`);
    if (want.signatureCreated !== undefined && !header(init.headers, 'Signature-Input')?.includes(`;created=${want.signatureCreated};`)) {
      s.failures.push(`step ${i}: Signature-Input ${header(init.headers, 'Signature-Input')} lacks created=${want.signatureCreated}`);
    }
    if (!path.endsWith('/auth/token')) {
      const previous = s.previous;
      s.previous = init;
      const member = (r, name) => (name === 'body' ? (r.body ?? '') : header(r.headers, name));
      for (const [list, same] of [['sameAsPrevious', true], ['differentFromPrevious', false]]) {
        for (const name of want[list] ?? []) {
          if (previous === undefined) s.failures.push(`step ${i}: no previous request`);
          else if ((member(previous, name) === member(init, name)) !== same) s.failures.push(`step ${i}: ${name} ${same ? 'differs from' : 'equals'} the previous request's`);
        }
      }
    }
    if (step.failure === 'timeout') throw new DOMException('the scripted transport timed out', 'TimeoutError');
    if (step.failure === 'network_error') throw new TypeError('fetch failed');
    const { status, headers, body } = step.response;
    return new Response(status === 204 ? null : body, { status, headers });
  };
  return s;
}

function outcome(c, s, result, before) {
  assert.deepEqual(s.waits, c.waits, 'waits');
  if (c.events !== undefined) {
    if (s.events.length !== c.events.length) s.failures.push(`events ${JSON.stringify(s.events)} != ${JSON.stringify(c.events)}`);
    else subset(c.events, s.events, 'events', s.failures);
  }
  assert.equal(s.next, s.steps.length, `${s.next} of ${s.steps.length} steps were sent`);
  if ('value' in c.expect) {
    if (!result.ok) assert.fail(`expected a value, got ${result.error?.code}: ${result.error?.message}`);
    subset(c.expect.value, result.value.data, 'value', s.failures);
    if (c.expect.response !== undefined) subset(c.expect.response, result.value.response, 'response', s.failures);
  } else {
    if (result.ok) assert.fail(`expected an error, got ${JSON.stringify(result.value)}`);
    const e = result.error;
    assert.ok(isClienteleError(e) && e instanceof Error, `not a ClienteleError: ${e}`);
    const actual = {
      code: e.code,
      kind: e.kind,
      retryable: e.retryable,
      status: e.status,
      retryAfterSeconds: e.retryAfter === null ? null : 'seconds' in e.retryAfter ? e.retryAfter.seconds : Number.MAX_SAFE_INTEGER,
      issues: e.issues.map((i) => ({ path: i.path, code: i.code })),
    };
    subset(c.expect.error, actual, 'error', s.failures);
    if (c.expect.valuesBefore) subset(c.expect.valuesBefore, before, 'valuesBefore', s.failures);
  }
  assert.deepEqual(s.failures, []);
}

/** A call's value and its answer's metadata (`withResponse()`; a stream has none). */
const settle = (promise) =>
  (typeof promise.withResponse === 'function' ? promise.withResponse() : promise.then((data) => ({ data, response: undefined }))).then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error }),
  );

const blocFixture = load('client/bloc.json');
for (const c of blocFixture.cases) {
  test(`client/bloc.json: ${c.name}`, async () => {
    const s = script(c);
    const client = new BlocClient({
      secretKey: blocFixture.context.secretKey,
      baseUrl: blocFixture.context.baseUrl,
      fetch: s.fetch,
      now: s.now,
      sleep: s.sleep,
      random: s.random,
      appInfo: c.appInfo,
      onEvent: s.onEvent,
      ...(c.options?.maxRetries === undefined ? {} : { retries: { maxRetries: c.options.maxRetries } }),
    });
    const options = { signal: s.controller.signal };
    const input = c.input;
    const streamed = [];
    const run = {
      get_customer: () => client.getCustomer(input.customerId, options),
      create_customer: () => client.createCustomer(input.payload, options),
      update_customer: () => client.updateCustomer(input.customerId, input.payload, options),
      kyc_tier1_upgrade: () => client.upgradeKycTier1(input.customerId, input.payload, options),
      customers: async () => {
        for await (const customer of client.customers(input.query, options)) streamed.push(customer.id);
        return streamed;
      },
    }[c.operation];
    assert.ok(run, `no client method for ${c.operation}`);
    outcome(c, s, await settle(run()), streamed);
  });
}

const obFixture = load('client/offblocks.json');
const pem = text(obFixture.context.privateKeyFile);
for (const c of obFixture.cases) {
  test(`client/offblocks.json: ${c.name}`, async () => {
    const s = script(c);
    const source = c.tokenSource;
    const provided = [...(c.initialToken ? [c.initialToken] : []), ...(c.providedTokens ?? [])];
    let asked = 0;
    const token =
      source.source === 'provider'
        ? async () => {
            asked++;
            const next = provided.shift();
            assert.ok(next, 'the provider was asked once too often');
            return { token: next.token, expiresAt: next.expiresAt, tokenType: 'Bearer' };
          }
        : source.source === 'fixed'
          ? source.token
          : undefined;
    const client = new OffBlocksClient({
      baseUrl: obFixture.context.baseUrl,
      keyId: obFixture.context.keyId,
      signingKey: pem,
      credentials: source.source === 'credentials' ? source.credentials : undefined,
      token,
      fetch: s.fetch,
      now: s.now,
      sleep: s.sleep,
      random: s.random,
      appInfo: c.appInfo,
      onEvent: s.onEvent,
      ...(c.options?.maxRetries === undefined ? {} : { retries: { maxRetries: c.options.maxRetries } }),
    });
    if (c.initialToken) {
      // A token the provider gave earlier: obtained while it was still far from expiry.
      const real = s.clock;
      s.clock = Date.parse('2000-01-01T00:00:00Z');
      await client.accessToken();
      s.clock = real;
      asked = 0;
    }
    s.events = []; // the events of the case's call only
    const options = { signal: s.controller.signal };
    const input = c.input;
    const run = {
      create_customer: () => client.createCustomer(input.input, { ...options, idempotencyKey: input.idempotencyKey }),
      get_customer: () => client.getCustomer(input.customerId, options),
      deactivate_customer: () => client.deactivateCustomer(input.customerId, { ...options, idempotencyKey: input.idempotencyKey }),
      access_token: () => ({
        withResponse: () =>
          client
            .accessToken(options)
            .withResponse()
            .then(({ data, response }) => ({ data: typeof data === 'string' ? { token: data } : data, response })),
      }),
    }[c.operation];
    assert.ok(run, `no client method for ${c.operation}`);
    outcome(c, s, await settle(run()), []);
    assert.equal(asked, c.providedTokens?.length ?? 0, 'every provided token was asked for, once');
  });
}
