#!/usr/bin/env bash
# The Kotlin suite: builds the native library, generates the Kotlin bindings, compiles the host
# layer (kotlin/src/main), its JUnit 5 tests (kotlin/src/test) and the README's Kotlin quickstart,
# runs them on the JVM (SandboxE2ETest against the local provider sandbox, tests/sandbox, which
# this script starts and stops: tests/e2e/sandbox.sh), then checks that the packaged jar loads its
# bundled native library.
#
# Tools (toolchain.md recipes), installed once and cached OUTSIDE the repository:
#   - the Kotlin compiler: npm package `kotlin-compiler`, pinned in kotlin/toolchain/package*.json,
#     in $CLIENTELE_CACHE/kotlinc-<version> (default cache: /var/cache/clientele, else
#     ~/.cache/clientele);
#   - JNA and JUnit 5: Debian packages libjna-java and junit5 (/usr/share/java).
#
# Last line: "kotlin: N passed, N failed", or "kotlin: SKIPPED (reason)" when a tool cannot be had.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

skip() {
  echo "kotlin: SKIPPED ($1)"
  exit 0
}
fail() {
  echo "$1" >&2
  echo "kotlin: 0 passed, 1 failed"
  exit 1
}

cache=${CLIENTELE_CACHE:-/var/cache/clientele}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache="${XDG_CACHE_HOME:-$HOME/.cache}/clientele"
mkdir -p "$cache" || skip "no writable cache directory"

command -v java >/dev/null || skip "java is not installed"
command -v npm >/dev/null || skip "npm is not installed (the Kotlin compiler comes from npm)"

# --- the Kotlin compiler (npm, pinned) --------------------------------------------------------
version=$(sed -n 's/.*"kotlin-compiler": *"\([^"]*\)".*/\1/p' kotlin/toolchain/package.json)
kotlin_home="$cache/kotlinc-$version/node_modules/kotlin-compiler"
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
  echo "installing kotlin-compiler $version into $cache/kotlinc-$version"
  mkdir -p "$cache/kotlinc-$version"
  cp kotlin/toolchain/package.json kotlin/toolchain/package-lock.json "$cache/kotlinc-$version/"
  (cd "$cache/kotlinc-$version" && npm ci --no-audit --no-fund --loglevel=error) \
    || skip "could not install kotlin-compiler $version from npm"
fi

# --- JNA and JUnit 5 (Debian) ----------------------------------------------------------------
java_dir=/usr/share/java
if [ ! -f "$java_dir/jna.jar" ] || [ ! -f "$java_dir/junit-platform-console-standalone.jar" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing libjna-java and junit5"
    apt-get install -y --no-install-recommends libjna-java junit5 >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends libjna-java junit5 >/dev/null 2>&1; }
  fi
  [ -f "$java_dir/jna.jar" ] && [ -f "$java_dir/junit-platform-console-standalone.jar" ] \
    || skip "JNA and JUnit 5 are missing (apt-get install libjna-java junit5)"
fi

# --- bindings ---------------------------------------------------------------------------------
bindings-uniffi/generate.sh >/dev/null || fail "generating the bindings failed"
kotlin/patch-bindings.sh >/dev/null || fail "patching the bindings' native library lookup failed"

out=target/kotlin
rm -rf "$out/classes" "$out/quickstart"
mkdir -p "$out/classes" "$out/quickstart"

# The README's Kotlin quickstart, exactly as printed there, compiled and run by QuickstartTest.
{
  echo "package io.clientele.quickstart"
  echo
  awk '/<!-- quickstart:kotlin -->/ {found=1; next} found && /^```kotlin/ {copy=1; next} copy && /^```/ {exit} copy {print}' README.md
} >"$out/quickstart/Quickstart.kt"
grep -q "fun blocQuickstart" "$out/quickstart/Quickstart.kt" || fail "README.md has no Kotlin quickstart block"

lib="$kotlin_home/lib"
compile_cp="$java_dir/jna.jar:$lib/kotlinx-coroutines-core-jvm.jar:$lib/kotlin-test.jar:$lib/kotlin-test-junit5.jar"
compile_cp="$compile_cp:$java_dir/junit-jupiter-api.jar:$java_dir/apiguardian-api.jar:$java_dir/opentest4j.jar"
echo "compiling the Kotlin bindings, host layer and tests"
start=$(date +%s)
"$kotlin_home/bin/kotlinc" -jvm-target 17 -nowarn -cp "$compile_cp" \
  $(find target/uniffi/kotlin -name '*.kt') kotlin/src/main/kotlin/io/clientele/*.kt \
  kotlin/src/test/kotlin/io/clientele/*.kt "$out/quickstart/Quickstart.kt" \
  -d "$out/classes" 2>&1 | grep -v '^warning' || true
[ -f "$out/classes/io/clientele/BlocClient.class" ] || fail "kotlinc failed"
echo "compiled in $(($(date +%s) - start)) s"

# --- the local provider sandbox for the end-to-end tests (SandboxE2ETest) ----------------------
source tests/e2e/sandbox.sh
trap e2e_stop EXIT
e2e_start "$out" || fail "the end-to-end tests need the sandbox, which did not start"

run_cp="$out/classes:$lib/kotlin-stdlib.jar:$lib/kotlinx-coroutines-core-jvm.jar:$lib/kotlin-test.jar"
run_cp="$run_cp:$lib/kotlin-test-junit5.jar:$java_dir/jna.jar"
java -Djna.library.path="$root/target/debug" -Dclientele.fixtures="$root/tests/fixtures" \
  -jar "$java_dir/junit-platform-console-standalone.jar" \
  --class-path "$run_cp" --select-package io.clientele --fail-if-no-tests --disable-banner \
  --details=tree --disable-ansi-colors >"$out/junit.log" 2>&1
status=$?
e2e_stop
grep -E '✘|\[X\]|=>' "$out/junit.log" | head -60
tail -n 16 "$out/junit.log" | grep -E 'tests (successful|failed|found)'
passed=$(sed -n 's/.*\[ *\([0-9]*\) tests successful.*/\1/p' "$out/junit.log" | tail -n 1)
failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed.*/\1/p' "$out/junit.log" | tail -n 1)
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  tail -n 30 "$out/junit.log"
  failed=1
fi

# --- the packaged jar loads the native library it bundles (no -Djna.library.path) -------------
if kotlin/package.sh --debug >"$out/package.log" 2>&1 \
  && java -cp "$(cat "$out/package.classpath")" io.clientele.Smoke >"$out/smoke.log" 2>&1 \
  && grep -q "clientele core $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)" "$out/smoke.log"; then
  echo "ok    the packaged jar loads its bundled native library"
  passed=$((passed + 1))
else
  echo "FAIL  the packaged jar loads its bundled native library"
  tail -n 20 "$out/package.log" "$out/smoke.log" 2>/dev/null
  failed=$((failed + 1))
fi

echo "kotlin: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
