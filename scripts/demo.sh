#!/bin/bash
# make demo: GAS on the embedded backend (SQLite + files) in ./demo-data.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/bin
DATA=$PWD/demo-data
rm -rf "$DATA"
export GAS_DATA_DIR=$DATA
echo "== setting up the embedded backend in $DATA"
"$BIN/gas" setup
echo
echo "== effective configuration"
"$BIN/gas" config | head -12
echo "   ... ($("$BIN/gas" config | wc -l) keys; 'gas config keys' describes them)"
