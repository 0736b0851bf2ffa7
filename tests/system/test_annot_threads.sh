#!/bin/bash
# The annotation engine on record workers (gas annotate --threads N: inputs of more than one
# 1 MB block are annotated a block per worker and merged in input order) gives what one
# thread gives, byte for byte: the annotated VCF, the count log (but for its elapsed line)
# and, for bad input, the same exit status and the same message naming the same line, with
# no output left. Checked on a 1000 Genomes sample of chr21 (60,694 records, 28 MB, so 28
# blocks) against the default gene model, a region source made from it and another
# sample's variants as a known source; sorted; unsorted (blocks in reverse order, a contig
# that comes back); CRLF lines, blank lines and no last newline; gzip, BCF and stdin; and a
# bad POS, a header line, an undeclared contig and an over-long line late in the file.
SUITE=annot_threads
. "$(dirname "$0")/lib.sh"
SRC=$GAS_ROOT/../shared/bench/src
MODEL=$GAS_ROOT/build/sources/GRCh37/genemodel.tsv.gz
cd "$WORK" || exit 2
for t in bcftools tabix bgzip; do
  command -v $t >/dev/null || { bad "tools present" "missing $t (scripts/install-deps.sh installs it)"; finish $SUITE; exit 1; }
done
if [ ! -s "$SRC/1000G_HG02102_chr21.b37.vcf.gz" ] || [ ! -s "$MODEL" ]; then
  bad "inputs present" "$SRC/1000G_HG02102_chr21.b37.vcf.gz (../shared beside the project) or $MODEL (make) missing"
  finish $SUITE; exit 1
fi

# sources: the gene model, a region source of its genes, another sample's variants (known)
cp "$SRC/1000G_NA20787_chr21.b37.vcf.gz" known.vcf.gz && tabix -p vcf known.vcf.gz
zcat "$MODEL" | awk -F'\t' '!/^#/ {print $1 "\t" $2 "\t" $3 "\t" $6}' | sort -k1,1 -k2,2n > genes.bed
printf '[genes]\ntype = genemodel\nfile = %s\n\n[bed]\ntype = region\nfile = genes.bed\nfield = BED_GENE\n\n[kg]\ntype = known\nfile = known.vcf.gz\nid = true\ninfo = AF:NA_AF,VT\n' \
  "$MODEL" > model.conf
printf '[bed]\ntype = region\nfile = genes.bed\nfield = BED_GENE\n\n[kg]\ntype = known\nfile = known.vcf.gz\nid = true\ninfo = AF:NA_AF\n' > region.conf

zcat "$SRC/1000G_HG02102_chr21.b37.vcf.gz" > sorted.vcf
grep '^#' sorted.vcf > head.txt
grep -v '^#' sorted.vcf > body.txt
nrec=$(wc -l < body.txt)
nhead=$(wc -l < head.txt)

# same NAME INPUT CONF [THREADS...]: --threads 0 and each of THREADS (default 2 3) give the
# same output and count log; the runs with threads say so in their log's elapsed line
same() {
  local name=$1 in=$2 conf=$3; shift 3
  local ts=${*:-2 3}
  if ! gas annotate "$in" -o "$name.t0.vcf" -s "$conf" --threads 0 > "$name.t0.err" 2>&1; then
    bad "$name: annotated with one thread" "$(cat "$name.t0.err")"; return
  fi
  grep -q 'elapsed: .* (1 record thread)' "$name.t0.vcf.count.log" || bad "$name: one thread says so" "$(grep elapsed "$name.t0.vcf.count.log")"
  for t in $ts; do
    if ! gas annotate "$in" -o "$name.t$t.vcf" -s "$conf" --threads "$t" > "$name.t$t.err" 2>&1; then
      bad "$name: annotated with --threads $t" "$(cat "$name.t$t.err")"; continue
    fi
    if cmp -s "$name.t0.vcf" "$name.t$t.vcf"; then ok "$name: --threads $t output identical to one thread's"
    else bad "$name: --threads $t output identical to one thread's" "$(cmp "$name.t0.vcf" "$name.t$t.vcf" 2>&1)"; fi
    if diff <(grep -v '^elapsed:' "$name.t0.vcf.count.log") <(grep -v '^elapsed:' "$name.t$t.vcf.count.log") > "$name.logdiff"; then
      ok "$name: --threads $t count log identical"
    else bad "$name: --threads $t count log identical" "$(head -20 "$name.logdiff")"; fi
    check_out "$name: --threads $t ran on $t record threads" 0 "elapsed: .* \\($t record threads\\)" cat "$name.t$t.vcf.count.log"
  done
}

