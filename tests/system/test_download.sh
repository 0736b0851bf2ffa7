#!/bin/bash
# gas download -o PATH writes where cp and curl -o would: a regular file is replaced
# atomically (its mode kept), a missing one created, a symlink followed (the link stays,
# its target gets the bytes, a dangling target is created), a FIFO and a character device
# are written in place (still a FIFO, still a device), a directory is refused.
SUITE=download
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2

gas users add dl --email dl@example.org >/dev/null
start_gasd
J=$(submit "$SAMPLES/test.vcf" dl)
require "job COMPLETED" wait_field "$J" job_status COMPLETED 30
stop_gasd
gas download "$J" -o - > want.vcf
require "the result downloads to stdout" test -s want.vcf
same() { cmp -s want.vcf "$1" || { echo "    $1 differs from the result"; return 1; }; }

# missing: created with 0666 & ~umask
(umask 027 && gas download "$J" -o new.vcf)
expect "missing file: created" same new.vcf
expect "missing file: mode 0640 under umask 027" test "$(stat -c %a new.vcf)" = 640

check_out "into a folder that does not exist: says which (exit 1)" 1 \
  'gas download: out/dir with space: no such directory \(make it first\)' gas download "$J" -o "out/dir with space/res.vcf"

# regular: replaced, mode kept, no temporary file left beside it
echo old > reg.vcf && chmod 604 reg.vcf
gas download "$J" -o reg.vcf
expect "regular file: replaced" same reg.vcf
expect "regular file: mode kept (604)" test "$(stat -c %a reg.vcf)" = 604
expect "regular file: no temporary file left" test -z "$(ls -A | grep gas-download)"

# symlink to a file in another directory: the link stays, the target gets the bytes
mkdir -p other && echo old > other/target.vcf && ln -s other/target.vcf link.vcf
gas download "$J" -o link.vcf
expect "symlink: still a symlink" test -L link.vcf
expect "symlink: its target written" same other/target.vcf
expect "symlink: no temporary file in either directory" \
  test -z "$(ls -A . other | grep gas-download)"
ln -s other/created.vcf dangling.vcf
gas download "$J" -o dangling.vcf
expect "dangling symlink: target created, link kept" sh -c 'test -L dangling.vcf && cmp -s want.vcf other/created.vcf'
ln -s loop1 loop2 && ln -s loop2 loop1
check_out "symlink loop: an error, not a hang" 1 "too many levels" gas download "$J" -o loop1

# FIFO: written in place, a reader gets the bytes, it is still a FIFO
mkfifo pipe
cat pipe > from-fifo.vcf &
reader=$!
timeout 30 gas download "$J" -o pipe
wait "$reader"
expect "FIFO: the reader got the result" same from-fifo.vcf
expect "FIFO: still a FIFO" test -p pipe

# character device: a private null device (root) or /dev/null; it stays a device
if mknod nulldev c 1 3 2>/dev/null; then dev=$PWD/nulldev; else dev=/dev/null; fi
check "device: download into $dev succeeds" 0 gas download "$J" -o "$dev"
expect "device: still a character device" test -c "$dev"
expect "device: no temporary file beside it" test -z "$(ls -A "$(dirname "$dev")" | grep gas-download)"

# a directory is refused; nothing is written inside it
mkdir adir
check_out "directory: refused" 1 "is a directory" gas download "$J" -o adir
expect "directory: left empty" test -z "$(ls -A adir)"
# a missing directory: a clear error
check_out "missing directory: an error naming it" 1 "nodir" gas download "$J" -o nodir/x.vcf
# GAS's own files are never replaced: the live database's journal, a stored object (also
# through a symlink); the database stays readable
obj=$(find "$GAS_DATA_DIR/objects" -type f | head -1)
check_out "-o the database's WAL: refused, saying why" 2 "is inside GAS's data_dir" \
  gas download "$J" -o "$GAS_DATA_DIR/gas.db-wal"
check_out "-o a stored object: refused" 2 "is inside GAS's data_dir" gas download "$J" -o "$obj"
ln -s "$GAS_DATA_DIR/gas.db" db-link.vcf
check_out "-o a symlink to the database: refused" 2 "is inside GAS's data_dir" gas download "$J" -o db-link.vcf
check_out "the system still reads its jobs" 0 "$J" gas jobs

# gas annotate -o writes beside the output and renames: a symlink planted at that
# temporary name (it carries the writer's pid) is removed, not followed
echo victim > victim.txt
sh -c 'ln -s "$PWD/victim.txt" ann.vcf.tmp.$$ && ln -s "$PWD/victim.txt" ann.vcf.count.log.tmp.$$ &&
  exec gas annotate "$0" -o ann.vcf' "$SAMPLES/test.vcf" > /dev/null 2>&1
expect "annotate -o: a planted link at the temporary name is not followed" \
  sh -c 'test "$(cat victim.txt)" = victim && grep -q "^##INFO=<ID=GENE" ann.vcf && ! test -L ann.vcf'
finish_pipeline "$SUITE"
