// The shared cross-language cases of tests/fixtures, run through the installed package exactly as
// core/tests/{bloc,offblocks}_fixtures.rs run them through the Rust core: one test per case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Bloc,
  OffBlocks,
  OffBlocksWebhookDeduplicator,
  SigningKey,
  acceptChallengeSignature,
  caip10AccountId,
  openChallenge,
  parseOffBlocksWebhook,
  verifyBlocWebhook,
  verifyMessage,
} from 'clientele';
import { checkError, checkRequest, expectNoFailures, load, subset, text } from './helpers.mjs';

// The known members of the generated open enums (BlocEventType, OffBlocksWebhookType).
const KNOWN_BLOC_EVENTS = ['customer.created', 'transaction.new', 'transaction.updated', 'transaction.successful'];
const KNOWN_OFFBLOCKS_WEBHOOKS = ['customer.updated', 'account.updated', 'card.updated', 'authorisation.updated', 'transaction.updated'];

/** Runs `f` and hands its value or its error to the right comparison. */
function outcome(f, expect, onValue, failures) {
  let value;
  try {
    value = f();
  } catch (err) {
    if ('error' in expect) checkError(err, expect.error, failures);
    else failures.push(`expected success, got ${err?.code}: ${err?.message}`);
    return;
  }
  if ('error' in expect) failures.push(`expected error ${expect.error.code}, got ${JSON.stringify(value)?.slice(0, 200)}`);
  else onValue(value);
}

// ---- Bloc -------------------------------------------------------------------------------------

const blocResponses = load('bloc/responses.json');
const parseBloc = {
  list_customers: Bloc.parseListCustomers,
  get_customer: Bloc.parseGetCustomer,
  create_customer: Bloc.parseCreateCustomer,
  update_customer: Bloc.parseUpdateCustomer,
  kyc_upgrade: Bloc.parseKycUpgrade,
  means_of_identification: Bloc.parseMeansOfIdentification,
  revalidate_kyc: Bloc.parseRevalidateKyc,
};
for (const c of blocResponses.cases) {
  test(`bloc/responses.json: ${c.name}`, () =>
    expectNoFailures((failures) =>
      outcome(
        () => parseBloc[c.operation](c.response),
        c.expect,
        (v) => subset(c.expect.value, v ?? null, 'value', failures),
        failures,
      ),
    ));
}

test('bloc/responses.json: the docs example parses to exactly the members shown (no more)', () => {
  const c = blocResponses.cases[0];
  const customer = Bloc.parseGetCustomer({ status: 200, body: c.response.body });
  assert.equal(customer.firstName, 'Ayo ', 'trailing space kept');
  assert.equal(customer.dateOfBirth, '2001-04-14');
  assert.equal(customer.createdAt, '2023-03-08T10:59:39.509Z');
  assert.deepEqual(Object.keys(customer).sort(), Object.keys(c.expect.value).sort());
});

const blocRequests = load('bloc/requests.json');
function buildBloc(c) {
  const ctx = c.context ?? blocRequests.context;
  const bloc = new Bloc(ctx.secretKey, { baseUrl: ctx.baseUrl });
  const id = c.customerId ?? '';
  const input = c.input ?? null;
  switch (c.operation) {
    case 'list_customers': return bloc.buildListCustomers(input);
    case 'get_customer': return bloc.buildGetCustomer(id);
    case 'create_customer': return bloc.buildCreateCustomer(input);
    case 'update_customer': return bloc.buildUpdateCustomer(id, input);
    case 'kyc_tier1_upgrade': return bloc.buildKycTier1Upgrade(id, input, blocRequests.today);
    case 'kyc_tier2_upgrade': return bloc.buildKycTier2Upgrade(id, input);
    case 'kyc_tier3_upgrade': return bloc.buildKycTier3Upgrade(id, input);
    case 'means_of_identification': return bloc.buildMeansOfIdentification();
    case 'revalidate_kyc': return bloc.buildRevalidateKyc(id);
    default: throw new Error(`unknown operation ${c.operation}`);
  }
}
for (const c of blocRequests.cases) {
  test(`bloc/requests.json: ${c.name}`, () =>
    expectNoFailures((failures) => outcome(() => buildBloc(c), c.expect, (r) => checkRequest(r, c.expect.request, failures), failures)));
}

const blocWebhooks = load('bloc/webhooks.json');
for (const c of blocWebhooks.cases) {
  test(`bloc/webhooks.json: ${c.name}`, () =>
    expectNoFailures((failures) =>
      outcome(
        () => verifyBlocWebhook(c.body, c.headers, blocWebhooks.secret),
        c.expect,
        (event) =>
          subset(
            c.expect.event,
            {
              event: event.event,
              known: KNOWN_BLOC_EVENTS.includes(event.event),
              customerId: event.customer?.id ?? null,
              dataJson: event.dataJson,
            },
            'event',
            failures,
          ),
        failures,
      ),
    ));
}

