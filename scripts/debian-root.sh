#!/usr/bin/env bash
# Makes (once) a clean Debian root of the release this machine runs, minbase variant, with man-db added
# (to render man pages the way an administrator would), cached in .build/debian-root/RELEASE, and prints
# its path. A second run finds it complete (the marker file is written last) and reuses it. Callers work
# on a copy: the cache stays clean. Needs root and the Debian archive (debootstrap is installed when
# missing).
# Usage: scripts/debian-root.sh
set -euo pipefail
cd "$(dirname "$0")/.."

. /etc/os-release
release=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
# The archive this machine's own apt uses (no address is written here): the repository serving the
# release itself, and the one serving its security suite.
repository_of() {
    apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null | awk -v suite="$1" '$2 == suite { print $1; exit }'
}
mirror=${DEBIAN_MIRROR:-$(repository_of "$release")}
security=${DEBIAN_SECURITY_MIRROR:-$(repository_of "$release-security")}
if [ -z "$mirror" ]; then
    echo "debian-root: apt on this machine lists no repository for $release; run 'apt-get update', or set DEBIAN_MIRROR to the archive's URL" >&2
    exit 2
fi
cache=$(realpath -m ".build/debian-root/$release")
marker=$cache/.custody-root-complete

if [ -f "$marker" ]; then
    echo "$cache"
    exit 0
fi
if ! command -v debootstrap >/dev/null; then
    echo "installing: debootstrap" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
rm -rf "$cache"
mkdir -p "$(dirname "$cache")"
echo "debootstrap --variant=minbase $release (once; cached in $cache)" >&2
debootstrap --variant=minbase "$release" "$cache" "$mirror" >"$cache.log" 2>&1 || {
    tail -20 "$cache.log" >&2
    exit 1
}
# The same suites as a Debian machine has, so the package's Depends resolve at the versions it was built
# against (security updates included).
cat >"$cache/etc/apt/sources.list" <<SOURCES
deb $mirror $release main
deb $mirror $release-updates main
SOURCES
if [ -n "$security" ]; then
    echo "deb $security $release-security main" >>"$cache/etc/apt/sources.list"
fi
chroot "$cache" apt-get update -qq
DEBIAN_FRONTEND=noninteractive chroot "$cache" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends man-db >/dev/null
touch "$marker"
echo "$cache"
