#!/usr/bin/env bash
# Builds the Swift release form of Clientele into target/swift-release/ (never committed):
#
#   ClienteleFFI.xcframework.zip         the Rust library as static libraries for iOS devices
#                                        (arm64), the iOS simulator (arm64 + x86_64) and macOS
#                                        (arm64 + x86_64), with the C headers and module map
#   ClienteleFFI.xcframework.zip.sha256  its SwiftPM checksum (the SHA-256 of the zip, which is
#                                        what `swift package compute-checksum` prints)
#   Clientele/                           the release package: Package.swift (the XCFramework as a
#                                        binaryTarget with url + checksum on Apple platforms), the
#                                        Swift layer and the generated bindings
#   clientele-swift-<version>.tar.gz     the same package tree, packed (what is pushed to the
#                                        package's git repository and tagged <version>)
#   apple-build.txt                      how each slice was built, and how long it took
#
# Everything is built on Linux: Rust's Apple targets build pure-Rust STATIC libraries without
# Apple's SDK or linker (a dylib would need both), and llvm-lipo (LLVM's lipo) merges the
# universal slices. Nothing here runs the libraries: that needs an Apple device, a simulator or
# a Mac, and is NOT proven here (swift/check-xcframework.py checks the structure; the Linux
# consumer in tests/consumers/swift uses the release package's Linux form).
#
# The zip's URL: $CLIENTELE_XCFRAMEWORK_URL, else the GitHub release asset of the workspace's
# `repository` (Cargo.toml): <repository>/releases/download/<version>/ClienteleFFI.xcframework.zip.
#
# Exit status 0 when built; 3 with "package.sh: cannot build here: <reason>" when a tool or a
# Rust target cannot be had on this machine; 1 on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$PWD

cannot() {
  echo "package.sh: cannot build here: $1" >&2
  exit 3
}

# The package's minimum platforms, used for the manifest AND as the libraries' deployment targets
# (each object's LC_BUILD_VERSION minos; swift/check-xcframework.py checks that they agree).
ios_min=15.0
macos_min=12.0
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
out=target/swift-release
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
repository=$(sed -n '/^\[workspace.package\]/,/^\[/s/^repository = "\(.*\)"/\1/p' Cargo.toml)
url=${CLIENTELE_XCFRAMEWORK_URL:-}
if [ -z "$url" ]; then
  [ -n "$repository" ] || { echo "no repository in Cargo.toml: set CLIENTELE_XCFRAMEWORK_URL" >&2; exit 1; }
  url="$repository/releases/download/$version/ClienteleFFI.xcframework.zip"
fi
case "$url" in https://*) ;; *) echo "SwiftPM downloads binary targets over https only: $url" >&2; exit 1 ;; esac

# --- tools -------------------------------------------------------------------------------------
command -v python3 >/dev/null || cannot "python3 is not installed (it writes the zip)"
command -v rustup >/dev/null || cannot "rustup is not installed (it adds the Apple targets)"
# llvm-lipo (and llvm-objdump, llvm-nm for the checks): Debian's LLVM packages; the Rust
# toolchain's llvm-tools component has no lipo. Debian's llvm-lipo (14 and 19 alike) merges
# archives but cannot read rustc's embedded LLVM 22 bitcode, which is removed first (below).
find_llvm() { # tool: prints the path of the newest llvm-<tool>-N, else llvm-<tool>
  local found
  found=$(compgen -c "llvm-$1-" | grep -E "^llvm-$1-[0-9]+$" | sort -t- -k3 -n | tail -n 1)
  [ -n "$found" ] || found=$(command -v "llvm-$1" || true)
  [ -n "$found" ] && command -v "$found"
}
if ! find_llvm lipo >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's llvm (llvm-lipo)"
  apt-get install -y --no-install-recommends llvm >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends llvm >/dev/null 2>&1; } || true
fi
lipo=$(find_llvm lipo) || cannot "llvm-lipo was not found and could not be installed (Debian: llvm)"
# llvm-objcopy of the Rust toolchain itself (rust-objcopy: the LLVM that wrote the objects).
sysroot=$(rustc --print sysroot)
objcopy="$sysroot/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/rust-objcopy"
[ -x "$objcopy" ] || cannot "the Rust toolchain has no rust-objcopy ($objcopy)"
objcopy() { LD_LIBRARY_PATH="$sysroot/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$objcopy" "$@"; }

# --- the Rust targets ----------------------------------------------------------------------------
# A target's prebuilt standard library comes from rustup. The Rust distribution server this
# machine reaches has none for aarch64-apple-ios-sim and x86_64-apple-ios (404 for rustc 1.95):
# a target whose standard library cannot be added is built with the standard library compiled
# from its source (the rust-src component, cargo's -Zbuild-std), by the same rustc.
installed=$(rustup target list --installed)
declare -A build_std=()
for target in "${targets[@]}"; do
  grep -qx "$target" <<<"$installed" && continue
  if rustup target add "$target" >/dev/null 2>&1; then continue; fi
  build_std[$target]=1
