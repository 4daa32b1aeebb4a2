package io.clientele

import io.clientele.core.AccessToken
import io.clientele.core.ApiCredentials
import io.clientele.core.ErrorKind
import io.clientele.core.Placement
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Instant
import kotlin.test.assertFailsWith

/**
 * Apps never need a server secret: inside an Android app a client given a LIVE secret (a Bloc
 * `sk_live_` key, OffBlocks API credentials for the live API) refuses to start with the core's
 * `unsafe_app_credentials`, unless `dangerouslyAllowInApp`; test keys, the sandbox, token
 * providers and JVM servers are unaffected.
 *
 * The real Android check cannot run here (this machine has no Android runtime): these tests run
 * on a server JVM, check that it is detected as one, check the detection itself with Android's
 * system properties and classes given to it, and SIMULATE the app with `Host.simulating(APP)`,
 * which makes the clients check their secret against [Placement.APP] exactly as on Android.
 */
class AppGuardTest {
    private val live = "sk_live_synthetic0000000000"
    private val test = "sk_test_0123456789abcdef"
    private val credentials = TokenSource.Credentials(ApiCredentials("0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", "synthetic-live-secret"))
    private val signer = RequestSigner.withKey(SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem")))

    private fun offBlocks(baseUrl: String, source: TokenSource = credentials, allow: Boolean = false) = OffBlocksClient(
        baseUrl = baseUrl, signing = offblocksDefaultSigningConfig("test-key-ecc-p384"),
        tokenSource = source, signer = signer, dangerouslyAllowInApp = allow,
    )

    private fun inApp(block: () -> AutoCloseable) = Host.simulating(Placement.APP) { block().close() }

    @Test
    fun thisJvmIsAServerAndAndroidIsRecognised() {
        assertFalse(Host.isAndroid, "the test JVM (${System.getProperty("java.vm.vendor")}) is not Android")
        assertEquals(Placement.SERVER, Host.platformPlacement)
        assertEquals(Placement.SERVER, Host.placement)
        // What Android's runtime reports (ART: java.vendor and java.vm.vendor "The Android Project").
        assertTrue(Host.isAndroid("The Android Project", "The Android Project") { false })
        assertTrue(Host.isAndroid(null, null) { it == "android.os.Build" }, "android.os.Build alone is enough")
        assertFalse(Host.isAndroid("Eclipse Adoptium", "Eclipse Adoptium") { false })
        assertFalse(Host.isAndroid(null, null) { false })
        assertEquals(Placement.APP, Host.simulating(Placement.APP) { Host.placement })
        assertEquals(Placement.SERVER, Host.placement, "the simulation ends with its block")
    }

    @Test
    fun aLiveBlocKeyIsRefusedInAnApp() {
        val e = assertFailsWith<ClienteleException.Credentials> { inApp { BlocClient(live) } }
        assertEquals("unsafe_app_credentials", e.code)
        assertEquals(ErrorKind.CREDENTIALS, e.kind())
        assertFalse(e.message.contains("synthetic0000000000"), "the message never shows the key: ${e.message}")
        assertFalse(e.toString().contains("synthetic0000000000"))
    }

    @Test
    fun dangerouslyAllowInAppAcceptsIt() {
        inApp { BlocClient(live, dangerouslyAllowInApp = true) }
        inApp { offBlocks(offblocksLiveBaseUrl(), allow = true) }
    }

    @Test
    fun testKeysAndTheSandboxStayUsableInAnApp() {
        inApp { BlocClient(test) }
        inApp { offBlocks(offblocksSandboxBaseUrl()) }
    }

    @Test
    fun liveOffBlocksCredentialsAreRefusedInAnApp() {
        val e = assertFailsWith<ClienteleException.Credentials> { inApp { offBlocks(offblocksLiveBaseUrl()) } }
        assertEquals("unsafe_app_credentials", e.code)
        assertTrue(e.message.contains("token provider"), "it says what to do instead: ${e.message}")
        assertFalse(e.message.contains("synthetic-live-secret"))
        // The same base URL written differently is the same live API.
        assertFailsWith<ClienteleException.Credentials> { inApp { offBlocks(offblocksLiveBaseUrl() + "/") } }
    }

    @Test
    fun anAppsTokenProviderIsNoSecret() {
        val provider = TokenSource.Provider { AccessToken("token-from-the-backend", Instant.now().plusSeconds(3600), "Bearer") }
        inApp { offBlocks(offblocksLiveBaseUrl(), provider) }
        inApp { offBlocks(offblocksLiveBaseUrl(), TokenSource.Fixed("token-from-the-backend")) }
    }

    @Test
    fun jvmServersAreUnaffected() {
        BlocClient(live).close()
        offBlocks(offblocksLiveBaseUrl()).close()
    }
}
