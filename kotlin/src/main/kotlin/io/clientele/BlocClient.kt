package io.clientele

import io.clientele.core.Customer
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerListQuery
import io.clientele.core.CustomerPage
import io.clientele.core.CustomerUpdateRequest
import io.clientele.core.KycTier1Upgrade
import io.clientele.core.KycTier2Upgrade
import io.clientele.core.KycTier3Upgrade
import io.clientele.core.MeansOfIdentification
import java.time.Clock
import java.time.LocalDate
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Bloc customers over any [Transport]. Every call validates its input completely (a
 * [ClienteleException.Validation] lists every field issue and nothing is sent), sends the request
 * the core built, retries what is safe to retry, and returns the parsed value or throws a
 * [ClienteleException].
 *
 * ```
 * val bloc = BlocClient(secretKey = "sk_test_...")
 * val customer = bloc.createCustomer(CustomerCreateRequest(...))
 * ```
 *
 * Functions suspend; on Android call them from a coroutine (they never block the main thread
 * with the default transport, and an OkHttp transport can be made non-blocking too).
 */
class BlocClient(
    secretKey: String,
    private val transport: Transport = JavaHttpTransport(),
    baseUrl: String? = null,
    retry: RetryPolicy = RetryPolicy(),
    timeout: Duration = 30.seconds,
    private val clock: Clock = Clock.systemDefaultZone(),
) : AutoCloseable {
    /** The core context (key and base URL), for building requests by hand. */
    val context: Bloc = Bloc(secretKey).let { bloc ->
        if (baseUrl == null) bloc else bloc.withBaseUrl(baseUrl).also { bloc.close() }
    }
    private val exchanger = Exchanger(transport, retry, timeout, clock)

    /** One page of customers (`GET /customers`). */
    suspend fun listCustomers(query: CustomerListQuery = blocDefaultListQuery()): CustomerPage =
        exchanger.exchange(context.buildListCustomers(query), ::blocParseListCustomers)

    /** Every customer, page after page (stops with `paging_ignored` if Bloc repeats a page). */
    suspend fun allCustomers(query: CustomerListQuery = blocDefaultListQuery()): List<Customer> =
        CustomerPager(query).use { pager ->
            val all = mutableListOf<Customer>()
            while (true) {
                val request = pager.nextRequest(context) ?: break
                val page = exchanger.exchange(request, ::blocParseListCustomers)
                pager.advance(page)
                all += page.customers
            }
            all
        }

    /** `GET /customers/{id}`. */
    suspend fun getCustomer(customerId: String): Customer =
        exchanger.exchange(context.buildGetCustomer(customerId), ::blocParseGetCustomer)

    /** `POST /customers`. A 5xx answer is not retried: the customer may have been created. */
    suspend fun createCustomer(payload: CustomerCreateRequest): Customer =
        exchanger.exchange(context.buildCreateCustomer(payload), ::blocParseCreateCustomer)

    /** `PUT /customers/{id}`: a full replacement of the customer's details. */
    suspend fun updateCustomer(customerId: String, payload: CustomerUpdateRequest): Customer =
        exchanger.exchange(context.buildUpdateCustomer(customerId, payload), ::blocParseUpdateCustomer)

    /** KYC tier 1; the date of birth is checked against today's date from the client's clock. */
    suspend fun upgradeKycTier1(customerId: String, payload: KycTier1Upgrade): Customer =
        exchanger.exchange(
            context.buildKycTier1Upgrade(customerId, payload, LocalDate.now(clock)),
            ::blocParseKycUpgrade,
        )

    /** KYC tier 2: a means of identification. */
    suspend fun upgradeKycTier2(customerId: String, payload: KycTier2Upgrade): Customer =
        exchanger.exchange(context.buildKycTier2Upgrade(customerId, payload), ::blocParseKycUpgrade)

    /** KYC tier 3: a further document. */
    suspend fun upgradeKycTier3(customerId: String, payload: KycTier3Upgrade): Customer =
        exchanger.exchange(context.buildKycTier3Upgrade(customerId, payload), ::blocParseKycUpgrade)

    /** The accepted means of identification. */
    suspend fun meansOfIdentification(): List<MeansOfIdentification> =
        exchanger.exchange(context.buildMeansOfIdentification(), ::blocParseMeansOfIdentification)

    /** Queues a KYC revalidation; returns Bloc's message. */
    suspend fun revalidateKyc(customerId: String): String =
        exchanger.exchange(context.buildRevalidateKyc(customerId), ::blocParseRevalidateKyc)

    /** Frees the native context (also freed by the garbage collector). */
    override fun close() = context.close()
}
