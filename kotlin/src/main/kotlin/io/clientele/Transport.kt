package io.clientele

import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import kotlinx.coroutines.future.await
import java.net.SocketTimeoutException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/**
 * Moves one request to the provider and its response back. Clientele builds every request and
 * parses every response; a transport only carries bytes, so any HTTP client works.
 *
 * Rules for implementations:
 * - send the method, URL, headers and body bytes exactly as given (signatures and digests cover
 *   them) and do not follow redirects;
 * - return every status as a response (4xx and 5xx included) with the body bytes untouched;
 * - when [timeout] runs out, throw a [java.io.InterruptedIOException] (such as
 *   [SocketTimeoutException]; OkHttp's timeouts already are one): the client reports it to the
 *   core's engine as `timeout`; throw any other [java.io.IOException] when the request could not
 *   be sent or its answer not read (`network_error`). [timeout] is [Duration.INFINITE] when the
 *   client has no time limit; the client also stops waiting when it runs out.
 * - let a cancelled coroutine cancel the request (throw [kotlinx.coroutines.CancellationException]).
 *
 * On Android, where `java.net.http` does not exist, an OkHttp transport is a few lines (see the
 * README).
 */
fun interface Transport {
    /** Sends [request] and returns the response as received. */
    suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse
}

/** The default transport on the JVM: `java.net.http.HttpClient` (Java 11+), never following redirects. */
class JavaHttpTransport(
    private val client: HttpClient = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .build(),
) : Transport {
    override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
        val body = if (request.body.isEmpty()) {
            java.net.http.HttpRequest.BodyPublishers.noBody()
        } else {
            java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body)
        }
        val builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url))
            .method(request.method.name, body)
        if (timeout.isFinite()) builder.timeout(timeout.toJavaDuration())
        for (header in request.headers) builder.header(header.name, header.value)
        val response = try {
            client.sendAsync(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).await()
        } catch (e: HttpTimeoutException) {
            throw SocketTimeoutException(e.message ?: "timed out")
        }
        val headers = response.headers().map().flatMap { (name, values) -> values.map { Header(name, it) } }
        return HttpResponse(response.statusCode().toUShort(), headers, response.body())
    }
}
