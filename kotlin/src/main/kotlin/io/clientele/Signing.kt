package io.clientele

import io.clientele.core.HttpRequest
import io.clientele.core.SignatureEncoding

/**
 * Completes OffBlocks requests with their RFC 9421 signature. The private key can stay where the
 * platform keeps it: [external] hands the exact bytes to sign to any signer (Android Keystore
 * returns DER for `SHA384withECDSA`), [withKey] signs in the core with a PEM or JWK key.
 */
fun interface RequestSigner {
    /** Signs [pending] and returns the request to send. */
    suspend fun complete(pending: SigningRequest): HttpRequest

    companion object {
        /** Signs in the core with [key] (deterministic RFC 6979 ECDSA). */
        fun withKey(key: SigningKey): RequestSigner = RequestSigner { it.sign(key) }

        /**
         * Signs with an external signer: [sign] receives the signature base and returns the
         * signature in [encoding] (raw `r||s`, or DER as Android Keystore and most KMSs return).
         */
        fun external(encoding: SignatureEncoding, sign: suspend (ByteArray) -> ByteArray): RequestSigner =
            RequestSigner { pending -> pending.finish(sign(pending.signatureBase()), encoding) }
    }
}
