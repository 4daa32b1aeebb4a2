@testable import Clientele
import Foundation
import XCTest

/// Where a server secret may go (issue 15): a LIVE Bloc key, or OffBlocks API credentials for the
/// live API, are refused inside an app unless `dangerouslyAllowInApp`; test keys, the sandbox,
/// token providers and servers are unaffected. The rule is the core's
/// (`checkBlocKeyPlacement`, `checkOffBlocksSecretPlacement`); the clients only say where they run.
///
/// The real check reads the platform at compile time: `.app` in an iOS, iPadOS, tvOS, watchOS or
/// visionOS app and on Mac Catalyst, `.server` elsewhere. This suite runs on Linux, where no iOS
/// app exists, so the real iOS check CANNOT run here: the app platform is SIMULATED through the
/// clients' internal task-local `Host.placement`, and the core decides as it would on a device.
final class PlacementTests: XCTestCase {
    private let liveKey = "sk_live_0123456789abcdef"
    private let testKey = "sk_test_0123456789abcdef"
    private let credentials = ApiCredentials(apiKey: "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret: "api-s3cr3t-value")
    private let now = Date(timeIntervalSince1970: 1_763_700_000)

    private func key() throws -> SigningKey { try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem")) }

    private func offBlocks(
        _ baseUrl: String, _ source: OffBlocksClient.TokenSource, transport: Transport = FunctionTransport { _ in throw URLError(.badURL) },
        dangerouslyAllowInApp: Bool = false, onEvent: EventListener? = nil
    ) throws -> OffBlocksClient {
        try OffBlocksClient(
            baseUrl: baseUrl, signing: offblocksDefaultSigningConfig(keyId: "test-key-ecc-p384"), tokenSource: source,
            signer: .key(try key()), transport: transport, onEvent: onEvent, dangerouslyAllowInApp: dangerouslyAllowInApp,
            now: { [now] in now }, sleep: { _ in }, random: { 0.5 })
    }

    // --- where a secret may go --------------------------------------------------------------------

    func testThisPlatformIsAServer() {
        #if os(Linux)
            XCTAssertEqual(Host.platformPlacement, .server, "Linux tools and servers hold secrets")
            XCTAssertEqual(Host.placement, .server)
        #endif
    }

    func testALiveBlocKeyIsRefusedInASimulatedApp() throws {
        try Host.$placement.withValue(.app) {
            XCTAssertThrowsError(try BlocClient(secretKey: liveKey)) { error in
                let e = error as? ClienteleError
                XCTAssertEqual(e?.code, "unsafe_app_credentials")
                XCTAssertEqual(e.map { "\($0.kind())" }, "credentials")
                XCTAssertFalse(e?.localizedDescription.contains(liveKey) ?? true, "the message never shows the key")
                XCTAssertFalse(String(describing: error).contains("0123456789abcdef"))
            }
            // Only when the developer says so, in those words.
            XCTAssertNoThrow(try BlocClient(secretKey: liveKey, dangerouslyAllowInApp: true))
            // Test keys stay usable while developing the app.
            XCTAssertNoThrow(try BlocClient(secretKey: testKey))
        }
    }

    func testServersAreUnaffected() throws {
        XCTAssertNoThrow(try BlocClient(secretKey: liveKey))
        try Host.$placement.withValue(.server) {
            XCTAssertNoThrow(try BlocClient(secretKey: liveKey))
            XCTAssertNoThrow(try offBlocks(offblocksLiveBaseUrl(), .credentials(credentials)))
        }
    }

    func testOffBlocksLiveApiCredentialsAreRefusedInASimulatedAppButATokenProviderIsNot() throws {
        try Host.$placement.withValue(.app) {
            XCTAssertThrowsError(try offBlocks(offblocksLiveBaseUrl(), .credentials(credentials))) { error in
                XCTAssertEqual((error as? ClienteleError)?.code, "unsafe_app_credentials")
                XCTAssertFalse(String(describing: error).contains("api-s3cr3t-value"))
            }
            XCTAssertNoThrow(try offBlocks(offblocksLiveBaseUrl(), .credentials(credentials), dangerouslyAllowInApp: true))
            // The sandbox stays usable for development; an app's way is a token provider.
            XCTAssertNoThrow(try offBlocks(offblocksSandboxBaseUrl(), .credentials(credentials)))
            XCTAssertNoThrow(try offBlocks(offblocksLiveBaseUrl(), .provider { AccessToken(token: "t", expiresAt: Date(), tokenType: "Bearer") }))
            XCTAssertNoThrow(try offBlocks(offblocksLiveBaseUrl(), .fixed("t")))
        }
    }
}
