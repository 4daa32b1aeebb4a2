package io.clientele

import io.clientele.core.AppInfo
import io.clientele.core.Event
import io.clientele.core.Identity
import io.clientele.core.Placement

/**
 * What only the host can tell the core: the platform it runs on. The core decides what follows:
 * the `User-Agent` it builds from it ([userAgent]) and where a server secret may go
 * ([checkBlocKeyPlacement], [checkOffBlocksSecretPlacement]).
 */
internal object Host {
    /** Whether this JVM is Android's runtime (ART or Dalvik). */
    val isAndroid: Boolean by lazy {
        isAndroid(System.getProperty("java.vendor"), System.getProperty("java.vm.vendor")) { name ->
            runCatching { Class.forName(name) }.isSuccess
        }
    }

    /**
     * Android's runtime names its vendor "The Android Project" (`java.vendor`, `java.vm.vendor`)
     * and has `android.os.Build`; a desktop or server JVM has neither. [hasClass] tells whether a
     * class can be loaded (injected so the tests can ask about a platform they do not run on).
     */
    fun isAndroid(vendor: String?, vmVendor: String?, hasClass: (String) -> Boolean): Boolean =
        listOfNotNull(vendor, vmVendor).any { it.contains("Android", ignoreCase = true) } ||
            hasClass("android.os.Build")

    /** Where the clients run: [Placement.APP] on Android, [Placement.SERVER] on any other JVM. */
    val platformPlacement: Placement get() = if (isAndroid) Placement.APP else Placement.SERVER

    /**
     * The placement the clients made on this thread check their secret against: the platform's,
     * unless a test simulates another ([simulating]). Nothing else sets it.
     */
    private val simulated = ThreadLocal<Placement?>()

    val placement: Placement get() = simulated.get() ?: platformPlacement

    /**
     * Runs [block] (which makes clients) as if on [placement]: how the JVM tests check the app
     * guard, since the real Android check cannot run here.
     */
    fun <T> simulating(placement: Placement, block: () -> T): T {
        val before = simulated.get()
        simulated.set(placement)
        try {
            return block()
        } finally {
            simulated.set(before)
        }
    }

    /** A static field of `android.os.Build.VERSION` (`SDK_INT`, `RELEASE`), read by reflection. */
    private fun androidVersion(field: String): String? =
        runCatching { Class.forName("android.os.Build\$VERSION").getField(field).get(null)?.toString() }.getOrNull()

    /** The runtime part of the `User-Agent`: `jvm/<java.version>`, or `android/<API level>`. */
    val runtime: String by lazy {
        if (isAndroid) {
            "android/${androidVersion("SDK_INT") ?: "unknown"}"
        } else {
            "jvm/${System.getProperty("java.version") ?: "unknown"}"
        }
    }

    /** The operating system: `Linux 6.1.0`, `Mac OS X 14.4`, `Android 14`. */
    val os: String by lazy {
        if (isAndroid) {
            "Android ${androidVersion("RELEASE") ?: "unknown"}"
        } else {
            listOfNotNull(System.getProperty("os.name"), System.getProperty("os.version")).joinToString(" ").ifEmpty { "unknown" }
        }
    }

    /**
     * Who a client is, for every request it sends: the core's `User-Agent` (naming [app] when
     * given) and the retry counter header (`X-Clientele-Retry`).
     */
    fun identity(app: AppInfo?): Identity =
        Identity(userAgent = userAgent("kotlin", runtime, os, app), retryHeader = true)
}

/**
 * A client's listener of events (request sent, response received, request failed, retry
 * scheduled) as the core's engine reports them: header values masked as the core's `Debug` masks
 * them, no body, no secret or personal data. Called on the calling coroutine after each step of
 * a call, so keep it quick (hand the event to your logger or metrics). What it throws is ignored
 * (but a [VirtualMachineError]): a listener can never break a call.
 */
typealias EventListener = (Event) -> Unit

/** Hands the events of a call to the client's listener, swallowing what it throws. */
internal class EventSink(private val listener: EventListener?) {
    /** Whether anyone listens (else the events are not even taken from the engine). */
    val listening: Boolean get() = listener != null

    fun deliver(events: List<Event>) {
        val listener = listener ?: return
        for (event in events) {
            // A listener's failure is its own: the call goes on, and so do the other events. Only
            // the JVM's own failures (out of memory, stack overflow) are not the listener's.
            try {
                listener(event)
            } catch (e: VirtualMachineError) {
                throw e
            } catch (_: Throwable) {
            }
        }
    }
}
