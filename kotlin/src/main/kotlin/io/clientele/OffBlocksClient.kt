package io.clientele

import io.clientele.core.Action
import io.clientele.core.AppInfo
import io.clientele.core.Challenge
import io.clientele.core.ChallengePaths
import io.clientele.core.HttpResponse
import io.clientele.core.OffBlocksCustomer
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.OffBlocksOperation
import io.clientele.core.SigningConfig
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import java.time.Clock
import java.time.Instant
import java.util.UUID
import kotlin.random.Random

/**
 * OffBlocks customers over any [Transport]. The core's client engine runs every call: it gets a
 * token from [tokenSource] when the session has none or it is about to expire, replaces a token
 * refused with a 401 once (rebuilding the same operation with the same Idempotency-Key), retries
 * what is safe to retry (the same signed request: same key, same body bytes), and has a retry
 * whose signature has grown old signed again. The client only sends, waits, signs with [signer]
 * and asks [tokenSource]. Every modifying call gets a fresh Idempotency-Key (or the one you pass,
 * to resume an operation).
 *
 * An app gives a [TokenSource.Provider] (its backend holds the API secret); a server may give
 * [TokenSource.Credentials] (concurrent calls that need a token then send one `POST /auth/token`
 * and each hand its answer to their engine). Cancelling the coroutine ends the call (a
 * [CancellationException] whose cause is the core's `aborted` error).
 *
 * Every request carries the core's `User-Agent` (naming [appInfo] when given) and a retry
 * carries `X-Clientele-Retry`; [onEvent] hears every request sent, response received, request
 * failed and retry scheduled, masked by the core. Every operation has a `...WithResponse`
 * variant returning its value with the answer's status, headers, request id and attempts.
 *
 * Inside an Android app, [TokenSource.Credentials] for the LIVE API is refused at construction
 * with `unsafe_app_credentials` (the core's rule: anyone who installs the app can extract the
 * secret) unless [dangerouslyAllowInApp]; the sandbox stays usable for development, and JVM
 * servers are unaffected. An app uses a [TokenSource.Provider].
 */
