package io.clientele

import io.clientele.core.AppInfo
import io.clientele.core.BlocOperation
import io.clientele.core.Customer
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerListQuery
import io.clientele.core.CustomerPage
import io.clientele.core.CustomerUpdateRequest
import io.clientele.core.HttpResponse
import io.clientele.core.KycTier1Upgrade
import io.clientele.core.KycTier2Upgrade
import io.clientele.core.KycTier3Upgrade
import io.clientele.core.MeansOfIdentification
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import java.time.Clock
import kotlin.random.Random

/**
 * Bloc customers over any [Transport]. Every call validates its input completely (a
 * [ClienteleException.Validation] lists every field issue and nothing is sent), then the core's
 * client engine runs it: which answers are final, which are retried and after how long (backoff
 * with jitter from [random], `Retry-After`), all as in every other Clientele host. The client
 * only sends, waits and parses; it returns the parsed value or throws a [ClienteleException].
 *
 * ```
 * val bloc = BlocClient(secretKey = "sk_test_...")
 * val customer = bloc.createCustomer(CustomerCreateRequest(...))
 * ```
 *
 * Functions suspend; on Android call them from a coroutine (they never block the main thread
 * with the default transport, and an OkHttp transport can be made non-blocking too). Cancelling
 * the coroutine ends the call (a [kotlinx.coroutines.CancellationException] whose cause is the
 * core's `aborted` error). [clock] (the engine's `now`: `Retry-After` dates, and "today" for a
 * date of birth, as the clock's UTC date), [random] (jitter) and [sleeper] are injectable.
 *
 * Every request carries the core's `User-Agent` (`clientele/<version> (kotlin jvm/<java
 * version>; <os>)`, `android/<API level>` on Android, then [appInfo] when given) and a retry
 * carries `X-Clientele-Retry`. [onEvent] hears every request sent, response received, request
 * failed and retry scheduled, masked by the core. Every operation has a `...WithResponse`
 * variant returning its value with the answer's status, headers, request id and attempts.
 *
 * A Bloc secret key belongs on a server. Inside an Android app a LIVE key (`sk_live_...`) is
 * refused at construction with `unsafe_app_credentials` (the core's rule: anyone who installs
 * the app can extract it) unless [dangerouslyAllowInApp]; test keys stay usable for development,
 * and JVM servers are unaffected. An app calls its own backend, which holds the key.
 */