test('bloc/webhooks.json: the raw body as Buffer, Uint8Array, ArrayBuffer or string; headers as Headers, object or pairs', () => {
  const c = blocWebhooks.cases.find((x) => x.name.startsWith('pretty-printed'));
  const raw = Buffer.from(c.body, 'utf8');
  const [name, value] = Object.entries(c.headers)[0];
  const bodies = [raw, new Uint8Array(raw), raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length), c.body];
  const headers = [new Headers([[name, value]]), { [name.toLowerCase()]: value }, [[name, value]], [{ name, value }]];
  for (const body of bodies) {
    for (const h of headers) {
      assert.equal(verifyBlocWebhook(body, h, blocWebhooks.secret).event, c.expect.event.event);
    }
  }
  // One byte changed anywhere (here: the trailing newline dropped) fails, in every form.
  assert.throws(() => verifyBlocWebhook(raw.subarray(0, raw.length - 1), headers[0], blocWebhooks.secret), {
    code: 'webhook_signature_mismatch',
  });
});

// ---- OffBlocks --------------------------------------------------------------------------------

const obRequests = load('offblocks/requests.json');
const obKeyPem = text(`offblocks/${obRequests.context.privateKeyFile}`);
const obKey = SigningKey.fromPem(obKeyPem);
const obContext = (c) => ({ ...obRequests.context, ...(c.context ?? {}) });
const obClient = (ctx) => new OffBlocks({ baseUrl: ctx.baseUrl, keyId: ctx.keyId, token: ctx.token ?? undefined });

function buildOffBlocks(c, ctx) {
  const offblocks = obClient(ctx);
  const now = ctx.now;
  const id = c.customerId ?? '';
  const idempotencyKey = c.idempotencyKey ?? '';
  const input = c.input ?? null;
  switch (c.operation) {
    case 'token': return offblocks.buildTokenRequest(input);
    case 'create_customer': return offblocks.buildCreateCustomer(input, { idempotencyKey, now });
    case 'list_customers': return offblocks.buildListCustomers({ now });
    case 'get_customer': return offblocks.buildGetCustomer(id, { now });
    case 'deactivate_customer': return offblocks.buildDeactivateCustomer(id, { idempotencyKey, now });
    case 'activate_customer': return offblocks.buildActivateCustomer(id, { idempotencyKey, now });
    case 'simulator_verify': return offblocks.buildSimulatorVerify(id, { idempotencyKey, now });
    case 'get_challenge': return offblocks.buildGetChallenge(id, { now });
    case 'submit_challenge': return offblocks.buildSubmitChallenge(id, input, { idempotencyKey, now });
    default: throw new Error(`unknown operation ${c.operation}`);
  }
}

for (const c of obRequests.cases) {
  test(`offblocks/requests.json: ${c.name}`, () =>
    expectNoFailures((failures) =>
      outcome(
        () => buildOffBlocks(c, obContext(c)),
        c.expect,
        (built) => {
          let request = built;
          if (typeof built.sign === 'function') {
            const base = new TextDecoder().decode(built.signatureBase);
            if (base !== c.expect.request.signatureBase) failures.push(`signature base:\n${base}\n!=\n${c.expect.request.signatureBase}`);
            request = built.sign(obKey);
          }
          checkRequest(request, c.expect.request, failures);
        },
        failures,
      ),
    ));
}

test('offblocks/requests.json: an external signer (raw r||s) gives the same request; DER is accepted; a wrong length is refused', () => {
  const ctx = obRequests.context;
  const pending = buildOffBlocks(obRequests.cases[1], ctx);
  const inCore = pending.sign(obKey);
  const signature = Buffer.from(inCore.headers.find((h) => h.name === 'Signature').value.replace(/^sig=:|:$/g, ''), 'base64');
  assert.equal(signature.length, 96);
  assert.deepEqual(pending.finish(signature, 'raw'), inCore);
  assert.deepEqual(pending.finish(new Uint8Array(signature)), inCore, 'raw is the default');
  assert.deepEqual(pending.finish(rawToDer(signature), 'der'), inCore);
  assert.throws(() => pending.finish(signature.subarray(0, 95), 'raw'), { code: 'signature_invalid_length', kind: 'signature' });
  const verified = verifyMessage(inCore, obKey.publicKey(), { now: '2025-11-21T04:40:10Z' });
  assert.equal(verified.keyid, 'test-key-ecc-p384');
  assert.equal(verified.algorithm, 'ecdsa-p384-sha384');
});

