package io.clientele

import io.clientele.FakeServer.Reply
import io.clientele.core.AccessToken
import io.clientele.quickstart.blocQuickstart
import io.clientele.quickstart.offBlocksQuickstart
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.Base64

/** Runs the README's Kotlin quickstart (extracted from README.md by kotlin/test.sh) against a local provider. */
class QuickstartTest {
    @Test
    fun blocQuickstartRuns() = runBlocking<Unit> {
        FakeServer().use { server ->
            server.on("/v1/customers", Reply(200, CUSTOMER_BODY))
            val customer = blocQuickstart("${server.url}/v1")
            assertEquals(CUSTOMER_ID, customer.id)
            assertEquals(1, server.received.size, "the bad form never left the device")
            assertTrue(server.received.single().text.contains(""""bvn":"22222222222""""))
        }
    }

    @Test
    fun offBlocksQuickstartRuns() = runBlocking<Unit> {
        val wallet = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
        val message = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n$wallet\n\n" +
            "OffBlocks wants to verify ownership of your wallet.\n\nURI: https://api.sandbox.offblocks.xyz\nVersion: 1\n" +
            "Chain ID: 1\nNonce: 5ufoiEqDaFvmfo78\nIssued At: ${Instant.now().truncatedTo(ChronoUnit.SECONDS)}"
        val challenge = Base64.getEncoder().encodeToString(message.toByteArray())
        FakeServer().use { server ->
            server.on(
                "/v1/customers",
                Reply(201, """{"id":"$OB_CUSTOMER_ID","externalId":"customer-42","chainId":"eip155:1:$wallet","status":"initiating","challenge":"$challenge"}"""),
            )
            var asked = 0
            val opened = offBlocksQuickstart("${server.url}/v1", Fixtures.text("offblocks/test-key-p384.pem")) {
                asked++
                AccessToken("token-from-the-backend", Instant.now().plusSeconds(3600), "Bearer")
            }
            assertEquals(message, opened.message)
            assertEquals(wallet, opened.fields.address)
            assertEquals(1, asked, "the backend was asked for one token")
            val create = server.received.single()
            assertEquals("/v1/customers", create.path, "no POST /auth/token: the app holds no secret")
            assertEquals("Bearer token-from-the-backend", create.header("Authorization"))
            assertTrue(create.header("Signature")!!.startsWith("sig=:"))
        }
    }
}
