#!/usr/bin/env bash
# The package test: builds the release binaries and the Debian package, runs lintian on it (fails on any
# error or warning not overridden in packaging/debian/lintian-overrides), then installs it with dpkg -i
# into a copy of a clean Debian root (scripts/debian-root.sh: debootstrap minbase of this machine's
# release, cached) and checks there, with no Swift toolchain anywhere in that root:
#   - both binaries load every library they need and print their version;
#   - `custodyd init` makes a store and `custodyd run --check` accepts the installed configuration;
#   - man renders custody(1), custodyd(1) and custodyd.toml(5);
#   - the sysusers file, applied to the root (systemd-sysusers --root), gives user custody and groups
#     custody and custody-admin, and the tmpfiles file gives /etc/custody 0750 root:custody;
#   - dpkg --purge removes the package and its configuration but leaves /var/lib/custody (store,
#     catalog, audit log) and the key /etc/custody/custody.kek byte for byte as they were.
# Prints one line saying what passed. Needs root (debootstrap, chroot).
# Usage: scripts/check-deb.sh [SWIFT]
#        CHECK_DEB_PACKAGE=path/to/custody.deb scripts/check-deb.sh   (check a package already built)
set -euo pipefail
cd "$(dirname "$0")/.."
swift=${1:-swift}

fail() {
    echo "check-deb: FAILED: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap and chroot)"
for tool in lintian debootstrap; do
    if ! command -v "$tool" >/dev/null; then
        echo "installing: $tool" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    fi
done

# --- build ---------------------------------------------------------------------------------------------------
started=$(date +%s)
if [ -n "${CHECK_DEB_PACKAGE:-}" ]; then
    package=$CHECK_DEB_PACKAGE
else
    bin=$(dirname "$(scripts/build-release.sh "$swift" | head -1)")
    built=$(date +%s)
    package=$(scripts/build-deb.sh "$bin" .build/deb-out)
    echo "check-deb: built $package ($(du -h "$package" | cut -f1)); release build $((built - started)) s" >&2
fi

# --- lintian -------------------------------------------------------------------------------------------------
lintian_status=0
lintian_output=$(lintian --fail-on error,warning --display-info "$package" 2>&1) || lintian_status=$?
lintian_output=$(printf '%s\n' "$lintian_output" | grep -v -e 'root privileges' -e '^$' || true)
[ "$lintian_status" -eq 0 ] || fail "lintian: $lintian_output"
echo "check-deb: lintian: ${lintian_output:-clean}" >&2

# --- a clean root --------------------------------------------------------------------------------------------
cache=$(scripts/debian-root.sh)
root=$(realpath -m .build/debian-root/check)
rm -rf "$root"
cp -a "$cache" "$root"
in_root() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
        chroot "$root" "$@"
}
# /proc, as on any real system: the Swift runtime reads a process's arguments from /proc/self/cmdline.
mount -t proc proc "$root/proc"
# Then the packages apt downloaded for the Depends go back to the cache, so the next run needs no
# download.
trap 'umount "$root/proc"; cp -n "$root"/var/cache/apt/archives/*.deb "$cache/var/cache/apt/archives/" 2>/dev/null || true' EXIT

