#!/usr/bin/env bash
# Packages the JVM library: one jar holding the generated bindings, the Kotlin host layer
# (io.clientele, io.clientele.core) and the native library for this platform, stored where JNA
# finds it on the class path (linux-x86-64/, linux-aarch64/, darwin-aarch64/, ...). Applications
# add the jar plus kotlin-stdlib, kotlinx-coroutines-core and JNA; no -Djna.library.path needed.
#
#   kotlin/package.sh            release build (optimised, LTO) -> target/kotlin/clientele-<v>.jar
#   kotlin/package.sh --debug    debug build, quicker (what the test suite checks)
#
# For more platforms, build the cdylib on (or cross-compile for) each one and add it under its
# JNA directory with `jar uf`. Android uses an AAR instead (see README, "Android").
# Writes target/kotlin/package.classpath: the class path to run against the jar.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
generate_flags=(--release)
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  generate_flags=()
fi

cache=${CLIENTELE_CACHE:-/var/cache/clientele}
[ -w "$cache" ] || cache="${XDG_CACHE_HOME:-$HOME/.cache}/clientele"
version=$(sed -n 's/.*"kotlin-compiler": *"\([^"]*\)".*/\1/p' kotlin/toolchain/package.json)
kotlin_home="$cache/kotlinc-$version/node_modules/kotlin-compiler"
[ -x "$kotlin_home/bin/kotlinc" ] || { echo "run kotlin/test.sh once to install the Kotlin compiler" >&2; exit 1; }
java_dir=/usr/share/java

bindings-uniffi/generate.sh "${generate_flags[@]}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) jna_dir=linux-x86-64; lib=libclientele_ffi.so ;;
  Linux-aarch64) jna_dir=linux-aarch64; lib=libclientele_ffi.so ;;
  Darwin-arm64) jna_dir=darwin-aarch64; lib=libclientele_ffi.dylib ;;
  Darwin-x86_64) jna_dir=darwin-x86-64; lib=libclientele_ffi.dylib ;;
  *) echo "unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

crate_version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
work=target/kotlin/package-$profile
rm -rf "$work"
mkdir -p "$work/classes/$jna_dir"
"$kotlin_home/bin/kotlinc" -jvm-target 17 -nowarn \
  -cp "$java_dir/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar" \
  $(find target/uniffi/kotlin -name '*.kt') kotlin/src/main/kotlin/io/clientele/*.kt \
  -d "$work/classes"
cp "target/$profile/$lib" "$work/classes/$jna_dir/"
jar_file="target/kotlin/clientele-$crate_version.jar"
[ "$profile" = release ] || jar_file="target/kotlin/clientele-$crate_version-debug.jar"
rm -f "$jar_file"
jar --create --file "$jar_file" -C "$work/classes" .

# A smoke check users can repeat: java -cp "$(cat target/kotlin/package.classpath)" io.clientele.Smoke
mkdir -p "$work/smoke/io/clientele"
cat >"$work/smoke/io/clientele/Smoke.java" <<'EOF'
package io.clientele;

/** Prints the core version through the bundled native library. */
public class Smoke {
    public static void main(String[] args) {
        System.out.println("clientele core " + Clientele_ffiKt.coreVersion());
    }
}
EOF
cp_run="$jar_file:$kotlin_home/lib/kotlin-stdlib.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar:$java_dir/jna.jar"
javac -d "$work/smoke" -cp "$cp_run" "$work/smoke/io/clientele/Smoke.java"
echo "$work/smoke:$cp_run" >target/kotlin/package.classpath
echo "packaged $jar_file ($(du -h "$jar_file" | cut -f1)) with $jna_dir/$lib"
