package io.clientele

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.Executors

/**
 * A scripted provider on 127.0.0.1: answers each request with the next [Reply] (per path prefix
 * when routes are given) and records what it received, byte for byte.
 */
class FakeServer : AutoCloseable {
    /** A request as the server received it. */
    class Received(val method: String, val path: String, val headers: Map<String, List<String>>, val body: ByteArray) {
        fun header(name: String): String? = headers.entries.firstOrNull { it.key.equals(name, true) }?.value?.firstOrNull()
        val text get() = String(body)
    }

    /** One scripted answer; [delayMillis] holds it back (for timeouts). */
    data class Reply(val status: Int, val body: String = "", val headers: Map<String, String> = emptyMap(), val delayMillis: Long = 0)

    private val routes = LinkedHashMap<String, ConcurrentLinkedQueue<Reply>>()
    val received = CopyOnWriteArrayList<Received>()
    private val pool = Executors.newCachedThreadPool()
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        executor = pool
        createContext("/") { exchange ->
            try {
                val path = exchange.requestURI.toString()
                val body = exchange.requestBody.readBytes()
                received += Received(exchange.requestMethod, path, exchange.requestHeaders.toMap(), body)
                val queue = synchronized(routes) { routes.entries.firstOrNull { path.startsWith(it.key) }?.value }
                val reply = queue?.poll() ?: Reply(599, """{"message":"no scripted reply for $path"}""")
                if (reply.delayMillis > 0) Thread.sleep(reply.delayMillis)
                reply.headers.forEach { (k, v) -> exchange.responseHeaders.add(k, v) }
                val bytes = reply.body.toByteArray()
                exchange.sendResponseHeaders(reply.status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
                if (bytes.isNotEmpty()) exchange.responseBody.use { it.write(bytes) }
            } catch (_: Exception) {
                // The client gave up (a timeout test); nothing to answer.
            } finally {
                exchange.close()
            }
        }
        start()
    }

    /** `http://127.0.0.1:<port>` */
    val url = "http://127.0.0.1:${server.address.port}"

    /** Answers requests whose path starts with [pathPrefix] with [replies], in order. */
    fun on(pathPrefix: String, vararg replies: Reply): FakeServer {
        synchronized(routes) {
            routes.getOrPut(pathPrefix) { ConcurrentLinkedQueue() }.addAll(replies)
            // Longest prefixes first, so "/v1/customers/x" wins over "/v1/customers".
            val sorted = routes.entries.sortedByDescending { it.key.length }.map { it.key to it.value }
            routes.clear()
            sorted.forEach { (k, v) -> routes[k] = v }
        }
        return this
    }

    fun receivedAt(pathPrefix: String) = received.filter { it.path.startsWith(pathPrefix) }

    override fun close() {
        server.stop(0)
        pool.shutdownNow()
    }
}
