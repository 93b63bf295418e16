#!/usr/bin/env bash
# Writes the man pages of the two commands into OUT: custodyd.1 and custody.1, each generated from the
# command's own argument-parser definitions (every subcommand, option and help text) by argument-parser's
# `generate-manual` tool, plus the hand-written custodyd.toml.5 from packaging/.
#
# The tool is the one argument-parser's `generate-manual` plugin runs, built here from the resolved
# checkout (.build/checkouts/swift-argument-parser, offline, no plugin permission needed). The plugin
# itself is not used: it rebuilds every product of the package in its own configuration (custody-bench
# and the test support included, without --static-swift-stdlib or the commit), a second full release
# build, where the pages only need the binaries scripts/build-release.sh already made.
# Usage: scripts/generate-manuals.sh BIN_DIR OUT [SWIFT]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
out=$2
swift=${3:-swift}

parser=.build/checkouts/swift-argument-parser
if [ ! -d "$parser" ]; then
    echo "generate-manuals: no $parser: run scripts/build-release.sh first (it resolves the packages)" >&2
    exit 1
fi
"$swift" build --package-path "$parser" --scratch-path .build/generate-manual -c release \
    --product generate-manual >&2
tool=$("$swift" build --package-path "$parser" --scratch-path .build/generate-manual -c release \
    --show-bin-path)/generate-manual

mkdir -p "$out"
# The date is the commit's, not today's, so the same checkout makes the same pages.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
for command in custodyd custody; do
    "$tool" "$bin/$command" --date "$date" --section 1 --output-directory "$out" >&2
    # A discussion's blank line (a paragraph break in --help) reaches the page as an empty line, which
    # mdoc warns about: make it the paragraph macro.
    sed -i 's/^$/.Pp/' "$out/$command.1"
done
install -m 0644 packaging/custodyd.toml.5 "$out/custodyd.toml.5"
ls "$out"
