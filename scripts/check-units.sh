#!/usr/bin/env bash
# Checks what Custody installs into systemd (systemd/), offline: no systemd needs to run as PID 1, so it
# works in a bare CI container. Fails when
#   - `systemd-analyze verify` prints anything at all (it prints warnings and still exits 0) or fails;
#   - `systemd-analyze security --offline=true` scores custodyd.service above MAX_EXPOSURE (1.1);
#   - the unit allows core dumps (LimitCORE=0 missing): a core would hold the keys;
#   - systemd-sysusers or systemd-tmpfiles reject their files, or applying them into a scratch root does
#     not give the user, the groups (custody, custody-admin) and the directory the unit and the udev rules rely on.
# Installs the Debian package `systemd` when its tools are missing (not scripts/install-deps.sh: that
# one also installs Python packages, and a bare machine has no python3).
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXPOSURE=${MAX_EXPOSURE:-1.1}
unit=systemd/custodyd.service
sysusers=systemd/custody.sysusers.conf
tmpfiles=systemd/custody.tmpfiles.conf

if ! command -v systemd-analyze >/dev/null; then
    echo "installing: systemd"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq systemd >/dev/null
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/check-units.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() {
    echo "check-units: $*" >&2
    exit 1
}

# --- systemd-analyze verify --------------------------------------------------------------------------------
# verify loads the unit the way PID 1 would and also checks that ExecStart='s binary exists, which
# /usr/bin/custodyd does not on a build machine. So verify inside a scratch root (--root=): the unit,
# unchanged, in ROOT/etc/systemd/system, a stub ROOT/usr/bin/custodyd, and a copy of the distribution's
# units (verify resolves the unit's default dependencies, sysinit.target and so on, and its
# Wants=modprobe@….service there). A unit file given by a path outside the root is not found.
# --man=no: a Documentation=man: link would be looked up with man(1), absent on a bare machine.
# --generators=no: generators need privileges and have nothing to say about this unit.
root="$scratch/root"
mkdir -p "$root/etc/systemd/system" "$root/usr/bin" "$root/usr/lib/systemd"
cp -a /lib/systemd/system "$root/usr/lib/systemd/system"
cp "$unit" "$root/etc/systemd/system/"
printf '#!/bin/sh\nexit 0\n' >"$root/usr/bin/custodyd"
chmod 0755 "$root/usr/bin/custodyd"
verify_status=0
verify_output=$(systemd-analyze verify --root="$root" --man=no --generators=no "$(basename "$unit")" 2>&1) ||
    verify_status=$?
if [ "$verify_status" -ne 0 ] || [ -n "$verify_output" ]; then
    printf '%s\n' "${verify_output//$root\/etc\/systemd\/system\//systemd/}" >&2
    fail "systemd-analyze verify $unit: exit status $verify_status, and it must print nothing"
fi
echo "systemd-analyze verify $unit: clean"

# --- systemd-analyze security --------------------------------------------------------------------------------
security_output=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1) ||
    fail "systemd-analyze security --offline=true $unit failed: $security_output"
# "→ Overall exposure level for custodyd.service: 1.0 OK 🙂" (0.0 best … 10.0 worst)
exposure=$(printf '%s\n' "$security_output" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "no 'Overall exposure level' line in: $security_output"
echo "systemd-analyze security --offline=true $unit: exposure $exposure (at most $MAX_EXPOSURE)"
if ! awk -v score="$exposure" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(score <= max) }'; then
    printf '%s\n' "$security_output" | grep '✗' >&2 || true
    fail "exposure $exposure of $unit is above $MAX_EXPOSURE"
fi

# --- no core dumps -------------------------------------------------------------------------------------------
grep -qx 'LimitCORE=0' "$unit" || fail "$unit must say LimitCORE=0: a core dump of custodyd would hold its keys"
echo "$unit: LimitCORE=0"

# --- sysusers and tmpfiles -----------------------------------------------------------------------------------
# systemd 252's systemd-tmpfiles has no --dry-run, so both files are applied into a scratch root:
# sysusers writes ROOT/etc/passwd and group, and tmpfiles resolves `custody` from them. Both take
# absolute paths (a relative one is looked up in their configuration directories). Anything printed but
# sysusers' "Creating …" lines is a warning, and a failure here.
files="$scratch/files"
mkdir -p "$files/etc"
sysusers_output=$(systemd-sysusers --root="$files" "$PWD/$sysusers" 2>&1) ||
    fail "systemd-sysusers $sysusers: $sysusers_output"
unexpected=$(printf '%s\n' "$sysusers_output" | grep -v -e '^Creating group ' -e '^Creating user ' -e '^$' || true)
[ -z "$unexpected" ] || fail "systemd-sysusers $sysusers: $unexpected"
grep -q '^custody:x:[0-9]*:[0-9]*:[^:]*:/var/lib/custody:/usr/sbin/nologin$' "$files/etc/passwd" ||
    fail "$sysusers: no system user custody with home /var/lib/custody and no login shell"
grep -q '^custody:x:[0-9]*:$' "$files/etc/group" || fail "$sysusers: no group custody"
grep -q '^custody-admin:x:[0-9]*:$' "$files/etc/group" || fail "$sysusers: no group custody-admin"
tmpfiles_output=$(systemd-tmpfiles --root="$files" --create "$PWD/$tmpfiles" 2>&1) ||
    fail "systemd-tmpfiles $tmpfiles: $tmpfiles_output"
[ -z "$tmpfiles_output" ] || fail "systemd-tmpfiles $tmpfiles: $tmpfiles_output"
custody_gid=$(sed -n 's/^custody:x:\([0-9]*\):.*/\1/p' "$files/etc/group")
[ "$(stat -c '%a %u %g' "$files/etc/custody")" = "750 0 $custody_gid" ] ||
    fail "$tmpfiles: /etc/custody is not 0750 root:custody"
echo "systemd-sysusers $sysusers, systemd-tmpfiles $tmpfiles: clean"