in_root sh -c 'command -v swift swiftc' >/dev/null && fail "the clean root has a Swift toolchain"
# The Depends by name (versions are dpkg -i's to check), installed as an administrator's apt would.
depends=$(dpkg-deb -f "$package" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^$')
# shellcheck disable=SC2086 # one word per package
in_root apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $depends >/dev/null ||
    fail "apt-get install of the Depends: $depends"
cp "$package" "$root/tmp/custody.deb"
install_output=$(in_root dpkg -i /tmp/custody.deb 2>&1) || fail "dpkg -i: $install_output"

# --- sysusers and tmpfiles -----------------------------------------------------------------------------------
# minbase has no systemd: the postinst said so, and the host's systemd applies the installed files.
systemd-sysusers --root="$root" custody.conf >/dev/null 2>&1 || fail "systemd-sysusers --root on the installed file"
systemd-tmpfiles --root="$root" --create custody.conf || fail "systemd-tmpfiles --root on the installed file"
in_root getent group custody-admin >/dev/null || fail "no group custody-admin after systemd-sysusers"
in_root getent group custody >/dev/null || fail "no group custody after systemd-sysusers"
in_root getent passwd custody | grep -q ':/var/lib/custody:/usr/sbin/nologin$' ||
    fail "no user custody with home /var/lib/custody after systemd-sysusers"
[ "$(in_root stat -c '%a %U %G' /etc/custody)" = "750 root custody" ] || fail "/etc/custody is not 0750 root:custody"

# --- the binaries, with no toolchain -------------------------------------------------------------------------
for command in custodyd custody; do
    missing=$(in_root ldd "/usr/bin/$command" | grep -e 'not found' -e swift || true)
    [ -z "$missing" ] || fail "$command links what the root lacks or a Swift library: $missing"
done
version=$(in_root custodyd --version) || fail "custodyd --version"
expected=$(dpkg-deb -f "$package" Version)
case "$version" in "$expected (commit "*")") ;; *) fail "custodyd --version said '$version', not $expected (commit …)" ;; esac
[ "$(in_root custody --version)" = "$version" ] || fail "custody --version differs from custodyd's: $version"

in_root custodyd init --state /tmp/s >/dev/null || fail "custodyd init --state /tmp/s"
[ -f "$root/tmp/s/catalog.sqlite" ] || fail "custodyd init made no catalog"
check=$(in_root custodyd run --check 2>&1) || fail "custodyd run --check: $check"
[ "$check" = "/etc/custody/custodyd.toml: OK" ] || fail "custodyd run --check said: $check"

# --- man pages -----------------------------------------------------------------------------------------------
for page in "1 custody" "1 custodyd" "5 custodyd.toml"; do
    # shellcheck disable=SC2086 # section and name
    text=$(in_root env MANWIDTH=100 man -P cat $page 2>&1) || fail "man $page: $text"
    name=${page#* }
    printf '%s\n' "$text" | grep -q "^NAME" || fail "man $page rendered no NAME section"
    printf '%s\n' "$text" | grep -q "$name" || fail "man $page does not name $name"
done
in_root man -P cat custodyd | grep -q -- '--version' || fail "custodyd(1) does not show --version"

# --- purge leaves the evidence and the key -------------------------------------------------------------------
in_root custodyd init --state /var/lib/custody --key-file /etc/custody/custody.kek >/dev/null ||
    fail "custodyd init --state /var/lib/custody"
fingerprint() { (cd "$root" && find var/lib/custody etc/custody/custody.kek -printf '%p %m %s\n' -type f -exec sha256sum {} + | sort); }
before=$(fingerprint)
purge_output=$(in_root dpkg --purge custody 2>&1) || fail "dpkg --purge: $purge_output"
printf '%s\n' "$purge_output" | grep -q 'Left in place on purpose: /var/lib/custody' ||
    fail "dpkg --purge did not say what it leaves: $purge_output"
[ ! -e "$root/usr/bin/custodyd" ] || fail "dpkg --purge left /usr/bin/custodyd"
[ ! -e "$root/etc/custody/custodyd.toml" ] || fail "dpkg --purge left the conffile /etc/custody/custodyd.toml"
[ "$(fingerprint)" = "$before" ] || fail "dpkg --purge changed /var/lib/custody or the key"
[ -n "$before" ] || fail "nothing to compare in /var/lib/custody"

echo "check-deb: PASSED: $(basename "$package") ($(du -h "$package" | cut -f1)): lintian clean (overrides explained), dpkg -i into a clean $(. /etc/os-release && echo "$VERSION_CODENAME") minbase root without Swift, --version '$version', init, run --check, man custody/custodyd/custodyd.toml(5), sysusers custody + custody-admin, tmpfiles /etc/custody, purge kept /var/lib/custody and the key ($(($(date +%s) - started)) s)"
