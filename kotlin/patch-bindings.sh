#!/usr/bin/env bash
# Makes the generated Kotlin bindings load their native library through the host layer's
# io.clientele.NativeLibraries.checked, so that on a platform the jar carries no library for, the
# first call fails with a message naming that platform and the platforms the jar has (uniffi's
# own loading gives JNA's list of every path searched, wrapped in an ExceptionInInitializerError).
#
# uniffi 0.32's Kotlin template registers the library under the name its `findLibraryName`
# returns (unless the `uniffi.component.<name>.libraryOverride` property names another); this
# patch changes only that function's last line, `return "clientele_ffi"`. Run after
# bindings-uniffi/generate.sh (kotlin/test.sh, kotlin/package.sh and kotlin/android-aar.sh do);
# patching twice changes nothing. Fails when the template no longer matches.
#
# Usage: kotlin/patch-bindings.sh [dir]   (default: target/uniffi/kotlin)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/uniffi/kotlin}

mapfile -t files < <(grep -rl --include='*.kt' 'private fun findLibraryName(componentName: String): String' "$dir" | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "patch-bindings.sh: no generated findLibraryName in $dir (run bindings-uniffi/generate.sh)" >&2
  exit 1
fi
for file in "${files[@]}"; do
  perl -0pi -e '
    s{(\nprivate fun findLibraryName\(componentName: String\): String \{\n(?:    [^\n]*\n)*?)    return "([A-Za-z0-9_]+)"\n\}}
     {$1    return io.clientele.NativeLibraries.checked("$2")\n\}}s' "$file"
  if [ "$(grep -c 'return io.clientele.NativeLibraries.checked("' "$file")" -ne 1 ]; then
    echo "patch-bindings.sh: $file: findLibraryName no longer ends in 'return \"<cdylib name>\"';" \
      "see the comment at the top of this script" >&2
    exit 1
  fi
done
echo "patched the native library lookup of ${#files[@]} generated file(s) in $dir"
