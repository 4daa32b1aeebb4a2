// swift-tools-version:5.9
// The Swift package `Clientele`: the uniffi bindings of clientele-ffi (generated, never committed)
// and the hand-written host layer (BlocClient, OffBlocksClient, transports, webhooks).
//
// Two ways to link the Rust library:
// - Apple platforms: put `ClienteleFFI.xcframework` (swift/build-xcframework.sh, macOS only) next
//   to this file; it carries the static library for every slice, the C headers and the module map.
// - Linux (and a plain macOS build): `Sources/ClienteleFFI` holds the headers and module map, and
//   the shared library `libclientele_ffi` is found through `-L` (see swift/test.sh).
//
// Generated sources are copied into Sources/Clientele/Generated and Sources/ClienteleFFI by
// swift/test.sh (or swift/build-xcframework.sh) from bindings-uniffi/generate.sh's output.
import Foundation
import PackageDescription

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let useXCFramework = FileManager.default.fileExists(
    atPath: here.appendingPathComponent("ClienteleFFI.xcframework").path)

let ffi: Target = useXCFramework
    ? .binaryTarget(name: "ClienteleFFI", path: "ClienteleFFI.xcframework")
    : .systemLibrary(name: "ClienteleFFI", path: "Sources/ClienteleFFI")

let package = Package(
    name: "Clientele",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Clientele", targets: ["Clientele"])
    ],
    targets: [
        ffi,
        .target(
            name: "Clientele",
            dependencies: ["ClienteleFFI"],
            linkerSettings: useXCFramework ? [] : [.linkedLibrary("clientele_ffi")]
        ),
        .testTarget(name: "ClienteleTests", dependencies: ["Clientele"]),
    ]
)
