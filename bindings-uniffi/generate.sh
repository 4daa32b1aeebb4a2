#!/usr/bin/env bash
# Builds the clientele_ffi library and generates its Kotlin and Swift bindings into target/:
#
#   target/<profile>/libclientele_ffi.{so,dylib}   the native library (cdylib)
#   target/uniffi/kotlin/io/clientele/...           clientele_ffi.kt (package io.clientele) and
#                                                   core/clientele_core.kt (io.clientele.core)
#   target/uniffi/swift/                            Clientele.swift, ClienteleCore.swift (one Swift
#                                                   module, `Clientele`), ClienteleFFI.h,
#                                                   ClienteleCoreFFI.h and module.modulemap
#
# Generated code is never committed. Usage: bindings-uniffi/generate.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
cargo_flags=()
if [ "${1:-}" = "--release" ]; then
  profile=release
  cargo_flags+=(--release)
fi

# The whole workspace, so features resolve exactly as in every other build (building the one
# package alone would rebuild uniffi with other features).
cargo build --workspace --lib --bins "${cargo_flags[@]}"

case "$(uname -s)" in
  Darwin) lib="target/$profile/libclientele_ffi.dylib" ;;
  *) lib="target/$profile/libclientele_ffi.so" ;;
esac
bindgen="target/$profile/uniffi-bindgen"
out=target/uniffi
rm -rf "$out"
mkdir -p "$out/kotlin" "$out/swift"
"$bindgen" generate "$lib" --language kotlin --out-dir "$out/kotlin" --no-format
"$bindgen" generate "$lib" --language swift --out-dir "$out/swift" --no-format

# Kotlin: uniffi 0.32.2 declares an error field called `message` without `override` and then
# overrides Throwable.message with a "field=value, ..." listing, which does not compile
# (uniffi-rs#1434, #2065, #2938). ClienteleError's `message` IS the readable message, so it
# becomes the override and the listing goes. Every variant must be patched, or generation fails.
kt="$out/kotlin/io/clientele/clientele_ffi.kt"
variants=$(grep -c '^    class [A-Za-z]*($' <(sed -n '/^sealed class ClienteleException/,/^}/p' "$kt"))
perl -0pi -e '
  s{(sealed class ClienteleException.*?\n\}\n)}{
    my $block = $1;
    $block =~ s/\n(\s+)val `message`: kotlin\.String/\n$1override val `message`: kotlin.String/g;
    $block =~ s/\n\s+override val message\n\s+get\(\) = "[^\n]*"//g;
    $block
  }se' "$kt"
patched=$(grep -c 'override val `message`: kotlin.String' "$kt" || true)
leftover=$(grep -c '^        override val message$' "$kt" || true)
if [ "$variants" -eq 0 ] || [ "$patched" -ne "$variants" ] || [ "$leftover" -ne 0 ]; then
  echo "generate.sh: the ClienteleException message patch no longer matches uniffi's output" \
    "($variants variants, $patched patched, $leftover left); see the comment above" >&2
  exit 1
fi

# Swift: one C module, ClienteleFFI, holding both crates' headers (their shared declarations
# are guarded by UNIFFI_SHARED_H), imported by both generated files.
cat >"$out/swift/module.modulemap" <<'EOF'
module ClienteleFFI {
    header "ClienteleFFI.h"
    header "ClienteleCoreFFI.h"
    export *
}
EOF

echo "generated Kotlin and Swift bindings for $lib into $out/"
