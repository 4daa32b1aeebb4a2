package io.clientele

import io.clientele.core.Algorithm
import io.clientele.core.SignatureEncoding
import java.util.Base64

/**
 * Signs OffBlocks requests (RFC 9421). The client's engine decides when a request is signed (when
 * it is built, and again when a late retry needs a fresh `created`); the signer only turns the
 * signature base into signature bytes. The private key can stay where the platform keeps it:
 * [external] hands the base to any signer (Android Keystore returns DER for `SHA384withECDSA`),
 * [withKey] signs in the core with a PEM or JWK key. An exception a signer throws (other than a
 * [ClienteleException] or a cancellation) fails the call with `signer_failed`, the exception as
 * its cause.
 */
fun interface RequestSigner {
    /** Signs [base], the exact bytes of the RFC 9421 signature base, with [algorithm]. */
    suspend fun sign(base: ByteArray, algorithm: Algorithm): Signature

    /** Signature bytes and how they are encoded (raw `r||s`, or DER); the core checks both. */
    class Signature(val bytes: ByteArray, val encoding: SignatureEncoding) {
        override fun toString() = "Signature(${bytes.size} bytes, $encoding)"
    }

    companion object {
        /** Signs in the core with [key] (deterministic RFC 6979 ECDSA). */
        fun withKey(key: SigningKey): RequestSigner = KeySigner(key)

        /**
         * Signs with an external signer: [sign] receives the signature base and returns the
         * signature in [encoding] (raw `r||s`, or DER as Android Keystore and most KMSs return).
         */
        fun external(encoding: SignatureEncoding, sign: suspend (ByteArray) -> ByteArray): RequestSigner =
            RequestSigner { base, _ -> Signature(sign(base), encoding) }
    }
}

/**
 * [RequestSigner.withKey]: the key never leaves the core. The bindings give a `SigningKey` no
 * call that signs bare bytes yet (the wasm binding's `signSignatureBase` has no uniffi twin), so
 * the client has the core build the very request the engine is signing (the operation at the
 * same `now`, or the re-signing of the request last sent) and sign that; [signWith] checks that
 * its signature base is byte for byte the engine's before taking the signature. When the
 * bindings export `SigningKey.sign(base, algorithm)`, [sign] becomes that one call.
 */
internal class KeySigner(val key: SigningKey) : RequestSigner {
    override suspend fun sign(base: ByteArray, algorithm: Algorithm): RequestSigner.Signature =
        throw hostError("internal", "a key signer signs through its client")

    /** Signs [base] through [twin], the same request built by the core. */
    fun signWith(base: ByteArray, twin: SigningRequest): RequestSigner.Signature = twin.use { pending ->
        if (!pending.signatureBase().contentEquals(base)) {
            throw hostError("internal", "the request rebuilt for signing differs from the engine's")
        }
        val label = pending.signatureInput().substringBefore('=')
        val signed = pending.sign(key)
        val header = signed.headers.lastOrNull { it.name.equals("Signature", ignoreCase = true) }?.value
            ?: throw hostError("internal", "the core signed without a Signature header")
        // `label=:base64:` (RFC 9421 section 4.2, one signature).
        val encoded = header.removePrefix("$label=").removePrefix(":").removeSuffix(":")
        RequestSigner.Signature(Base64.getDecoder().decode(encoded), SignatureEncoding.RAW)
    }
}
