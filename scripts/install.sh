#!/usr/bin/env bash
# Installs Custody into DESTDIR (a staging root; empty means the running system): the release binaries
# scripts/build-release.sh made, the systemd unit, sysusers and tmpfiles files, the udev rules, the
# commented configuration, man pages, completions and documentation. Installs nothing else, starts
# and enables nothing: after it, as root, `systemd-sysusers`, `systemd-tmpfiles --create`, `udevadm
# control --reload` and `systemctl daemon-reload` (docs/operations.md, "Installing as a service").
#
# Environment (make's variables): DESTDIR, PREFIX (/usr), SYSCONFDIR (/etc), ZSH_COMPLETIONS
# (PREFIX/share/zsh/site-functions; Debian's zsh reads PREFIX/share/zsh/vendor-completions), STRIP (strip).
# Usage: scripts/install.sh BIN_DIR   (the directory holding custodyd and custody)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
destdir=${DESTDIR:-}
prefix=${PREFIX:-/usr}
sysconfdir=${SYSCONFDIR:-/etc}
zsh_completions=${ZSH_COMPLETIONS:-$prefix/share/zsh/site-functions}
strip=${STRIP:-strip}

root="$destdir$prefix"
generated=.build/install-generated
rm -rf "$generated"
scripts/generate-manuals.sh "$bin" "$generated/man" >/dev/null
scripts/generate-completions.sh "$bin" "$generated/completions"

# Binaries: stripped of symbols and the compilers' .comment notes; the Swift runtime's reflection
# metadata stays.
install -d -m 0755 "$root/bin"
for command in custodyd custody; do
    install -m 0755 "$bin/$command" "$root/bin/$command"
    "$strip" --strip-unneeded --remove-section=.comment "$root/bin/$command"
done

# systemd and udev: the vendor directories under PREFIX/lib; a site's changes go to /etc (drop-ins,
# /etc/udev/rules.d), which these never touch.
install -D -m 0644 systemd/custodyd.service "$root/lib/systemd/system/custodyd.service"
install -D -m 0644 systemd/custody.sysusers.conf "$root/lib/sysusers.d/custody.conf"
install -D -m 0644 systemd/custody.tmpfiles.conf "$root/lib/tmpfiles.d/custody.conf"
install -D -m 0644 udev/70-custody-devices.rules "$root/lib/udev/rules.d/70-custody-devices.rules"

# The configuration: every key commented out, so it enables no recorder and registers no device.
# 0750/0640 and root-owned here; systemd-tmpfiles (custody.tmpfiles.conf) gives them group custody once
# systemd-sysusers has made it.
install -d -m 0750 "$destdir$sysconfdir/custody"
install -m 0640 systemd/custodyd.toml "$destdir$sysconfdir/custody/custodyd.toml"

# Man pages, compressed reproducibly (-n: no name or time stamp in the gzip header).
install -d -m 0755 "$root/share/man/man1" "$root/share/man/man5"
for page in "$generated"/man/*.1; do
    gzip -9nc "$page" >"$root/share/man/man1/$(basename "$page").gz"
done
gzip -9nc "$generated/man/custodyd.toml.5" >"$root/share/man/man5/custodyd.toml.5.gz"
chmod 0644 "$root"/share/man/man*/*.gz

# Completions, where each shell's loader looks.
for command in custodyd custody; do
    install -D -m 0644 "$generated/completions/bash/$command" "$root/share/bash-completion/completions/$command"
    install -D -m 0644 "$generated/completions/zsh/_$command" "$destdir$zsh_completions/_$command"
    install -D -m 0644 "$generated/completions/fish/$command.fish" \
        "$root/share/fish/vendor_completions.d/$command.fish"
done

# Documentation: the unit's Documentation= points at operations.md here, so it stays uncompressed.
install -d -m 0755 "$root/share/doc/custody"
install -m 0644 README.md docs/*.md "$root/share/doc/custody/"
echo "installed into ${destdir:-/} (prefix $prefix)"
