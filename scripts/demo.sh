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

echo "== setting up the embedded backend in $GAS_DATA_DIR"
"$BIN/gas" setup | sed 's/^/   /'

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
echo "results are in $DATA/results; the backend's state in $GAS_DATA_DIR"
