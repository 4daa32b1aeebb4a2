# Sourced by swift/test.sh and tests/consumers/swift/run.sh: Swift 6 from Debian trixie's
# `swiftlang`, in a separate root made by mmdebstrap and cached OUTSIDE the repository
# ($CLIENTELE_CACHE/swift-trixie, default /var/cache/clientele); the host's libc is never touched
# (toolchain.md). Needs root (chroot and mounts).
#
# The caller defines `skip REASON` (prints its SKIPPED line and exits 0). Then:
#   swift_root_ensure        # sets $swift_root (creating it on first use) and $swift_cache
#   swift_root_enter         # waits for the root's lock, mounts /proc and /dev in it
#   swift_bind SRC DST       # bind-mounts SRC at $swift_root/DST
#   swift_root_leave         # unmounts everything mounted above (call it from an EXIT trap)
#   swift_run COMMAND...     # runs COMMAND in the root (chroot)

swift_mounted=()

# The Debian archive this machine's apt already uses (its release's main component), so no
# mirror is written here; $CLIENTELE_DEBIAN_MIRROR overrides it.
swift_debian_mirror() {
  if [ -n "${CLIENTELE_DEBIAN_MIRROR:-}" ]; then
    echo "$CLIENTELE_DEBIAN_MIRROR"
    return
  fi
  local codename
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return 1
  apt-get indextargets --format '$(REPO_URI)	$(RELEASE)	$(COMPONENT)' 2>/dev/null \
    | awk -F'\t' -v codename="$codename" '$2 == codename && $3 == "main" { print $1; exit }'
}

swift_root_ensure() {
  swift_cache=${CLIENTELE_CACHE:-/var/cache/clientele}
  mkdir -p "$swift_cache" 2>/dev/null && [ -w "$swift_cache" ] || swift_cache="${XDG_CACHE_HOME:-$HOME/.cache}/clientele"
  swift_root="$swift_cache/swift-trixie"
  [ "$(id -u)" = 0 ] || skip "the Swift toolchain runs in a chroot, which needs root"
  [ -x "$swift_root/usr/libexec/swift/bin/swift" ] && return 0
  if ! command -v mmdebstrap >/dev/null; then
    apt-get install -y --no-install-recommends mmdebstrap >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends mmdebstrap >/dev/null 2>&1; } \
      || skip "mmdebstrap is not installable"
  fi
  local mirror
  mirror=$(swift_debian_mirror) && [ -n "$mirror" ] \
    || skip "no Debian archive found in apt's sources (apt-get indextargets); set CLIENTELE_DEBIAN_MIRROR"
  echo "creating the Swift root in $swift_root (Debian trixie from $mirror, swiftlang; about a minute)"
  # --one-file-system: never through a mount left behind by an interrupted mmdebstrap (its /dev
  # would be the host's).
  rm -rf --one-file-system "$swift_root.tmp"
  mmdebstrap --mode=root --variant=apt --include=swiftlang,libc6-dev,libstdc++-14-dev \
    trixie "$swift_root.tmp" "$mirror" >"$swift_cache/swift-trixie.log" 2>&1 \
    || { tail -n 20 "$swift_cache/swift-trixie.log"; skip "mmdebstrap could not create the trixie root"; }
  mv "$swift_root.tmp" "$swift_root"
}

# One run at a time per Swift root: runs mount their packages into it, and two at once (two
# worktrees, a CI clone) would build and test each other's files.
swift_root_enter() {
  exec 9>"$swift_cache/swift-trixie.lock"
  if ! flock -n 9; then
    echo "waiting for another run to release $swift_root"
    flock 9 || skip "could not lock the Swift root"
  fi
  mount -t proc proc "$swift_root/proc" && swift_mounted+=("$swift_root/proc") \
    || skip "mounting /proc in the Swift root was refused"
  swift_bind /dev dev || skip "bind-mounting /dev was refused"
  swift_bind /dev/pts dev/pts || true
  cp /etc/resolv.conf "$swift_root/etc/resolv.conf" 2>/dev/null || true
}

swift_bind() { # src dst (inside the root)
  mkdir -p "$swift_root/$2"
  mount --bind "$1" "$swift_root/$2" && swift_mounted+=("$swift_root/$2")
}

swift_root_leave() {
  local i
  for ((i = ${#swift_mounted[@]} - 1; i >= 0; i--)); do umount -l "${swift_mounted[$i]}" 2>/dev/null; done
  swift_mounted=()
}

swift_run() {
  chroot "$swift_root" "$@"
}
