"""Independent cross-check of the Ethereum test vectors in core/src/offblocks/eth (run by tests/run).

Run in a virtualenv with `pip install -r tests/interop/requirements.txt`
(eth-account 0.13.7, siwe 4.4.0; siwe 4.4.0 fails to import with abnf 2.9, and eth-account 0.14 conflicts with siwe 4.4).
It recomputes every vector the Rust tests hard-code (each line must say OK;
any mismatch stops the script), checks that siwe-py's ABNF parser rejects the
same malformed messages, and prints INFO lines for the few documented places
where the Rust parser is deliberately stricter or looser than siwe-py.
Nothing here is loaded by the Rust tests.
"""

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak, to_checksum_address
from siwe import SiweMessage

N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F


def ok(name, got, want):
    print(("OK  " if got == want else "FAIL"), name, got)
    assert got == want, (name, got, want)


# --- Keccak-256 -------------------------------------------------------------
ok("keccak('')", keccak(b"").hex(), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
ok("keccak('abc')", keccak(b"abc").hex(), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")

# --- EIP-55 test cases ------------------------------------------------------
for a in [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    # OffBlocks docs (providers.md B.6): a valid EIP-55 checksum.
    "0x43158f45b5EbD7b1179130130DF00393928C2691",
]:
    ok("eip55 " + a, to_checksum_address(a.lower()), a)

# --- web3.js docs vector: accounts.sign('Some data', KEY) --------------------
KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
WEB3_SIG = "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c"
ok("address", Account.from_key(KEY).address, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
signed = Account.sign_message(encode_defunct(text="Some data"), KEY)
ok("eip191 digest", signed.message_hash.hex(), "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655")
ok("signature", signed.signature.hex(), WEB3_SIG)
ok("key 1 address", Account.from_key("0x" + "00" * 31 + "01").address, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")

# High-s twin (r, n - s, v flipped) recovers the same address in eth-account.
sig = bytes.fromhex(WEB3_SIG)
r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
twin = r + (N - s).to_bytes(32, "big") + bytes([55 - v])
ok("high-s twin", Account.recover_message(encode_defunct(text="Some data"), signature=twin),
   "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")

# x = 5 is not on secp256k1: 5^3 + 7 is a quadratic non-residue mod p.
ok("x=5 non-residue", pow(5**3 + 7, (P - 1) // 2, P), P - 1)

# --- SIWE -------------------------------------------------------------------
OFFBLOCKS = (
    "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n"
    "0x43158f45b5EbD7b1179130130DF00393928C2691\n\n"
    "OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using "
    "OffBlocks, you agree to our Terms of services and Privacy Policy\n\n"
    "URI: https://api.sandbox.offblocks.xyz\nVersion: 1\nChain ID: 300\n"
    "Nonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z"
)
EIP_TAIL = (
    " wants you to sign in with your Ethereum account:\n"
    "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n"
    "I accept the ExampleOrg Terms of Service: https://example.com/tos\n\n"
    "URI: https://example.com/login\nVersion: 1\nChain ID: 1\nNonce: 32891756\n"
    "Issued At: 2021-09-30T16:25:24Z\nResources:\n"
    "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/\n"
    "- https://example.com/my-web2-claim.json"
)
for text in [OFFBLOCKS, "example.com" + EIP_TAIL, "example.com:3388" + EIP_TAIL, "https://example.com" + EIP_TAIL]:
    m = SiweMessage.from_message(text, abnf=True)
    ok("siwe-py ABNF round trip " + text.split(" ")[0], m.prepare_message(), text)

# No statement: siwe-py renders `address LF LF LF URI` (the ABNF layout).
no_statement = SiweMessage(
    domain="localhost:8080", address="0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
    uri="http://localhost:8080/", version="1", chain_id=300, nonce="abcdefgh12345678",
    issued_at="2024-01-17T18:21:53.120Z",
).prepare_message()
print(repr(no_statement))
ok("siwe-py parses no-statement", SiweMessage.from_message(no_statement, abnf=True).prepare_message(), no_statement)

full = SiweMessage(
    scheme="https", domain="user@example.com:443",
    address="0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
    statement="Sign in: terms at https://example.com/tos?x=1&y=2#top (v2) ~ ok!",
    uri="https://example.com/login?next=%2Fhome", version="1", chain_id=324, nonce="Zx9Qk2LmP0aB",
    issued_at="2024-01-17T18:21:53.123456789+01:00", expiration_time="2024-01-17T19:21:53Z",
    not_before="2024-01-17T18:00:00-05:30", request_id="req-42:a@b",
    resources=["urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "https://[2001:db8::1]:8443/p?q#f"],
).prepare_message()
print(repr(full))
ok("siwe-py parses full", SiweMessage.from_message(full, abnf=True).prepare_message(), full)

# Signature over a SIWE message for the web3 key's own address.
own = OFFBLOCKS.replace("0x43158f45b5EbD7b1179130130DF00393928C2691", "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
print("own SIWE signature", Account.sign_message(encode_defunct(text=own), KEY).signature.hex())

# --- Strictness compared with siwe-py's ABNF parser --------------------------
# Rejected by both parsers (the Rust test expects the error named on the right).
def siwe_py_accepts(text):
    try:
        SiweMessage.from_message(text, abnf=True)
        return True
    except Exception:
        return False

NO_ST = no_statement
both_reject = {
    "two-LF no-statement layout (layout)": NO_ST.replace("\n\n\nURI", "\n\nURI"),
    "'/' in Request ID (request_id)": OFFBLOCKS + "\nRequest ID: a/b",
    "space instead of T (timestamp)": OFFBLOCKS.replace("2024-01-17T18:21:53Z", "2024-01-17 18:21:53Z"),
    "no offset (timestamp)": OFFBLOCKS.replace("2024-01-17T18:21:53Z", "2024-01-17T18:21:53"),
    "quote in statement (statement)": OFFBLOCKS.replace("verify ownership", 'verify "ownership"'),
    "7-char nonce (nonce)": OFFBLOCKS.replace("5ufoiEqDaFvmfo78", "5ufoiEq"),
    "Version 2 (version)": OFFBLOCKS.replace("Version: 1", "Version: 2"),
    "CRLF (carriage_return)": OFFBLOCKS.replace("\n", "\r\n"),
    "trailing LF (unexpected_line)": OFFBLOCKS + "\n",
    "misordered optional lines (unexpected_line)": OFFBLOCKS + "\nNot Before: 2024-01-17T18:21:53Z\nExpiration Time: 2024-01-17T19:21:53Z",
    "bad checksum (address_checksum)": OFFBLOCKS.replace("C2691", "C2692"),
    "URI without scheme (uri)": OFFBLOCKS.replace("URI: https://", "URI: "),
}
for name, text in both_reject.items():
    ok("siwe-py rejects " + name, siwe_py_accepts(text), False)

# Where the Rust parser deliberately differs from siwe-py (see siwe.rs docs).
differences = {
    "lowercase address (Rust accepts: EIP-55 is SHOULD)": OFFBLOCKS.replace("0x43158f45b5EbD7b1179130130DF00393928C2691", "0x43158f45b5ebd7b1179130130df00393928c2691"),
    "Chain ID 0300 (Rust rejects: leading zero)": OFFBLOCKS.replace("Chain ID: 300", "Chain ID: 0300"),
    "empty Resources: (Rust rejects)": OFFBLOCKS + "\nResources:",
    "empty statement, 4 LFs (Rust accepts per ABNF *(...))": NO_ST.replace("\n\n\nURI", "\n\n\n\nURI"),
    "Chain ID > u64 (Rust rejects)": OFFBLOCKS.replace("Chain ID: 300", "Chain ID: 18446744073709551616"),
}
for name, text in differences.items():
    print("INFO siwe-py accepts" if siwe_py_accepts(text) else "INFO siwe-py rejects", name)
