#!/usr/bin/env bash
# Installs the Debian packages given as arguments if any is missing, and Python's `cryptography`,
# `pytest` and `bagit` (the independent reader in Tests/Interop and its own tests use them). Quiet when everything is already there.
set -euo pipefail

missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install -q cryptography
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest
# bagit-python: the stock validator an export bag must pass (`python3 -m bagit --validate DIR`).
python3 -c 'import bagit' 2>/dev/null || python3 -m pip install -q bagit
