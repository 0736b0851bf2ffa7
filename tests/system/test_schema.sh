#!/bin/bash
# A data directory made by an older gas (schema 1: job items kept WITHOUT ROWID) opened by
# this one: the first command moves the items to schema 2 (items with rowids, see
# items_with_rowid in common/local/ldb.c), nothing is lost, and gasd finishes the jobs
# that were queued before the upgrade.
SUITE=schema
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
gas users add old --email old@example.org >/dev/null
: > jobs.txt
for n in test free_1 premium_2; do echo "$(submit "$SAMPLES/$n.vcf" old) $n" >> jobs.txt; done
# back to schema 1, as the previous release left it
sqlite3 "$GAS_DATA_DIR/gas.db" <<'SQL'
BEGIN;
ALTER TABLE items RENAME TO items_now;
DROP INDEX items_by_idx; DROP INDEX items_by_due; DROP INDEX items_by_mseq;
CREATE TABLE items(tbl TEXT NOT NULL, k TEXT NOT NULL, idx TEXT, body TEXT NOT NULL, w TEXT,
  wu INTEGER, mseq INTEGER, PRIMARY KEY(tbl, k)) WITHOUT ROWID;
INSERT INTO items SELECT tbl, k, idx, body, w, wu, mseq FROM items_now;
DROP TABLE items_now;
CREATE INDEX items_by_idx ON items(tbl, idx, k);
CREATE INDEX items_by_due ON items(tbl, w, wu) WHERE w IS NOT NULL;
CREATE INDEX items_by_mseq ON items(tbl, mseq);
PRAGMA user_version = 1;
COMMIT;
SQL
before=$(sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT count(*) FROM items")
check "the fixture is schema 1 (items WITHOUT ROWID)" 1 \
  sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT rowid FROM items LIMIT 1"
check_out "gas status after the upgrade: the 3 jobs PENDING" 0 'jobs 3: PENDING 3' gas status
check_out "... the database is at schema 2" 0 '^2$' sqlite3 "$GAS_DATA_DIR/gas.db" "PRAGMA user_version"
check "... its items have rowids" 0 sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT rowid FROM items LIMIT 1"
after=$(sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT count(*) FROM items")
expect "... every item kept ($before before, $after after)" test "$before" = "$after"
check_out "... and intact" 0 '^ok$' sqlite3 "$GAS_DATA_DIR/gas.db" "PRAGMA integrity_check"
read -r j1 _ < jobs.txt
check_out "gas show of a job queued before the upgrade" 0 '^job_status +PENDING' gas show "$j1"
start_gasd GAS_ARCHIVE_GRACE=3600
n=0; while read -r j _; do wait_field "$j" job_status COMPLETED 60 && n=$((n + 1)); done < jobs.txt
stop_gasd
expect "gasd completes the 3 jobs queued before the upgrade ($n)" test "$n" = 3
same=0
while read -r j name; do
  gas annotate "$SAMPLES/$name.vcf" -o "want-$name.vcf" >/dev/null 2>&1
  gas download "$j" -o got.vcf 2>/dev/null && cmp -s got.vcf "want-$name.vcf" && same=$((same + 1))
done < jobs.txt
expect "... each result byte-identical to gas annotate of its input ($same)" test "$same" = 3
check_out "gas jobs lists them COMPLETED" 0 "COMPLETED" gas jobs --user old
# a later gas's database (schema 3, say) opened by this one: read as it is, its version
# not set back
sqlite3 "$GAS_DATA_DIR/gas.db" "PRAGMA user_version = 3"
check_out "a later schema's database: gas status reads it" 0 'jobs 3: .*COMPLETED 3' gas status
check_out "... and leaves its version as it was" 0 '^3$' \
  sqlite3 "$GAS_DATA_DIR/gas.db" "PRAGMA user_version"
finish_pipeline "$SUITE"
