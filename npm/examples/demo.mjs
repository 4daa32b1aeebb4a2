// A narrated tour of Clientele against the local sandbox, with the npm package (run by ./demo).
//
//   node npm/examples/demo.mjs SANDBOX_READY_FILE
//
// Bloc: a bad payload's field issues, create, list page by page, get, update, KYC tier 1, and a
// webhook verified on its raw bytes. OffBlocks: a signed, idempotent create, the ownership
// challenge signed by a test wallet, deactivate and activate, webhooks verified and
// deduplicated. Secrets are masked in everything printed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

import {
  BlocClient,
  OffBlocksClient,
  OffBlocksWebhookDeduplicator,
  VerifyingKey,
  acceptChallengeSignature,
  caip10AccountId,
  isApiError,
  isValidationError,
  openChallenge,
  parseOffBlocksWebhook,
  verifyBlocWebhook,
  verifyOffBlocksWebhookSignature,
} from '../dist/esm/node.js';
import { personalSign } from './wallet.mjs';

const sandbox = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const fixtures = new URL('../../tests/fixtures/', import.meta.url);
const mask = (secret) => `${secret.slice(0, 8)}${'*'.repeat(Math.max(0, secret.length - 8))}`;
const step = (title) => console.log(`\n\x1b[1m== ${title} ==\x1b[0m`);
const show = (label, value) => console.log(`  ${label.padEnd(22)} ${value}`);

