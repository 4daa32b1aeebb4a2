// The host layer decides nothing: every error code it names is the core's (with the core's
// kind), and no retry rule, status rule or default of the engine is written in TypeScript.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from './helpers.mjs';

const src = join(dirname(dirname(FIXTURES)), 'npm/src');
const sources = readdirSync(src)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => [f, readFileSync(join(src, f), 'utf8')]);
// The core's vocabulary, from the installed package's client module.
const require = createRequire(import.meta.url);
const client = require(join(process.cwd(), 'node_modules/clientele/dist/wasm/node/clientele_client.cjs'));

/** The code without its comments (rules in prose are fine). */
const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

test('every error code the host names is in the core vocabulary, with the core kind', () => {
  const named = [];
  for (const [file, text] of sources) {
    // Error codes (issue codes such as `invalid_format` in an `issues` list are another vocabulary).
    for (const m of code(text).matchAll(/new ClienteleError\(\{\s*code: '([a-z_]+)'(?:,\s*kind: '([a-z]+)')?/g)) named.push([file, m[1], m[2]]);
    for (const m of code(text).matchAll(/^\s*code: '([a-z_]+)',\s*\n\s*kind: '([a-z]+)'/gm)) named.push([file, m[1], m[2]]);
    for (const m of code(text).matchAll(/\.code === '([a-z_]+)'/g)) named.push([file, m[1], undefined]);
  }
  assert.ok(named.length >= 6, `only ${named.length} codes found: ${named.map((n) => n[1])}`);
  for (const [file, c, kind] of named) {
    const core = client.errorKindOfCode(c);
    assert.ok(core !== undefined, `${file} names ${c}, a code the core lacks`);
    if (kind !== undefined) assert.equal(kind, core, `${file}: ${c} is ${core} in the core`);
    else if (core !== 'internal') {
      // A code raised here without a kind would be reported as internal.
      assert.ok(!new RegExp(`new ClienteleError\\(\\{\\s*code: '${c}'(?!,\\s*kind:)`).test(code(text(file))), `${file}: ${c} needs its kind`);
    }
  }
  function text(file) {
    return sources.find(([f]) => f === file)[1];
  }
});

test('no retry, status or default rule is written in the host layer', () => {
  const rules = [
    [/\b(401|408|409|422|429|500|502|503|504)\b/, 'an HTTP status'],
    [/['"]retry-after['"]/i, 'Retry-After handling'],
    [/\*\*|Math\.pow|Math\.min\([^)]*delay/i, 'backoff arithmetic'],
    [/\b(30_?000|8_?000|60_?000|10_?000|300)\b/, 'a default of the engine or the webhooks'],
    [/\.retryable\s*(&&|\|\||\?(?!\?))|if \([^)]*retryable/, 'a retry decision'],
    [/needsRefresh|refreshMargin[A-Za-z]*\s*[-+*]/, 'a token refresh decision'],
  ];
  const offenders = [];
  for (const [file, text] of sources) {
    for (const [pattern, what] of rules) {
      const m = code(text).match(pattern);
      if (m) offenders.push(`${file}: ${what} (${m[0]})`);
    }
  }
  assert.deepEqual(offenders, []);
});