test('offblocks/requests.json: resign keeps the Idempotency-Key, body and digest, and changes only the signature', () => {
  const ctx = obRequests.context;
  const first = buildOffBlocks(obRequests.cases[1], ctx).sign(obKey);
  const later = new Date(Date.parse(ctx.now) + 10 * 60_000);
  const second = obClient(ctx).resign(first, { now: later }).sign(obKey);
  const h = (r, n) => r.headers.filter((x) => x.name.toLowerCase() === n.toLowerCase()).map((x) => x.value);
  assert.equal(second.body, first.body);
  for (const name of ['Idempotency-Key', 'Content-Digest', 'Authorization']) assert.deepEqual(h(second, name), h(first, name), name);
  assert.notDeepEqual(h(second, 'Signature'), h(first, 'Signature'));
  assert.match(h(second, 'Signature-Input')[0], new RegExp(`created=${later.getTime() / 1000}`));
  assert.equal(h(second, 'Signature').length, 1);
});

const obResponses = load('offblocks/responses.json');
const parseOffBlocks = {
  create_customer: OffBlocks.parseCreateCustomer,
  get_customer: OffBlocks.parseGetCustomer,
  list_customers: OffBlocks.parseListCustomers,
  status_change: OffBlocks.parseStatusChange,
  simulator_verify: OffBlocks.parseSimulatorVerify,
  token: OffBlocks.parseToken,
  get_challenge: OffBlocks.parseChallenge,
};
for (const c of obResponses.cases) {
  test(`offblocks/responses.json: ${c.name}`, () =>
    expectNoFailures((failures) =>
      outcome(
        () => parseOffBlocks[c.operation](c.response),
        c.expect,
        (v) => subset(c.expect.value, v ?? null, 'value', failures),
        failures,
      ),
    ));
}

const obAccountIds = load('offblocks/account-ids.json');
for (const c of obAccountIds.cases) {
  test(`offblocks/account-ids.json: ${c.name}`, () =>
    expectNoFailures((failures) =>
      outcome(
        () => caip10AccountId(c.chainId, c.address),
        c.expect,
        (v) => subset(c.expect.value, v, 'value', failures),
        failures,
      ),
    ));
}

const obChallenges = load('offblocks/challenges.json');
for (const c of obChallenges.cases) {
  test(`offblocks/challenges.json: ${c.name}`, () =>
    expectNoFailures((failures) =>
      outcome(
        () => {
          const challenge = openChallenge(c.challenge, c.chainId, c.now);
          const submission = c.signature === undefined ? null : acceptChallengeSignature(c.challenge, c.chainId, c.signature, c.now);
          return { challenge, submission };
        },
        c.expect,
        ({ challenge, submission }) => {
          const f = challenge.fields;
          const actual = {
            message: {
              domain: f.domain,
              address: f.address,
              uri: f.uri,
              version: f.version,
              chainId: f.chainId,
              nonce: f.nonce,
              issuedAt: f.issuedAt,
              digest: challenge.digest,
            },
            signer: submission === null ? null : f.address,
            submission,
          };
          subset(c.expect, actual, 'expect', failures);
        },
        failures,
      ),
    ));
}

const obWebhooks = load('offblocks/webhooks.json');
for (const c of obWebhooks.cases) {
  test(`offblocks/webhooks.json: ${c.name}`, () =>
    expectNoFailures((failures) => {
      const dedupe = new OffBlocksWebhookDeduplicator(100);
      c.deliveries.forEach((delivery, i) => {
        let event;
        try {
          event = parseOffBlocksWebhook(delivery.body);
        } catch (err) {
          if (delivery.expect.error !== err.code) failures.push(`delivery[${i}]: got error ${err.code}, expected ${JSON.stringify(delivery.expect)}`);
          return;
        }
        const actual = {
          type: event.webhookType,
          known: KNOWN_OFFBLOCKS_WEBHOOKS.includes(event.webhookType),
          status: event.customer?.status ?? null,
          delivery: dedupe.observe(event),
        };
        subset(delivery.expect, actual, `delivery[${i}]`, failures);
      });
    }));
}

test('offblocks/webhooks.json: the deduplicator survives save/restore and JSON.stringify', () => {
  const c = obWebhooks.cases[0];
  const first = new OffBlocksWebhookDeduplicator(100);
  const event = parseOffBlocksWebhook(c.deliveries[0].body);
  assert.equal(first.observe(event), 'new');
  const restored = OffBlocksWebhookDeduplicator.restore(JSON.parse(JSON.stringify(first)));
  assert.equal(restored.observe(event), 'duplicate');
  assert.equal(OffBlocksWebhookDeduplicator.restore(first.save()).observe(event), 'duplicate');
  assert.throws(() => OffBlocksWebhookDeduplicator.restore('{"nope":1}'), { code: 'invalid_argument' });
});

/** An r||s ECDSA signature as DER (for the DER path of `finish`). */
function rawToDer(raw) {
  const int = (bytes) => {
    let b = Buffer.from(bytes);
    while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
    if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const half = raw.length / 2;
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
