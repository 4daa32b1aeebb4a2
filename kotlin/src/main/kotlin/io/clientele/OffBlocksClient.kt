package io.clientele

import io.clientele.core.AccessToken
import io.clientele.core.ApiCredentials
import io.clientele.core.Challenge
import io.clientele.core.OffBlocksCustomer
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.SigningConfig
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import java.time.Clock
import java.time.Instant
import java.util.UUID
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * OffBlocks customers over any [Transport]. The client fetches and refreshes the bearer token
 * from [credentials], signs every request with [signer], and gives every modifying call a fresh
 * Idempotency-Key (or the one you pass, to resume an operation). A retry resends the very same
 * signed request: same key, same body bytes, same signature.
 */
class OffBlocksClient(
    baseUrl: String,
    signing: SigningConfig,
    private val credentials: ApiCredentials,
    private val signer: RequestSigner,
    transport: Transport = JavaHttpTransport(),
    retry: RetryPolicy = RetryPolicy(),
    timeout: Duration = 30.seconds,
    private val clock: Clock = Clock.systemUTC(),
    private val newIdempotencyKey: () -> String = { UUID.randomUUID().toString() },
) : AutoCloseable {
    private val context = OffBlocks(baseUrl, signing)
    private val exchanger = Exchanger(transport, retry, timeout, clock)
    private val tokenLock = Mutex()
    private var token: AccessToken? = null
    private var authorized: OffBlocks? = null

    /** The current bearer token, fetched with `POST /auth/token` when missing or about to expire. */
    suspend fun accessToken(): AccessToken = authorize().first

    private suspend fun authorize(): Pair<AccessToken, OffBlocks> = tokenLock.withLock {
        val current = token
        val context = authorized
        if (current != null && context != null && !accessTokenNeedsRefresh(current, clock.instant(), 60u)) {
            return current to context
        }
        val fresh = exchanger.exchange(this.context.buildTokenRequest(credentials), ::offblocksParseToken)
        val next = this.context.withToken(fresh.token)
        authorized?.close()
        token = fresh
        authorized = next
        fresh to next
    }

    private suspend fun <T> signed(
        build: (OffBlocks, Instant) -> SigningRequest,
        parse: (io.clientele.core.HttpResponse) -> T,
    ): T {
        val request = build(authorize().second, clock.instant()).use { signer.complete(it) }
        return exchanger.exchange(request, parse)
    }

    /** `POST /customers`; the answer carries the ownership challenge ([openChallenge]). */
    suspend fun createCustomer(
        input: OffBlocksCustomerCreate,
        idempotencyKey: String = newIdempotencyKey(),
    ): OffBlocksCustomer =
        signed({ ctx, now -> ctx.buildCreateCustomer(input, idempotencyKey, now) }, ::offblocksParseCreateCustomer)

    /** `GET /customers`. */
    suspend fun listCustomers(): List<OffBlocksCustomer> =
        signed({ ctx, now -> ctx.buildListCustomers(now) }, ::offblocksParseListCustomers)

    /** `GET /customers/{id}`. */
    suspend fun getCustomer(customerId: String): OffBlocksCustomer =
        signed({ ctx, now -> ctx.buildGetCustomer(customerId, now) }, ::offblocksParseGetCustomer)

    /** `PATCH /customers/{id}/deactivate` (from `active`), which also deactivates the customer's accounts and cards; the customer when OffBlocks returns it. */
    suspend fun deactivateCustomer(customerId: String, idempotencyKey: String = newIdempotencyKey()): OffBlocksCustomer? =
        signed({ ctx, now -> ctx.buildDeactivateCustomer(customerId, idempotencyKey, now) }, ::offblocksParseStatusChange)

    /** `PATCH /customers/{id}/activate` (from `inactive`). */
    suspend fun activateCustomer(customerId: String, idempotencyKey: String = newIdempotencyKey()): OffBlocksCustomer? =
        signed({ ctx, now -> ctx.buildActivateCustomer(customerId, idempotencyKey, now) }, ::offblocksParseStatusChange)

    /** Sandbox only: moves a customer through verification. */
    suspend fun simulatorVerify(customerId: String, idempotencyKey: String = newIdempotencyKey()) =
        signed({ ctx, now -> ctx.buildSimulatorVerify(customerId, idempotencyKey, now) }, ::offblocksParseSimulatorVerify)

    /** Checks the challenge a created customer carries, before the wallet signs it. */
    fun openChallenge(customer: OffBlocksCustomer): Challenge =
        challengeOpen(customer.challenge ?: "", customer.chainId, clock.instant())

    /** Fetches the customer's current challenge and checks it. */
    suspend fun fetchChallenge(customer: OffBlocksCustomer): Challenge {
        val encoded = signed({ ctx, now -> ctx.buildGetChallenge(customer.id, now) }, ::offblocksParseChallenge)
        return challengeOpen(encoded, customer.chainId, clock.instant())
    }

    /**
     * Submits the wallet's `personal_sign` signature of [challenge]'s message, after checking that
     * it recovers to the customer's own wallet (a wrong signer is refused before anything is sent).
     */
    suspend fun submitChallenge(
        customerId: String,
        challenge: Challenge,
        walletSignatureHex: String,
        idempotencyKey: String = newIdempotencyKey(),
    ): OffBlocksCustomer? {
        val submission = challengeAcceptSignature(challenge, walletSignatureHex)
        return signed(
            { ctx, now -> ctx.buildSubmitChallenge(customerId, submission, idempotencyKey, now) },
            ::offblocksParseSubmitChallenge,
        )
    }

    /** Frees the native contexts (also freed by the garbage collector). */
    override fun close() {
        authorized?.close()
        context.close()
    }
}
