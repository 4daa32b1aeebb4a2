package example

import io.clientele.BlocClient
import io.clientele.ClienteleException
import io.clientele.OffBlocksClient
import io.clientele.RequestSigner
import io.clientele.SigningKey
import io.clientele.TokenSource
import io.clientele.coreVersion
import io.clientele.core.ApiCredentials
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerType
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.OffBlocksStatus
import io.clientele.issueCodeWireValue
import io.clientele.offblocksDefaultSigningConfig
import kotlinx.coroutines.runBlocking
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.Base64
import java.util.UUID
import kotlin.system.exitProcess

/*
 * An application built by Maven against io.clientele:clientele, resolved from the local directory
 * repository (tests/consumers/maven/run.sh publishes it there first). Against the local provider
 * sandbox (CLIENTELE_SANDBOX: its ready JSON) it validates a form (from Kotlin and from Java),
 * creates a Bloc customer and an OffBlocks customer, and reads both back. Prints one line per
 * check ("ok    name" or "FAIL  name: why") and exits 1 when any failed.
 *
 *   example.MainKt <expected version> <fixtures dir>   the scenario
 *   example.MainKt --load-only                         prints the core's version (loads the library)
 */

private var passed = 0
private var failed = 0

private fun check(name: String, block: () -> Unit) {
    try {
        block()
        println("ok    $name")
        passed++
    } catch (e: Throwable) {
        println("FAIL  $name: ${e.javaClass.name}: ${e.message}")
        failed++
    }
}

private fun expect(condition: Boolean, what: () -> String) {
    if (!condition) throw AssertionError(what())
}

private fun <T> expectEqual(expected: T, actual: T, what: String) =
    expect(expected == actual) { "$what: expected <$expected>, got <$actual>" }

/** One string member of the sandbox's ready JSON (flat, string values: no JSON library needed). */
private fun member(json: String, name: String): String =
    Regex("\"${Regex.escape(name)}\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1)
        ?: throw IllegalStateException("no \"$name\" in the sandbox's ready JSON: $json")

fun main(args: Array<String>) {
    if (args.firstOrNull() == "--load-only") {
        println("clientele core ${coreVersion()}")
        return
    }
    require(args.size == 2) { "usage: example.MainKt <expected version> <fixtures dir>" }
    val (expectedVersion, fixtures) = args
    val sandbox = System.getenv("CLIENTELE_SANDBOX") ?: throw IllegalStateException("CLIENTELE_SANDBOX is not set")

    check("the native library loads from the Maven-resolved jar") {
        expectEqual(expectedVersion, coreVersion(), "core version")
        val jar = File(BlocClient::class.java.protectionDomain.codeSource.location.toURI())
        val expectedPath = "io/clientele/clientele/$expectedVersion/clientele-$expectedVersion.jar"
        expect(jar.invariantSeparatorsPath.endsWith(expectedPath)) { "BlocClient came from $jar, not the local repository's $expectedPath" }
    }

    check("Java: a bad form gives every issue at once") {
        expectEqual(listOf("email:invalid_email", "bvn:invalid_bvn"), JavaValidation.issuesOfABadForm(), "issues")
        expectEqual("POST https://api.blochq.io/v1/customers", JavaValidation.requestForAGoodForm(), "request")
    }

    val form = CustomerCreateRequest(
        email = "ada@", phoneNumber = "+234 801 234 5678", firstName = "Ada",
        lastName = "Obi", customerType = CustomerType.Personal, bvn = "2222",
    )
    runBlocking {
        BlocClient(secretKey = "sk_test_maven_consumer_0123456789", baseUrl = member(sandbox, "bloc")).use { bloc ->
            check("Kotlin: a bad form is refused before anything is sent") {
                val e = runCatching { runBlocking { bloc.createCustomer(form) } }.exceptionOrNull()
                expect(e is ClienteleException.Validation) { "expected a validation error, got $e" }
                val issues = (e as ClienteleException.Validation).issues.map { "${it.path}:${issueCodeWireValue(it.code)}" }
                expectEqual(listOf("email:invalid_email", "bvn:invalid_bvn"), issues, "issues")
            }
            check("a Bloc customer is created in the sandbox and read back") {
                val email = "ada.${UUID.randomUUID().toString().take(8)}@example.com"
                val customer = runBlocking { bloc.createCustomer(form.copy(email = email, bvn = "22222222222")) }
                expect(customer.id.isNotEmpty()) { "no id" }
                expectEqual(email, customer.email, "email")
                expectEqual("08012345678", customer.phoneNumber, "phone, normalised")
                expectEqual(CustomerType.Personal, customer.customerType, "customer type")
                val again = runBlocking { bloc.getCustomer(customer.id) }
                expectEqual(customer.id to email, again.id to again.email, "read back")
            }
        }
    }

    val offblocksUrl = member(sandbox, "offblocks")
    val credentials = ApiCredentials(member(sandbox, "offblocksApiKey"), member(sandbox, "offblocksApiSecret"))
    val wallet = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    check("an OffBlocks customer is created (signed request) and its challenge opens") {
        runBlocking {
            OffBlocksClient(
                baseUrl = offblocksUrl,
                signing = offblocksDefaultSigningConfig("maven-consumer-key"),
                tokenSource = TokenSource.Credentials(credentials),
                signer = RequestSigner.withKey(SigningKey.fromPem(File(fixtures, "offblocks/test-key-p384.pem").readText())),
            ).use { offblocks ->
                // The sandbox learns the public key as OffBlocks does: PUT /auth/signing.
                val publicPem = File(fixtures, "offblocks/test-key-p384.pub.pem").readText()
                val body = "{\"keyId\":\"maven-consumer-key\",\"publicKey\":\"${Base64.getEncoder().encodeToString(publicPem.toByteArray())}\"}"
                val registered = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("$offblocksUrl/auth/signing"))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer ${offblocks.accessToken().token}")
                        .build(),
                    HttpResponse.BodyHandlers.ofString(),
                )
                expect(registered.statusCode() in 200..299) { "PUT /auth/signing: ${registered.statusCode()} ${registered.body()}" }

                val externalId = "maven-consumer-${UUID.randomUUID()}"
                val customer = offblocks.createCustomer(OffBlocksCustomerCreate("eip155:300:$wallet", externalId))
                expectEqual(OffBlocksStatus.Initiating, customer.status, "status")
                expectEqual(externalId to "eip155:300:$wallet", customer.externalId to customer.chainId, "external id and chain")
                val challenge = offblocks.openChallenge(customer)
                expectEqual(wallet.lowercase(), challenge.fields.address.lowercase(), "challenge address")
                expect(challenge.message.contains(wallet)) { "the message to sign names the wallet" }
                expectEqual(customer.id, offblocks.getCustomer(customer.id).id, "read back")
            }
        }
    }

    println("maven consumer: $passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}
