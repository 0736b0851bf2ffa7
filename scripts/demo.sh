#!/bin/bash
# make demo: GAS on the embedded backend (SQLite + files) in ./demo-data, and the
# annotation engine on real inputs: VCFs that Debian packages ship, and GAS's own sample
# inputs (../shared/testdata/gas-samples) when they are there.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/bin
DATA=$PWD/demo-data
rm -rf "$DATA"
mkdir -p "$DATA/results"
export GAS_DATA_DIR=$DATA/state

export GAS_ARCHIVE_GRACE=5 GAS_COLD_EXPEDITED_DELAY=3 GAS_QUEUE_WAIT=1 GAS_THAW_POLL_INTERVAL=2
G="$BIN/gas"
echo "== GAS on the embedded backend in $GAS_DATA_DIR (archive grace 5 s, Expedited retrieval 3 s)"
"$G" setup >/dev/null
"$BIN/gasd" > "$DATA/gasd.log" 2>&1 &
GASD=$!
trap 'kill -TERM $GASD 2>/dev/null; wait $GASD 2>/dev/null' EXIT
"$G" users add fiona --name "Fiona Free" --email fiona@example.org | sed 's/^/   /'
"$G" users add paul --name "Paul Premium" --email paul@example.org --premium | sed 's/^/   /'
if [ -d ../shared/testdata/gas-samples ]; then S=../shared/testdata/gas-samples; F1=$S/free_1.vcf; F2=$S/free_2.vcf; P1=$S/premium_1.vcf
else S=build/sources/demo; F1=$S/hapmap_exome_chr22.vcf.gz; F2=$S/shapeit4_unphased_chr20.vcf.gz; P1=$F1; fi
J1=$("$G" submit "$F1" --user fiona); J2=$("$G" submit "$F2" --user fiona); J3=$("$G" submit "$P1" --user paul)
echo "   submitted $(basename "$F1"), $(basename "$F2") for fiona and $(basename "$P1") for paul"
state() { "$G" show "$1" | awk '$1=="job_status"{s=$2} $1=="archive_state"{a=$2} $1=="display_state"{$1=""; d=$0} END{printf "%-9s %-9s %s", s, a, d}'; }
show() { echo "   -- $1"; for j in $J1 $J2 $J3; do printf "   %.8s  %s\n" "$j" "$(state $j)"; done; }
waitfor() { for i in $(seq 1 150); do [ "$("$G" show "$1" | awk -v k=$2 '$1==k{print $2}')" = "$3" ] && return 0; sleep 0.2; done; return 1; }
waitfor $J1 job_status COMPLETED; waitfor $J2 job_status COMPLETED; waitfor $J3 job_status COMPLETED
for i in $(seq 1 50); do [ "$(ls "$GAS_DATA_DIR/outbox" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.1; done
show "annotated (emails in $GAS_DATA_DIR/outbox: $(ls "$GAS_DATA_DIR/outbox" | wc -l))"
"$G" download $J1 -o "$DATA/before.vcf"
waitfor $J1 archive_state ARCHIVED; waitfor $J2 archive_state ARCHIVED
show "after the grace period: fiona's results archived (hot copies deleted), paul's kept"
echo "   \$ gas download ${J1:0:8}... -o result.vcf"
"$G" download $J1 -o "$DATA/x.vcf" 2>&1 | sed 's/^/   /' || true
echo "   \$ gas upgrade fiona"
"$G" upgrade fiona | sed 's/^/   /'
waitfor $J1 archive_state RESTORING && show "retrievals started (Expedited)"
waitfor $J1 archive_state NONE; waitfor $J2 archive_state NONE
show "thawed: results back where they were"
"$G" download $J1 -o "$DATA/after.vcf"
cmp -s "$DATA/before.vcf" "$DATA/after.vcf" && echo "   downloaded again: identical bytes ($(wc -c < "$DATA/after.vcf") bytes)"
echo
"$G" status | sed 's/^/   /'
kill -TERM $GASD; wait $GASD; echo "   gasd stopped (exit $?); its log: $DATA/gasd.log"
trap - EXIT

echo
echo "== annotating with the default GRCh37 sources (build/sources/sources.conf):"
sed -n '/^\[/,$p' build/sources/sources.conf | grep -v '^$' | sed 's/^/   /'
inputs=(build/sources/demo/*)
if [ -d ../shared/testdata/gas-samples ]; then
  inputs+=(../shared/testdata/gas-samples/*.vcf)
else
  echo "   (../shared/testdata/gas-samples not found: GAS's own samples are skipped)"
fi
printf '\n   %-34s %9s %9s %9s %8s\n' input records known% genes% seconds
for f in "${inputs[@]}"; do
  name=$(basename "$f"); stem=${name%%.*}
  out=$DATA/results/$stem.annot.vcf
  if ! "$BIN/gas" annotate "$f" -o "$out" 2>"$DATA/results/$stem.err"; then
    echo "   $name: FAILED: $(cat "$DATA/results/$stem.err")"; continue
  fi
  log=$DATA/results/$stem.vcf.count.log
  awk -v n="$name" '/^total records/{r=$3} /^records in known/{k=$6} /^  genes /{g=$3}
       /^elapsed/{s=$2} END{gsub(/[()%]/,"",k); gsub(/[()%]/,"",g); printf "   %-34s %9s %9s %9s %8s\n", n, r, k, g, s}' "$log"
done

echo
echo "== a few annotated records (hapmap_exome_chr22):"
awk -F'\t' '!/^#/ && $8 ~ /KG_AF=/ && $8 ~ /GENE=/ && n++ < 5 {
    g = k = "."; split($8, f, ";")
    for (i in f) { if (f[i] ~ /^GENE=/) g = substr(f[i], 6); if (f[i] ~ /^KG_AF=/) k = substr(f[i], 7) }
    printf "   %s:%s %s>%s  ID=%s  GENE=%s  KG_AF=%s\n", $1, $2, $4, $5, $3, g, k }' \
  "$DATA/results/hapmap_exome_chr22.annot.vcf"
echo
echo "== count log of test.vcf or the first input:"
log=$DATA/results/test.vcf.count.log
[ -f "$log" ] || log=$(ls "$DATA"/results/*.count.log | head -1)
sed -n '1,24s/^/   /p' "$log"
echo
echo "annotation results are in $DATA/results; the backend's state in $GAS_DATA_DIR"
