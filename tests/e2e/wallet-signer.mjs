// A stand-in for the user's wallet in the Kotlin and Swift end-to-end tests: signs a message as
// `personal_sign` does (EIP-191 digest, secp256k1, r || s || v with v in {27, 28}).
//
//   node tests/e2e/wallet-signer.mjs --ready-file FILE   # FILE then holds {"url": "http://127.0.0.1:PORT"}
//   POST {url}/sign {"privateKey": hex, "message": text}  ->  {"signature": "0x..."}
//
// The uniffi bindings expose no signing helper (a real SDK never holds a user's key), and this
// signer is independent of the Rust core: @noble/curves, from the sandbox's own dependencies.
// It listens on 127.0.0.1 only, for test keys only, and stops on SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';

const sandboxModules = new URL('../sandbox/node_modules/', import.meta.url);
const { secp256k1 } = await import(new URL('@noble/curves/secp256k1.js', sandboxModules));
const { keccak_256 } = await import(new URL('@noble/hashes/sha3.js', sandboxModules));

const enc = new TextEncoder();
export function personalSign(privateKeyHex, text) {
  const message = enc.encode(text);
  const prefix = enc.encode(`\x19Ethereum Signed Message:\n${message.length}`);
  const digest = keccak_256(new Uint8Array([...prefix, ...message]));
  const key = Buffer.from(privateKeyHex.replace(/^0x/, ''), 'hex');
  const recovered = secp256k1.sign(digest, key, { prehash: false, format: 'recovered' }); // rec || r || s
  return '0x' + Buffer.concat([Buffer.from(recovered.subarray(1)), Buffer.from([27 + recovered[0]])]).toString('hex');
}

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    if (req.method !== 'POST' || req.url !== '/sign') throw new Error('POST /sign only');
    const { privateKey, message } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ signature: personalSign(privateKey, message) }));
  } catch (e) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: e.message }));
  }
});
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  const i = process.argv.indexOf('--ready-file');
  if (i > 0) writeFileSync(process.argv[i + 1], JSON.stringify({ url }));
  console.log(`wallet signer listening on ${url}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
