#!/usr/bin/env bash
# The Swift suite: builds the native library, generates the Swift bindings, assembles the SwiftPM
# package `Clientele` (swift/ plus the generated files) under target/swift/Clientele, and builds
# and runs its XCTest suite (shared fixtures, every error path against a loopback server, the
# README's Swift quickstart extracted verbatim, and SandboxE2ETests against the local provider
# sandbox, tests/sandbox, which this script starts on the host and stops: tests/e2e/sandbox.sh).
#
# Swift 6 comes from Debian trixie's `swiftlang`, in a separate root made by mmdebstrap and
# cached OUTSIDE the repository (swift/swift-root.sh); the host's libc is never touched. Needs
# root (chroot and mounts).
#
# Last line: "swift: N passed, N failed", or "swift: SKIPPED (reason)".
set -uo pipefail
cd "$(dirname "$0")/.."
root_dir=$PWD

skip() {
  echo "swift: SKIPPED ($1)"
  exit 0
}
fail() {
  echo "$1" >&2
  echo "swift: 0 passed, 1 failed"
  exit 1
}

# --- the Swift root (Debian trixie swiftlang via mmdebstrap) -----------------------------------
source swift/swift-root.sh
swift_root_ensure

# --- bindings and the assembled package -------------------------------------------------------
bindings-uniffi/generate.sh >/dev/null || fail "generating the bindings failed"

pkg=target/swift/Clientele
mkdir -p "$pkg"
# Copies a file only when its content changed, so SwiftPM's incremental build stays incremental.
put() { # src dst
  mkdir -p "$(dirname "$2")"
  cmp -s "$1" "$2" || cp "$1" "$2"
}
wanted=$(mktemp)
trap 'rm -f "$wanted"' EXIT
(cd swift && find Package.swift Sources Tests -type f ! -name README.md) | while read -r f; do
  put "swift/$f" "$pkg/$f"
  echo "$pkg/$f" >>"$wanted"
done
for f in Clientele.swift ClienteleCore.swift; do
  put "target/uniffi/swift/$f" "$pkg/Sources/Clientele/Generated/$f"
  echo "$pkg/Sources/Clientele/Generated/$f" >>"$wanted"
done
for f in ClienteleFFI.h ClienteleCoreFFI.h module.modulemap; do
  put "target/uniffi/swift/$f" "$pkg/Sources/ClienteleFFI/$f"
  echo "$pkg/Sources/ClienteleFFI/$f" >>"$wanted"
done
# The README's Swift quickstart, exactly as printed there, compiled into the tests.
quickstart=$(mktemp)
{
  echo "// Extracted from README.md by swift/test.sh; do not edit."
  awk '/<!-- quickstart:swift -->/ {found=1; next} found && /^```swift/ {copy=1; next} copy && /^```/ {exit} copy {print}' README.md
} >"$quickstart"
grep -q "func blocQuickstart" "$quickstart" || fail "README.md has no Swift quickstart block"
put "$quickstart" "$pkg/Tests/ClienteleTests/Quickstart.swift"
rm -f "$quickstart"
echo "$pkg/Tests/ClienteleTests/Quickstart.swift" >>"$wanted"
# Drop files that are no longer part of the package.
find "$pkg/Package.swift" "$pkg/Sources" "$pkg/Tests" -type f | grep -vxF -f "$wanted" | xargs -r rm -f

# --- build and test inside the trixie root -----------------------------------------------------
source tests/e2e/sandbox.sh
cleanup() {
  e2e_stop
  swift_root_leave
  rm -f "$wanted"
}
trap cleanup EXIT
swift_root_enter
mnt=clientele
swift_bind "$root_dir/$pkg" "$mnt/package" || skip "bind-mounting the package was refused"
swift_bind "$root_dir/target/debug" "$mnt/rustlib" || skip "bind-mounting the library was refused"
swift_bind "$root_dir/tests/fixtures" "$mnt/fixtures" || skip "bind-mounting the fixtures was refused"

log="$root_dir/target/swift/xctest.log"
start=$(date +%s)
build_log="$root_dir/target/swift/build.log"
# The compiler also writes each module's symbol graph (its public API): OperationListTests checks
# the module Clientele against tests/fixtures/operations.json with it.
graphs=/clientele/package/.build/symbol-graphs
mkdir -p "$pkg/.build/symbol-graphs"
swift_run /bin/sh -c '
  cd /clientele/package &&
  swift build --build-tests -Xlinker -L/clientele/rustlib -Xlinker -rpath -Xlinker /clientele/rustlib \
    -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc '"$graphs"'
' >"$build_log" 2>&1
build_status=$?
grep -E "error:" "$build_log" | sort -u | head -n 40
echo "swift build: $(($(date +%s) - start)) s, $(grep -E "warning:" "$build_log" | sort -u | wc -l) distinct warnings (target/swift/build.log)"
# A failed build must not run the previous build's tests.
[ "$build_status" -eq 0 ] || fail "the Swift package did not build (target/swift/build.log)"
# The end-to-end tests (SandboxE2ETests) reach the sandbox on the host: loopback is shared.
e2e_start "$root_dir/target/swift" || fail "the end-to-end tests need the sandbox, which did not start"
# SWIFT_TEST_FILTER (a regular expression of test names) runs only some tests, while working.
swift_run /usr/bin/env CLIENTELE_FIXTURES=/clientele/fixtures CLIENTELE_SYMBOL_GRAPH="$graphs" \
  CLIENTELE_SANDBOX="$CLIENTELE_SANDBOX" CLIENTELE_WALLET_URL="$CLIENTELE_WALLET_URL" \
  SWIFT_TEST_FILTER="${SWIFT_TEST_FILTER:-}" /bin/sh -c \
  'cd /clientele/package && swift test --skip-build --disable-swift-testing ${SWIFT_TEST_FILTER:+--filter "$SWIFT_TEST_FILTER"}' >"$log" 2>&1
status=$?
e2e_stop
grep -E "error:|failed \(|XCTAssert" "$log" | head -n 60
summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1)
echo "${summary:-no XCTest summary}"
total=$(echo "$summary" | sed -n 's/.*Executed \([0-9]*\) test.*/\1/p')
failed=$(echo "$summary" | sed -n 's/.*with \([0-9]*\) failure.*/\1/p')
total=${total:-0}
failed=${failed:-0}
# XCTest counts failed assertions; count failed test cases instead.
failed_cases=$(grep -cE "^Test Case .* failed \(" "$log")
passed=$((total - failed_cases))
if [ "$status" -ne 0 ] && [ "$failed_cases" -eq 0 ]; then
  tail -n 40 "$log"
  failed_cases=1
fi
echo "swift: $passed passed, $failed_cases failed"
[ "$failed_cases" -eq 0 ]
