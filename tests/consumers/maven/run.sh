#!/usr/bin/env bash
# The Maven suite: publishes io.clientele:clientele to a local directory repository
# (kotlin/publish-maven.sh --debug, reusing the jar kotlin/test.sh packaged when it is current),
# checks the repository's layout, then builds and runs this consumer project with Debian's Maven,
# resolving the library only from that repository, as an application would:
#
#   - the layout: files, checksums, POM dependencies, metadata, the jar's native libraries;
#   - `mvn compile` resolves the jar and its POM's dependencies and compiles a Java and a Kotlin
#     source against them; the program (mvn exec:exec@run) then validates forms and creates a
#     Bloc and an OffBlocks customer in the local provider sandbox (tests/sandbox);
#   - as if on a platform the jar has no library for (JNA's jna.prefix), loading fails with a
#     message naming that platform and the ones the jar carries;
#   - a version range resolves through maven-metadata.xml; a wrong checksum is refused.
#
# Offline: every repository is a local directory (see settings.xml): Debian's (plugins, JNA),
# the published one, and one written here from the Kotlin toolchain's own jars (kotlin-stdlib,
# kotlinx-coroutines-core-jvm, JetBrains annotations), which Debian does not package at these
# versions. Maven and its plugins come from Debian (installed with apt-get when root).
#
# Last line: "maven: N passed, N failed", or "maven: SKIPPED (reason)" when a tool cannot be had.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
project=tests/consumers/maven

skip() {
  echo "maven: SKIPPED ($1)"
  exit 0
}
passed=0
failed=0
ok() {
  echo "ok    $1"
  passed=$((passed + 1))
}
bad() {
  echo "FAIL  $1"
  failed=$((failed + 1))
}
finish() {
  echo "maven: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
started=$(date +%s)

# --- tools ---------------------------------------------------------------------------------------
command -v java >/dev/null || skip "java is not installed"
command -v node >/dev/null || skip "node is not installed (the provider sandbox runs on it)"
cache=${CLIENTELE_CACHE:-/var/cache/clientele}
[ -w "$cache" ] || cache="${XDG_CACHE_HOME:-$HOME/.cache}/clientele"
kotlin_version=$(sed -n 's/.*"kotlin-compiler": *"\([^"]*\)".*/\1/p' kotlin/toolchain/package.json)
kotlin_home="$cache/kotlinc-$kotlin_version/node_modules/kotlin-compiler"
[ -x "$kotlin_home/bin/kotlinc" ] || skip "the Kotlin compiler is not installed (kotlin/test.sh installs it)"
debian_repo=/usr/share/maven-repo
plugins_present() {
  command -v mvn >/dev/null \
    && [ -d "$debian_repo/org/apache/maven/plugins/maven-compiler-plugin" ] \
    && [ -d "$debian_repo/org/apache/maven/plugins/maven-resources-plugin" ] \
    && [ -d "$debian_repo/org/codehaus/mojo/exec-maven-plugin" ] \
    && [ -d "$debian_repo/net/java/dev/jna/jna" ]
}
packages=(maven libmaven-compiler-plugin-java libmaven-resources-plugin-java libexec-maven-plugin-java libjna-java)
if ! plugins_present && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${packages[*]}"
  apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1; }
fi
plugins_present || skip "Maven and its plugins are missing (apt-get install ${packages[*]})"
# The plugin versions Debian has (the POM pins them; these are the ones to pin here).
debian_version() { # group path, artifact: the newest numbered version in Debian's repository
  find "$debian_repo/$1/$2" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' -printf '%f\n' | sort -V | tail -n 1
}
plugin_versions=(
  "-Dmaven-resources-plugin.version=$(debian_version org/apache/maven/plugins maven-resources-plugin)"
  "-Dmaven-compiler-plugin.version=$(debian_version org/apache/maven/plugins maven-compiler-plugin)"
  "-Dexec-maven-plugin.version=$(debian_version org/codehaus/mojo exec-maven-plugin)"
)

# --- publish -------------------------------------------------------------------------------------
out=target/maven
mkdir -p "$out"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
repository="$root/$out/suite-repository" # its own: a release published to target/maven/repository stays
rm -rf "$repository"
if kotlin/publish-maven.sh --debug --repository "$repository" >"$out/publish.log" 2>&1; then
  ok "kotlin/publish-maven.sh published io.clientele:clientele:$version ($(tail -n 1 "$out/publish.log" | sed -n 's/.*(\(.*\)).*/\1/p'))"
