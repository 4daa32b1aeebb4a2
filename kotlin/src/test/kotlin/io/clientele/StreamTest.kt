package io.clientele

import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancel
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertFailsWith
import kotlin.time.Duration

/**
 * `BlocClient.customerPages()` and `customers()` are cold, lazy, cancellable [kotlinx.coroutines.flow.Flow]s
 * driven by the core's pager: a scripted transport serves [PAGES] pages of two customers and
 * records what was asked, so each test can say exactly which requests a collector caused.
 */
class StreamTest {
    /** Serves `GET /customers[?page=n]` (two customers a page, `has_next` until the last). */
    private class Pages(val hold: Int? = null) : Transport {
        val sent = CopyOnWriteArrayList<String>()
        val holding = CompletableDeferred<Unit>()

        override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
            val path = request.url.substringAfter("/v1")
            sent += path
            val page = Regex("[?&]page=(\\d+)").find(path)?.groupValues?.get(1)?.toInt() ?: 1
            if (page == hold) {
                holding.complete(Unit)
                awaitCancellation()
            }
            val customers = (1..2).joinToString(",") { n ->
                """{"id":"6410612c7f1b4b36103f${"%04d".format(page * 10 + n)}","customer_type":"Personal","status":"active","environment":"test"}"""
            }
            val body = """{"success":true,"data":[$customers],"metadata":{"has_next":${page < PAGES},"has_previous":${page > 1}}}"""
            return HttpResponse(200u, emptyList(), body.toByteArray())
        }
    }

    private fun bloc(transport: Transport) =
        BlocClient("sk_test_0123456789abcdef", transport = transport, baseUrl = "https://bloc.test/v1", sleeper = { })

    @Test
    fun everyPageAsTheCoresPagerWalksThem() = runBlocking<Unit> {
        val transport = Pages()
        bloc(transport).use { bloc ->
            val pages = bloc.customerPages().toList()
            assertEquals(PAGES, pages.size)
            assertEquals(listOf("/customers", "/customers?page=2", "/customers?page=3", "/customers?page=4"), transport.sent)
            assertEquals(pages.flatMap { it.customers }.map { it.id }, bloc.customers().toList().map { it.id })
            assertEquals(PAGES * 2, bloc.allCustomers().size, "allCustomers() collects the same flow")
        }
    }

    @Test
    fun nothingIsSentUntilTheFlowIsCollected() = runBlocking<Unit> {
        val transport = Pages()
        bloc(transport).use { bloc ->
            val pages = bloc.customerPages()
            val customers = bloc.customers()
            assertEquals(emptyList<String>(), transport.sent, "a cold flow: making it sends nothing")
            customers.first()
            assertEquals(listOf("/customers"), transport.sent, "the first customer needs the first page only")
            pages.first()
            assertEquals(listOf("/customers", "/customers"), transport.sent, "each collection walks from the start again")
        }
    }

    @Test
    fun aPageIsFetchedWhenTheCollectorAsksForIt() = runBlocking<Unit> {
        val transport = Pages()
        bloc(transport).use { bloc ->
            val seen = mutableListOf<Int>()
            bloc.customerPages().collect { seen += transport.sent.size }
            assertEquals(listOf(1, 2, 3, 4), seen, "while the collector handles page n, n requests were sent")

            transport.sent.clear()
            val atCustomer = mutableListOf<Int>()
            bloc.customers().collect { atCustomer += transport.sent.size }
            assertEquals(listOf(1, 1, 2, 2, 3, 3, 4, 4), atCustomer, "the next page only for the customer after a page's last")
        }
    }

    @Test
    fun takeStopsFurtherRequests() = runBlocking<Unit> {
        val transport = Pages()
        bloc(transport).use { bloc ->
            assertEquals(2, bloc.customerPages().take(2).toList().size)
            assertEquals(listOf("/customers", "/customers?page=2"), transport.sent)

            transport.sent.clear()
            assertEquals(3, bloc.customers().take(3).toList().size)
            assertEquals(listOf("/customers", "/customers?page=2"), transport.sent, "three customers: two pages, not four")

            transport.sent.clear()
            assertEquals(2, bloc.customers().take(2).toList().size)
            assertEquals(listOf("/customers"), transport.sent, "two customers: one page")
        }
    }

    @Test
    fun cancellingTheCollectorBetweenPagesSendsNothingMore() = runBlocking<Unit> {
        val transport = Pages()
        bloc(transport).use { bloc ->
            val job = launch {
                bloc.customerPages().collect { currentCoroutineContext().cancel() }
            }
            job.join()
            assertTrue(job.isCancelled)
            repeat(3) { yield() }
            assertEquals(listOf("/customers"), transport.sent)
        }
    }

    @Test
    fun cancellingDuringAPagesCallEndsItWithTheCoresAbortedError() = runBlocking<Unit> {
        val transport = Pages(hold = 2)
        bloc(transport).use { bloc ->
            var cancelled: CancellationException? = null
            val pages = mutableListOf<Int>()
            coroutineScope {
                val job = launch {
                    try {
                        bloc.customerPages().collect { pages += it.customers.size }
                    } catch (e: CancellationException) {
                        cancelled = e
                        throw e
                    }
                }
                transport.holding.await()
                job.cancelAndJoin()
            }
            assertEquals(listOf(2), pages, "the first page arrived, the second was in flight")
            assertEquals("aborted", (cancelled?.cause as? ClienteleException)?.code, "cause: ${cancelled?.cause}")
            repeat(3) { yield() }
            assertEquals(listOf("/customers", "/customers?page=2"), transport.sent, "nothing after the cancelled page")
        }
    }

    @Test
    fun aPageThatFailsEndsTheFlowWithItsError() = runBlocking<Unit> {
        val transport = Transport { request, _ ->
            if (request.url.contains("page=2")) HttpResponse(404u, emptyList(), """{"success":false,"message":"gone"}""".toByteArray())
            else Pages().send(request, Duration.INFINITE)
        }
        bloc(transport).use { bloc ->
            val seen = mutableListOf<String>()
            val e = assertFailsWith<ClienteleException.Api> { bloc.customers().collect { seen += it.id } }
            assertEquals("not_found", e.code)
            assertEquals(2, seen.size, "the first page's customers were delivered before the error")
        }
    }

    private companion object {
        const val PAGES = 4
    }
}
