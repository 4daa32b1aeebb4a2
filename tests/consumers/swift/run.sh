#!/usr/bin/env bash
# The swift-package suite: the Swift release form, PACKED, checked and used as a user gets it.
#
# 1. swift/package.sh builds the Apple static libraries (5 targets), ClienteleFFI.xcframework.zip
#    with its SwiftPM checksum, and the release package, packed as clientele-swift-<version>.tar.gz.
# 2. The tarball is unpacked into target/swift-consumer/ (the packed files only, never swift/ or
#    target/uniffi), and swift/check-xcframework.py checks the zip against it: layout, Info.plist,
#    every slice's architectures and every object's platform and minimum OS, the symbols the
#    headers declare, the headers and module map, the manifest's url and checksum.
# 3. In the Swift root (swift/swift-root.sh): `swift package compute-checksum` of the zip must be
#    the checksum the manifest carries; then the consumer package in this folder, which depends
#    on the unpacked release package by local path, is built and its tests run: validation, a
#    customer page, a signed OffBlocks request, a Bloc webhook and a customer created through the
#    local sandbox (tests/e2e/sandbox.sh starts it).
#
# On Linux an XCFramework cannot be linked (SwiftPM supports binary targets on Apple platforms
# only), so the consumer builds the manifest's Linux form: the same headers and module map as a
# system library, linked with the host's static libclientele_ffi.a (built by
# bindings-uniffi/generate.sh) from the linker's search path. Running the XCFramework on iOS or
# macOS is NOT proven here: no Apple device, simulator or Mac.
#
# Prints one line per check, then "swift-package: N passed, N failed"; a part that cannot run
# here is "swift-package/<part>: SKIPPED (reason)" (never counted as passed: without the Swift
# root, step 3), and the whole suite is "swift-package: SKIPPED (reason)" when nothing can run.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root_dir=$PWD
name=swift-package
out=target/swift-release
work=target/swift-consumer
passed=0
failed=0
skipped=()
suite_start=$(date +%s)

