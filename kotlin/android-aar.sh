#!/usr/bin/env bash
# Builds the Android library, target/android/clientele-<version>.aar:
#
#   AndroidManifest.xml                  package io.clientele, minSdkVersion $ANDROID_API (26:
#                                        java.time; lower needs core library desugaring)
#   classes.jar                          the JVM jar's classes (generated bindings + host layer),
#                                        without its desktop native libraries
#   jni/arm64-v8a/libclientele_ffi.so    built with the Android NDK's clang as the linker
#   jni/armeabi-v7a/libclientele_ffi.so
#   jni/x86_64/libclientele_ffi.so
#   proguard.txt                         keep rules for JNA and the bindings (consumer rules)
#   R.txt                                empty: no resources
#
# then checks it: every entry there, every library an ELF shared object for its ABI that exports
# the bindings' functions, no desktop library in classes.jar. An app adds the AAR with
# net.java.dev.jna:jna:<version>@aar, kotlin-stdlib, kotlinx-coroutines-android and a transport
# (OkHttp: see README, "Android"). The bindings are uniffi's default ones: their cleaner uses
# java.lang.ref.Cleaner where Android has it (API 33+) and JNA's cleaner below.
#
#   kotlin/android-aar.sh [--debug]      needs ANDROID_NDK_HOME or ANDROID_NDK_ROOT (NDK r23+)
#
# Without an NDK it prints "android-aar: SKIPPED (...)" and exits 0: nothing was built or
# checked, and nothing counts as passed. Otherwise the last line is "android-aar: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "android-aar: SKIPPED ($1)"
  exit 0
}
fail() {
  echo "$1" >&2
  echo "android-aar: 0 passed, 1 failed"
  exit 1
}

profile=release
cargo_flags=(--release)
package_flags=()
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  cargo_flags=()
  package_flags=(--debug)
fi

ndk=${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}
[ -n "$ndk" ] || skip "no Android NDK: neither ANDROID_NDK_HOME nor ANDROID_NDK_ROOT is set, and no NDK can be installed on this machine"
case "$(uname -s)" in
  Linux) host_tag=linux-x86_64 ;;
  Darwin) host_tag=darwin-x86_64 ;; # the NDK's macOS toolchain is universal under this name
  *) skip "no Android NDK toolchain for $(uname -s)" ;;
esac
bin="$ndk/toolchains/llvm/prebuilt/$host_tag/bin"
[ -x "$bin/clang" ] || skip "no Android NDK: $ndk has no toolchains/llvm/prebuilt/$host_tag/bin/clang"
api=${ANDROID_API:-26}
command -v rustup >/dev/null || skip "rustup is needed to add the Android targets"

# ABI, Rust target, NDK clang prefix, JNA resource prefix, ELF machine (llvm-readelf -h).
abis=(
  "arm64-v8a|aarch64-linux-android|aarch64-linux-android|android-aarch64|AArch64"
  "armeabi-v7a|armv7-linux-androideabi|armv7a-linux-androideabi|android-arm|ARM"
  "x86_64|x86_64-linux-android|x86_64-linux-android|android-x86-64|Advanced Micro Devices X86-64"
)

# --- the native libraries: one cargo invocation for the three targets ------------------------------
targets=()
installed_targets=$(rustup target list --installed)
for row in "${abis[@]}"; do
  IFS='|' read -r abi target clang_prefix _ _ <<<"$row"
  grep -qx "$target" <<<"$installed_targets" || rustup target add "$target" || fail "rustup target add $target failed"
  upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
  export "CARGO_TARGET_${upper}_LINKER=$bin/$clang_prefix$api-clang"
  export "CC_${target//-/_}=$bin/$clang_prefix$api-clang"
  export "AR_${target//-/_}=$bin/llvm-ar"
  [ -x "$bin/$clang_prefix$api-clang" ] || fail "the NDK has no $clang_prefix$api-clang (ANDROID_API=$api)"
  targets+=(--target "$target")
done
echo "building libclientele_ffi for ${#abis[@]} Android ABIs (API $api, $profile)"
cargo build -p clientele-ffi --lib "${cargo_flags[@]}" "${targets[@]}" || fail "cargo build for Android failed"

# --- classes.jar: the JVM jar's classes, without its desktop native libraries --------------------
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
suffix=""
[ "$profile" = release ] || suffix="-debug"
jvm_jar="target/kotlin/clientele-$version$suffix.jar"
kotlin/package.sh "${package_flags[@]}" >target/android-package.log 2>&1 \
  || { tail -n 20 target/android-package.log; fail "kotlin/package.sh failed"; }
