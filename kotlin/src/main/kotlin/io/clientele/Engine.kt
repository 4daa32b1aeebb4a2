package io.clientele

import io.clientele.core.Action
import io.clientele.core.BlocOperation
import io.clientele.core.EngineOptions
import io.clientele.core.Event
import io.clientele.core.HttpResponse
import io.clientele.core.Identity
import io.clientele.core.OffBlocksOperation
import io.clientele.core.Purpose
import io.clientele.core.TransportFailure
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.io.InterruptedIOException
import java.nio.ByteBuffer
import java.time.Clock
import java.time.Instant
import kotlin.random.Random
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * Waits as long as the engine asks (between attempts). The default suspends with [delay], so a
 * cancelled coroutine stops waiting at once.
 */
fun interface Sleeper {
    /** Suspends for [duration]; throws [CancellationException] when cancelled. */
    suspend fun sleep(duration: Duration)

    /** The default [Sleeper]. */
    companion object {
        /** [delay]. */
        val DELAY: Sleeper = Sleeper { delay(it) }
    }
}

/**
 * The I/O of one client: everything the core's engine asks a host to do, and nothing it decides.
 * The engine (`BlocCall`, `OffBlocksCall`) says what to send, how long to wait, when to sign, when
 * to get a token and when the call is over; this only performs those actions with the client's
 * transport, clock, random source and sleeper. Every call names the client ([identity]: the
 * core's `User-Agent` and retry counter header) and hands the engine's events to [events] after
 * every step (those of a step that fails too).
 */
internal class HostIo(
    private val transport: Transport,
    private val clock: Clock,
    private val random: Random,
    private val sleeper: Sleeper,
    private val identity: Identity,
    private val events: EventSink,
) {
    fun now(): Instant = clock.instant()

    /** One random value in [0, 1) for each answer or failure reported to the engine. */
    fun jitter(): Double = random.nextDouble()

    /**
     * The end of a call: the engine's final answer and how many times it sent the operation, and
     * the last answer received (none when nothing was sent: an access token still fresh, or one
     * from the app's provider).
     */
    class Answer(val response: HttpResponse, val attempts: UInt, val received: HttpResponse?)

    /** Runs one step of a call, then delivers the events it produced, even when it throws. */
    private inline fun step(takeEvents: () -> List<Event>, step: () -> Action): Action =
        try {
            step()
        } finally {
            if (events.listening) events.deliver(takeEvents())
        }

    /** What one `Send` came to. */
    sealed interface Outcome {
        class Answer(val response: HttpResponse) : Outcome
        class Failure(val failure: TransportFailure, val cause: Throwable?) : Outcome
    }

    /**
     * Sends the request within the attempt's time limit. The transport's exceptions become the
     * core's failures: a timeout (an [InterruptedIOException], or the limit running out here) is
     * [TransportFailure.TIMEOUT], any other [IOException] [TransportFailure.NETWORK].
     */
    suspend fun send(send: Action.Send): Outcome {
        val limit = if (send.timeoutMs == 0u) Duration.INFINITE else send.timeoutMs.toLong().milliseconds
        return try {
            val response = if (limit.isInfinite()) {
                transport.send(send.request, limit)
            } else {
                withTimeoutOrNull(limit) { transport.send(send.request, limit) }
            }
            if (response == null) Outcome.Failure(TransportFailure.TIMEOUT, null) else Outcome.Answer(response)
        } catch (e: InterruptedIOException) {
            currentCoroutineContext().ensureActive()
            Outcome.Failure(TransportFailure.TIMEOUT, e)
        } catch (e: IOException) {
            currentCoroutineContext().ensureActive() // a transport that reports its cancellation as an IOException
            Outcome.Failure(TransportFailure.NETWORK, e)
        }
    }

    suspend fun sleep(wait: Action.Wait) = sleeper.sleep(wait.ms.toLong().milliseconds)

    /**
     * Runs one suspending action (a send, a wait, a signature, a token). If the coroutine is
     * cancelled meanwhile, the engine hears [TransportFailure.ABORTED] through [abort] (which ends
     * the call with the core's `aborted` error) and the cancellation goes on as a
     * [CancellationException] whose cause is that error. A coroutine already cancelled does not
     * start the action (no request leaves after a stream's collector has cancelled).
     */
    suspend inline fun <T> cancellable(abort: () -> Action, block: () -> T): T =
        try {
            currentCoroutineContext().ensureActive()
            block()
        } catch (cancelled: CancellationException) {
            val aborted = try {
                abort()
                null
            } catch (e: ClienteleException) {
                e
            }
            throw if (aborted == null) cancelled else CancellationException(aborted.message).apply { initCause(aborted) }
        }

    /** Drives one Bloc call to its final answer (parse it with the operation's parse function). */
    suspend fun bloc(context: Bloc, operation: BlocOperation, options: EngineOptions): Answer =
        BlocCall(operation, options).use { call ->
            call.identify(identity)
            val events = call::takeEvents
            val abort = { step(events) { call.onFailure(TransportFailure.ABORTED, now(), 0.0) } }
            var received: HttpResponse? = null
            var action = step(events) { call.start(context, now()) }
            while (true) {
                action = when (val a = action) {
                    is Action.Send -> when (val outcome = cancellable(abort) { send(a) }) {
                        is Outcome.Answer -> {
                            received = outcome.response
                            step(events) { call.onResponse(outcome.response, now(), jitter()) }
                        }
                        is Outcome.Failure -> failed(outcome) { step(events) { call.onFailure(outcome.failure, now(), jitter()) } }
                    }
                    is Action.Wait -> {
                        cancellable(abort) { sleep(a) }
                        step(events) { call.onWaited(now()) }
                    }
                    is Action.Done -> return Answer(a.response, a.attempts, received)
                    is Action.Sign, Action.ObtainToken -> throw unexpected(a, operation.javaClass.simpleName)
                }
            }
            throw unexpected(action, operation.javaClass.simpleName)
        }

    /**
     * Drives one OffBlocks call to its final answer (for the access token operation: the session
     * then holds the token). [sign] signs a base (the client's signer); [obtainToken] gets a
     * token from the client's provider and hands it to `deliver` (which reports it to the engine).
     * A token request ([Purpose.TOKEN]) goes through [tokenRequests], so that concurrent calls of
     * one session send an identical one once. The answer's `received` is the last answer of any
     * request, the token request's included.
     */
    suspend fun offBlocks(
        session: OffBlocksSession,
        operation: OffBlocksOperation,
        options: EngineOptions,
        tokenRequests: SharedSends,
        sign: suspend (Action.Sign) -> RequestSigner.Signature,
        obtainToken: suspend (deliver: (String, Instant?) -> Action) -> Action,
    ): Answer = OffBlocksCall(operation, options).use { call ->
        call.identify(identity)
        val events = call::takeEvents
        val abort = { step(events) { call.onFailure(TransportFailure.ABORTED, now(), 0.0) } }
        var received: HttpResponse? = null
        var action = step(events) { call.start(session, now()) }
        while (true) {
            action = when (val a = action) {
                is Action.Send -> {
                    val outcome = cancellable(abort) {
                        if (a.purpose == Purpose.TOKEN) tokenRequests.send(a, ::send) else send(a)
                    }
                    when (outcome) {
                        is Outcome.Answer -> {
                            received = outcome.response
                            step(events) { call.onResponse(session, outcome.response, now(), jitter()) }
                        }
                        is Outcome.Failure -> failed(outcome) { step(events) { call.onFailure(outcome.failure, now(), jitter()) } }
                    }
                }
                is Action.Sign -> {
                    val signature = cancellable(abort) { sign(a) }
                    step(events) { call.onSignature(signature.bytes, signature.encoding, now()) }
                }
                Action.ObtainToken -> cancellable(abort) {
                    obtainToken { token, expiresAt -> step(events) { call.onToken(session, token, expiresAt, now()) } }
                }
                is Action.Wait -> {
                    cancellable(abort) { sleep(a) }
                    step(events) { call.onWaited(session, now()) }
                }
                is Action.Done -> return Answer(a.response, a.attempts, received)
            }
        }
        throw unexpected(action, operation.javaClass.simpleName)
    }

    /** Reports a failure; the engine's final error keeps the transport's exception as its cause. */
    private inline fun failed(outcome: Outcome.Failure, report: () -> Action): Action =
        try {
            report()
        } catch (e: ClienteleException) {
            throw e.withCause(outcome.cause)
        }

    private fun unexpected(action: Action, operation: String): ClienteleException =
        hostError("internal", "the client engine asked for ${action.javaClass.simpleName} during $operation")
}