# fails NAME INPUT PATTERN: one thread and --threads 2 both exit 1 with the same message,
# which matches PATTERN, and leave no output
fails() {
  local name=$1 in=$2 pat=$3
  gas annotate "$in" -o "$name.t0.vcf" -s model.conf --threads 0 > "$name.t0.err" 2>&1; local r0=$?
  gas annotate "$in" -o "$name.t2.vcf" -s model.conf --threads 2 > "$name.t2.err" 2>&1; local r2=$?
  # GAS's own message (htslib may add lines of its own, which differ with threads)
  if [ $r0 = 1 ] && [ $r2 = 1 ] && grep -qE -- "$pat" "$name.t0.err" &&
     cmp -s <(grep '^gas annotate' "$name.t0.err") <(grep '^gas annotate' "$name.t2.err"); then
    ok "$name: same error from one thread and from --threads 2: $(grep '^gas annotate' "$name.t2.err")"
  else
    bad "$name: same error from one thread and from --threads 2 (/$pat/)" "one thread: exit $r0 $(cat "$name.t0.err")" "--threads 2: exit $r2 $(cat "$name.t2.err")"
  fi
  if [ -e "$name.t0.vcf" ] || [ -e "$name.t2.vcf" ] || ls "$name".t?.vcf.tmp.* >/dev/null 2>&1; then
    bad "$name: no output left" "$(ls "$name".t?.vcf* 2>&1)"
  else ok "$name: no output left"; fi
}

# ------------------------------------------------------------------ sorted
same sorted sorted.vcf model.conf
# what a scientist sees is there through the last block: known IDs and genes near the end
tail -5000 sorted.t2.vcf > tail.txt
k=$(grep -c 'NA_AF=' tail.txt); gn=$(grep -c 'GENE=' tail.txt)
if [ "$k" -gt 1000 ] && [ "$gn" -gt 1000 ]; then ok "last 5000 records annotated ($k with NA_AF, $gn with GENE)"
else bad "last 5000 records annotated" "NA_AF on $k, GENE on $gn"; fi
check_out "count log: the genes with the most records" 0 '^  [A-Z0-9-]+ +[0-9]+' sed -n '/genes with the most records/,/^$/p' sorted.t2.vcf.count.log
# the output file (past 8 MB it is written with O_DIRECT) holds every input record whole:
# all columns but ID and INFO as they were, and it is what the same run writes to stdout
if cmp -s <(grep -v '^#' sorted.vcf | cut -f1,2,4-7,9-) <(grep -v '^#' sorted.t0.vcf | cut -f1,2,4-7,9-); then
  ok "output file: every record, its other columns unchanged ($nrec records, $(stat -c %s sorted.t0.vcf) bytes)"
else bad "output file: every record, its other columns unchanged" "$(grep -vc '^#' sorted.t0.vcf) records in the output"; fi
gas annotate sorted.vcf -o - -s model.conf --no-log > stdout.vcf 2>/dev/null
check "output to stdout (no O_DIRECT) is the same as the file" 0 cmp stdout.vcf sorted.t2.vcf
same regions sorted.vcf region.conf 2
check_out "count log (region source): the genes with the most records" 0 'genes with the most records \(source bed\)' cat regions.t2.vcf.count.log

