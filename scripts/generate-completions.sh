#!/usr/bin/env bash
# Writes the bash, zsh and fish completions of custodyd and custody into OUT/{bash,zsh,fish}, as the
# commands themselves print them (argument-parser's --generate-completion-script), under the file names
# each shell's completion loader looks for: bash NAME, zsh _NAME, fish NAME.fish.
# Usage: scripts/generate-completions.sh BIN_DIR OUT
set -euo pipefail
bin=$1
out=$2
mkdir -p "$out/bash" "$out/zsh" "$out/fish"
for command in custodyd custody; do
    # Without its #! line: bash-completion sources the file, it is never run (lintian says so too).
    "$bin/$command" --generate-completion-script bash | sed '1{/^#!/d}' >"$out/bash/$command"
    "$bin/$command" --generate-completion-script zsh >"$out/zsh/_$command"
    "$bin/$command" --generate-completion-script fish >"$out/fish/$command.fish"
done
