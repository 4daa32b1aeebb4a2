// swift-tools-version:5.9
// A Linux consumer of the Swift release package (tests/consumers/swift/run.sh): it depends on the
// package as unpacked from clientele-swift-<version>.tar.gz, by local path, exactly as an app
// depends on a package, and runs its tests against it. run.sh puts the release package beside
// this one (../Clientele) and the native library on the linker's search path.
import PackageDescription

let package = Package(
    name: "ClienteleConsumer",
    dependencies: [
        .package(path: "../Clientele")
    ],
    targets: [
        .testTarget(
            name: "ClienteleConsumerTests",
            dependencies: [.product(name: "Clientele", package: "Clientele")]
        )
    ]
)
