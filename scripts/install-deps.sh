#!/bin/sh
# Install the Debian packages GAS needs to build and test; idempotent.
# Usage: scripts/install-deps.sh [--check]   (--check: exit 1 if anything is missing)
set -eu

# build libraries (checked through pkg-config) and the Debian packages that provide them
LIBS="sqlite3:libsqlite3-dev libcjson:libcjson-dev libcurl:libcurl4-gnutls-dev
openssl:libssl-dev ncursesw:libncurses-dev htslib:libhts-dev libxml-2.0:libxml2-dev"
# tools (checked by command name) and their packages
TOOLS="gcc:gcc make:make pkg-config:pkg-config clang:clang tmux:tmux valgrind:valgrind
bcftools:bcftools tabix:tabix bgzip:tabix gawk:gawk clang-format:clang-format
bedtools:bedtools sqlite3:sqlite3"
# files checked by path (runtimes the sanitizer/fuzz targets link against)
FILES="/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"

missing=""
for e in $LIBS; do
  pkg-config --exists "${e%%:*}" 2>/dev/null || missing="$missing ${e#*:}"
done
for e in $TOOLS; do
  command -v "${e%%:*}" >/dev/null 2>&1 || missing="$missing ${e#*:}"
done
for e in $FILES; do
  [ -e "${e%%:*}" ] || missing="$missing ${e#*:}"
done
missing=$(echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -z "${missing# }" ] && exit 0
if [ "${1:-}" = "--check" ]; then
  echo "missing Debian packages:$missing" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: need root to install:$missing" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends $missing
fi
