#!/usr/bin/env bash
# Builds the release binaries the package ships: custodyd and custody, optimised, with the Swift
# standard library and Foundation linked in statically (--static-swift-stdlib), so the dock needs no
# Swift toolchain, only Debian's own runtime libraries (OpenSSL, SQLite, FFmpeg, libusb, libudev).
# The commit (`git describe --always --dirty`, "unknown" outside a git checkout) is fixed at compile
# time for `--version` (Sources/CBuildInfo). --disable-local-rpath: no RUNPATH $ORIGIN, the binaries load
# only the system's libraries. Prints the two binaries' paths.
# Usage: scripts/build-release.sh [SWIFT]
set -euo pipefail
cd "$(dirname "$0")/.."
swift=${1:-swift}

commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
# Only characters that need no escaping in a C string literal: anything else is not a describe output.
case "$commit" in *[!A-Za-z0-9._+-]*) commit=unknown ;; esac

flags=(-c release --static-swift-stdlib --disable-local-rpath -Xcc "-DCUSTODY_BUILD_COMMIT=\"$commit\"")
for product in custodyd custody; do
    "$swift" build "${flags[@]}" --product "$product" >&2
done
bin=$("$swift" build "${flags[@]}" --show-bin-path)
echo "$bin/custodyd"
echo "$bin/custody"
