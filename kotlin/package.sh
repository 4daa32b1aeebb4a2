#!/usr/bin/env bash
# Packages the JVM library: one jar holding the generated bindings, the Kotlin host layer
# (io.clientele, io.clientele.core) and the native library of every platform built here, each
# stored where JNA finds it on the class path (linux-x86-64/, linux-aarch64/, darwin-aarch64/,
# ...), listed in META-INF/clientele/native-libraries.txt. On a platform the jar has no library
# for, the first call fails with a message naming that platform and the ones the jar carries
# (io.clientele.NativeLibraries). Applications add the jar plus kotlin-stdlib,
# kotlinx-coroutines-core and JNA; no -Djna.library.path needed.
#
#   kotlin/package.sh            release build (optimised, LTO) -> target/kotlin/clientele-<v>.jar
#   kotlin/package.sh --debug    debug build, quicker (what the test suites check)
#                                -> target/kotlin/clientele-<v>-debug.jar
#
# Also writes, beside the jar: clientele-<v>[-debug]-sources.jar (the Kotlin sources, generated
# bindings included), clientele-<v>[-debug].dependencies (group:artifact:version of what it was
# compiled against, for the POM: kotlin/publish-maven.sh) and target/kotlin/package.classpath
# (the class path to run against the jar).
#
# Platforms: this machine's, plus linux-aarch64 when building on linux-x86-64 with a cross linker
# (aarch64-linux-gnu-gcc) installed. Other platforms (macOS, Windows) need their own linkers:
# build the cdylib there and add it under its JNA directory, with its line in the index, with
# `jar uf`. Android uses an AAR instead (kotlin/android-aar.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
generate_flags=(--release)
cargo_flags=(--release)
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  generate_flags=()
  cargo_flags=()
fi

cache=${CLIENTELE_CACHE:-/var/cache/clientele}
[ -w "$cache" ] || cache="${XDG_CACHE_HOME:-$HOME/.cache}/clientele"
version=$(sed -n 's/.*"kotlin-compiler": *"\([^"]*\)".*/\1/p' kotlin/toolchain/package.json)
kotlin_home="$cache/kotlinc-$version/node_modules/kotlin-compiler"
[ -x "$kotlin_home/bin/kotlinc" ] || { echo "run kotlin/test.sh once to install the Kotlin compiler" >&2; exit 1; }
java_dir=/usr/share/java

bindings-uniffi/generate.sh "${generate_flags[@]}"
kotlin/patch-bindings.sh

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) jna_dir=linux-x86-64; lib=libclientele_ffi.so ;;
  Linux-aarch64) jna_dir=linux-aarch64; lib=libclientele_ffi.so ;;
  Darwin-arm64) jna_dir=darwin-aarch64; lib=libclientele_ffi.dylib ;;
  Darwin-x86_64) jna_dir=darwin-x86-64; lib=libclientele_ffi.dylib ;;
  *) echo "unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
natives=("$jna_dir/$lib=target/$profile/$lib")

# linux-aarch64 from linux-x86-64, only with a cross linker (Debian: gcc-aarch64-linux-gnu).
if [ "$jna_dir" = linux-x86-64 ]; then
  if command -v aarch64-linux-gnu-gcc >/dev/null && command -v rustup >/dev/null; then
    grep -qx aarch64-unknown-linux-gnu <<<"$(rustup target list --installed)" || rustup target add aarch64-unknown-linux-gnu
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
      cargo build -p clientele-ffi --lib --target aarch64-unknown-linux-gnu "${cargo_flags[@]}"
    natives+=("linux-aarch64/libclientele_ffi.so=target/aarch64-unknown-linux-gnu/$profile/libclientele_ffi.so")
  else
    echo "linux-aarch64: not built (no aarch64-linux-gnu-gcc cross linker on this machine)"
  fi
fi