# ------------------------------------------------------------------ unsorted
# blocks of 7000 records in reverse order; records 20001-20300 moved to contig 22 and
# back (a contig that comes back)
split -l 7000 -d -a 3 body.txt part.
{ cat head.txt; for f in $(ls part.* | sort -r); do cat "$f"; done; } |
  awk -F'\t' -v OFS='\t' -v h="$nhead" '!/^#/ && NR > h + 20000 && NR <= h + 20300 {$1 = "22"} {print}' > unsorted.vcf
same unsorted unsorted.vcf model.conf
check_out "unsorted input: the log says records are out of order" 0 '^records out of order: [1-9][0-9]* ' cat unsorted.t2.vcf.count.log
check "sorted input: the log has no such line" 1 grep -q 'out of order' sorted.t2.vcf.count.log
check_out "unsorted input: the log counts contig 22's 300 records" 0 '^  22 +300$' cat unsorted.t2.vcf.count.log
check_out "unsorted input: and the rest on 21" 0 "^  21 +$((nrec - 300))\$" cat unsorted.t2.vcf.count.log

# every record shuffled: each is annotated as in the sorted file (the known source is read
# again through its index at every step back)
{ cat head.txt; shuf --random-source=<(yes) body.txt; } > shuffled.vcf
same shuffled shuffled.vcf model.conf 2
if cmp -s <(grep -v '^#' shuffled.t0.vcf | sort) <(grep -v '^#' sorted.t0.vcf | sort); then
  ok "shuffled input: every record annotated as in the sorted input"
else bad "shuffled input: every record annotated as in the sorted input"; fi

# ------------------------------------------------------------------ line endings, compression
awk -v h="$nhead" 'NR > h && (NR - h) % 5000 == 0 {print ""} {printf "%s\r\n", $0}' sorted.vcf | head -c -2 > crlf.vcf
same crlf crlf.vcf model.conf 2
gzip -c sorted.vcf > sorted.gz.vcf.gz
same gzip sorted.gz.vcf.gz model.conf 2
bcftools view -Ob -o sorted.bcf sorted.vcf 2>/dev/null
same bcf sorted.bcf model.conf 2
gas annotate - -o stdin.t0.vcf -s model.conf --no-log --threads 0 < sorted.vcf 2>/dev/null
gas annotate - -o stdin.t2.vcf -s model.conf --no-log --threads 2 < sorted.vcf 2>/dev/null
check "stdin: --threads 2 output identical to one thread's" 0 cmp stdin.t0.vcf stdin.t2.vcf
check "stdin: the same as from the file" 0 cmp stdin.t2.vcf sorted.t0.vcf

# ------------------------------------------------------------------ bad lines late in the file
bad_at() { # LINE_OF_FILE AWK_ACTION: the file with that line changed
  awk -F'\t' -v OFS='\t' -v n="$1" "NR == n {$2} {print}" sorted.vcf
}
L=$((nhead + 50001))
bad_at $L '$2 = "abc"' > badpos.vcf
fails "bad POS at line $L" badpos.vcf "line $L: POS is not a non-negative integer"
L=$((nhead + 45001))
bad_at $L '$0 = "##INFO=<ID=X,Number=1,Type=String,Description=\"late\">"' > lateheader.vcf
fails "header line at line $L" lateheader.vcf "line $L: a header line after the records started"
L=$((nhead + 40001))
bad_at $L '$1 = "chrNowhere"' > undeclared.vcf
# a contig the header does not declare: annotated (as bcftools goes on), warned with its line
same undeclared undeclared.vcf model.conf 2
check_out "undeclared contig at line $L: warned with its line" 0 \
  "1 record on 1 contig that the header's ##contig lines do not declare \(first at line $L\), annotated as the others: chrNowhere \(1\)" \
  cat undeclared.t2.vcf.count.log
L=$((nhead + 30001))
{ head -n $((L - 1)) sorted.vcf; printf '21\t48000000\t.\tA\tG\t.\tPASS\tX='; head -c 4300000 /dev/zero | tr '\0' A; printf '\tGT\t0|1\n'; tail -n +$L sorted.vcf; } > longline.vcf
fails "over-long line at line $L" longline.vcf "line $L: longer than 4194304 bytes"
L=$((nhead + nrec))
bad_at $L '$2 = "-5"' > badlast.vcf
fails "bad POS on the last line ($L)" badlast.vcf "line $L: POS is not a non-negative integer"