// A local endpoint that receives both providers' webhooks.
const received = [];
const hooks = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.end();
  });
});
await new Promise((r) => hooks.listen(0, '127.0.0.1', r));
const hookBase = `http://127.0.0.1:${hooks.address().port}`;
const waitFor = async (predicate, what) => {
  for (let i = 0; i < 200; i++) {
    const found = received.filter(predicate);
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${what} arrived`);
};

console.log('Clientele demo: the npm package against the local sandbox');
show('sandbox', sandbox.url);

// ------------------------------------------------------------------------------------------
step('Bloc 1. A form with mistakes: every field issue at once, nothing sent');
const secretKey = 'sk_test_demo_0123456789abcdef';
const bloc = new BlocClient({ secretKey, baseUrl: sandbox.bloc });
show('secret key', mask(secretKey));
const form = { email: 'ada@', phoneNumber: '+44 20 7946 0958', firstName: ' ', lastName: 'Obi', customerType: 'Personal', bvn: '2222' };
try {
  await bloc.createCustomer(form);
} catch (error) {
  if (!isValidationError(error)) throw error;
  for (const issue of error.issues) show(issue.path, `${issue.code}: ${issue.message}`);
}

step('Bloc 2. Register a webhook, then create customers (the phone is normalised)');
await fetch(`${sandbox.bloc}/webhooks`, {
  method: 'POST',
  headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ url: `${hookBase}/bloc` }),
});
const people = [['Ada', 'Obi'], ['Tunde', 'Bello'], ['Chioma', 'Eze'], ['Sani', 'Musa'], ['Ngozi', 'Okafor']];
const created = [];
for (const [i, [first, last]] of people.entries()) {
  created.push(
    await bloc.createCustomer({
      email: `${first.toLowerCase()}@example.com`,
      phoneNumber: `+234 80${i} 234 5678`,
      firstName: first,
      lastName: last,
      customerType: 'Personal',
      bvn: `2222222222${i}`,
    }),
  );
}
const ada = created[0];
show('created', `${created.length} customers; first ${ada.id} (${ada.fullName}), tier ${ada.kycTier}`);
show('phone as sent', ada.phoneNumber);
show('updatedAt', `${ada.updatedAt} (Bloc's Go zero time means "never")`);

step('Bloc 3. List every customer, two per page');
let page = 0;
for await (const p of bloc.customerPages({ perPage: 2 })) {
  page += 1;
  show(`page ${page}`, p.customers.map((c) => `${c.firstName} ${c.lastName}`).join(', '));
}

step('Bloc 4. Get, update, upgrade to KYC tier 1');
const fetched = await bloc.getCustomer(ada.id);
show('get', `${fetched.id} status ${fetched.status}`);
const updated = await bloc.updateCustomer(ada.id, {
  email: 'ada.obi@example.com',
  phoneNumber: '08001234567',
  firstName: 'Ada',
  lastName: 'Obi-Eze',
  customerType: 'Personal',
});
show('update', `${updated.fullName}, updated ${updated.updatedAt}`);
const tier1 = await bloc.upgradeKycTier1(ada.id, {
  placeOfBirth: 'Kaduna',
  dob: '1992-03-30',
  gender: 'Female',
  country: 'Nigeria',
  address: { street: '12 Admiralty Way', city: 'Lekki', state: 'Lagos', country: 'Nigeria', postalCode: '106104' },
  image: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==',
});
show('tier 1', `kycTier ${tier1.kycTier}, dateOfBirth ${tier1.dateOfBirth} (a date, not a timestamp)`);
try {
  await bloc.getCustomer('000000000000000000000000');
} catch (error) {
  if (!isApiError(error)) throw error;
  show('unknown id', `${error.code} (${error.status}), retryable: ${error.retryable}`);
}

step('Bloc 5. The Customer.created webhook, verified on its raw bytes');
const [blocHook] = await waitFor((h) => h.path === '/bloc', 'Bloc webhook');
const event = verifyBlocWebhook(blocHook.body, blocHook.headers, sandbox.blocWebhookSecret);
show('verified', `${event.event} for ${event.customer?.id}`);
try {
  verifyBlocWebhook(Buffer.concat([blocHook.body, Buffer.from(' ')]), blocHook.headers, sandbox.blocWebhookSecret);
} catch (error) {
  show('tampered body', error.code);
}

// ------------------------------------------------------------------------------------------
step('OffBlocks 1. Register the request-signing key, then create a customer (signed, idempotent)');
const keyPem = readFileSync(new URL('offblocks/test-key-p384.pem', fixtures), 'utf8');
const publicPem = readFileSync(new URL('offblocks/test-key-p384.pub.pem', fixtures), 'utf8');
const offblocks = new OffBlocksClient({
  baseUrl: sandbox.offblocks,
  keyId: 'demo-key',
  signingKey: keyPem,
  credentials: { apiKey: sandbox.offblocksApiKey, apiSecret: sandbox.offblocksApiSecret },
});
const token = await offblocks.accessToken();
const bearer = typeof token === 'string' ? token : token.token;
show('api secret', mask(sandbox.offblocksApiSecret));
show('bearer token', mask(bearer));
await fetch(`${sandbox.offblocks}/auth/signing`, {
  method: 'PUT',
  headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
  body: JSON.stringify({ keyId: 'demo-key', publicKey: Buffer.from(publicPem).toString('base64') }),
});
await fetch(`${sandbox.url}/__admin/offblocks/webhooks`, { method: 'POST', body: JSON.stringify({ callbackUrl: `${hookBase}/offblocks` }) });
const walletKey = '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'; // a published test key
// OffBlocks wants the wallet as a CAIP-10 account id; build it from the chain and the address.
const chainId = caip10AccountId(300, '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23');
show('chainId (CAIP-10)', chainId);
const idempotencyKey = crypto.randomUUID();
const customer = await offblocks.createCustomer({ chainId, externalId: 'demo-customer-1' }, { idempotencyKey });
show('created', `${customer.id} status ${customer.status}`);
show('KYC verification URL', customer.verificationUrl ?? '(none sent)');
const again = await offblocks.createCustomer({ chainId, externalId: 'demo-customer-1' }, { idempotencyKey });
show('same key, same body', `the same customer back (${again.id === customer.id})`);

step('OffBlocks 2. The ownership challenge, checked, signed by the wallet, checked again');
const challenge = openChallenge(customer.challenge, chainId);
show('sign-in message for', `${challenge.fields.address} on chain ${challenge.fields.chainId}`);
show('EIP-191 digest', challenge.digest);
const wrong = personalSign('11'.repeat(32), challenge.message);
try {
  acceptChallengeSignature(customer.challenge, chainId, wrong);
} catch (error) {
  show('another wallet', `${error.code} (refused before anything is sent)`);
}
const signature = personalSign(walletKey, challenge.message);
const afterChallenge = await offblocks.submitChallenge(customer.id, acceptChallengeSignature(customer.challenge, chainId, signature));
show('submitted', `status ${afterChallenge?.status}`);
// The customer follows the verification URL to the KYC partner (here the sandbox's own page)
// and completes verification there.
const kycPage = await (await fetch(customer.verificationUrl)).text();
show('KYC page', kycPage.match(/<h1>(.*?)<\/h1>/)?.[1] ?? '(no title)');
await fetch(`${customer.verificationUrl}/complete`, { method: 'POST' });
show('after KYC', `status ${(await offblocks.getCustomer(customer.id)).status}`);

step('OffBlocks 3. Deactivate, activate, and a refused transition');
show('deactivate', (await offblocks.deactivateCustomer(customer.id))?.status);
try {
  await offblocks.deactivateCustomer(customer.id);
} catch (error) {
  show('deactivate again', `${error.code} (${error.status})`);
}
show('activate', (await offblocks.activateCustomer(customer.id))?.status);

step('OffBlocks 4. customer.updated webhooks: signature verified, duplicates and stale ones told apart');
const deliveries = await waitFor((h) => h.path === '/offblocks' && received.filter((x) => x.path === '/offblocks').length >= 5, 'OffBlocks webhooks');
const { publicKeyPem } = await (await fetch(`${sandbox.url}/__admin/webhook-key`)).json();
const webhookKey = VerifyingKey.fromPem(publicKeyPem);
const seen = new OffBlocksWebhookDeduplicator(1000);
for (const d of [...deliveries, deliveries[0]]) {
  const verified = verifyOffBlocksWebhookSignature({ url: `${hookBase}${d.path}`, headers: d.headers, body: d.body }, webhookKey);
  const e = parseOffBlocksWebhook(d.body);
  show(`${e.customer?.status}`.padEnd(10), `${seen.observe(e)} (signed by ${verified.keyid})`);
}

hooks.close();
console.log('\nDone: the same Rust core built, signed and parsed every request above; fetch sent them.');
process.exit(0);
