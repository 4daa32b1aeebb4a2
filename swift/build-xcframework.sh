#!/usr/bin/env bash
# Apple only (macOS with Xcode and rustup): builds ClienteleFFI.xcframework next to Package.swift
# and copies the generated Swift sources into the package, so `swift/` can be added to an Xcode
# project or published as a Swift package. NOT run by tests/run: this machine has no Xcode;
# the same package layout is built and tested on Linux by swift/test.sh.
#
# Slices: iOS devices (arm64), the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64),
# each the static library libclientele_ffi.a with ClienteleFFI.h, ClienteleCoreFFI.h and a
# module map for the C module `ClienteleFFI`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for target in "${targets[@]}"; do
  # The library alone: the bindings generator is a host tool and is not built for iOS.
  cargo build --release -p clientele-ffi --lib --target "$target"
done

# Bindings from the host build (the interface is the same on every target).
bindings-uniffi/generate.sh --release

work=target/xcframework
rm -rf "$work" swift/ClienteleFFI.xcframework
mkdir -p "$work/headers" "$work/ios-simulator" "$work/macos"
cp target/uniffi/swift/ClienteleFFI.h target/uniffi/swift/ClienteleCoreFFI.h target/uniffi/swift/module.modulemap "$work/headers/"
lipo -create target/aarch64-apple-ios-sim/release/libclientele_ffi.a target/x86_64-apple-ios/release/libclientele_ffi.a \
  -output "$work/ios-simulator/libclientele_ffi.a"
lipo -create target/aarch64-apple-darwin/release/libclientele_ffi.a target/x86_64-apple-darwin/release/libclientele_ffi.a \
  -output "$work/macos/libclientele_ffi.a"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libclientele_ffi.a -headers "$work/headers" \
  -library "$work/ios-simulator/libclientele_ffi.a" -headers "$work/headers" \
  -library "$work/macos/libclientele_ffi.a" -headers "$work/headers" \
  -output swift/ClienteleFFI.xcframework

mkdir -p swift/Sources/Clientele/Generated
cp target/uniffi/swift/Clientele.swift target/uniffi/swift/ClienteleCore.swift swift/Sources/Clientele/Generated/
echo "swift/ClienteleFFI.xcframework is ready; Package.swift now links it (swift build / Xcode)."