crate_version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
work=target/kotlin/package-$profile
rm -rf "$work"
mkdir -p "$work/classes/META-INF/clientele" "$work/sources"
compile_cp="$java_dir/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
"$kotlin_home/bin/kotlinc" -jvm-target 17 -nowarn -cp "$compile_cp" \
  $(find target/uniffi/kotlin -name '*.kt') kotlin/src/main/kotlin/io/clientele/*.kt \
  -d "$work/classes"

index="$work/classes/META-INF/clientele/native-libraries.txt"
echo "# The native libraries in this jar, by JNA resource prefix (io.clientele.NativeLibraries)." >"$index"
for native in "${natives[@]}"; do
  entry=${native%%=*}
  mkdir -p "$work/classes/$(dirname "$entry")"
  cp "${native#*=}" "$work/classes/$entry"
  echo "$entry" >>"$index"
done

# What the classes were compiled against, at the versions of the jars used: the POM's dependencies.
stdlib_version=$(unzip -p "$kotlin_home/lib/kotlin-stdlib.jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([^[:space:]]*\).*/\1/p')
coroutines_version=$(unzip -p "$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar" META-INF/kotlinx_coroutines_core.version | tr -d '[:space:]')
jna_version=$(unzip -p "$java_dir/jna.jar" META-INF/MANIFEST.MF | sed -n 's/^Bundle-Version: *\([^[:space:]]*\).*/\1/p')
for v in "$stdlib_version" "$coroutines_version" "$jna_version"; do
  [ -n "$v" ] || { echo "could not read the version of kotlin-stdlib, kotlinx-coroutines-core or JNA" >&2; exit 1; }
done

cat >"$work/MANIFEST.MF" <<MF
Implementation-Title: io.clientele:clientele
Implementation-Version: $crate_version
Automatic-Module-Name: io.clientele
Clientele-Native-Profile: $profile
Clientele-Native-Libraries: $(grep -v '^#' "$index" | paste -sd' ' -)
MF

suffix=""
[ "$profile" = release ] || suffix="-debug"
jar_file="target/kotlin/clientele-$crate_version$suffix.jar"
sources_file="target/kotlin/clientele-$crate_version$suffix-sources.jar"
rm -f "$jar_file" "$sources_file"
jar --create --file "$jar_file" --manifest "$work/MANIFEST.MF" -C "$work/classes" .

# The sources: the generated bindings (as compiled, patched) and the host layer, by package.
cp -r target/uniffi/kotlin/. "$work/sources/"
cp kotlin/src/main/kotlin/io/clientele/*.kt "$work/sources/io/clientele/"
jar --create --file "$sources_file" -C "$work/sources" .

printf '%s\n' "org.jetbrains.kotlin:kotlin-stdlib:$stdlib_version" \
  "org.jetbrains.kotlinx:kotlinx-coroutines-core-jvm:$coroutines_version" \
  "net.java.dev.jna:jna:$jna_version" >"target/kotlin/clientele-$crate_version$suffix.dependencies"

# A smoke check users can repeat: java -cp "$(cat target/kotlin/package.classpath)" io.clientele.Smoke
mkdir -p "$work/smoke/io/clientele"
cat >"$work/smoke/io/clientele/Smoke.java" <<'JAVA'
package io.clientele;

/** Prints the core version through the bundled native library. */
public class Smoke {
    public static void main(String[] args) {
        System.out.println("clientele core " + Clientele_ffiKt.coreVersion());
    }
}
JAVA
cp_run="$jar_file:$kotlin_home/lib/kotlin-stdlib.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar:$java_dir/jna.jar"
javac -d "$work/smoke" -cp "$cp_run" "$work/smoke/io/clientele/Smoke.java"
echo "$work/smoke:$cp_run" >target/kotlin/package.classpath
echo "packaged $jar_file ($(du -h "$jar_file" | cut -f1)) with $(grep -v '^#' "$index" | paste -sd' ' -), and $sources_file"
