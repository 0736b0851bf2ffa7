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
# its own system, whatever the shell or the machine is set up for: no GAS_* variable of the
# caller's, and a config file of its own (else ./gas.conf, ~/.config/gas/gas.conf or
# /etc/gas/gas.conf would be read: a deployment's, perhaps on AWS)
for v in $(compgen -e | grep '^GAS_' || true); do unset "$v"; done
printf '# make demo: the embedded backend in demo-data/state\nbackend = local\ndata_dir = state\n' > "$DATA/gas.conf"
export GAS_CONFIG=$DATA/gas.conf GAS_DATA_DIR=$DATA/state

export GAS_ARCHIVE_GRACE=5 GAS_COLD_EXPEDITED_DELAY=3 GAS_QUEUE_WAIT=1 GAS_THAW_POLL_INTERVAL=2
G="$BIN/gas"
echo "== GAS on the embedded backend in $GAS_DATA_DIR (archive grace 5 s, Expedited retrieval 3 s)"
"$G" setup >/dev/null
"$BIN/gasd" > "$DATA/gasd.log" 2>&1 &
GASD=$!
trap 'kill -TERM $GASD 2>/dev/null; wait $GASD 2>/dev/null' EXIT
"$G" users add fiona --name "Fiona Free" --email fiona@example.org | sed 's/^/   /'
"$G" users add paul --name "Paul Premium" --email paul@example.org --premium | sed 's/^/   /'
if [ -d ../shared/testdata/gas-samples ]; then S=../shared/testdata/gas-samples; F1=$S/free_1.vcf; F2=$S/free_2.vcf; P1=$S/premium_2.vcf
else S=build/sources/demo; F1=$S/hapmap_exome_chr22.vcf.gz; F2=$S/shapeit4_unphased_chr20.vcf.gz; P1=$F1; fi
J1=$("$G" submit "$F1" --user fiona); J2=$("$G" submit "$F2" --user fiona); J3=$("$G" submit "$P1" --user paul)
echo "   submitted $(basename "$F1"), $(basename "$F2") for fiona and $(basename "$P1") for paul"
state() { "$G" show "$1" | awk '$1=="job_status"{s=$2} $1=="archive_state"{a=$2} $1=="display_state"{$1=""; d=$0} END{printf "%-9s %-9s %s", s, a, d}'; }
show() { echo "   -- $1"; for j in $J1 $J2 $J3; do printf "   %.8s  %s\n" "$j" "$(state $j)"; done; }
waitfor() { for i in $(seq 1 150); do [ "$("$G" show "$1" | awk -v k=$2 '$1==k{print $2}')" = "$3" ] && return 0; sleep 0.2; done; return 1; }
waitfor $J1 job_status COMPLETED; waitfor $J2 job_status COMPLETED; waitfor $J3 job_status COMPLETED
for i in $(seq 1 50); do [ "$(ls "$GAS_DATA_DIR/outbox" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.1; done
show "annotated (emails in $GAS_DATA_DIR/outbox: $(ls "$GAS_DATA_DIR/outbox" | wc -l))"
echo "   -- the build each job was annotated for (gas show: annotation_build, annotation_note)"
for j in $J1 $J2 $J3; do
  "$G" show $j | awk -v j=${j:0:8} '$1=="input_file_name"{f=$2} $1=="annotation_build"{b=$2}
      $1=="annotation_note"{$1=""; n=substr($0, 2)}
      END{if (length(n) > 90) n = substr(n, 1, 88) ".."; printf "   %s  %-14s %-7s %s\n", j, f, b, n}'
done
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
echo "== annotating with the default sources: per genome build, in build/sources/<build>/sources.conf"
for f in build/sources/*/sources.conf; do
  b=$(basename "$(dirname "$f")")
  echo "   $b: $(grep -h '^\[' "$f" | tr -d '[]' | tr '\n' ' ')"
done
inputs=(build/sources/demo/*)
if [ -d ../shared/testdata/gas-samples ]; then
  inputs+=(../shared/testdata/gas-samples/*.vcf)
else
  echo "   (../shared/testdata/gas-samples not found: GAS's own samples are skipped)"
fi
printf '\n   %-32s %-7s %-22s %8s %8s %7s %7s\n' input build "decided by" records in-gene% known% seconds
for f in "${inputs[@]}"; do
  name=$(basename "$f"); stem=${name%%.*}
  out=$DATA/results/$stem.annot.vcf
  if ! "$BIN/gas" annotate "$f" -o "$out" --log-json "$DATA/results/$stem.json" 2>"$DATA/results/$stem.err"; then
    echo "   $name: FAILED: $(cat "$DATA/results/$stem.err")"; continue
  fi
  python3 - "$name" "$DATA/results/$stem.json" <<'EOP'
import json, sys
j = json.load(open(sys.argv[2])); n = j["records"] or 1
loc = j["location_classes"]; genes = loc.get("exonic", 0) + loc.get("intronic", 0)
known = j["records_in_known_sources"]
pct = lambda x: "%.1f" % (100.0 * x / n) if j["annotated"] else "-"
print("   %-32s %-7s %-22s %8d %8s %7s %7.3f%s" % (sys.argv[1], j["build"]["name"], j["build"]["decided_by"],
      j["records"], pct(genes), pct(known), j["seconds"], "" if j["annotated"] else "  NOT annotated"))
EOP
done

sample=premium_2; [ -f "$DATA/results/$sample.annot.vcf" ] || sample=hapmap_exome_chr22
echo
echo "== a few annotated records ($sample, $(grep -o 'build=[^,]*' "$DATA/results/$sample.annot.vcf" | head -1)):"
awk -F'\t' '!/^#/ && $8 ~ /GENE=/ {
    n = split($8, f, ";"); delete v
    for (i = 1; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    k = v["GENE_LOC"]; if (seen[k]++ >= 2) next
    printf "   %s:%s %s>%s  ID=%s  GENE=%s  GENE_LOC=%s  CYTOBAND=%s%s\n", $1, $2, $4, $5, $3,
      v["GENE"] ? v["GENE"] : "(" v["NEAREST_GENE"] " " v["NEAREST_DIST"] " bp away)", k,
      v["CYTOBAND"] ? v["CYTOBAND"] : ".", v["KG_AF"] ? "  KG_AF=" v["KG_AF"] : ""
    if (++shown == 8) exit }' "$DATA/results/$sample.annot.vcf"
echo
echo "== count log of $sample.vcf:"
sed 's/^/   /' "$DATA/results/$sample.vcf.count.log"
if [ -f "$DATA/results/premium_3.vcf.count.log" ]; then
  echo
  echo "== premium_3.vcf names NCBI36 (hg18) in its header: GRCh37's genes lifted to NCBI36:"
  { sed -n '3p' "$DATA/results/premium_3.vcf.count.log"
    sed -n '/^records per location class/,/^$/p' "$DATA/results/premium_3.vcf.count.log"
  } | fold -s -w 96 | sed 's/^/   /'
fi
echo
echo "annotation results are in $DATA/results; the backend's state in $GAS_DATA_DIR"
echo "look at it (gasd has stopped; start it too to see it work): bin/gas --config demo-data/gas.conf console"
