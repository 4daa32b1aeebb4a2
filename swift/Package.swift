// swift-tools-version:5.9
// The Swift package `Clientele` as developed and tested here: the uniffi bindings of clientele-ffi
// (generated, never committed) and the hand-written host layer (BlocClient, OffBlocksClient,
// transports, webhooks), with its XCTest suite.
//
// swift/test.sh assembles it under target/swift/Clientele (this file, Sources, Tests, and the
// generated files from bindings-uniffi/generate.sh: Sources/Clientele/Generated and the C module
// in Sources/ClienteleFFI) and links the shared library libclientele_ffi through `-L`.
//
// Apps use the release form instead (swift/package.sh writes it to target/swift-release): the
// same sources with the Rust library as ClienteleFFI.xcframework, a binaryTarget with url and
// checksum (see README.md, "Installing the Swift package").
import PackageDescription

let package = Package(
    name: "Clientele",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Clientele", targets: ["Clientele"])
    ],
    targets: [
        .systemLibrary(name: "ClienteleFFI", path: "Sources/ClienteleFFI"),
        .target(
            name: "Clientele",
            dependencies: ["ClienteleFFI"],
            linkerSettings: [.linkedLibrary("clientele_ffi")]
        ),
        .testTarget(name: "ClienteleTests", dependencies: ["Clientele"]),
    ]
)
