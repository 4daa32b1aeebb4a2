// The one scenario every consumer project runs against the installed `clientele`, on its server
// side and, where it has one, in the page: validation with issues, a Bloc customer page parsed,
// a signed OffBlocks request (deterministic ECDSA P-384, compared byte for byte with
// tests/fixtures/offblocks/requests.json), a Bloc webhook verified (tests/fixtures/bloc/webhooks.json)
// and typed errors. Plain ECMAScript only (no Node, DOM or Workers API), so the same file runs in
// Node (import and require), Deno, Bun, workerd, Next.js (Node and Edge runtimes, client component)
// and in bundled pages in Chromium and Firefox.
//
// `clientele` is the package's module namespace (or `require('clientele')`); `fixtures` the data
// tests/consumers/run.mjs writes beside this file (fixtures.mjs) from tests/fixtures.
// Returns [{ name, ok, detail }]: every check asserts exact values and codes.

/** The checks every run reports, in order (the runner insists on all of them). */
export const CHECKS = [
  'validate: every field issue at once, with path and code',
  'parse: a Bloc customer page (bloc/responses.json)',
  'signed OffBlocks request: the fixture key, byte for byte (offblocks/requests.json)',
  'Bloc webhook: verified on the raw body (bloc/webhooks.json), tampering detected',
];

export async function scenario(clientele, fixtures) {
  const results = [];
  const check = async (name, f) => {
    try {
      const failures = [];
      await f(failures);
      results.push({ name, ok: failures.length === 0, detail: failures.join('; ') });
    } catch (e) {
      results.push({ name, ok: false, detail: `threw ${e?.name}: ${e?.code ?? ''} ${e?.message}` });
    }
  };
  const codeOf = (f) => {
    try {
      f();
      return 'no error';
    } catch (e) {
      return clientele.isClienteleError(e) && e instanceof clientele.ClienteleError && e instanceof Error
        ? e.code
        : `not a ClienteleError: ${e?.name}: ${e?.message}`;
    }
  };
  const same = (failures, what, actual, expected) => {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) failures.push(`${what}: expected ${e}, got ${a}`);
  };
  const {
    Bloc,
    OffBlocks,
    SigningKey,
    validateBlocCustomerCreate,
    verifyBlocWebhook,
    verifyMessage,
  } = clientele;

  await check(CHECKS[0], (failures) => {
    const form = { email: 'ada@', phoneNumber: '+234 801 234 5678', firstName: 'Ada', lastName: 'Obi', customerType: 'Personal', bvn: '2222' };
    same(failures, 'issues', validateBlocCustomerCreate(form).map((i) => `${i.path}:${i.code}`), ['email:invalid_email', 'bvn:invalid_bvn']);
    same(failures, 'valid form', validateBlocCustomerCreate({ ...form, email: 'ada@example.com', bvn: '22222222222' }), []);
    same(failures, 'wrong type', codeOf(() => validateBlocCustomerCreate({ ...form, email: 42 })), 'invalid_argument');
  });

  await check(CHECKS[1], (failures) => {
    const { response, expect } = fixtures.page;
    const page = Bloc.parseListCustomers({ status: response.status, headers: response.headers, body: new TextEncoder().encode(response.body) });
    same(failures, 'hasNext/hasPrevious', [page.hasNext, page.hasPrevious], [expect.value.hasNext, expect.value.hasPrevious]);
    same(failures, 'customers', page.customers.length, expect.value.customers.length);
    // The fixture's rule: every member it lists is contained in the value (null = absent).
    const contains = (what, actual, expected) => {
      if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
        for (const [key, value] of Object.entries(expected)) contains(`${what}.${key}`, actual?.[key] ?? null, value);
      } else {
        same(failures, what, actual, expected);
      }
    };
    expect.value.customers.forEach((want, i) => contains(`customers[${i}]`, page.customers[i], want));
    same(failures, 'malformed body', codeOf(() => Bloc.parseListCustomers({ status: 200, body: '{' })), 'decode_failed');
  });

  await check(CHECKS[2], async (failures) => {
    const { context, pem, case: c } = fixtures.signed;
    await clientele.loadKeys();
    const key = SigningKey.fromPem(pem);
    const offblocks = new OffBlocks({ baseUrl: context.baseUrl, keyId: context.keyId, token: context.token });
    const pending = offblocks.buildCreateCustomer(c.input, { idempotencyKey: c.idempotencyKey, now: context.now });
    same(failures, 'signature base', new TextDecoder().decode(pending.signatureBase), c.expect.request.signatureBase);
    const request = pending.sign(key);
    same(failures, 'method', request.method, c.expect.request.method);
    same(failures, 'url', request.url, c.expect.request.url);
    same(failures, 'body', request.body, c.expect.request.body);
    const headers = Object.fromEntries(request.headers.map((h) => [h.name, h.value]));
    same(failures, 'headers', headers, c.expect.request.headers);
    const verified = verifyMessage(request, key.publicKey(), { now: '2025-11-21T04:40:10Z' });
    same(failures, 'verified', [verified.keyid, verified.algorithm], [context.keyId, 'ecdsa-p384-sha384']);
    same(failures, 'bad key', codeOf(() => SigningKey.fromPem('not a key')), 'signature_invalid_key');
  });

  await check(CHECKS[3], (failures) => {
    const { secret, case: c } = fixtures.webhook;
    const body = new TextEncoder().encode(c.body);
    const event = verifyBlocWebhook(body, c.headers, secret);
    same(failures, 'event', [event.event, event.customer?.id, event.dataJson], [c.expect.event.event, c.expect.event.customerId, c.expect.event.dataJson]);
    same(failures, 'tampered', codeOf(() => verifyBlocWebhook(body.slice(1), c.headers, secret)), 'webhook_signature_mismatch');
    same(failures, 'wrong secret', codeOf(() => verifyBlocWebhook(body, c.headers, `${secret}x`)), 'webhook_signature_mismatch');
  });

  return results;
}
