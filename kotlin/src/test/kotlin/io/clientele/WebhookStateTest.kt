package io.clientele

import io.clientele.core.Delivery
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith

/**
 * `OffBlocksWebhooks.save()` / `OffBlocksWebhooks.restore(state)`: the core deduplicator's state
 * survives a restart, so a delivery repeated after it is still a duplicate.
 */
class WebhookStateTest {
    private fun delivery(eventId: String, updatedAt: String) = (
        """{"webhookType":"customer.updated","eventId":"$eventId","id":"123e4567-e89b-12d3-a456-426614174000",""" +
            """"externalId":"customer-42","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"active",""" +
            """"createdAt":"2026-12-03T09:00:00Z","updatedAt":"$updatedAt"}"""
        ).toByteArray()

    @Test
    fun aRestoredReceiverRemembersWhatTheSavedOneSaw() {
        val first = delivery("evt_1", "2026-12-03T10:00:00Z")
        val later = delivery("evt_2", "2026-12-03T10:05:00Z")
        val state = OffBlocksWebhooks().use { webhooks ->
            assertEquals(Delivery.NEW, webhooks.receive(first).delivery)
            assertEquals(Delivery.DUPLICATE, webhooks.receive(first).delivery)
            webhooks.save()
        }
        assertFalse(state.contains("customer-42"), "ids and times only, no delivery's content: $state")
        OffBlocksWebhooks.restore(state).use { restored ->
            assertEquals(Delivery.DUPLICATE, restored.receive(first).delivery, "seen before the restart")
            assertEquals(Delivery.NEW, restored.receive(later).delivery)
            assertEquals(Delivery.STALE, restored.receive(delivery("evt_0", "2026-12-03T09:00:00Z")).delivery, "older than the latest seen")
            assertTrue(restored.save() != state, "it goes on remembering")
        }
        // A fresh receiver knows nothing of it.
        OffBlocksWebhooks().use { assertEquals(Delivery.NEW, it.receive(first).delivery) }
    }

    @Test
    fun aStateThatIsNotSavesIsAnInvalidArgument() {
        for (bad in listOf("", "{", "not json", """{"capacity":"many"}""")) {
            val e = assertFailsWith<ClienteleException.Validation>(bad) { OffBlocksWebhooks.restore(bad) }
            assertEquals("invalid_argument", e.code)
            assertFalse(e.message.contains("many"))
        }
    }
}