# ------------------------------------------------------------------ cut-short compressed input
# cut inside a BGZF block: fails (with threads, htslib's reader had ended it as if complete,
# a silent partial result); the line is where the file breaks, the same at every thread count
bgzip -c sorted.vcf > sorted.vcf.gz
head -c $(( $(stat -c %s sorted.vcf.gz) * 3 / 5 )) sorted.vcf.gz > cut.vcf.gz
fails "bgzip cut inside a block" cut.vcf.gz "line [0-9]+: the file is corrupt or truncated"
# a small file (one read holds all of it) with bytes after its end: the error names the
# line after its last whole line, not line 1 (the read that failed had held them all)
head -n 30 sorted.vcf | bgzip -c > small.vcf.gz && echo garbage >> small.vcf.gz
fails "bgzip with text after its end" small.vcf.gz \
  "line 31: the file is corrupt or truncated \(decompression failed after line 30, the last whole one\)"
same_err=1
for i in 1 2 3; do # the threaded reader gave up at a varying point: the same line each run
  gas annotate cut.vcf.gz -o cut.again.vcf -s model.conf --threads 2 > cut.again.err 2>&1
  cmp -s <(grep '^gas annotate' cut.again.err) <(grep '^gas annotate' "bgzip cut inside a block.t0.err") || { same_err=0; bad "cut bgzip: the same error every run" "$(cat cut.again.err)"; break; }
done
[ $same_err = 1 ] && ok "cut bgzip: the same error on 3 more runs with --threads 2"
# cut at a block boundary (the end-of-file marker gone): annotated, with a warning
head -c $(( $(stat -c %s sorted.vcf.gz) - 28 )) sorted.vcf.gz > noeof.vcf.gz
check "bgzip without its end-of-file marker: annotated" 0 gas annotate noeof.vcf.gz -o noeof.vcf -s model.conf
check_out "... and the count log warns it may have been cut short" 0 'without the end-of-file marker .* cut short' cat noeof.vcf.count.log
check "a whole bgzip has no such warning" 1 grep -q 'end-of-file marker' sorted.t2.vcf.count.log

# ------------------------------------------------------------------ where the output goes
# as cp writes: a device or a FIFO is written as it is, a symlink's target is replaced (the
# link stays); no count log beside a device unless -l names one. (A device node of our own,
# like /dev/null: a regression must not replace the machine's.)
if mknod null c 1 3 2>/dev/null; then
  check "-o a device: annotated" 0 gas annotate sorted.vcf -o null -s model.conf
  check_out "... the device is still a character device" 0 'character special file' stat -c %F null
  check "... and no count log beside it" 0 sh -c "! ls null.*log* 2>/dev/null | grep -q ."
  check "-l and --log-json to a device" 0 gas annotate sorted.vcf -o dev.vcf -s model.conf -l null --log-json null
  check_out "... still a character device" 0 'character special file' stat -c %F null
else
  bad "mknod (the suite runs as root)" "cannot make a device node in $WORK"
fi
mkfifo out.fifo
(wc -l < out.fifo > fifo.lines &)
check "-o a FIFO: annotated" 0 gas annotate sorted.vcf -o out.fifo -s model.conf --threads 2
check_out "... the FIFO is still a FIFO" 0 'fifo' stat -c %F out.fifo
i=0; while [ ! -s fifo.lines ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check_out "... and its reader got every line" 0 "^$(wc -l < sorted.t0.vcf)\$" cat fifo.lines
ln -s target.vcf link.vcf
check "-o a symlink: annotated" 0 gas annotate sorted.vcf -o link.vcf -s model.conf --threads 2
check_out "... the link is still a link" 0 'symbolic link' stat -c %F link.vcf
check "... and its target holds the result" 0 cmp target.vcf sorted.t0.vcf

finish $SUITE
