package io.clientele

import kotlin.test.assertFailsWith
import io.clientele.core.AccessToken
import io.clientele.core.Delivery
import io.clientele.core.HttpResponse
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Instant
import java.time.LocalDate

/**
 * Instants cross the boundary as seconds + nanoseconds and become java.time.Instant: nothing may
 * move, not even by a nanosecond, in either direction. Dates of birth stay calendar dates.
 *
 * Known gap (uniffi 0.32.2, not Clientele): an instant strictly inside the second before the
 * Unix epoch (1969-12-31T23:59:59.x) is written as "0 seconds + x nanoseconds" and so loses its
 * sign; [theSecondBeforTheEpochIsUniffisKnownGap] pins that down. No provider timestamp lies there.
 */
class TimestampTest {
    private val instants = listOf(
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:58.999999999Z",
        "1969-07-20T20:17:40.000000001Z",
        "1900-01-01T00:00:00.001Z",
        "2001-01-01T00:00:00Z",
        "2023-03-08T10:59:39.509Z",
        "2024-01-12T14:53:02.653457Z",
        "2026-11-21T09:30:12.839735959Z",
        "2038-01-19T03:14:08.000000001Z",
        "9999-12-31T23:59:59.999999999Z",
    )

    private fun customerCreatedAt(text: String): Instant? = blocParseGetCustomer(
        HttpResponse(
            200u, emptyList(),
            """{"success":true,"data":{"id":"$CUSTOMER_ID","customer_type":"Personal","status":"active","environment":"test","created_at":"$text"}}""".toByteArray(),
        ),
    ).createdAt

    @Test
    fun rustToKotlinIsExact() {
        for (text in instants) assertEquals(Instant.parse(text), customerCreatedAt(text), text)
    }

    @Test
    fun kotlinToRustIsExact() {
        for (text in instants) {
            val expiry = Instant.parse(text)
            val token = AccessToken("t", expiry, "Bearer")
            val before = expiry.minusNanos(1)
            if (before.epochSecond != -1L) assertFalse(accessTokenNeedsRefresh(token, before, 0u), "$text - 1ns")
            assertTrue(accessTokenNeedsRefresh(token, expiry, 0u), text)
        }
    }

    @Test
    fun aRoundTripNeverMakesTheSameStateLookStale() {
        val body = """{"webhookType":"customer.updated","eventId":"ev-1","id":"$OB_CUSTOMER_ID","status":"active","updatedAt":"2024-01-12T15:05:32.166028Z"}"""
        val event = parseOffBlocksWebhook(body.toByteArray())
        val updatedAt = event.customer!!.updatedAt!!
        assertEquals(Delivery.NEW, offblocksWebhookClassify(event, false, updatedAt))
        assertEquals(Delivery.STALE, offblocksWebhookClassify(event, false, updatedAt.plusNanos(1)))
    }

    @Test
    fun datesOfBirthAreCalendarDates() {
        val today = LocalDate.of(2026, 11, 21)
        assertEquals(LocalDate.of(2001, 4, 14), validateDateOfBirth("2001-04-14", today))
        assertEquals(LocalDate.of(2026, 11, 21), validateDateOfBirth("2026-11-21", today))
        val future = assertFailsWith<ClienteleException.Validation> { validateDateOfBirth("2026-11-22", today) }
        assertEquals("date_in_future", issueCodeWireValue(future.issues.single().code))
        // A date out of chrono's range fails as an exception, never a crash.
        assertFailsWith<InternalException> { validateDateOfBirth("2001-04-14", LocalDate.MAX) }
    }

    @Test
    fun theSecondBeforTheEpochIsUniffisKnownGap() {
        // uniffi writes -1 ns as (0 s, 1 ns): it comes back as +1 ns. Outside that second, exact.
        assertEquals(Instant.parse("1970-01-01T00:00:00.000000001Z"), customerCreatedAt("1969-12-31T23:59:59.999999999Z"))
        assertEquals(Instant.parse("1969-12-31T23:59:59Z"), customerCreatedAt("1969-12-31T23:59:59Z"))
        // Kotlin to Rust likewise: -1 ns arrives as +1 ns, so it already counts as "after" 0.
        val epoch = AccessToken("t", Instant.EPOCH, "Bearer")
        assertTrue(accessTokenNeedsRefresh(epoch, Instant.EPOCH.minusNanos(1), 0u))
        assertFalse(accessTokenNeedsRefresh(epoch, Instant.EPOCH.minusSeconds(1), 0u))
    }
}
