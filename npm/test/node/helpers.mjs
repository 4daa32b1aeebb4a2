// Helpers shared by the suites: the fixtures (mirroring core/tests/common/mod.rs), and a local
// HTTP server on 127.0.0.1 that records what it receives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

export const FIXTURES = process.env.CLIENTELE_FIXTURES;
if (!FIXTURES) throw new Error('CLIENTELE_FIXTURES is not set (run npm/scripts/test.mjs)');

/** Loads `tests/fixtures/<path>`. */
export const load = (path) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
/** Reads a fixture file as text. */
export const text = (path) => readFileSync(join(FIXTURES, path), 'utf8');

/** `expected` must be contained in `actual`: every member listed equals (null = absent). */
export function subset(expected, actual, path, failures) {
  const a = actual === undefined ? null : actual;
  if (isObject(expected) && isObject(a)) {
    for (const [k, v] of Object.entries(expected)) subset(v, a[k], `${path}.${k}`, failures);
  } else if (Array.isArray(expected) && Array.isArray(a) && expected.length === a.length) {
    expected.forEach((v, i) => subset(v, a[i], `${path}[${i}]`, failures));
  } else if (!equal(expected, a)) {
    failures.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(a)}`);
  }
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const equal = (a, b) => {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
};

/** Checks a thrown error against `expect.error` (as the Rust suites do). */
export function checkError(err, expected, failures) {
  if (err?.name !== 'ClienteleError' || !(err instanceof Error)) {
    failures.push(`not a ClienteleError: ${err}`);
    return;
  }
  const actual = {
    code: err.code,
    status: err.status,
    retryable: err.retryable,
    issues: err.issues.map((i) => ({ path: i.path, code: i.code, message: i.message })),
  };
  if (err.kind === 'api') {
    actual.message = err.providerMessage;
    actual.requestId = err.requestId;
    actual.retryAfterSeconds =
      err.retryAfter === null ? null : 'seconds' in err.retryAfter ? err.retryAfter.seconds : Number.MAX_SAFE_INTEGER;
  }
  if (err.kind === 'decode') {
    actual.path = err.path;
    // Decoding errors never echo values from the body.
    for (const needle of ['08012345678', '22403240419', '@example', 'yesterday']) {
      if (err.message.includes(needle)) failures.push(`decode message leaks \`${needle}\`: ${err.message}`);
    }
  }
  subset(expected, actual, 'error', failures);
}

/** Compares a built request with `expect.request` (method, url, exact body, headers by name ignoring case and order). */
export function checkRequest(req, want, failures) {
  if (req.method !== want.method) failures.push(`method ${req.method} != ${want.method}`);
  if (req.url !== want.url) failures.push(`url ${req.url} != ${want.url}`);
  if (req.body !== want.body) failures.push(`body ${JSON.stringify(req.body)} != ${JSON.stringify(want.body)}`);
  const norm = (pairs) => pairs.map(([n, v]) => [n.toLowerCase(), v]).sort((x, y) => (x.join('\n') < y.join('\n') ? -1 : 1));
  const got = norm(req.headers.map((h) => [h.name, h.value]));
  const exp = norm(Object.entries(want.headers ?? {}));
  if (!equal(got, exp)) failures.push(`headers ${JSON.stringify(got)} != ${JSON.stringify(exp)}`);
}

/** Runs `run(case, failures)` and fails with every collected failure. */
export function expectNoFailures(run) {
  const failures = [];
  run(failures);
  assert.deepEqual(failures, [], failures.join('\n'));
}

/**
 * A local HTTP server on 127.0.0.1. `handle(req)` gets `{ method, url, path, headers, body }`
 * (body: the raw Buffer) and returns `{ status, headers?, body?, delayMs? }`; every request is
 * recorded in `received`.
 */
export async function serve(handle) {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const request = {
        method: req.method,
        url: req.url,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      let answer;
      try {
        answer = await handle(request, received.length);
      } catch (e) {
        answer = { status: 599, body: String(e) };
      }
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body ?? null));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/** A header of a recorded request. */
export const header = (request, name) => request.headers[name.toLowerCase()];

/** Bodies from the fixtures. */
export const bloc = {
  customer: (id = '64105f5d7f1b4b36103f870e', extra = {}) => ({
    id,
    first_name: 'Ada',
    last_name: 'Obi',
    full_name: 'Obi Ada',
    email: 'ada@example.com',
    phone_number: '08012345678',
    customer_type: 'Personal',
    status: 'active',
    environment: 'test',
    kyc_tier: '0',
    created_at: '2026-11-21T09:30:12.839735959Z',
    updated_at: '0001-01-01T00:00:00Z',
    ...extra,
  }),
  ok: (data, message = 'ok') => ({ success: true, message, data }),
};

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The fixture's Sign-In with Ethereum challenge for the test wallet, issued now (so it is open). */
export function freshChallenge(now = new Date()) {
  const valid = load('offblocks/challenges.json').cases[0].challenge;
  const message = Buffer.from(valid, 'base64').toString('utf8');
  const issued = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return Buffer.from(message.replace(/Issued At: .*/, `Issued At: ${issued}`), 'utf8').toString('base64');
}
