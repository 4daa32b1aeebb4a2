#!/usr/bin/env bash
# Publishes the JVM library as io.clientele:clientele:<version> into a local directory Maven
# repository (default target/maven/repository), laid out as `mvn deploy` lays it out:
#
#   io/clientele/clientele/maven-metadata.xml (+ .sha1, .md5)      every version in the repository
#   io/clientele/clientele/<v>/clientele-<v>.jar (+ .sha1, .md5)   kotlin/package.sh's jar
#   io/clientele/clientele/<v>/clientele-<v>-sources.jar (+ ...)   its sources
#   io/clientele/clientele/<v>/clientele-<v>.pom (+ ...)           its dependencies, at the
#       versions the jar was compiled against (kotlin-stdlib, kotlinx-coroutines-core-jvm, JNA)
#
# A Maven or Gradle build then adds the repository (file://...) and the dependency
# io.clientele:clientele:<v>; tests/consumers/maven is such a build.
#
#   kotlin/publish-maven.sh [--debug] [--repository DIR]
#
# --debug publishes the debug build (what tests/run checks: no release build in CI) and reuses
# kotlin/package.sh's debug jar when it is newer than everything it is built from. Without it, the
# release build (optimised, LTO) is packaged first. Publishing a version again replaces it.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
repository=target/maven/repository
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --repository) repository=$2; shift ;;
    *) echo "usage: kotlin/publish-maven.sh [--debug] [--repository DIR]" >&2; exit 2 ;;
  esac
  shift
done

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
license=$(sed -n 's/^license = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
suffix=""
[ "$profile" = release ] || suffix="-debug"
jar_file="target/kotlin/clientele-$version$suffix.jar"
sources_file="target/kotlin/clientele-$version$suffix-sources.jar"
deps_file="target/kotlin/clientele-$version$suffix.dependencies"

# --- the jar: kotlin/package.sh's, rebuilt unless it is newer than all its inputs --------------
up_to_date() {
  [ -f "$jar_file" ] && [ -f "$sources_file" ] && [ -f "$deps_file" ] || return 1
  local lib newer
  lib=$(ls "target/$profile"/libclientele_ffi.{so,dylib} 2>/dev/null | head -n 1)
  [ -n "$lib" ] || return 1
  # Anything the jar is made of that changed after it: the native library, the Kotlin layer,
  # the packaging scripts, the Rust sources the bindings are generated from.
  newer=$(find "$lib" kotlin/src/main kotlin/package.sh kotlin/patch-bindings.sh \
    bindings-uniffi core/src core/uniffi.toml Cargo.toml Cargo.lock \
    -newer "$jar_file" -type f -print -quit 2>/dev/null)
  [ -z "$newer" ]
}
if [ "$profile" = debug ] && up_to_date; then
  echo "reusing $jar_file (newer than its inputs)"
else
  if [ "$profile" = debug ]; then kotlin/package.sh --debug; else kotlin/package.sh; fi
fi

# --- the POM -----------------------------------------------------------------------------------
case "$license" in
  Apache-2.0) license_xml="      <name>Apache-2.0</name>
      <url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>" ;;
  *) license_xml="      <name>$license</name>" ;;
esac
dependencies=""
while IFS=: read -r group artifact dep_version; do
  [ -n "$group" ] || continue
  dependencies+="
    <dependency>
      <groupId>$group</groupId>
      <artifactId>$artifact</artifactId>
      <version>$dep_version</version>
    </dependency>"
done <"$deps_file"
platforms=$(unzip -p "$jar_file" META-INF/clientele/native-libraries.txt | grep -v '^#' | cut -d/ -f1 | paste -sd, - | sed 's/,/, /g')

dir="$repository/io/clientele/clientele/$version"
rm -rf "$dir"
mkdir -p "$dir"
cat >"$dir/clientele-$version.pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.clientele</groupId>
  <artifactId>clientele</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <name>Clientele</name>
  <description>Customers of the Bloc and OffBlocks banking-as-a-service APIs for Kotlin and the JVM: the Rust core through uniffi, with suspending clients (native library for: $platforms)</description>
  <licenses>
    <license>
$license_xml
      <distribution>repo</distribution>
    </license>
  </licenses>
  <dependencies>$dependencies
  </dependencies>
</project>
EOF
cp "$jar_file" "$dir/clientele-$version.jar"
cp "$sources_file" "$dir/clientele-$version-sources.jar"

# --- maven-metadata.xml: every version present, newest last --------------------------------------
artifact_dir="$repository/io/clientele/clientele"
mapfile -t versions < <(find "$artifact_dir" -mindepth 2 -maxdepth 2 -name 'clientele-*.pom' -printf '%h\n' \
  | xargs -n1 basename | sort -V)
latest=${versions[${#versions[@]}-1]}
stamp=$(date -u ${SOURCE_DATE_EPOCH:+-d "@$SOURCE_DATE_EPOCH"} +%Y%m%d%H%M%S)
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<metadata>'
  echo '  <groupId>io.clientele</groupId>'
  echo '  <artifactId>clientele</artifactId>'
  echo '  <versioning>'
  echo "    <latest>$latest</latest>"
  echo "    <release>$latest</release>"
  echo '    <versions>'
  for v in "${versions[@]}"; do echo "      <version>$v</version>"; done
  echo '    </versions>'
  echo "    <lastUpdated>$stamp</lastUpdated>"
  echo '  </versioning>'
  echo '</metadata>'
} >"$artifact_dir/maven-metadata.xml"

# --- checksums, as Maven writes them: the lowercase hex digest alone, no newline ----------------
for file in "$dir"/clientele-"$version"{.jar,-sources.jar,.pom} "$artifact_dir/maven-metadata.xml"; do
  printf '%s' "$(sha1sum "$file" | cut -d' ' -f1)" >"$file.sha1"
  printf '%s' "$(md5sum "$file" | cut -d' ' -f1)" >"$file.md5"
done

echo "published io.clientele:clientele:$version ($profile build; native library for: $platforms) to $repository"