/**
 * Sends identical requests of concurrent calls once: while one is in flight, a call about to send
 * the same request (same URL, same body) awaits that send's outcome instead, and every call hands
 * the same answer (or failure) to its own engine, which decides what it means. I/O only, no rule:
 * an OffBlocks client shares its session's token requests (`POST /auth/token`) this way, so that
 * concurrent calls of a fresh client exchange their credentials once.
 *
 * The shared send belongs to no one call: it runs under the time limit of the call that started
 * it, and cancelling a call stops that call's wait (its engine hears `aborted`), not the send the
 * others await. [close] cancels the sends still in flight.
 */
internal class SharedSends : AutoCloseable {
    /** What identifies a request here: its URL and body bytes (a [ByteBuffer] compares its content). */
    private data class Key(val url: String, val body: ByteBuffer)

    private val inFlight = HashMap<Key, CompletableDeferred<HostIo.Outcome>>()
    private val scope = CoroutineScope(SupervisorJob())

    /** The outcome of [action]'s request: of a send already in flight, or of [send] started now. */
    suspend fun send(action: Action.Send, send: suspend (Action.Send) -> HostIo.Outcome): HostIo.Outcome {
        val key = Key(action.request.url, ByteBuffer.wrap(action.request.body.copyOf()))
        val started = CompletableDeferred<HostIo.Outcome>()
        val pending = synchronized(inFlight) { inFlight.getOrPut(key) { started } }
        if (pending === started) {
            // Out of the caller's job (one caller's cancellation must not end the others' send),
            // on its dispatcher; forgotten before it completes, so a later call sends anew.
            scope.launch(currentCoroutineContext().minusKey(Job), CoroutineStart.UNDISPATCHED) {
                val outcome = runCatching { send(action) }
                forget(key, started)
                outcome.fold({ started.complete(it) }, { started.completeExceptionally(it) })
            }.invokeOnCompletion { cause ->
                if (cause != null) {
                    forget(key, started)
                    started.completeExceptionally(cause)
                }
            }
        }
        return pending.await()
    }

    private fun forget(key: Key, send: CompletableDeferred<HostIo.Outcome>) {
        synchronized(inFlight) { inFlight.remove(key, send) }
    }

    override fun close() = scope.cancel()
}