done
if [ "${#build_std[@]}" -gt 0 ] && ! rustup component list --installed | grep -q '^rust-src'; then
  rustup component add rust-src >/dev/null 2>&1 \
    || cannot "no prebuilt standard library for ${!build_std[*]}, and no rust-src to build one"
fi

# --- the static libraries --------------------------------------------------------------------------
# One cargo invocation per target. `cargo rustc --crate-type staticlib` overrides the crate types
# (clientele-ffi declares cdylib + staticlib + lib) but takes ONE compile target: with several
# --target flags cargo answers "crate types to rustc can only be passed to one target". And
# `cargo build --target A --target B` would also link the cdylib, which needs Apple's linker and
# SDK; Cargo has no profile or config setting that changes a crate type. So the five builds run
# one after another, in one target directory, sharing the host-side build scripts and proc macros.
#
# The release profile is the workspace's (opt-level "z", fat LTO, one codegen unit: tuned for
# size). --no-default-features leaves out uniffi's generator (the `bindgen` feature), which only
# the uniffi-bindgen binary uses. RUSTC_BOOTSTRAP=1 unlocks -Zbuild-std (unstable) for the slices
# that need it; it is set for all five alike, so every build sees the same environment. The
# deployment targets are the package's minimum platforms.
#
# The paths of this checkout, of cargo's registry and of the Rust toolchain are mapped to fixed
# names (--remap-path-prefix; they end up in panic locations and in the crates' metadata, which
# LTO reads), so the libraries, and the zip's checksum, do not depend on where or by whom they
# are built: a clone at another path gave the same bytes.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
# Passed as CARGO_ENCODED_RUSTFLAGS (one flag per 0x1f-separated field, so a path may hold spaces);
# with --target they reach the target's crates only, not the host's build scripts and macros.
remap=$(printf '%s\x1f' "--remap-path-prefix=$root_dir=/clientele" "--remap-path-prefix=$cargo_home=/cargo" \
  "--remap-path-prefix=$sysroot=/rust")
remap=${remap%$'\x1f'}
mkdir -p "$out"
report="$out/apple-build.txt"
: >"$report"
started=$(date +%s)
for target in "${targets[@]}"; do
  std_flags=()
  how="prebuilt standard library (rustup)"
  if [ -n "${build_std[$target]:-}" ]; then
    std_flags=(-Zbuild-std=std,panic_unwind)
    how="standard library built from rust-src (-Zbuild-std)"
  fi
  t0=$(date +%s)
  log="$out/build-$target.log"
  if ! env RUSTC_BOOTSTRAP=1 IPHONEOS_DEPLOYMENT_TARGET="$ios_min" MACOSX_DEPLOYMENT_TARGET="$macos_min" \
    CARGO_ENCODED_RUSTFLAGS="$remap" cargo rustc -p clientele-ffi --lib --release --no-default-features --target "$target" "${std_flags[@]}" \
    --crate-type staticlib -- --print native-static-libs </dev/null >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "building the static library for $target failed ($log)" >&2
    exit 1
  fi
  native=$(sed -n 's/.*native-static-libs: //p' "$log" | tail -n 1)
  # The release manifest links libiconv; libSystem (-lSystem -lc -lm) comes with every Apple
  # binary. Anything else would have to be added there. (cargo replays rustc's note when the
  # library is already built.)
  for flag in $native; do
    case "$flag" in -lSystem | -lc | -lm | -liconv) ;; *)
      echo "$target: the library also needs $flag; add it to swift/release/Package.swift.in" >&2
      exit 1
      ;;
    esac
  done
  lib="target/$target/release/libclientele_ffi.a"
  echo "$target: $(($(date +%s) - t0)) s, $(stat -c %s "$lib") bytes, $how; links: ${native:-(not printed: cached)}" | tee -a "$report"
done
echo "Apple static libraries: $(($(date +%s) - started)) s in all" | tee -a "$report"

# Embedded bitcode out: rustc's prebuilt standard library (and -Zbuild-std's) carries LLVM
# bitcode in its compiler_builtins objects (__LLVM,__bitcode and __LLVM,__cmdline), for LTO in
# Rust builds. Apple's toolchains stopped using bitcode (Xcode 14), Debian's llvm-lipo cannot read
# LLVM 22's, and it is about a fifth of the library; the machine code stays as it is.
mkdir -p "$out/libs"
for target in "${targets[@]}"; do
  mkdir -p "$out/libs/$target"
  objcopy --remove-section=__LLVM,__bitcode --remove-section=__LLVM,__cmdline \
    "target/$target/release/libclientele_ffi.a" "$out/libs/$target/libclientele_ffi.a"
done

# --- the bindings (the interface is the same on every target) ------------------------------------
bindings-uniffi/generate.sh >"$out/generate.log" 2>&1 || { tail -n 30 "$out/generate.log" >&2; exit 1; }