class BlocClient(
    secretKey: String,
    private val transport: Transport = JavaHttpTransport(),
    baseUrl: String? = null,
    /** Timeouts and retries; every default is the core's. */
    val options: ClientOptions = ClientOptions(),
    /** Your application, named in the `User-Agent` of every request (like Stripe's `appInfo`). */
    appInfo: AppInfo? = null,
    /** Called with every event of every call; what it throws is ignored. */
    onEvent: EventListener? = null,
    /** Accept a live key inside an Android app, where anyone who installs it can extract it. */
    dangerouslyAllowInApp: Boolean = false,
    clock: Clock = Clock.systemUTC(),
    random: Random = Random.Default,
    sleeper: Sleeper = Sleeper.DELAY,
) : AutoCloseable {
    init {
        checkBlocKeyPlacement(secretKey, Host.placement, dangerouslyAllowInApp)
    }

    /** The core context (key and base URL), for building requests by hand. */
    val context: Bloc = Bloc(secretKey).let { bloc ->
        if (baseUrl == null) bloc else bloc.withBaseUrl(baseUrl).also { bloc.close() }
    }
    private val io = HostIo(transport, clock, random, sleeper, Host.identity(appInfo), EventSink(onEvent))

    /** Every operation's one path: the engine runs it, [parse] reads the final answer. */
    private suspend fun <T> run(operation: BlocOperation, call: CallOptions, parse: (HttpResponse) -> T): Response<T> {
        val answer = io.bloc(context, operation, options.forCall(call))
        return Response(parse(answer.response), ResponseInfo(answer.response, answer.attempts))
    }

    /** One page of customers (`GET /customers`). */
    suspend fun listCustomers(query: CustomerListQuery = blocDefaultListQuery(), options: CallOptions = CallOptions()): CustomerPage =
        listCustomersWithResponse(query, options).value

    /** [listCustomers] with its answer's metadata. */
    suspend fun listCustomersWithResponse(query: CustomerListQuery = blocDefaultListQuery(), options: CallOptions = CallOptions()): Response<CustomerPage> =
        run(BlocOperation.ListCustomers(query), options, ::blocParseListCustomers)

    /**
     * Every page of customers, one request per page, as the core's [CustomerPager] walks them
     * (it stops with `paging_ignored` if Bloc sends the same page twice). [options] apply to
     * each page's call.
     *
     * A cold [Flow]: nothing is sent until it is collected, and each page is fetched only when
     * the collector asks for the next one (after it has handled the previous). Stopping early
     * (`take(n)`, `first()`, cancelling the collecting coroutine) sends no further request;
     * cancelling during a page's call ends that call with the core's `aborted` error as the
     * cause of the cancellation. Collect it again to walk the pages again.
     */
    fun customerPages(query: CustomerListQuery = blocDefaultListQuery(), options: CallOptions = CallOptions()): Flow<CustomerPage> =
        flow {
            CustomerPager(query).use { pager ->
                // Each page's query is the pager's: the first as given, then the next until done.
                while (true) {
                    val page = listCustomers(pager.nextQuery() ?: break, options)
                    pager.advance(page)
                    emit(page)
                }
            }
        }

    /**
     * Every customer, page after page (see [customerPages]), as they arrive: the next page is
     * fetched when the collector asks for the customer after the last one of a page.
     */
    fun customers(query: CustomerListQuery = blocDefaultListQuery(), options: CallOptions = CallOptions()): Flow<Customer> =
        flow { customerPages(query, options).collect { page -> page.customers.forEach { emit(it) } } }

    /** Every customer, page after page, in one list (a convenience built on [customers]). */
    suspend fun allCustomers(query: CustomerListQuery = blocDefaultListQuery(), options: CallOptions = CallOptions()): List<Customer> =
        customers(query, options).toList()

    /** `GET /customers/{id}`. */
    suspend fun getCustomer(customerId: String, options: CallOptions = CallOptions()): Customer =
        getCustomerWithResponse(customerId, options).value

    /** [getCustomer] with its answer's metadata. */
    suspend fun getCustomerWithResponse(customerId: String, options: CallOptions = CallOptions()): Response<Customer> =
        run(BlocOperation.GetCustomer(customerId), options, ::blocParseGetCustomer)

    /** `POST /customers`. A 5xx answer is not retried: the customer may have been created. */
    suspend fun createCustomer(payload: CustomerCreateRequest, options: CallOptions = CallOptions()): Customer =
        createCustomerWithResponse(payload, options).value

    /** [createCustomer] with its answer's metadata. */
    suspend fun createCustomerWithResponse(payload: CustomerCreateRequest, options: CallOptions = CallOptions()): Response<Customer> =
        run(BlocOperation.CreateCustomer(payload), options, ::blocParseCreateCustomer)

    /** `PUT /customers/{id}`: a full replacement of the customer's details. */
    suspend fun updateCustomer(customerId: String, payload: CustomerUpdateRequest, options: CallOptions = CallOptions()): Customer =
        updateCustomerWithResponse(customerId, payload, options).value

    /** [updateCustomer] with its answer's metadata. */
    suspend fun updateCustomerWithResponse(customerId: String, payload: CustomerUpdateRequest, options: CallOptions = CallOptions()): Response<Customer> =
        run(BlocOperation.UpdateCustomer(customerId, payload), options, ::blocParseUpdateCustomer)

    /** KYC tier 1; the date of birth is checked against [today] (default: the UTC date of the client's clock). */
    suspend fun upgradeKycTier1(
        customerId: String,
        payload: KycTier1Upgrade,
        options: CallOptions = CallOptions(),
        today: java.time.LocalDate? = null,
    ): Customer = upgradeKycTier1WithResponse(customerId, payload, options, today).value

    /** [upgradeKycTier1] with its answer's metadata. */
    suspend fun upgradeKycTier1WithResponse(
        customerId: String,
        payload: KycTier1Upgrade,
        options: CallOptions = CallOptions(),
        today: java.time.LocalDate? = null,
    ): Response<Customer> =
        run(BlocOperation.KycTier1Upgrade(customerId, payload, today), options, ::blocParseKycUpgrade)

    /** KYC tier 2: a means of identification. */
    suspend fun upgradeKycTier2(customerId: String, payload: KycTier2Upgrade, options: CallOptions = CallOptions()): Customer =
        upgradeKycTier2WithResponse(customerId, payload, options).value

    /** [upgradeKycTier2] with its answer's metadata. */
    suspend fun upgradeKycTier2WithResponse(customerId: String, payload: KycTier2Upgrade, options: CallOptions = CallOptions()): Response<Customer> =
        run(BlocOperation.KycTier2Upgrade(customerId, payload), options, ::blocParseKycUpgrade)

    /** KYC tier 3: a further document. */
    suspend fun upgradeKycTier3(customerId: String, payload: KycTier3Upgrade, options: CallOptions = CallOptions()): Customer =
        upgradeKycTier3WithResponse(customerId, payload, options).value

    /** [upgradeKycTier3] with its answer's metadata. */
    suspend fun upgradeKycTier3WithResponse(customerId: String, payload: KycTier3Upgrade, options: CallOptions = CallOptions()): Response<Customer> =
        run(BlocOperation.KycTier3Upgrade(customerId, payload), options, ::blocParseKycUpgrade)

    /** The accepted means of identification. */
    suspend fun meansOfIdentification(options: CallOptions = CallOptions()): List<MeansOfIdentification> =
        meansOfIdentificationWithResponse(options).value

    /** [meansOfIdentification] with its answer's metadata. */
    suspend fun meansOfIdentificationWithResponse(options: CallOptions = CallOptions()): Response<List<MeansOfIdentification>> =
        run(BlocOperation.MeansOfIdentification, options, ::blocParseMeansOfIdentification)

    /** Queues a KYC revalidation; returns Bloc's message. */
    suspend fun revalidateKyc(customerId: String, options: CallOptions = CallOptions()): String =
        revalidateKycWithResponse(customerId, options).value

    /** [revalidateKyc] with its answer's metadata. */
    suspend fun revalidateKycWithResponse(customerId: String, options: CallOptions = CallOptions()): Response<String> =
        run(BlocOperation.RevalidateKyc(customerId), options, ::blocParseRevalidateKyc)

    /** Frees the native context (also freed by the garbage collector). */
    override fun close() = context.close()
}
