// `clientele/init`, alone in its process: nothing works before init, a bad module is a typed
// init_failed (and init can be called again), then everything works.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { init, ready, validateBlocCustomerCreate, Bloc } from 'clientele/init';

const wasm = readFileSync(createRequire(import.meta.url).resolve('clientele/clientele_wasm_bg.wasm'));

test('clientele/init: not_initialized before init, init_failed on bad bytes, then ready', async () => {
  assert.throws(() => validateBlocCustomerCreate({}), { name: 'ClienteleError', code: 'not_initialized' });
  assert.throws(() => new Bloc('sk_test_synthetic0000000000'), { code: 'not_initialized' });
  await assert.rejects(init(new Uint8Array([0, 97, 115, 109, 1])), { code: 'init_failed' });
  assert.throws(() => validateBlocCustomerCreate({}), { code: 'not_initialized' });
  await init(wasm);
  await ready;
  await init(wasm); // idempotent
  const issues = validateBlocCustomerCreate({ email: 'ada@', phoneNumber: '08012345678', firstName: 'Ada', lastName: 'Obi', customerType: 'Personal', bvn: '22222222222' });
  assert.deepEqual(issues.map((i) => i.code), ['invalid_email']);
});

test('clientele/init: the keys module loads from bytes, asynchronously or synchronously', async () => {
  const { loadKeys, loadKeysSync, VerifyingKey } = await import('clientele/init');
  const keys = readFileSync(createRequire(import.meta.url).resolve('clientele/clientele_keys_bg.wasm'));
  const jwk = { kty: 'oct', k: 'c2VjcmV0' };
  assert.throws(() => VerifyingKey.fromJwk(jwk), { code: 'not_initialized' });
  await assert.rejects(loadKeys(new Uint8Array([0, 97, 115, 109, 1])), { code: 'init_failed' });
  assert.throws(() => loadKeysSync(new Uint8Array([1, 2, 3])), { code: 'init_failed' });
  loadKeysSync(new WebAssembly.Module(keys));
  assert.ok(VerifyingKey.fromJwk(jwk) instanceof VerifyingKey);
  await loadKeys(keys); // a second load changes nothing
  assert.ok(VerifyingKey.fromJwk(jwk) instanceof VerifyingKey);
});