work=target/android/aar
rm -rf target/android
mkdir -p "$work/classes"
(cd "$work/classes" && jar --extract --file "$OLDPWD/$jvm_jar") || fail "could not extract $jvm_jar"
for entry in $(grep -v '^#' "$work/classes/META-INF/clientele/native-libraries.txt"); do
  rm -rf "$work/classes/${entry%%/*}"
done
rm -f "$work/classes/META-INF/MANIFEST.MF"
index="$work/classes/META-INF/clientele/native-libraries.txt"
echo "# The native libraries of this AAR (jni/<abi>/), by JNA resource prefix (io.clientele.NativeLibraries)." >"$index"
for row in "${abis[@]}"; do
  IFS='|' read -r abi target _ jna_prefix _ <<<"$row"
  echo "$jna_prefix/libclientele_ffi.so" >>"$index"
  mkdir -p "$work/aar/jni/$abi"
  "$bin/llvm-strip" --strip-debug -o "$work/aar/jni/$abi/libclientele_ffi.so" "target/$target/$profile/libclientele_ffi.so" \
    || fail "llvm-strip failed for $abi"
done
jar --create --file "$work/aar/classes.jar" -C "$work/classes" . || fail "could not write classes.jar"

cat >"$work/aar/AndroidManifest.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="io.clientele">
    <uses-sdk android:minSdkVersion="$api" />
</manifest>
EOF
cat >"$work/aar/proguard.txt" <<'EOF'
# JNA reaches the bindings' native methods and structures by reflection.
-keep class com.sun.jna.** { *; }
-keep class * implements com.sun.jna.** { *; }
-keep class io.clientele.** { *; }
-dontwarn java.awt.**
EOF
: >"$work/aar/R.txt"
aar="target/android/clientele-$version$suffix.aar"
jar --create --no-manifest --file "$aar" -C "$work/aar" . || fail "could not write $aar"

# --- checks ----------------------------------------------------------------------------------------
passed=0
failed=0
check() { # name, then a command that succeeds when it holds
  local name=$1
  shift
  if "$@"; then
    echo "ok    $name"
    passed=$((passed + 1))
  else
    echo "FAIL  $name"
    failed=$((failed + 1))
  fi
}
listing=$(jar --list --file "$aar")
has_entries() {
  local entry
  for entry in AndroidManifest.xml classes.jar R.txt proguard.txt \
    jni/arm64-v8a/libclientele_ffi.so jni/armeabi-v7a/libclientele_ffi.so jni/x86_64/libclientele_ffi.so; do
    grep -qx "$entry" <<<"$listing" || { echo "  missing: $entry"; return 1; }
  done
}
check "the AAR holds the manifest, classes.jar, R.txt, proguard.txt and jni/<abi>/libclientele_ffi.so for 3 ABIs" has_entries
for row in "${abis[@]}"; do
  IFS='|' read -r abi _ _ _ machine <<<"$row"
  so="$work/aar/jni/$abi/libclientele_ffi.so"
  is_abi() {
    local header
    header=$("$bin/llvm-readelf" -h "$so") || return 1
    grep -qE "Type: +DYN" <<<"$header" && grep -qE "Machine: +$machine\$" <<<"$header" \
      || { echo "  $so: $(grep -E 'Type:|Machine:' <<<"$header" | tr -s ' ')"; return 1; }
  }
  exports() {
    local symbols
    symbols=$("$bin/llvm-nm" -D --defined-only "$so") || return 1
    grep -q ' uniffi_clientele_ffi_fn_func_core_version$' <<<"$symbols"
  }
  check "$abi: an ELF shared object for $machine" is_abi
  check "$abi: exports the bindings' functions" exports
done
classes_only() {
  local inner
  inner=$(jar --list --file "$work/aar/classes.jar")
  grep -qx 'io/clientele/BlocClient.class' <<<"$inner" && grep -qx 'io/clientele/NativeLibraries.class' <<<"$inner" \
    && ! grep -qE '\.(so|dylib|dll)$' <<<"$inner"
}
check "classes.jar has the bindings and host layer, and no desktop native library" classes_only

echo "built $aar ($(du -h "$aar" | cut -f1)); not run on a device or emulator here"
echo "android-aar: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