# --- ClienteleFFI.xcframework --------------------------------------------------------------------------
xc="$out/ClienteleFFI.xcframework"
rm -rf "$xc" "$out/ClienteleFFI.xcframework.zip"
slice() { # identifier library...
  local dir="$xc/$1"
  shift
  mkdir -p "$dir/Headers"
  if [ $# -eq 1 ]; then
    cp "$1" "$dir/libclientele_ffi.a"
  else
    "$lipo" -create "$@" -output "$dir/libclientele_ffi.a"
  fi
  cp target/uniffi/swift/ClienteleFFI.h target/uniffi/swift/ClienteleCoreFFI.h target/uniffi/swift/module.modulemap "$dir/Headers/"
}
lib() { echo "$out/libs/$1/libclientele_ffi.a"; }
slice ios-arm64 "$(lib aarch64-apple-ios)"
slice ios-arm64_x86_64-simulator "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)"
slice macos-arm64_x86_64 "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)"

# Info.plist as `xcodebuild -create-xcframework` writes it (keys in order).
library_entry() { # identifier platform variant arch...
  local id=$1 platform=$2 variant=$3
  shift 3
  printf '\t\t<dict>\n'
  printf '\t\t\t<key>BinaryPath</key>\n\t\t\t<string>libclientele_ffi.a</string>\n'
  printf '\t\t\t<key>HeadersPath</key>\n\t\t\t<string>Headers</string>\n'
  printf '\t\t\t<key>LibraryIdentifier</key>\n\t\t\t<string>%s</string>\n' "$id"
  printf '\t\t\t<key>LibraryPath</key>\n\t\t\t<string>libclientele_ffi.a</string>\n'
  printf '\t\t\t<key>SupportedArchitectures</key>\n\t\t\t<array>\n'
  local arch
  for arch in "$@"; do printf '\t\t\t\t<string>%s</string>\n' "$arch"; done
  printf '\t\t\t</array>\n'
  printf '\t\t\t<key>SupportedPlatform</key>\n\t\t\t<string>%s</string>\n' "$platform"
  [ -z "$variant" ] || printf '\t\t\t<key>SupportedPlatformVariant</key>\n\t\t\t<string>%s</string>\n' "$variant"
  printf '\t\t</dict>\n'
}
{
  printf '<?xml version="1.0" encoding="UTF-8"?>\n'
  printf '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
  printf '<plist version="1.0">\n<dict>\n\t<key>AvailableLibraries</key>\n\t<array>\n'
  library_entry ios-arm64 ios "" arm64
  library_entry ios-arm64_x86_64-simulator ios simulator arm64 x86_64
  library_entry macos-arm64_x86_64 macos "" arm64 x86_64
  printf '\t</array>\n\t<key>CFBundlePackageType</key>\n\t<string>XFWK</string>\n'
  printf '\t<key>XCFrameworkFormatVersion</key>\n\t<string>1.0</string>\n</dict>\n</plist>\n'
} >"$xc/Info.plist"

# A deterministic zip: entries in name order, fixed dates and modes, no extra fields, so the same
# libraries always give the same checksum.
swift/deterministic-zip.py "$out" ClienteleFFI.xcframework "$out/ClienteleFFI.xcframework.zip"
checksum=$(sha256sum "$out/ClienteleFFI.xcframework.zip" | cut -d' ' -f1)
echo "$checksum" >"$out/ClienteleFFI.xcframework.zip.sha256"

# --- the release package --------------------------------------------------------------------------
pkg="$out/Clientele"
rm -rf "$pkg"
mkdir -p "$pkg/Sources/Clientele/Generated" "$pkg/Sources/ClienteleFFI"
cp swift/Sources/Clientele/*.swift "$pkg/Sources/Clientele/"
cp target/uniffi/swift/Clientele.swift target/uniffi/swift/ClienteleCore.swift "$pkg/Sources/Clientele/Generated/"
cp target/uniffi/swift/ClienteleFFI.h target/uniffi/swift/ClienteleCoreFFI.h target/uniffi/swift/module.modulemap \
  "$pkg/Sources/ClienteleFFI/"
[ ! -f LICENSE ] || cp LICENSE "$pkg/LICENSE"
sed -e "s|@VERSION@|$version|g" -e "s|@URL@|$url|g" -e "s|@CHECKSUM@|$checksum|g" \
  -e "s|@IOS_MIN@|$ios_min|g" -e "s|@MACOS_MIN@|$macos_min|g" \
  swift/release/Package.swift.in >"$pkg/Package.swift"
cp swift/release/README.md "$pkg/README.md"
tarball="$out/clientele-swift-$version.tar.gz"
tar --sort=name --mtime=@315532800 --owner=0 --group=0 --numeric-owner --mode='u+rw,go+r,go-w' \
  -C "$out" -cf - Clientele | gzip -n -9 >"$tarball"

echo "built $out: ClienteleFFI.xcframework.zip ($(stat -c %s "$out/ClienteleFFI.xcframework.zip") bytes," \
  "checksum $checksum), Clientele/, $(basename "$tarball")"
echo "binaryTarget url: $url"
