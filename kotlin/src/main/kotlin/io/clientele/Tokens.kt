package io.clientele

import io.clientele.core.AccessToken
import io.clientele.core.ApiCredentials
import java.time.Instant
import io.clientele.core.TokenSource as EngineTokenSource

/**
 * Where an [OffBlocksClient] gets its bearer token. The core's engine decides when one is needed
 * (none yet, one expiring within [ClientOptions.tokenRefreshMargin], or one refused with a 401,
 * replaced once); the source only supplies it.
 */
sealed class TokenSource {
    internal abstract val engine: EngineTokenSource

    /**
     * API credentials: the engine exchanges them itself (`POST /auth/token`); calls that need a
     * token at the same moment share one such request. The API secret belongs on a server, never
     * in an app: an app uses [Provider].
     *
     * @property credentials the API key and secret (`toString` masks the secret).
     */
    class Credentials(val credentials: ApiCredentials) : TokenSource() {
        override val engine: EngineTokenSource get() = EngineTokenSource.Credentials(credentials)
        override fun toString() = "TokenSource.Credentials($credentials)"
    }

    /**
     * Tokens from [obtain], typically the app's own backend (which holds the API secret); asked
     * whenever the engine needs a new token. Calls that need one at the same moment share one
     * [obtain]. [initial] is a token obtained earlier (kept across an app restart, say), put in
     * the session when the client is made and used while it is fresh (one the core refuses, such
     * as a token with spaces, fails the client's constructor). An exception [obtain] throws
     * (other than a [ClienteleException] or a cancellation) fails the call with
     * `token_unavailable`, the exception as its cause.
     */
    class Provider(
        /** A token obtained earlier, used while it is fresh; `null` when there is none. */
        val initial: AccessToken? = null,
        /** Gets a new token (from the app's backend, say) when the engine needs one. */
        val obtain: suspend () -> AccessToken,
    ) : TokenSource() {
        override val engine: EngineTokenSource get() = EngineTokenSource.Provider
        override fun toString() = "TokenSource.Provider(initial=${if (initial == null) "none" else "<redacted>"})"
    }

    /**
     * One token, never replaced: a 401 fails the call.
     *
     * @property token the bearer token.
     * @property expiresAt when it expires, if known.
     */
    class Fixed(val token: String, val expiresAt: Instant? = null) : TokenSource() {
        override val engine: EngineTokenSource get() = EngineTokenSource.Fixed(token, expiresAt)
        override fun toString() = "TokenSource.Fixed(token=<redacted>, expiresAt=$expiresAt)"
    }
}