class OffBlocksClient(
    baseUrl: String,
    signing: SigningConfig,
    private val tokenSource: TokenSource,
    private val signer: RequestSigner,
    transport: Transport = JavaHttpTransport(),
    /** Timeouts, retries, token and signature ages; every default is the core's. */
    val options: ClientOptions = ClientOptions(),
    challengePaths: ChallengePaths? = null,
    /** Your application, named in the `User-Agent` of every request (like Stripe's `appInfo`). */
    appInfo: AppInfo? = null,
    /** Called with every event of every call; what it throws is ignored. */
    onEvent: EventListener? = null,
    /** Accept the live API secret inside an Android app, where anyone who installs it can extract it. */
    dangerouslyAllowInApp: Boolean = false,
    private val clock: Clock = Clock.systemUTC(),
    random: Random = Random.Default,
    sleeper: Sleeper = Sleeper.DELAY,
    private val newIdempotencyKey: () -> String = { UUID.randomUUID().toString() },
) : AutoCloseable {
    init {
        // Only API credentials are a server secret; a provider's or a fixed token is not.
        if (tokenSource is TokenSource.Credentials) {
            checkOffBlocksSecretPlacement(baseUrl, Host.placement, dangerouslyAllowInApp)
        }
    }

    private val session = OffBlocksSession(baseUrl, signing, challengePaths, tokenSource.engine).also { session ->
        // A provider's earlier token, used while it is fresh; the engine refreshes it by its rules.
        (tokenSource as? TokenSource.Provider)?.initial?.let { initial ->
            try {
                session.setToken(initial.token, initial.expiresAt)
            } catch (e: ClienteleException) {
                session.close()
                throw e
            }
        }
    }
    private val io = HostIo(transport, clock, random, sleeper, Host.identity(appInfo), EventSink(onEvent))

    /** Token requests in flight: concurrent calls needing a token send `POST /auth/token` once. */
    private val tokenRequests = SharedSends()

    /** One provider call at a time: calls that need a token together share it. */
    private val tokenLock = Mutex()

    /** The base URL requests go to. */
    val baseUrl: String get() = session.baseUrl()

    /**
     * The session's bearer token, obtained first (from [tokenSource]) when the session needs
     * one. A backend can hand it to an app. Its `toString` never shows the token.
     */
    suspend fun accessToken(options: CallOptions = CallOptions()): SessionToken =
        accessTokenWithResponse(options).value

    /**
     * [accessToken], with the answer of the token request when one was sent (`null` when the
     * session's token was still fresh or the provider gave it).
     */
    suspend fun accessTokenWithResponse(options: CallOptions = CallOptions()): AccessTokenResponse {
        val answer = run(OffBlocksOperation.AccessToken, options)
        val token = session.token() ?: throw hostError("token_unavailable", "the session holds no token")
        return AccessTokenResponse(token, answer.received?.let { ResponseInfo(it, answer.attempts) })
    }

    private suspend fun run(operation: OffBlocksOperation, call: CallOptions): HostIo.Answer {
        val engine = options.forCall(call)
        return io.offBlocks(
            session, operation, engine, tokenRequests,
            sign = { action -> guard("signer_failed", "the request signer failed") { signer.sign(action.base, action.algorithm) } },
            obtainToken = { deliver -> obtainToken(engine.tokenRefreshMarginS, deliver) },
        )
    }

    /** Every operation's one path: the engine runs it, [parse] reads the final answer. */
    private suspend fun <T> call(operation: OffBlocksOperation, options: CallOptions, parse: (HttpResponse) -> T): Response<T> {
        val answer = run(operation, options)
        return Response(parse(answer.response), ResponseInfo(answer.response, answer.attempts))
    }

    // --- what the engine asks for -----------------------------------------------------------------

    /**
     * A token for the engine (`ObtainToken`), under the lock: when another call has just put a
     * token the session can use (the core's `needsToken` says so), that one; otherwise the
     * provider's.
     */
    private suspend fun obtainToken(marginS: UInt, deliver: (String, Instant?) -> Action): Action = tokenLock.withLock {
        val held = session.token()
        if (held != null && !session.needsToken(clock.instant(), marginS)) {
            return@withLock deliver(held.token, held.expiresAt)
        }
        val provider = tokenSource as? TokenSource.Provider
            ?: throw hostError("internal", "the engine asked for a token the source cannot provide")
        val token = guard("token_unavailable", "the token provider failed") { provider.obtain() }
        deliver(token.token, token.expiresAt)
    }

    /** Runs a callback of the app's; what it throws (but a Clientele error or a cancellation) becomes [code]. */
    private inline fun <T> guard(code: String, what: String, block: () -> T): T =
        try {
            block()
        } catch (e: CancellationException) {
            throw e
        } catch (e: ClienteleException) {
            throw e
        } catch (e: Exception) {
            throw hostError(code, "$what (${e.javaClass.simpleName})", cause = e)
        }

    // --- operations ---------------------------------------------------------------------------------

    /** `POST /customers`; the answer carries the ownership challenge ([openChallenge]). */
    suspend fun createCustomer(
        input: OffBlocksCustomerCreate,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): OffBlocksCustomer = createCustomerWithResponse(input, idempotencyKey, options).value

    /** [createCustomer] with its answer's metadata. */
    suspend fun createCustomerWithResponse(
        input: OffBlocksCustomerCreate,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): Response<OffBlocksCustomer> =
        call(OffBlocksOperation.CreateCustomer(input, idempotencyKey), options, ::offblocksParseCreateCustomer)

    /** `GET /customers`. */
    suspend fun listCustomers(options: CallOptions = CallOptions()): List<OffBlocksCustomer> =
        listCustomersWithResponse(options).value

    /** [listCustomers] with its answer's metadata. */
    suspend fun listCustomersWithResponse(options: CallOptions = CallOptions()): Response<List<OffBlocksCustomer>> =
        call(OffBlocksOperation.ListCustomers, options, ::offblocksParseListCustomers)

    /** `GET /customers/{id}`. */
    suspend fun getCustomer(customerId: String, options: CallOptions = CallOptions()): OffBlocksCustomer =
        getCustomerWithResponse(customerId, options).value

    /** [getCustomer] with its answer's metadata. */
    suspend fun getCustomerWithResponse(customerId: String, options: CallOptions = CallOptions()): Response<OffBlocksCustomer> =
        call(OffBlocksOperation.GetCustomer(customerId), options, ::offblocksParseGetCustomer)

    /** `PATCH /customers/{id}/deactivate` (from `active`), which also deactivates the customer's accounts and cards; the customer when OffBlocks returns it. */
    suspend fun deactivateCustomer(
        customerId: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): OffBlocksCustomer? = deactivateCustomerWithResponse(customerId, idempotencyKey, options).value

    /** [deactivateCustomer] with its answer's metadata. */
    suspend fun deactivateCustomerWithResponse(
        customerId: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): Response<OffBlocksCustomer?> =
        call(OffBlocksOperation.DeactivateCustomer(customerId, idempotencyKey), options, ::offblocksParseStatusChange)

    /** `PATCH /customers/{id}/activate` (from `inactive`). */
    suspend fun activateCustomer(
        customerId: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): OffBlocksCustomer? = activateCustomerWithResponse(customerId, idempotencyKey, options).value

    /** [activateCustomer] with its answer's metadata. */
    suspend fun activateCustomerWithResponse(
        customerId: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): Response<OffBlocksCustomer?> =
        call(OffBlocksOperation.ActivateCustomer(customerId, idempotencyKey), options, ::offblocksParseStatusChange)

    /** Sandbox only: moves a customer through verification. */
    suspend fun simulateVerification(
        customerId: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): Unit = simulateVerificationWithResponse(customerId, idempotencyKey, options).value

    /** [simulateVerification] with its answer's metadata. */
    suspend fun simulateVerificationWithResponse(
        customerId: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): Response<Unit> =
        call(OffBlocksOperation.SimulateVerification(customerId, idempotencyKey), options, ::offblocksParseSimulatorVerify)

    /** Checks the challenge a created customer carries, before the wallet signs it. */
    fun openChallenge(customer: OffBlocksCustomer): Challenge =
        openChallenge(customer.challenge ?: "", customer.chainId, clock.instant())

    /** Fetches the customer's current challenge and checks it (against its wallet and the clock). */
    suspend fun getChallenge(customer: OffBlocksCustomer, options: CallOptions = CallOptions()): Challenge =
        getChallengeWithResponse(customer, options).value

    /** [getChallenge] with its answer's metadata. */
    suspend fun getChallengeWithResponse(customer: OffBlocksCustomer, options: CallOptions = CallOptions()): Response<Challenge> {
        val encoded = call(OffBlocksOperation.GetChallenge(customer.id), options, ::offblocksParseChallenge)
        return Response(openChallenge(encoded.value, customer.chainId, clock.instant()), encoded.response)
    }

    /**
     * Submits the wallet's `personal_sign` signature of [challenge]'s message, after checking that
     * it recovers to the customer's own wallet and that the challenge has not expired while the wallet signed (either is refused before anything is sent).
     */
    suspend fun submitChallenge(
        customerId: String,
        challenge: Challenge,
        walletSignatureHex: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): OffBlocksCustomer? = submitChallengeWithResponse(customerId, challenge, walletSignatureHex, idempotencyKey, options).value

    /** [submitChallenge] with its answer's metadata. */
    suspend fun submitChallengeWithResponse(
        customerId: String,
        challenge: Challenge,
        walletSignatureHex: String,
        idempotencyKey: String = newIdempotencyKey(),
        options: CallOptions = CallOptions(),
    ): Response<OffBlocksCustomer?> {
        val submission = acceptChallengeSignatureAt(challenge, walletSignatureHex, clock.instant())
        return call(OffBlocksOperation.SubmitChallenge(customerId, submission, idempotencyKey), options, ::offblocksParseSubmitChallenge)
    }

    /** Frees the native session (also freed by the garbage collector) and stops its token requests in flight. */
    override fun close() {
        tokenRequests.close()
        session.close()
    }
}
