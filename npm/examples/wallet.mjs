// A stand-in for the customer's wallet (MetaMask, WalletConnect, ...): `personal_sign` (EIP-191)
// with a private key, through @noble/curves and @noble/hashes. Clientele itself never signs as a
// wallet (a real customer signs in their own wallet); the demo and the tests use this.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

/** The 65-byte `personal_sign` signature (`0x` + r, s, v = 27 or 28) of `message` by `privateKeyHex`. */
export function personalSign(privateKeyHex, message) {
  const key = Uint8Array.from(Buffer.from(privateKeyHex.replace(/^0x/, ''), 'hex'));
  const text = new TextEncoder().encode(message);
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${text.length}`);
  const digest = keccak_256(new Uint8Array([...prefix, ...text]));
  // noble's recovered form is the recovery id first, then r and s.
  const recovered = secp256k1.sign(digest, key, { prehash: false, format: 'recovered' });
  const v = 27 + recovered[0];
  return '0x' + Buffer.from(recovered.subarray(1)).toString('hex') + v.toString(16);
}