else
  tail -n 30 "$out/publish.log"
  bad "kotlin/publish-maven.sh"
  finish
fi

# --- the repository's layout -----------------------------------------------------------------------
artifact="$repository/io/clientele/clientele"
dir="$artifact/$version"
layout_files() {
  local expected actual
  expected=$(for f in "$version/clientele-$version.jar" "$version/clientele-$version-sources.jar" \
    "$version/clientele-$version.pom" maven-metadata.xml; do printf '%s\n' "$f" "$f.md5" "$f.sha1"; done | sort)
  actual=$(cd "$artifact" && find . -type f | sed 's|^\./||' | sort)
  [ "$expected" = "$actual" ] || { diff <(echo "$expected") <(echo "$actual") | sed 's/^/  /'; return 1; }
}
layout_files && ok "layout: jar, sources jar, POM and maven-metadata.xml, each with .sha1 and .md5" \
  || bad "layout: jar, sources jar, POM and maven-metadata.xml, each with .sha1 and .md5"

checksums_match() {
  local file algo sum
  for file in "$dir"/*.jar "$dir"/*.pom "$artifact/maven-metadata.xml"; do
    for algo in sha1 md5; do
      sum=$("${algo}sum" "$file" | cut -d' ' -f1)
      # As Maven writes them: the lowercase hex digest alone, no newline.
      [ "$(cat "$file.$algo")" = "$sum" ] && [ "$(wc -c <"$file.$algo")" -eq "${#sum}" ] \
        || { echo "  $file.$algo does not hold $sum"; return 1; }
    done
  done
}
checksums_match && ok "layout: every .sha1 and .md5 is the file's digest" || bad "layout: every .sha1 and .md5 is the file's digest"

# The dependencies the POM must declare: the versions of the very jars the library was compiled
# against (read here from the jars, independently of kotlin/package.sh).
stdlib_version=$(unzip -p "$kotlin_home/lib/kotlin-stdlib.jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([^[:space:]]*\).*/\1/p')
coroutines_version=$(unzip -p "$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar" META-INF/kotlinx_coroutines_core.version | tr -d '[:space:]')
jna_version=$(unzip -p /usr/share/java/jna.jar META-INF/MANIFEST.MF | sed -n 's/^Bundle-Version: *\([^[:space:]]*\).*/\1/p')
pom_dependencies() {
  local pom=$dir/clientele-$version.pom found expected
  found=$(tr -d ' \n' <"$pom" | grep -oE '<dependency>.*?</dependency>' | sed -E 's#</dependency>#\n#g' \
    | sed -nE 's#.*<groupId>([^<]*)</groupId><artifactId>([^<]*)</artifactId><version>([^<]*)</version>.*#\1:\2:\3#p' | sort)
  expected=$(printf '%s\n' "org.jetbrains.kotlin:kotlin-stdlib:$stdlib_version" \
    "org.jetbrains.kotlinx:kotlinx-coroutines-core-jvm:$coroutines_version" "net.java.dev.jna:jna:$jna_version" | sort)
  [ "$found" = "$expected" ] || { echo "  POM declares: $found"; echo "  expected: $expected"; return 1; }
  grep -q "<groupId>io.clientele</groupId>" "$pom" && grep -q "<artifactId>clientele</artifactId>" "$pom" \
    && grep -q "<version>$version</version>" "$pom" && grep -q '<packaging>jar</packaging>' "$pom"
}
pom_dependencies && ok "POM: io.clientele:clientele:$version depends on kotlin-stdlib $stdlib_version, kotlinx-coroutines-core-jvm $coroutines_version, JNA $jna_version" \
  || bad "POM: coordinates and the dependencies' versions"

metadata_lists_version() {
  local m=$artifact/maven-metadata.xml
  grep -q "<release>$version</release>" "$m" && grep -q "<latest>$version</latest>" "$m" \
    && grep -q "<version>$version</version>" "$m" && grep -qE '<lastUpdated>[0-9]{14}</lastUpdated>' "$m"
}
metadata_lists_version && ok "maven-metadata.xml lists $version as latest and release" || bad "maven-metadata.xml lists $version"

jar_contents() {
  local jar=$dir/clientele-$version.jar listing index entry
  listing=$(jar --list --file "$jar")
  index=$(unzip -p "$jar" META-INF/clientele/native-libraries.txt | grep -v '^#')
  [ -n "$index" ] || { echo "  no native library index"; return 1; }
  for entry in $index; do grep -qx "$entry" <<<"$listing" || { echo "  $entry is indexed but absent"; return 1; }; done
  grep -qx 'linux-x86-64/libclientele_ffi.so' <<<"$index" || { echo "  no linux-x86-64 library"; return 1; }
  grep -q "^Implementation-Version: $version" <<<"$(unzip -p "$jar" META-INF/MANIFEST.MF)" || return 1
  listing=$(jar --list --file "$dir/clientele-$version-sources.jar")
  for entry in io/clientele/BlocClient.kt io/clientele/NativeLibraries.kt io/clientele/clientele_ffi.kt io/clientele/core/clientele_core.kt; do
    grep -qx "$entry" <<<"$listing" || { echo "  the sources jar lacks $entry"; return 1; }
  done
}
jar_contents && ok "the jar carries the native library of every platform its index lists ($(unzip -p "$dir/clientele-$version.jar" META-INF/clientele/native-libraries.txt | grep -v '^#' | cut -d/ -f1 | paste -sd' ' -)); the sources jar the Kotlin sources" \
  || bad "the jar's native libraries and the sources jar"

# --- kotlin-stdlib & co. in Maven's layout, from the Kotlin toolchain's jars ------------------------
toolchain_repo="$root/$out/kotlin-toolchain-repository"
rm -rf "$toolchain_repo"
install_jar() { # group artifact version jar [dependency group:artifact:version ...]
  local group=$1 name=$2 v=$3 jar=$4
  shift 4
  local d="$toolchain_repo/${group//.//}/$name/$v" deps="" dep g a dv
  mkdir -p "$d"
  cp "$jar" "$d/$name-$v.jar"
  for dep in "$@"; do
    IFS=: read -r g a dv <<<"$dep"
    deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$dv</version></dependency>"
  done
  cat >"$d/$name-$v.pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tests/consumers/maven/run.sh for the jar of the Kotlin toolchain ($kotlin_version) this machine has. -->
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>$group</groupId><artifactId>$name</artifactId><version>$v</version><dependencies>$deps</dependencies></project>
EOF
  local f
  for f in "$d/$name-$v.jar" "$d/$name-$v.pom"; do
    printf '%s' "$(sha1sum "$f" | cut -d' ' -f1)" >"$f.sha1"
    printf '%s' "$(md5sum "$f" | cut -d' ' -f1)" >"$f.md5"
  done
}
install_jar org.jetbrains annotations 13.0 "$kotlin_home/lib/annotations-13.0.jar"
install_jar org.jetbrains.kotlin kotlin-stdlib "$stdlib_version" "$kotlin_home/lib/kotlin-stdlib.jar" org.jetbrains:annotations:13.0
install_jar org.jetbrains.kotlinx kotlinx-coroutines-core-jvm "$coroutines_version" "$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar" \
  "org.jetbrains.kotlin:kotlin-stdlib:$stdlib_version"
export CLIENTELE_KOTLIN_REPOSITORY=$toolchain_repo

# --- the consumer project, copied out of the source tree (Maven writes target/ beside the POM) ------
work="$root/$out/consumer"
rm -rf "$work" "$out"/local-*
mkdir -p "$work"
cp -r "$project/pom.xml" "$project/src" "$work/"
mvn_run() { # log, local repository, then mvn arguments
  local log=$1 local_repo=$2
  shift 2
  # -o with aether.offline.protocols=file: offline, but for repositories that are directories.
  (cd "$work" && mvn -B -e -o -Daether.offline.protocols=file -s "$root/$project/settings.xml" -Dmaven.repo.local="$local_repo" \
    "${plugin_versions[@]}" -Dclientele.version="$version" -Dclientele.repository="$repository" \
    -Dkotlinc="$kotlin_home/bin/kotlinc" -Dclientele.fixtures="$root/tests/fixtures" "$@") >"$log" 2>&1
}

compile_start=$(date +%s)
if mvn_run "$out/compile.log" "$root/$out/local-main" compile; then
  ok "mvn compile: io.clientele:clientele and its dependencies resolved offline, Java and Kotlin compiled ($(($(date +%s) - compile_start)) s)"
else
  grep -E '^\[ERROR\]|error:' "$out/compile.log" | head -30
  bad "mvn compile"
  finish
fi
resolved_from_repository() { # local repository: the jar came from the repository named `clientele`
  grep -qx "clientele-$version.jar>clientele=" "$1/io/clientele/clientele/$version/_remote.repositories" 2>/dev/null \
    && cmp -s "$1/io/clientele/clientele/$version/clientele-$version.jar" "$dir/clientele-$version.jar"
}
resolved_from_repository "$root/$out/local-main" && ok "Maven took the jar from the published directory repository, byte for byte" \
  || bad "Maven took the jar from the published directory repository"

# --- the program, against the sandbox ---------------------------------------------------------------
source tests/e2e/sandbox.sh
trap e2e_stop EXIT
if ! e2e_start "$out" >"$out/sandbox-start.log" 2>&1; then
  cat "$out/sandbox-start.log"
  bad "the provider sandbox starts"
  finish
fi
mvn_run "$out/run.log" "$root/$out/local-main" exec:exec@run
status=$?
grep -E '^(ok|FAIL)  ' "$out/run.log"
program_passed=$(grep -cE '^ok    ' "$out/run.log")
program_failed=$(grep -cE '^FAIL  ' "$out/run.log")
passed=$((passed + program_passed))
failed=$((failed + program_failed))
if [ "$status" -ne 0 ] && [ "$program_failed" -eq 0 ]; then
  grep -E '^\[ERROR\]|Exception|Error' "$out/run.log" | head -20
  bad "the program ran (exit $status)"
elif [ "$program_passed" -eq 0 ]; then
  bad "the program ran no check"
fi

# --- a platform the jar has no library for ------------------------------------------------------------
mvn_run "$out/missing-platform.log" "$root/$out/local-main" exec:exec@missing-platform
status=$?
carried=$(unzip -p "$dir/clientele-$version.jar" META-INF/clientele/native-libraries.txt | grep -v '^#' | cut -d/ -f1 | paste -sd, - | sed 's/,/, /g')
if [ "$status" -ne 0 ] \
  && grep -q "java.lang.UnsatisfiedLinkError: Clientele has no native library for this platform: linux-riscv64 (" "$out/missing-platform.log" \
  && grep -q "This io.clientele:clientele jar carries it for: $carried\. Use a build of Clientele made for linux-riscv64" "$out/missing-platform.log"; then
  ok "on a platform the jar lacks (jna.prefix=linux-riscv64) loading fails naming it and the jar's platforms ($carried)"
else
  grep -E 'UnsatisfiedLinkError|clientele core' "$out/missing-platform.log" | head -5
  bad "on a platform the jar lacks, loading fails with a clear message (exit $status)"
fi

# --- maven-metadata.xml: a version range resolves through it (a fresh local repository) -------------
if mvn_run "$out/range.log" "$root/$out/local-range" -Dclientele.version="[$version,)" exec:exec@load \
  && grep -qx "clientele core $version" "$out/range.log" && resolved_from_repository "$root/$out/local-range" \
  && [ -f "$root/$out/local-range/io/clientele/clientele/maven-metadata-clientele.xml" ]; then
  ok "the version range [$version,) resolves to $version through maven-metadata.xml"
else
  grep -E '^\[ERROR\]' "$out/range.log" | head -10
  bad "the version range [$version,) resolves through maven-metadata.xml"
fi

# --- a corrupted checksum is refused (so the ones above were really checked) ----------------------------
corrupt="$root/$out/repository-corrupt"
rm -rf "$corrupt"
cp -r "$repository" "$corrupt"
printf '%s' 0000000000000000000000000000000000000000 >"$corrupt/io/clientele/clientele/$version/clientele-$version.jar.sha1"
real_sha1=$(sha1sum "$dir/clientele-$version.jar" | cut -d' ' -f1)
if ! mvn_run "$out/corrupt.log" "$root/$out/local-corrupt" -Dclientele.repository="$corrupt" exec:exec@load \
  && grep -qE "^\[ERROR\] .*Could not transfer artifact io.clientele:clientele:jar:$version from/to clientele .*Checksum validation failed, expected 0{40} but is $real_sha1" "$out/corrupt.log"; then
  ok "a jar whose .sha1 does not match is refused (checksumPolicy fail)"
else
  grep -E '^\[ERROR\]|[Cc]hecksum' "$out/corrupt.log" | head -10
  bad "a jar whose .sha1 does not match is refused"
fi
rm -rf "$corrupt" "$root/$out/local-range" "$root/$out/local-corrupt"

echo "maven suite took $(($(date +%s) - started)) s"
finish
