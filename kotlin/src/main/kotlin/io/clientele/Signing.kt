package io.clientele

import io.clientele.core.Algorithm
import io.clientele.core.SignatureEncoding

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

    /**
     * Signature bytes and how they are encoded (raw `r||s`, or DER); the core checks both.
     *
     * @property bytes the signature as [encoding] encodes it.
     * @property encoding raw `r||s` or DER.
     */
    class Signature(val bytes: ByteArray, val encoding: SignatureEncoding) {
        override fun toString() = "Signature(${bytes.size} bytes, $encoding)"
    }

    /** The signers: [withKey] and [external]. */
    companion object {
        /**
         * Signs in the core with [key] (deterministic RFC 6979 ECDSA, raw `r||s`); the key never
         * leaves the core. The engine's algorithm must be the key's own, else the call fails with
         * the core's `signature_algorithm_mismatch`.
         */
        fun withKey(key: SigningKey): RequestSigner =
            RequestSigner { base, algorithm -> Signature(key.signAs(algorithm, base), SignatureEncoding.RAW) }

        /**
         * Signs with an external signer: [sign] receives the signature base and returns the
         * signature in [encoding] (raw `r||s`, or DER as Android Keystore and most KMSs return).
         */
        fun external(encoding: SignatureEncoding, sign: suspend (ByteArray) -> ByteArray): RequestSigner =
            RequestSigner { base, _ -> Signature(sign(base), encoding) }
    }
}