skip() {
  if [ $((passed + failed)) -eq 0 ]; then
    echo "$name: SKIPPED ($1)"
    exit 0
  fi
  skipped+=("$name/swift-root: SKIPPED ($1; so no compute-checksum, ld64.lld links or Linux consumer)")
  finish
}
finish() {
  local line
  for line in "${skipped[@]}"; do echo "$line"; done
  echo "$name: $(($(date +%s) - suite_start)) s"
  echo "$name: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
ok() {
  echo "ok    $1"
  passed=$((passed + 1))
}
not_ok() {
  echo "FAIL  $1"
  failed=$((failed + 1))
}

# --- 1. build and pack --------------------------------------------------------------------------
mkdir -p "$work"
t0=$(date +%s)
swift/package.sh >"$work/package.log" 2>&1
status=$?
if [ "$status" -eq 3 ]; then
  skip "$(sed -n 's/^package.sh: cannot build here: //p' "$work/package.log" | tail -n 1)"
elif [ "$status" -ne 0 ]; then
  tail -n 40 "$work/package.log"
  not_ok "swift/package.sh builds the release form"
  finish
fi
cat "$out/apple-build.txt"
ok "swift/package.sh: 5 Apple static libraries, the XCFramework zip and the release package ($(($(date +%s) - t0)) s)"
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
zip="$out/ClienteleFFI.xcframework.zip"
tarball="$out/clientele-swift-$version.tar.gz"
checksum=$(cat "$out/ClienteleFFI.xcframework.zip.sha256")

# --- 2. unpack and check the packed artifacts ---------------------------------------------------------
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xzf "$tarball" -C "$unpacked" || { not_ok "$tarball unpacks"; finish; }
python3 swift/check-xcframework.py "$zip" "$unpacked/Clientele" >"$work/check.log" 2>&1
check_status=$?
grep -E '^(ok|FAIL) |^      ' "$work/check.log"
line=$(grep -oE '^[0-9]+ passed, [0-9]+ failed' "$work/check.log" | tail -n 1)
if [ -z "$line" ]; then
  tail -n 20 "$work/check.log"
  not_ok "swift/check-xcframework.py runs"
else
  passed=$((passed + $(echo "$line" | awk '{print $1}')))
  failed=$((failed + $(echo "$line" | awk '{print $3}')))
  [ "$check_status" -eq 0 ] || [ "$(echo "$line" | awk '{print $3}')" -gt 0 ] || not_ok "swift/check-xcframework.py exits 0"
fi

# The consumer's workspace: the release package exactly as unpacked, the consumer beside it, and
# the Linux library. A file is copied only when its content changed, so SwiftPM's incremental
# build stays incremental across runs.
sync_tree() { # src dst: dst becomes a copy of src (dst's .build kept)
  local src=$1 dst=$2 f
  mkdir -p "$dst"
  (cd "$src" && find . -type f) | while read -r f; do
    mkdir -p "$dst/$(dirname "$f")"
    cmp -s "$src/$f" "$dst/$f" || cp "$src/$f" "$dst/$f"
  done
  (cd "$dst" && find . -path ./.build -prune -o -type f -print) | while read -r f; do
    [ -f "$src/$f" ] || rm -f "$dst/$f"
  done
}
sync_tree "$unpacked/Clientele" "$work/Clientele"
sync_tree tests/consumers/swift "$work/ClienteleConsumer"
rm -f "$work/ClienteleConsumer/run.sh"
mkdir -p "$work/lib"
cmp -s target/debug/libclientele_ffi.a "$work/lib/libclientele_ffi.a" || cp target/debug/libclientele_ffi.a "$work/lib/"

# --- 3. in the Swift root --------------------------------------------------------------------------
source swift/swift-root.sh
source tests/e2e/sandbox.sh
cleanup() {
  e2e_stop
  swift_root_leave
  rm -rf "$unpacked"
}
trap cleanup EXIT
swift_root_ensure
swift_root_enter
mnt=clientele-consumer
swift_bind "$root_dir/$work" "$mnt/work" || skip "bind-mounting the consumer was refused"
swift_bind "$root_dir/tests/fixtures" "$mnt/fixtures" || skip "bind-mounting the fixtures was refused"
swift_bind "$root_dir/$out" "$mnt/release" || skip "bind-mounting the release was refused"

computed=$(swift_run /bin/sh -c "cd /tmp && swift package compute-checksum /$mnt/release/ClienteleFFI.xcframework.zip" 2>&1 | tail -n 1)
if [ "$computed" = "$checksum" ]; then
  ok "swift package compute-checksum of the zip = the checksum in Package.swift ($checksum)"
else
  not_ok "swift package compute-checksum of the zip: '$computed', Package.swift has $checksum"
fi

# Every slice and architecture of the unpacked zip links, for its own platform, with LLVM's
# Mach-O linker (ld64.lld of the Swift root) into a dylib: every object read, every relocation
# resolved, every object's platform matching (ld64.lld refuses another platform's objects).
# Without Apple's SDK, libSystem's symbols stay undefined (-undefined dynamic_lookup); none of
# the Rust or uniffi symbols may. This is as far as linking for Apple goes here.
link_dir="$work/link"
rm -rf "$link_dir"
mkdir -p "$link_dir"
python3 -m zipfile -e "$zip" "$link_dir"
lipo=$(compgen -c llvm-lipo | grep -E '^llvm-lipo(-[0-9]+)?$' | sort -V | tail -n 1)
nm=$(compgen -c llvm-nm | grep -E '^llvm-nm(-[0-9]+)?$' | sort -V | tail -n 1)
ios_min=$(sed -n 's/.*\.iOS("\([0-9.]*\)").*/\1/p' "$unpacked/Clientele/Package.swift")
macos_min=$(sed -n 's/.*\.macOS("\([0-9.]*\)").*/\1/p' "$unpacked/Clientele/Package.swift")
for spec in "ios-arm64 ios $ios_min arm64" "ios-arm64_x86_64-simulator ios-simulator $ios_min arm64 x86_64" \
  "macos-arm64_x86_64 macos $macos_min arm64 x86_64"; do
  read -r slice platform minimum archs <<<"$spec"
  for arch in $archs; do
    library="$link_dir/ClienteleFFI.xcframework/$slice/libclientele_ffi.a"
    thin="$link_dir/$slice-$arch.a"
    if [ "$slice" = ios-arm64 ]; then cp "$library" "$thin"; else "$lipo" -thin "$arch" "$library" -output "$thin"; fi
    what="$slice $arch: links with ld64.lld for $platform $minimum (-all_load into a dylib)"
    if ! swift_run /usr/libexec/swift/bin/ld64.lld -arch "$arch" -platform_version "$platform" "$minimum" "$minimum" \
      -dylib -o "/$mnt/work/link/$slice-$arch.dylib" -all_load "/$mnt/work/link/$slice-$arch.a" \
      -undefined dynamic_lookup >"$link_dir/$slice-$arch.log" 2>&1; then
      head -n 5 "$link_dir/$slice-$arch.log" | sed 's/^/      /'
      not_ok "$what"
      continue
    fi
    if ! undefined=$("$nm" -u "$link_dir/$slice-$arch.dylib") || [ -z "$undefined" ]; then
      not_ok "$what; llvm-nm could not list its undefined symbols"
      continue
    fi
    rust=$(grep -E '^(__ZN|__R|_uniffi_|_ffi_clientele)' <<<"$undefined" | head -n 5)
    if [ -n "$rust" ]; then
      not_ok "$what; Rust or uniffi symbols left undefined: $rust"
    else
      ok "$what; $(wc -l <<<"$undefined") symbols left undefined (libSystem's), none Rust or uniffi"
    fi
  done
done
# A slice of another platform is refused: the check above can fail.
if swift_run /usr/libexec/swift/bin/ld64.lld -arch arm64 -platform_version ios "$ios_min" "$ios_min" -dylib \
  -o "/$mnt/work/link/wrong.dylib" -all_load "/$mnt/work/link/macos-arm64_x86_64-arm64.a" \
  -undefined dynamic_lookup >"$link_dir/wrong.log" 2>&1 || ! grep -q "has platform macOS" "$link_dir/wrong.log"; then
  not_ok "ld64.lld refuses the macOS arm64 library for iOS (it did not)"
else
  ok "ld64.lld refuses the macOS arm64 library for iOS (has platform macOS, which is different from target platform iOS)"
fi

start=$(date +%s)
build_log="$root_dir/$work/build.log"
swift_run /bin/sh -c "cd /$mnt/work/ClienteleConsumer && swift build --build-tests -Xlinker -L/$mnt/work/lib" >"$build_log" 2>&1
build_status=$?
grep -E "error:" "$build_log" | sort -u | head -n 40
if [ "$build_status" -ne 0 ]; then
  tail -n 20 "$build_log"
  not_ok "the consumer builds against the unpacked release package ($work/build.log)"
  finish
fi
ok "the consumer builds against the unpacked release package, Linux form ($(($(date +%s) - start)) s)"

e2e_start "$root_dir/$work" >/dev/null || { not_ok "the local sandbox starts"; finish; }
log="$root_dir/$work/xctest.log"
swift_run /usr/bin/env CLIENTELE_FIXTURES="/$mnt/fixtures" CLIENTELE_SANDBOX="$CLIENTELE_SANDBOX" /bin/sh -c \
  "cd /$mnt/work/ClienteleConsumer && swift test --skip-build --disable-swift-testing" >"$log" 2>&1
test_status=$?
e2e_stop
grep -E "error:|failed \(|XCTAssert" "$log" | head -n 40
total=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 | sed -n 's/.*Executed \([0-9]*\) test.*/\1/p')
failed_cases=$(grep -cE "^Test Case .* failed \(" "$log")
# One line per test case: "ok    consumer: <test> (<seconds>)".
sed -nE "s/^Test Case '([^']*)' (passed|failed) \(([^)]*)\)\.?$/\2 \1 (\3)/p" "$log" \
  | sed -e 's/^passed /ok    consumer: /' -e 's/^failed /FAIL  consumer: /'
passed=$((passed + ${total:-0} - failed_cases))
failed=$((failed + failed_cases))
if [ "${total:-0}" -eq 0 ] || { [ "$test_status" -ne 0 ] && [ "$failed_cases" -eq 0 ]; }; then
  tail -n 30 "$log"
  not_ok "the consumer's tests ran ($work/xctest.log)"
fi
finish
