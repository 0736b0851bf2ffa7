#!/bin/bash
# An admin edits the annotation sources file while gasd runs: the next job is annotated
# with the new sources (no restart), gasd logs that it loaded them again; an edit that
# cannot load (a bad line) is logged with its reason and the sources in use stay. gasd
# takes a changed file once it has been left alone for a second (touch -d stands for that
# second here, instead of a sleep). gasd keeps a source's files open and loaded between
# jobs: a region or known-variant file replaced under an unchanged sources file is read
# again for the next job.
SUITE=sources_reload
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
for t in bgzip tabix; do command -v $t >/dev/null || { bad "$t present"; finish $SUITE; exit 1; }; done
printf 'MT\t0\t16569\tmito_region\n' > zones.bed
bgzip -f zones.bed && tabix -p bed zones.bed.gz
src() { # src FIELD: the sources file with one region source writing INFO/FIELD
  printf '[zones]\ntype = region\nfile = %s/zones.bed.gz\nfield = %s\n' "$WORK" "$1" > sources.tmp
  mv sources.tmp sources.conf # replaced whole, as an editor or a deploy would
  touch -d '-5 seconds' sources.conf
}
export GAS_ANNOT_SOURCES=$WORK/sources.conf GAS_ARCHIVE_GRACE=3600
gas users add src --email src@example.org >/dev/null
# a sources file that does not load stops gasd at start, exit 1, saying why
printf '[zones]\ntype = nonsense\nfile = %s/zones.bed.gz\n' "$WORK" > sources.conf
timeout 60 gasd > start.log 2>&1
expect "broken sources at start: gasd exits 1" test $? = 1
expect "... naming the file and line" grep -q 'sources.conf:2: type must be' start.log
expect "... and not left as a live or lost worker" sh -c "! gas workers | grep -qE ' (alive|lost) '"
src FIRST
start_gasd
expect "gasd started" wait_log "started [0-9]+ pipeline threads"
src ZONE # edited after gasd started, before its first job
A=$(submit "$SAMPLES/test.vcf" src)
wait_field "$A" job_status COMPLETED 30 && gas download "$A" -o a.vcf
expect "first job: ZONE, from the file edited before it" grep -q 'ZONE=mito_region' a.vcf
src AREA
B=$(submit "$SAMPLES/test.vcf" src)
wait_field "$B" job_status COMPLETED 30 && gas download "$B" -o b.vcf
expect "after the edit: the next job has AREA" grep -q 'AREA=mito_region' b.vcf
expect "... and no ZONE" sh -c "! grep -v '^#' b.vcf | grep -q 'ZONE='"
expect "gasd says it loaded the sources again" wait_log "annotation sources changed: loaded again"
printf '[zones]\ntype = nonsense\nfile = %s/zones.bed.gz\n' "$WORK" > sources.conf
touch -d '-5 seconds' sources.conf
C=$(submit "$SAMPLES/test.vcf" src)
wait_field "$C" job_status COMPLETED 30 && gas download "$C" -o c.vcf
expect "a bad edit: the job is annotated with the sources in use (AREA)" grep -q 'AREA=mito_region' c.vcf
expect "a bad edit: gasd logs why it did not load it" \
  wait_log "annotation sources changed but cannot be loaded .*sources.conf:2: type must be"

# the data files replaced, the sources file left as it is
printf '##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description="freq">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nMT\t64\trsOLD\tC\tT\t.\t.\tAF=0.1\n' > known.vcf
bgzip -f known.vcf && tabix -f -p vcf known.vcf.gz
printf '[zones]\ntype = region\nfile = %s/zones.bed.gz\nfield = AREA\n\n[kg]\ntype = known\nfile = %s/known.vcf.gz\ninfo = AF:KG_AF\n' "$WORK" "$WORK" > sources.tmp
mv sources.tmp sources.conf && touch -d '-5 seconds' sources.conf
D=$(submit "$SAMPLES/test.vcf" src)
wait_field "$D" job_status COMPLETED 30 && gas download "$D" -o d.vcf
expect "with a known source: rsOLD and its AF" grep -qP '^MT\t64\trsOLD\t.*KG_AF=0.1' d.vcf
E=$(submit "$SAMPLES/test.vcf" src) # a second job with the same files: what was kept
wait_field "$E" job_status COMPLETED 30 && gas download "$E" -o e.vcf
expect "the next job, files unchanged: the same annotation" cmp -s <(grep -v '^##' d.vcf) <(grep -v '^##' e.vcf)
printf 'MT\t0\t16569\tmito_v2\n' | bgzip > zones.new && mv zones.new zones.bed.gz && tabix -f -p bed zones.bed.gz
printf '##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description="freq">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nMT\t64\trsNEW\tC\tT\t.\t.\tAF=0.2\n' | bgzip > known.new
mv known.new known.vcf.gz && tabix -f -p vcf known.vcf.gz
F=$(submit "$SAMPLES/test.vcf" src)
wait_field "$F" job_status COMPLETED 30 && gas download "$F" -o f.vcf
expect "region file replaced: the next job has its new name" grep -q 'AREA=mito_v2' f.vcf
expect "known file replaced: the next job has its new ID and AF" grep -qP '^MT\t64\trsNEW\t.*KG_AF=0.2' f.vcf
expect "... and nothing of the old files" sh -c "! grep -qE 'rsOLD|mito_region' f.vcf"
finish_pipeline "$SUITE"
