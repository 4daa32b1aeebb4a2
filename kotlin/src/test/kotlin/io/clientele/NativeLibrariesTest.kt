package io.clientele

import com.sun.jna.Platform
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith

/**
 * How the bindings find the native library (NativeLibraries, called by the generated code that
 * kotlin/patch-bindings.sh patches): the real lookup here, the messages for a platform a jar
 * does not carry. (The packed jar on a platform it lacks, through JNA's `jna.prefix`, is checked
 * by tests/consumers/maven.)
 */
class NativeLibrariesTest {
    @Test
    fun theBindingsLoadThroughTheCheck() {
        // This JVM finds the library on jna.library.path (kotlin/test.sh sets it).
        assertEquals("clientele_ffi", NativeLibraries.checked("clientele_ffi"))
        assertTrue(coreVersion().isNotEmpty())
    }

    @Test
    fun aLibraryNowhereToBeFoundIsNamedWithThePlatform() {
        val e = assertFailsWith<UnsatisfiedLinkError> { NativeLibraries.checked("clientele_absent") }
        val message = e.message!!
        assertTrue(message.startsWith("Clientele has no native library for this platform: ${Platform.RESOURCE_PREFIX} ("), message)
        assertTrue("libclientele_absent was not found" in message, message)
        // The test classes are a directory, not a packed jar: no index on the class path.
        assertTrue("No jar on the class path carries a Clientele native library (META-INF/clientele/native-libraries.txt is missing)." in message, message)
        assertTrue(e.cause is UnsatisfiedLinkError, "JNA's own error is the cause")
    }

    @Test
    fun theMissingMessageNamesThePlatformAndWhatTheJarCarries() {
        val message = NativeLibraries.missingMessage(
            "clientele_ffi", "linux-riscv64", "Linux", "riscv64",
            listOf("linux-x86-64/libclientele_ffi.so", "darwin-aarch64/libclientele_ffi.dylib", "linux-x86-64/libclientele_ffi.so"),
        )
        assertEquals(
            "Clientele has no native library for this platform: linux-riscv64 (Linux, riscv64); " +
                "libclientele_ffi was not found on jna.library.path, the system library path or the class path. " +
                "This io.clientele:clientele jar carries it for: linux-x86-64, darwin-aarch64. " +
                "Use a build of Clientele made for linux-riscv64, or build libclientele_ffi for it " +
                "(cargo build --release -p clientele-ffi) and put it on jna.library.path or in the jar under linux-riscv64/.",
            message,
        )
    }

    @Test
    fun aLibraryTheJarCarriesButCannotLoadIsToldApart() {
        assertEquals(
            "Clientele's native library for linux-x86-64 (libclientele_ffi, in this jar) could not be loaded: " +
                "Unable to load library 'clientele_ffi': version `GLIBC_2.99' not found",
            NativeLibraries.unloadableMessage("clientele_ffi", "linux-x86-64", "Unable to load library 'clientele_ffi':\n  version `GLIBC_2.99' not found\n"),
        )
        assertEquals(
            "Clientele's native library for linux-x86-64 (libclientele_ffi, in this jar) could not be loaded: no reason given",
            NativeLibraries.unloadableMessage("clientele_ffi", "linux-x86-64", null),
        )
    }

    @Test
    fun theIndexListsOneLibraryPerLine() {
        assertEquals(
            listOf("linux-x86-64/libclientele_ffi.so", "linux-aarch64/libclientele_ffi.so"),
            NativeLibraries.parseIndex("# a comment\nlinux-x86-64/libclientele_ffi.so\n\n  linux-aarch64/libclientele_ffi.so  \n"),
        )
        assertEquals("linux-aarch64", NativeLibraries.platformOf("linux-aarch64/libclientele_ffi.so"))
        assertEquals(emptyList<String>(), NativeLibraries.bundled(NativeLibrariesTest::class.java.classLoader))
    }
}
