package io.clientele

import com.sun.jna.Library
import com.sun.jna.NativeLibrary
import com.sun.jna.Platform

/**
 * Finds the native library (`libclientele_ffi`) before the generated bindings register it, so
 * that on a platform the jar has no library for, the first call fails with a message naming
 * that platform and the platforms the jar does carry, instead of JNA's list of every path it
 * searched. The generated bindings call [checked] (kotlin/patch-bindings.sh makes them).
 *
 * The jar records what it carries in [INDEX]: one JNA resource path per line
 * (`linux-x86-64/libclientele_ffi.so`), written by kotlin/package.sh (and the AAR script).
 */
internal object NativeLibraries {
    /** The index of the native libraries a jar carries, at the same path in every jar. */
    const val INDEX = "META-INF/clientele/native-libraries.txt"

    /**
     * Loads [name] as JNA will (same options, so JNA reuses this very instance when the
     * bindings register it) and returns [name]; throws an [UnsatisfiedLinkError] with
     * [missingMessage] or [unloadableMessage] (JNA's own error as its cause) when it cannot.
     * JNA looks in `jna.library.path`, the system's library path, then the class path under
     * its resource prefix for this platform ([Platform.RESOURCE_PREFIX], or `jna.prefix`).
     */
    fun checked(name: String): String {
        val loader = NativeLibraries::class.java.classLoader
        try {
            NativeLibrary.getInstance(name, mapOf(Library.OPTION_CLASSLOADER to loader))
        } catch (e: UnsatisfiedLinkError) {
            val platform = Platform.RESOURCE_PREFIX
            val bundled = bundled(loader)
            val message = if (bundled.any { platformOf(it) == platform }) {
                unloadableMessage(name, platform, e.message)
            } else {
                missingMessage(name, platform, System.getProperty("os.name"), System.getProperty("os.arch"), bundled)
            }
            throw UnsatisfiedLinkError(message).apply { initCause(e) }
        }
        return name
    }

    /** Every library listed by an [INDEX] on [loader]'s class path, in order, without repeats. */
    fun bundled(loader: ClassLoader?): List<String> {
        val indexes = (loader ?: ClassLoader.getSystemClassLoader()).getResources(INDEX).toList()
        return indexes.flatMap { url -> url.openStream().use { parseIndex(it.readBytes().decodeToString()) } }.distinct()
    }

    /** The entries of an index: one resource path per line; blank lines and `#` comments skipped. */
    fun parseIndex(text: String): List<String> =
        text.lines().map { it.trim() }.filter { it.isNotEmpty() && !it.startsWith("#") }

    /** The platform (JNA resource prefix) of an index entry: `linux-x86-64/lib...so` is `linux-x86-64`. */
    fun platformOf(entry: String): String = entry.substringBefore('/')

    /** The message for a platform none of the jars on the class path carries a library for. */
    fun missingMessage(name: String, platform: String, osName: String?, osArch: String?, bundled: List<String>): String {
        val carried = bundled.map(::platformOf).distinct()
        val has = if (carried.isEmpty()) {
            "No jar on the class path carries a Clientele native library ($INDEX is missing)."
        } else {
            "This io.clientele:clientele jar carries it for: ${carried.joinToString(", ")}."
        }
        return "Clientele has no native library for this platform: $platform ($osName, $osArch); " +
            "lib$name was not found on jna.library.path, the system library path or the class path. " +
            "$has Use a build of Clientele made for $platform, or build lib$name for it " +
            "(cargo build --release -p clientele-ffi) and put it on jna.library.path " +
            "or in the jar under $platform/."
    }

    /** The message for a library the jar carries for this platform but the system refused to load. */
    fun unloadableMessage(name: String, platform: String, cause: String?): String =
        "Clientele's native library for $platform (lib$name, in this jar) could not be loaded: " +
            (cause?.lines()?.map { it.trim() }?.filter { it.isNotEmpty() }?.joinToString(" ")?.ifEmpty { null } ?: "no reason given")
}
