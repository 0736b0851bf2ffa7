#!/bin/sh
# Install the Debian packages GAS needs to build and test; idempotent.
# Usage: scripts/install-deps.sh [--build] [--check]
#   --build: only what building needs (make: the libraries, the compiler, and bcftools,
#            tabix and gawk for the annotation sources): a worker machine needs no test tools
#   --check: exit 1 if anything is missing, install nothing
set -eu
BUILD_ONLY=0 CHECK=0
for a in "$@"; do
  case $a in
    --build) BUILD_ONLY=1 ;;
    --check) CHECK=1 ;;
    *) echo "usage: scripts/install-deps.sh [--build] [--check]" >&2; exit 2 ;;
  esac
done

# build libraries (checked through pkg-config) and the Debian packages that provide them
LIBS="sqlite3:libsqlite3-dev libcjson:libcjson-dev libcurl:libcurl4-gnutls-dev
openssl:libssl-dev ncursesw:libncurses-dev htslib:libhts-dev libxml-2.0:libxml2-dev
libpq:libpq-dev"
# tools (checked by command name) and their packages
TOOLS="gcc:gcc make:make pkg-config:pkg-config clang:clang tmux:tmux valgrind:valgrind
bcftools:bcftools tabix:tabix bgzip:tabix gawk:gawk clang-format:clang-format stress:stress
bedtools:bedtools openssl:openssl psql:postgresql-client-15 sqlite3:sqlite3"
if [ "$BUILD_ONLY" = 1 ]; then
  TOOLS="gcc:gcc make:make pkg-config:pkg-config bcftools:bcftools tabix:tabix bgzip:tabix gawk:gawk"
fi
# files checked by path (runtimes the sanitizer/fuzz targets link against; the PostgreSQL
# server the accounts-database tests start)
FILES="/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev
/usr/lib/postgresql/15/bin/initdb:postgresql-15"
[ "$BUILD_ONLY" = 1 ] && FILES=""

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
if [ "$CHECK" = 1 ]; then
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
