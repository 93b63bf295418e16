#!/usr/bin/env bash
# Builds the Debian package from the release binaries in BIN_DIR: scripts/install.sh into a staging root
# (PREFIX=/usr), then the Debian parts from packaging/debian (maintainer scripts, conffiles, copyright,
# lintian overrides), a changelog, md5sums and a control file whose Depends are computed from what the
# two binaries really link (dpkg-shlibdeps, run against a throwaway debian/control: the package has no
# debian/ source tree). dpkg-deb --root-owner-group: every file root:root, whoever builds it.
# Prints the package's path.
# Usage: scripts/build-deb.sh BIN_DIR OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$2
work=$(realpath -m .build/deb)
stage=$work/root
rm -rf "$work"
mkdir -p "$stage" "$out"

DESTDIR=$stage PREFIX=/usr SYSCONFDIR=/etc ZSH_COMPLETIONS=/usr/share/zsh/vendor-completions \
    scripts/install.sh "$bin" >&2

version=$("$bin/custodyd" --version | cut -d' ' -f1)
commit=$("$bin/custodyd" --version | sed -n 's/.*(commit \(.*\))$/\1/p')
arch=$(dpkg --print-architecture)
maintainer=$(sed -n 's/^Maintainer: //p' packaging/debian/control.in)
# The commit's time, so that the same checkout makes the same package.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
doc=$stage/usr/share/doc/custody

# A native package (its version has no Debian revision): copyright and changelog.gz, as policy §12.7 asks.
install -m 0644 packaging/debian/copyright "$doc/copyright"
{
    echo "custody ($version) unstable; urgency=medium"
    echo
    echo "  * Custody $version, built from commit $commit."
    echo
    echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/custody"

# Depends: the packages whose shared libraries the binaries load, at the versions their symbols need.
shlibs=$work/shlibs
mkdir -p "$shlibs/debian"
printf 'Source: custody\n\nPackage: custody\nArchitecture: any\n' >"$shlibs/debian/control"
depends=$(cd "$shlibs" && dpkg-shlibdeps -O "-e$stage/usr/bin/custodyd" "-e$stage/usr/bin/custody" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || {
    echo "build-deb: dpkg-shlibdeps found no dependency of the binaries" >&2
    exit 1
}

mkdir -p "$stage/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    packaging/debian/control.in >"$stage/DEBIAN/control"

# Reproducible modification times: every file gets the commit's time.
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
package=$out/custody_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$package" >&2
echo "$package"
