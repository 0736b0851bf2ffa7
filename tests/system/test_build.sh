#!/bin/bash
# Genome builds and contig names through the front door: gasd annotates each input with
# the sources of its build (annot_sources_dir/<build>/sources.conf), decided from the
# header (contig lengths, then names, else default_build) unless the job says otherwise
# (gas submit --build, the item's genome_build); "chr21" finds "21"; an NCBI36 input is
# passed through unannotated and gas show / gas log say why; gas log --json for programs.
SUITE=build
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2

# sources: GRCh37 and GRCh38 genes, both named without "chr"
mkdir -p src/GRCh37 src/GRCh38
printf '21\t9411000\t9412000\tGENE37\n' | bgzip > src/GRCh37/genes.bed.gz
printf '21\t10000\t20000\tGENE38A\n21\t30000\t40000\tGENE38B\n' | bgzip > src/GRCh38/genes.bed.gz
for b in GRCh37 GRCh38; do
  tabix -p bed src/$b/genes.bed.gz
  printf '[genes]\ntype = region\nfile = genes.bed.gz\nfield = GENE\nversion = test-%s\n' $b \
    > src/$b/sources.conf
done
export GAS_ANNOT_SOURCES_DIR=$WORK/src

vcf() { # vcf HEADER_LINES RECORDS...: a VCF on stdout
  printf '##fileformat=VCFv4.2\n%b#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' "$1"; shift
  for r in "$@"; do printf '%b\n' "$r"; done
}
vcf '##contig=<ID=chr21,length=46709983>\n##contig=<ID=chrUn_KI270302v1,length=2274>\n' \
  'chr21\t15000\t.\tA\tG\t.\t.\tDP=3' 'chr21\t35000\trs1\tC\tT,A\t.\t.\t.' \
  'chr21\t50000\t.\tG\tC\t.\t.\t.' 'chrUn_KI270302v1\t100\t.\tA\tT\t.\t.\t.' > chr38.vcf
sed -e 's/ID=chr21/ID=21/' -e 's/^chr21/21/' chr38.vcf > plain38.vcf
vcf '##contig=<ID=21,length=48129895>\n' '21\t9411500\t.\tA\tG\t.\t.\t.' > in37.vcf
vcf '' '21\t9411500\t.\tA\tG\t.\t.\t.' '21\t15000\t.\tA\tG\t.\t.\t.' > nohdr.vcf
vcf '' 'chr21\t15000\t.\tA\tG\t.\t.\t.' 'chr1_KI270706v1_random\t100\t.\tA\tG\t.\t.\t.' \
  'chrEBV\t100\t.\tA\tG\t.\t.\t.' > nohdr38.vcf

gas users add ann --email ann@example.org --premium >/dev/null  # results stay hot
start_gasd
C=$(submit chr38.vcf ann); P=$(submit plain38.vcf ann); G37=$(submit in37.vcf ann)
D=$(submit nohdr.vcf ann); O=$(gas submit nohdr.vcf --user ann --build GRCh38)
O2=$(gas submit chr38.vcf --user ann --build hg19); N=$(submit "$SAMPLES/premium_3.vcf" ann)
N37=$(gas submit "$SAMPLES/premium_3.vcf" --user ann --build GRCh37)
D38=$(submit nohdr38.vcf ann)
for j in $C $P $G37 $D $O $O2 $N $N37 $D38; do
  require "job ${j:0:8} COMPLETED" wait_field "$j" job_status COMPLETED
done
data() { gas download "$1" -o - | grep -v '^#'; }

# chr-prefixed GRCh38 input and the same renamed to "21": identical annotations
expect "chr21 input: build GRCh38" test "$(field "$C" annotation_build)" = GRCh38
check_out "chr21 finds the source's 21 (GENE38A)" 0 $'^chr21\t15000\t.\tA\tG\t.\t.\tDP=3;GENE=GENE38A$' data "$C"
check_out "multi-allelic record gets GENE38B" 0 $'^chr21\t35000\trs1\tC\tT,A\t.\t.\tGENE=GENE38B$' data "$C"
expect "chr21 and 21 inputs: identical annotations" \
  cmp -s <(data "$C" | sed 's/^chr21/21/') <(data "$P")
check_out "provenance line names build, how, sources" 0 \
  '^##GAS_annotation=<engine=gas,version=[0-9.]+,build=GRCh38,build_source=header-contig-lengths,sources=genes:test-GRCh38,annotated=yes>$' \
  sh -c "gas download $C -o - | grep '^##GAS'"
check_out "count log: the build and how it was decided" 0 \
  "^genome build: GRCh38, from the header's ##contig lengths \(1 of 1 chromosomes" gas log "$C"
check_out "count log: the naming and the aliases" 0 'matched through aliases' gas log "$C"
check_out "count log warns: records on a contig no source has" 0 \
  '1 record \(25.00%\) on 1 contig that no source knows, so not annotated: chrUn_KI270302v1 \(1\)' gas log "$C"
check_out "gas show: a note points to the warning" 0 '^annotation_note .*1 warning' gas show "$C"

# GRCh37 by lengths, default when the header says nothing, the job's build wins
check_out "GRCh37 lengths: GRCh37 genes" 0 $'^21\t9411500\t.\tA\tG\t.\t.\tGENE=GENE37$' data "$G37"
expect "no build in the header: default GRCh37" test "$(field "$D" annotation_build)" = GRCh37
check_out "count log says it was the default" 0 'not stated in the header.*default' gas log "$D"
check_out "no build in the header, records on GRCh38-only contigs: the count log says it looks GRCh38" 0 \
  'the input looks GRCh38: records on 2 contigs only GRCh38 has \(chr1_KI270706v1_random, chrEBV\), but the header does not say and GRCh37 \(the default\) was used' \
  gas log "$D38"
expect "... and not for an input without such contigs" sh -c "! gas log $D | grep -q 'the input looks'"
expect "gas submit --build GRCh38 wins over the default" test "$(field "$O" annotation_build)" = GRCh38
check_out "... and GRCh38's genes are used" 0 $'^21\t15000\t.\tA\tG\t.\t.\tGENE=GENE38A$' data "$O"
check_out "... the count log says the job set it" 0 '^genome build: GRCh38, set by the job setting' gas log "$O"
expect "gas submit --build hg19 wins over GRCh38 contig lengths" test "$(field "$O2" annotation_build)" = GRCh37
check_out "... with a warning that the header disagrees" 0 \
  'the header says GRCh38, but the job setting says GRCh37' gas log "$O2"
check_out "the job item holds genome_build" 0 '^genome_build +GRCh37' gas show "$O2"

# NCBI36 (GAS's premium_3.vcf): nothing annotated, and it says why
expect "NCBI36 detected" test "$(field "$N" annotation_build)" = NCBI36
check_out "gas show says it was not annotated" 0 '^annotation_note +not annotated: NCBI36 is from the header.s ##reference=human_b36_both.fasta' gas show "$N"
check_out "gas jobs says so after its file name, as the console does" 0 "^$N .* COMPLETED .*premium_3\.vcf \(no NCBI36 sources\)\$" gas jobs
check_out "... and not after an annotated job's" 0 "^$N37 .* COMPLETED .*premium_3\.vcf\$" gas jobs
check_out "gas log says why" 0 '^NOT ANNOTATED: there are no annotation sources for NCBI36 here \(there are for GRCh37, GRCh38\)' gas log "$N"
expect "records passed through unchanged" \
  cmp -s <(data "$N") <(grep -v '^#' "$SAMPLES/premium_3.vcf")
check_out "result header says annotated=no" 0 'build=NCBI36,build_source=header-name,sources=none,annotated=no>' \
  sh -c "gas download $N -o - | grep '^##GAS'"
check_out "--build GRCh37 on the NCBI36 file annotates it" 0 'build=GRCh37,build_source=override-job-setting' \
  sh -c "gas download $N37 -o - | grep '^##GAS'"

# JSON for programs
check_out "gas log --json: build, tag, warnings" 0 '^GRCh38 header-contig-lengths 1 True$' \
  sh -c "gas log $C --json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j[\"build\"][\"name\"], j[\"build\"][\"decided_by\"], len(j[\"warnings\"]), j[\"annotated\"])'"
check_out "gas log --json of NCBI36: annotated false and the reason" 0 '^False no annotation sources' \
  sh -c "gas log $N --json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j[\"annotated\"], j[\"not_annotated_reason\"][10:35])'"

# GAS's web app sets genome_build on the item itself (here written into the table while
# gasd is stopped): an alias is taken, an unknown name fails the job with the reason
stop_gasd
W1=$(submit nohdr.vcf ann); W2=$(submit nohdr.vcf ann)
for x in "$W1:hg38" "$W2:hg17"; do
  sqlite3 "$GAS_DATA_DIR/gas.db" "UPDATE items SET body = json_set(body, '$.genome_build', '${x#*:}') WHERE k = '${x%%:*}'"
done
start_gasd
expect "web app's genome_build hg38: GRCh38 used" wait_field "$W1" annotation_build GRCh38
check_out "... and GRCh38's genes" 0 $'^21\t15000\t.\tA\tG\t.\t.\tGENE=GENE38A$' data "$W1"
expect "web app's genome_build hg17: job FAILED" wait_field "$W2" job_status FAILED
check_out "... with the reason" 0 '^error +unknown genome build "hg17"' gas show "$W2"

# what a scientist's other inputs get through the service: another species' genome is not
# annotated with human genes; a caller's command line names the reference; a structural
# variant is annotated over its whole extent (END), an insertion at its point; positions
# past the chromosome's end are a warning; compressed inputs' results are named as the
# VCF's; a file cut short fails; errors name the user's file, not where gasd keeps it
vcf '##contig=<ID=chr1,length=195154279>\n##contig=<ID=chr2,length=181755017>\n##contig=<ID=chr11,length=121973369>\n##reference=GRCm39.fa\n' \
  'chr11\t69471000\t.\tA\tG\t.\t.\t.' > mouse.vcf
vcf '##reference=/data/mm10.fa\n' '21\t15000\t.\tA\tG\t.\t.\t.' > mm10.vcf
vcf '##bcftools_mpileupCommand=mpileup -f /data/refs/hg38.fa -a AD in.bam\n' \
  '21\t15000\t.\tA\tG\t.\t.\t.' > bcf38.vcf
vcf '##contig=<ID=21,length=46709983>\n' '21\t5000\t.\tN\t<DEL>\t.\t.\tSVTYPE=DEL;END=35000' \
  '21\t5000\t.\tN\t<INS>\t.\t.\tSVTYPE=INS;END=5000;SVLEN=30000' \
  '21\t25000\t.\tN\t<DUP>\t.\t.\tSVTYPE=DUP;SVLEN=10000' \
  '21\t5001\t.\tN\t<TRA>\t.\t.\tSVTYPE=TRA;CHR2=22;END=35000' \
  '21\t5002\t.\tN\t<DEL>\t.\t.\tSVTYPE=DEL;CHR2=chr21;END=35000' > sv38.vcf
vcf '##contig=<ID=21,length=48129895>\n' '21\t9411500\t.\tA\tG\t.\t.\t.' '21\t48200000\t.\tA\tG\t.\t.\t.' > past37.vcf
bgzip -c in37.vcf > in37.vcf.gz
printf 'chr1\t100\t200\n' > regions.vcf
{ vcf '' | sed 's/INFO$/INFO\tFORMAT\tS1/'; printf '21\t9411500\t.\tA\tG\t.\t.\t.\tGT\t0/1\n21\t9411600\t.\tA\tG\t.\t.\tD'; } > cut.vcf
M=$(submit mouse.vcf ann); M10=$(submit mm10.vcf ann); B38=$(submit bcf38.vcf ann); SV=$(submit sv38.vcf ann)
PE=$(submit past37.vcf ann); GZ=$(submit in37.vcf.gz ann); BED=$(gas submit regions.vcf --user ann --force); CUT=$(submit cut.vcf ann)
for j in $M $M10 $B38 $SV $PE $GZ; do
  require "job ${j:0:8} COMPLETED" wait_field "$j" job_status COMPLETED
done
check_out "mouse contig lengths: not human" 0 "^annotation_build +not human$" gas show "$M"
check_out "... gas show says why, with the length" 0 \
  '^annotation_note +not annotated: the input is not on a human genome build \(from the header.s ##contig lengths, which are no human build.s \(chr1 is 195154279 bp' gas show "$M"
expect "... its records unchanged" cmp -s <(data "$M") <(grep -v '^#' mouse.vcf)
check_out "... its result header says annotated=no" 0 'build=not human,build_source=header-contig-lengths,sources=none,annotated=no>' \
  sh -c "gas download $M -o - | grep '^##GAS'"
check_out "##reference=mm10 alone: not human" 0 "^annotation_build +not human$" gas show "$M10"
expect "bcftools' -f hg38.fa: GRCh38" test "$(field "$B38" annotation_build)" = GRCh38
check_out "... and GRCh38's genes" 0 $'^21\t15000\t.\tA\tG\t.\t.\tGENE=GENE38A$' data "$B38"
check_out "... the count log names where it was said" 0 "^genome build: GRCh38, from the header's ##bcftools_mpileupCommand -f hg38.fa" gas log "$B38"
check_out "a <DEL> through END=35000 overlaps both genes" 0 $'^21\t5000\t.\tN\t<DEL>\t.\t.\tSVTYPE=DEL;END=35000;GENE=GENE38A,GENE38B$' data "$SV"
check_out "an <INS> is at its point: no gene" 0 $'^21\t5000\t.\tN\t<INS>\t.\t.\tSVTYPE=INS;END=5000;SVLEN=30000$' data "$SV"
check_out "a <DUP> without END spans SVLEN" 0 $'^21\t25000\t.\tN\t<DUP>\t.\t.\tSVTYPE=DUP;SVLEN=10000;GENE=GENE38B$' data "$SV"
check_out "a Delly <TRA> (END is the mate's, on CHR2=22) is at its breakpoint: no gene" 0 \
  $'^21\t5001\t.\tN\t<TRA>\t.\t.\tSVTYPE=TRA;CHR2=22;END=35000$' data "$SV"
check_out "a <DEL> whose CHR2 is its own contig (chr21 = 21) spans to END" 0 \
  $'^21\t5002\t.\tN\t<DEL>\t.\t.\tSVTYPE=DEL;CHR2=chr21;END=35000;GENE=GENE38A,GENE38B$' data "$SV"
vcf '##contig=<ID=21,length=46709983>\n' '21\t14000\t.\tA\t<NON_REF>\t.\t.\tEND=15100' \
  '21\t15200\t.\tA\tG,<NON_REF>\t.\t.\t.' > block38.g.vcf
check_out "a gVCF block through END is in the gene it reaches" 0 $'^21\t14000\t.\tA\t<NON_REF>\t.\t.\tEND=15100;GENE=GENE38A' \
  sh -c 'gas annotate block38.g.vcf -o - 2>/dev/null | grep -v "^#"'
check_out "... and <NON_REF> is not counted as an ALT allele" 0 '^variant classes \(ALT alleles: 1\):' \
  sh -c 'gas annotate block38.g.vcf -o block.out.vcf >/dev/null 2>&1 && cat block.out.vcf.count.log'
check_out "... the block is counted as one, and left out of the genes' statistics" 0 \
  "^reference-only records: 1 \\(ALT . or only <NON_REF> or <\\*>, as gVCF blocks and all-sites files have, or Complete Genomics' <CGA_NOCALL> and <CGA_CNVWIN>: annotated, but left out of the location classes and the genes with the most records\\)$" \
  cat block.out.vcf.count.log
check_out "... GENE38A has 1 record (the variant), not 2" 0 '^  GENE38A +1$' cat block.out.vcf.count.log
check_out "... and the JSON log counts the block" 0 '"reference_only_records":[[:space:]]*1,' \
  sh -c 'gas annotate block38.g.vcf -o block2.out.vcf --log-json - 2>/dev/null'
vcf '##contig=<ID=21,length=46709983>\n' '21\t14000\t.\tA\t<CGA_NOCALL>\t.\t.\tEND=14100;NS=1' \
  '21\t14500\t.\tN\t<CGA_CNVWIN>\t.\t.\tNS=1;END=16500;CGA_WINEND=16500' '21\t15200\t.\tA\tG\t.\t.\t.' > cg.vcf
check_out "Complete Genomics' no-call and CNV-window records: reference-only, not variants" 0 \
  '^reference-only records: 2 ' sh -c 'gas annotate cg.vcf -o cg.out.vcf >/dev/null 2>&1 && cat cg.out.vcf.count.log'
check_out "... one ALT allele counted (the SNV)" 0 '^variant classes \(ALT alleles: 1\):' cat cg.out.vcf.count.log

# RefSeq accessions name their build (NC_000021.8 is GRCh37's chr21, .9 GRCh38's): a
# ##contig ID decides it; records on another build's accessions than the one used (the
# default, no header) are the first warning, saying which --build to give
vcf '##contig=<ID=NC_000021.8>\n' 'NC_000021.8\t9411500\t.\tA\tG\t.\t.\t.' > acc37.vcf
check_out "##contig ID=NC_000021.8: GRCh37, said how" 0 \
  "build GRCh37, from the header's ##contig ID=NC_000021.8 \\(RefSeq's GRCh37 accession\\)" \
  sh -c 'GAS_DEFAULT_BUILD=GRCh38 gas annotate acc37.vcf -o acc37.out.vcf 2>&1'
check_out "... GRCh37's gene" 0 $'^NC_000021.8\t9411500\t.\tA\tG\t.\t.\tGENE=GENE37$' cat acc37.out.vcf
vcf '' 'NC_000021.8\t9411500\t.\tA\tG\t.\t.\t.' > acc37bare.vcf
check_out "no header, GRCh37 accessions, default GRCh38: the records' contig names decide" 0 \
  "build GRCh37, not stated in the header; from the records' contig names: NC_000021.8 is RefSeq's accession of a GRCh37 chromosome" \
  sh -c 'GAS_DEFAULT_BUILD=GRCh38 gas annotate acc37bare.vcf -o acc37bare.out.vcf 2>&1'
check_out "... GRCh37's gene" 0 $'^NC_000021.8\t9411500\t.\tA\tG\t.\t.\tGENE=GENE37$' cat acc37bare.out.vcf
vcf '##contig=<ID=21,length=46709983>\n##contig=<ID=22,length=50818468>\n' \
  'NC_000021.8\t9411500\t.\tA\tG\t.\t.\t.' 'NC_000021.9\t15000\t.\tA\tG\t.\t.\t.' > acc37in38.vcf
gas annotate acc37in38.vcf -o acc37in38.out.vcf > /dev/null 2>&1
check_out "GRCh38's contig lengths, a record on a GRCh37 accession: the first warning says it is not annotated" 0 \
  "^  - 1 record on 1 contig named by GRCh37's RefSeq accessions \\(NC_000021.8\\) not annotated: their positions are GRCh37's, the job's build is GRCh38; annotate them again with --build GRCh37" \
  sh -c 'grep -A1 "^warnings:" acc37in38.out.vcf.count.log'
check_out "... that record has no GRCh38 gene" 0 $'^NC_000021.8\t9411500\t.\tA\tG\t.\t.\t.$' cat acc37in38.out.vcf
check_out "... the record on GRCh38's accession has its gene" 0 $'^NC_000021.9\t15000\t.\tA\tG\t.\t.\tGENE=GENE38A$' cat acc37in38.out.vcf
check_out "... the count log lists the contig as not annotated, and why" 0 \
  "^  NC_000021.8 +1   \\(another build's RefSeq accession: not annotated\\)" cat acc37in38.out.vcf.count.log

# a file GAS annotated before (GRCh37, with a known source) annotated again as GRCh38:
# the earlier run's fields of sources not used now go, the input's own stay
vcf '##contig=<ID=21,length=46709983>\n##INFO=<ID=KG_AF,Number=A,Type=Float,Description="Allele Frequency (AF from GAS source kg)">\n##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n' \
  '21\t15000\t.\tA\tG\t.\t.\tDP=3;KG_AF=0.5' > again38.vcf
check_out "annotated again: the earlier run's KG_AF is gone, DP kept" 0 $'^21\t15000\t.\tA\tG\t.\t.\tDP=3;GENE=GENE38A$' \
  sh -c 'gas annotate again38.vcf -o again.out.vcf >/dev/null 2>&1 && grep -v "^#" again.out.vcf'
check "... from the header too" 1 grep -q 'ID=KG_AF' again.out.vcf
check_out "... and the count log says so" 0 'annotated by GAS before: its fields of sources not used in this run \(KG_AF\) were removed' \
  cat again.out.vcf.count.log
check_out "a record past chr21's end in GRCh37: a warning" 0 \
  '1 chromosome has records past its end in GRCh37: 21 up to 48200000 \(its length 48129895\)' gas log "$PE"
vcf '##contig=<ID=20,length=63025520>\n' '20\t100\t.\tN\t<DEL>\t.\t.\tEND=4000000000' > endpast.vcf
check_out "a deletion whose END is past chr20's end: the same warning" 0 \
  '1 chromosome has records past its end in GRCh37: 20 up to 4000000000 \(its length 63025520\)' \
  sh -c 'gas annotate endpast.vcf -o endpast.out.vcf >/dev/null 2>&1 && cat endpast.out.vcf.count.log'
check_out "... the header's own length is GRCh37's: not taken for another build, the file is wrong" 0 \
  "The header's own ##contig lengths are these: the records' positions or the header are wrong" \
  cat endpast.out.vcf.count.log
vcf '##contig=<ID=17,length=81195210>\n' '17\t41196312\t.\tN\t<DEL>\t.\t.\tEND=abc' \
  '17\t41196400\t.\tN\t<DEL>\t.\t.\tEND=-1' '17\t41196600\t.\tN\t<DEL>\t.\t.\tEND=.' > badend.vcf
check_out "END values that are not positions: a warning naming the first" 0 \
  '2 records with a symbolic ALT have an END that is not a position at or after POS \(first at line 4: END=abc\)' \
  sh -c 'gas annotate badend.vcf -o badend.out.vcf >/dev/null 2>&1 && cat badend.out.vcf.count.log'
check_out "... with no SVLEN either: their extent unknown, annotated at POS only, said" 0 \
  '3 structural-variant records \(<DEL>, <DUP>, <INV>, <CNV>, <CN0>...\) have neither a usable END nor SVLEN \(first at line 4\): annotated at POS only' \
  cat badend.out.vcf.count.log
# a draft assembly's 4,100 scaffolds: the first 4,096 listed, the records on the others summed
{ vcf ''; for i in $(seq 1 4100); do printf 'scaffold_%d\t100\t.\tA\tG\t.\t.\t.\n' "$i"; done; } > scaffolds.vcf
gas annotate scaffolds.vcf -o scaffolds.out.vcf > /dev/null 2>&1
check_out "4,100 contigs: the records past the first 4,096 are said, not dropped" 0 \
  '^  \(and 4 records on contigs past the first 4096, not listed one by one\)$' cat scaffolds.out.vcf.count.log
check_out "... all 4,100 records counted" 0 '^total records: 4100$' cat scaffolds.out.vcf.count.log
vcf '##contig=<ID=17,length=81195210>\n' '17\t41196312\t.\tXYZ\tA\t.\t.\t.' '17\t41196313\t.\tR\tA\t.\t.\t.' \
  '17\t41196314\t.\tacgtN\tA\t.\t.\t.' > oddref.vcf
check_out "REF letters the spec does not allow (XYZ, IUPAC R): annotated, and warned with the first" 0 \
  '2 records have a REF with letters other than A, C, G, T and N \(first at line 4: REF=XYZ\)' \
  sh -c 'gas annotate oddref.vcf -o oddref.out.vcf >/dev/null 2>&1 && cat oddref.out.vcf.count.log'
vcf '##contig=<ID=17,length=81195210>\n' '17\t41196312\t.\tN\t<DEL>\t.\t.\tSVLEN=-10000;END=41270001' \
  '17\t41196312\t.\tN\t<DEL>\t.\t.\tSVLEN=-10000;END=41206312' '17\t41196312\t.\tN\t<DUP>\t.\t.\tSVLEN=10001;END=41206312' > svlen.vcf
check_out "an SVLEN that is not END - POS: END used, and said (one base apart is no disagreement)" 0 \
  '^  - 1 structural-variant record has an SVLEN that is not END - POS \(first at line 4\): annotated over POS to END' \
  sh -c 'gas annotate svlen.vcf -o svlen.out.vcf >/dev/null 2>&1 && cat svlen.out.vcf.count.log'
check_out "a .vcf.gz input's result is in37.annot.vcf" 0 '^s3_key_result_file +.*~in37\.annot\.vcf$' gas show "$GZ"
check_out "... and its count log in37.vcf.count.log" 0 '^s3_key_log_file +.*~in37\.vcf\.count\.log$' gas show "$GZ"
expect "a BED file named .vcf: FAILED" wait_field "$BED" job_status FAILED
check_out "... the error names the file as submitted" 0 '^error +regions\.vcf is BED' gas show "$BED"
check "... and not where gasd keeps it" 1 sh -c "gas show $BED | grep '^error' | grep -q objects/"
check_out "gas log --json of the FAILED job: a JSON document with its status and error (exit 1)" 1 \
  "^FAILED regions\.vcf is BED" sh -c "gas log $BED --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"job_status\"], d[\"error\"]); sys.exit(1 if d[\"log\"] is None else 0)'"
expect "a file cut short mid-record: FAILED" wait_field "$CUT" job_status FAILED
check_out "... with the reason" 0 '^error +line 4: the last line has 8 of the 10 columns #CHROM declares.*cut short' gas show "$CUT"

# no build in the header: the records' positions against each build's gene model (the
# default sources, as gasd has them): GAS's NCBI36 exome premium_1 without its header's
# build lines is NCBI36; a GRCh37 exome (premium_2) stays the default; an exome-like set
# of GRCh38 exon positions is GRCh38, named "chr1" or "1"; a whole genome's chr21 (a few
# percent in exons) says nothing: the default, with its warning
nohdr() { grep -v '^##contig\|^##reference\|^##assembly\|^##UnifiedGenotyper' "$1"; }
nohdr "$SAMPLES/premium_1.vcf" > nh_premium_1.vcf
nohdr "$SAMPLES/premium_2.vcf" > nh_premium_2.vcf
zcat "$GAS_ROOT/build/sources/GRCh38/genemodel.tsv.gz" | awk -F'\t' -v OFS='\t' '
  !/^#/ && $7 == "protein-coding" && $1 ~ /^chr[0-9XY]+$/ && n++ % 40 == 0 {
    split($10, ex, ","); split(ex[1], be, "-"); print $1, $2 + int((be[1] + be[2]) / 2) + 1, ".", "A", "G", ".", ".", "." }' |
  sort -k1,1V -k2,2n > exons38.body
(vcf '' && cat exons38.body) > exons38.vcf
(vcf '' && sed 's/^chr//' exons38.body) > exons38_plain.vcf
ann_default() { env -u GAS_ANNOT_SOURCES_DIR gas annotate "$@" 2>&1; }
check_out "NCBI36 exome, no build in the header: NCBI36 from its positions" 0 \
  "build NCBI36, not stated in the header; from the records' positions: 1999 of the first 2000 variant records are in NCBI36's exons, 98 in GRCh37's" \
  ann_default nh_premium_1.vcf -o nh1.out.vcf
check_out "... its provenance line says build_source=positions" 0 'build=NCBI36,build_source=positions,' grep '^##GAS_annotation' nh1.out.vcf
check_out "... and its records carry NCBI36 genes" 0 'GENE_LOC=exonic' grep -m1 -v '^#' nh1.out.vcf
check_out "GRCh37 exome, no build in the header: the default GRCh37, with the warning" 0 \
  'build GRCh37, not stated in the header \(no ##contig lengths.*the configured default' \
  ann_default nh_premium_2.vcf -o nh2.out.vcf
check_out "premium_2 as GAS ships it: GRCh37 from its GATK 2 command line (##UnifiedGenotyper reference_sequence=)" 0 \
  "build GRCh37, from the header's ##UnifiedGenotyper reference_sequence=human_g1k_v37.fasta" \
  ann_default "$SAMPLES/premium_2.vcf" -o p2.out.vcf
for h in '##UnifiedGenotyper="analysis_type=UnifiedGenotyper input_file=[x.bam] reference_sequence=/ref/Homo_sapiens_assembly38.fasta nt=1"' \
  '##DRAGENCommandLine=<ID=dragen,Version="SW: 07.021",CommandLine="--ref-dir /staging/ref/hg38_alt_aware/ --output-directory /o">' \
  '##cmdline=/opt/manta/bin/configManta.py --bam /data/s.bam --referenceFasta /ref/Homo_sapiens_assembly38.fasta --runDir /w' \
  '##SentieonCommandLine.Haplotyper=<ID=Haplotyper,Version="sentieon-genomics-202112",CommandLine="/opt/sentieon/libexec/driver -t 16 -r /ref/Homo_sapiens_assembly38.fasta -i s.bam --algo Haplotyper out.vcf.gz">' \
  '##DeepVariant_command=/opt/deepvariant/bin/run_deepvariant --model_type=WGS --ref=/ref/Homo_sapiens_assembly38.fasta --reads=s.bam'; do
  (vcf "$h\n" && head -3 exons38.body | sed 's/^chr//') > tool38.vcf
  check_out "${h%%[=<]*}: the reference it names says GRCh38" 0 \
    "build GRCh38, from the header's ${h%%[=<]*} (reference_sequence=|--ref-dir |--referenceFasta |-r |--ref )(Homo_sapiens_assembly38.fasta|hg38_alt_aware)" \
    ann_default tool38.vcf -o tool38.out.vcf
done
(vcf "##platypusOptions={'bamFiles': ['s.bam'], 'refFile': '/ref/hs37d5.fa', 'nCPU': 4}\n" && head -3 exons38.body | sed 's/^chr//') > platypus.vcf
check_out "Platypus's options name its reference (hs37d5.fa): GRCh37" 0 \
  "build GRCh37, from the header's ##platypusOptions refFile=hs37d5.fa" ann_default platypus.vcf -o platypus.out.vcf
(vcf "##bcftools_viewCommand=view -r 1 s.vcf.gz\n" && head -3 exons38.body | sed 's/^chr//') > region.vcf
ann_default region.vcf -o region.out.vcf > region.err
check "bcftools -r names a region, not a reference: not read as a build" 1 grep -q "from the header's ##bcftools_viewCommand" region.err
check_out "GRCh38 exon positions (chr1), no header: GRCh38 from the positions" 0 \
  "build GRCh38, not stated in the header; from the records' positions: 480 of the first 480 variant records are in GRCh38's exons" \
  ann_default exons38.vcf -o e38.out.vcf
check_out "... named 1, 2, ...: the same" 0 "build GRCh38, not stated in the header; from the records' positions: 480 of the first 480" \
  ann_default exons38_plain.vcf -o e38p.out.vcf
# standard input is sampled as a file is: a redirected file, and a pipe (its start kept)
check_out "... the same from stdin (a file): GRCh38 from the positions" 0 "build GRCh38, not stated in the header; from the records' positions: 480 of the first 480" \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate - -o e38s.out.vcf < exons38.vcf 2>&1'
check_out "... the same through a pipe: GRCh38 from the positions" 0 "build GRCh38, not stated in the header; from the records' positions: 480 of the first 480" \
  sh -c 'cat exons38.vcf | env -u GAS_ANNOT_SOURCES_DIR gas annotate - -o e38p2.out.vcf 2>&1'
check "... and the same output as from the file" 0 cmp <(grep -v '^##gas' e38.out.vcf) <(grep -v '^##gas' e38p2.out.vcf)
# a pipe longer than the start kept (64 MiB): the rest is fed after it, all of it
big_in() { # exons38.vcf with a 150 kB INFO on every record: 72 MB
  python3 -c 'import sys
for l in open("exons38.vcf"):
    f = l.rstrip("\n").split("\t")
    if not l.startswith("#"): f[7] = "PAD=" + "x" * 150000
    sys.stdout.write("\t".join(f) + "\n")'
}
big_in > big38.vcf
check_out "a 70 MB pipe (over the 64 MiB kept): every record, GRCh38 from its positions" 0 \
  "^gas annotate: 480 records.*build GRCh38, not stated in the header; from the records' positions" \
  sh -c 'cat big38.vcf | env -u GAS_ANNOT_SOURCES_DIR gas annotate - -o big38.out.vcf 2>&1'
check "... the same genes as from the file" 0 cmp <(grep -v '^#' e38.out.vcf | cut -f 1-5) <(grep -v '^#' big38.out.vcf | cut -f 1-5)
check "... and the same annotation" 0 cmp <(grep -v '^#' e38.out.vcf | grep -o 'GENE=[^;]*') <(grep -v '^#' big38.out.vcf | grep -o 'GENE=[^;]*')
printf '21\t12x\t.\tA\tG\t.\t.\t.\n' >> big38.vcf
check_out "... a bad line past the kept start: the error names standard input and the line" 1 \
  '^gas annotate: standard input: line [0-9]+: POS is not a non-negative integer: "12x"' \
  sh -c 'cat big38.vcf | env -u GAS_ANNOT_SOURCES_DIR gas annotate - -o /dev/null'
rm -f big38.vcf big38.out.vcf
if [ -s "$GAS_ROOT/../shared/bench/src/PG_NA12878_chr21.hg19.vcf.gz" ]; then
  zcat "$GAS_ROOT/../shared/bench/src/PG_NA12878_chr21.hg19.vcf.gz" | grep -v '^##contig\|^##reference\|^##assembly' > pgnh.vcf
  check_out "a whole genome's chr21, no header: the default (its exons say nothing)" 0 \
    'build GRCh37, not stated in the header \(no ##contig' ann_default pgnh.vcf -o pgnh.out.vcf
else
  bad "benchmark input present" "../shared/bench/src/PG_NA12878_chr21.hg19.vcf.gz missing"
fi
check_out "... --build GRCh37 given: GRCh37, as given" 0 'build GRCh37, set by the command line' \
  ann_default exons38.vcf -o e38g.out.vcf --build GRCh37
# builds named by the reference file's name as pipelines write it: NCBI's assembly
# accessions by version (GCA_000001405.15 is GRCh38's analysis set, bwa's and GATK's, not
# GRCh37's .1), Complete Genomics' build36/build37, the Broad's assembly18; each alone, so
# no "names two builds" warning
for pair in "file:///ref/GCA_000001405.15_GRCh38_no_alt_analysis_set.fna GRCh38" \
            "GCF_000001405.39_GRCh38.p13_genomic.fna GRCh38" "GCA_000001405.1 GRCh37" \
            "GCF_000001405.25_GRCh37.p13_genomic.fna GRCh37" "GCF_000001405.12 NCBI36" \
            "ftp://ftp.completegenomics.com/ReferenceFiles/build36.fa.bz2 NCBI36" \
            "ftp://ftp.completegenomics.com/ReferenceFiles/build37.fa.bz2 GRCh37" \
            "Homo_sapiens_assembly18.fasta NCBI36" "NCBI/build36.3 NCBI36" \
            "GCA_009914755.4_T2T-CHM13v2.0 T2T-CHM13"; do
  set -- $pair
  vcf "##reference=$1\n" '7\t140753336\t.\tA\tT\t.\t.\t.' > named.vcf
  ann_default named.vcf -o named.out.vcf --log-json named.json > named.txt
  check_out "##reference=$1: $2" 0 "\"name\": *\"$2\"" \
    python3 -c 'import json; print(json.dumps(json.load(open("named.json"))["build"]))'
  check "... and no warning that it names two builds" 1 grep -q 'names two builds' named.txt named.out.vcf.count.log
done
vcf '##reference=file:///ref/GCA_000001405.15_GRCh38_no_alt_analysis_set.fna\n' '7\t140753336\t.\tA\tT\t.\t.\t.' > braf38.vcf
check_out "BRAF V600E on the GRCh38 analysis set: exonic in BRAF" 0 'GENE=BRAF;.*GENE_LOC=exonic' \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate braf38.vcf -o - 2>/dev/null | grep -v "^#"'

# a header that lies (GRCh38's ##contig lengths over GRCh37 positions of BRAF V600E, EGFR
# L858R, KRAS G12D, TP53 R175H): annotated on GRCh38 as the header says, but the result
# itself says so (##GAS_annotation build_positions), as the JSON log does
{ printf '##fileformat=VCFv4.2\n##contig=<ID=7,length=159345973>\n##contig=<ID=12,length=133275309>\n##contig=<ID=17,length=83257441>\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n7\t55259515\t.\tT\tG\t.\t.\t.\n7\t140453136\t.\tA\tT\t.\t.\t.\n'
  printf '12\t25398284\t.\tC\tT\t.\t.\t.\n17\t7578406\t.\tC\tT\t.\t.\t.\n'; } > lie38.vcf
ann_default lie38.vcf -o lie38.out.vcf --log-json lie38.json > /dev/null
check_out "GRCh38 lengths over GRCh37 positions: the result's ##GAS_annotation says where the positions point" 0 \
  '^##GAS_annotation=<.*build=GRCh38,build_source=header-contig-lengths,.*,build_positions=lean_to_GRCh37,annotated=yes>' \
  cat lie38.out.vcf
check_out "... and the JSON log's build" 0 '^lean_to_GRCh37$' \
  python3 -c 'import json; print(json.load(open("lie38.json"))["build"]["positions"])'
# no header, a record past GRCh37's chromosome 19 (a mouse's 19:61000000): the default is
# assumed, and the warning that says why it is likely wrong comes first (what gas show's
# annotation_note and the email quote), before "the header does not say"
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n11\t69471000\t.\tA\tG\t.\t.\t.\n19\t61000000\t.\tC\tT\t.\t.\t.\n' > past19.vcf
ann_default past19.vcf -o past19.out.vcf > /dev/null 2>&1
check_out "no header, 19:61000000: the first warning is the record past chromosome 19's end" 0 \
  '^  - 1 chromosome has records past its end in GRCh37: 19 up to 61000000 \(its length 59128983\)\. The positions are likely on another build' \
  sh -c 'grep -A1 "^warnings:" past19.out.vcf.count.log | tail -1'
# a build with no sources: the header named it (named.vcf: the last of the loop above,
# T2T-CHM13), or the user gave it; the advice names which
check_out "T2T-CHM13 by the header, no sources: --build B if the header is wrong" 0 \
  'NOT annotated: the input is T2T-CHM13 \(from the header.*--build B if the header is wrong' \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate named.vcf -o t2t.out.vcf 2>&1'
check_out "--build CHM13 given, no sources: --build B if the build given is wrong" 0 \
  'NOT annotated: the input is T2T-CHM13 \(set by the command line \(CHM13\)\).*--build B if the build given is wrong' \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate braf38.vcf --build CHM13 -o b.out.vcf 2>&1'
check_out "... and the count log says the same" 0 'If the build given is wrong, give the right one' cat b.out.vcf.count.log

# not human: a ##contig's species, a pig's reference, a great ape's chromosome 2A/2B
vcf '##contig=<ID=1,length=195471971,species="Mus musculus">\n' '1\t3000000\t.\tA\tG\t.\t.\t.' > mouse.vcf
check_out "##contig species=\"Mus musculus\": not human, passed through" 0 'NOT annotated: the input is not on a human genome build \(from the header.s ##contig species=Mus musculus' \
  ann_default mouse.vcf -o mouse.out.vcf
vcf '##reference=Sscrofa11.1.fa\n' '1\t3000000\t.\tA\tG\t.\t.\t.' > pig.vcf
check_out "##reference=Sscrofa11.1: not human" 0 'NOT annotated: the input is not on a human genome build' ann_default pig.vcf -o pig.out.vcf
vcf '' 'chr1\t1000000\t.\tA\tG\t.\t.\t.' 'chr2a\t1000000\t.\tC\tT\t.\t.\t.' 'chr2b\t2000000\t.\tG\tA\t.\t.\t.' > chimp.vcf
check_out "records on chr2a/chr2b, no header: not human (a great ape's chromosome 2A)" 0 \
  "NOT annotated: the input is not on a human genome build \(not stated in the header; its records are on contig 2a \(a great ape's chromosome 2A" \
  ann_default chimp.vcf -o chimp.out.vcf
check_out "... the same through a pipe: not human" 0 \
  "NOT annotated: the input is not on a human genome build \(not stated in the header; its records are on contig 2a" \
  sh -c 'cat chimp.vcf | env -u GAS_ANNOT_SOURCES_DIR gas annotate - -o chimp2.out.vcf 2>&1'
vcf '##contig=<ID=chr2A,length=111504155>\n' 'chr2A\t1000000\t.\tC\tT\t.\t.\t.' > chimp3.vcf
check_out "... a ##contig chr2A in the header: not human" 0 "not on a human genome build \(from the header.s ##contig ID=chr2A \(a great ape" \
  ann_default chimp3.vcf -o chimp3.out.vcf

# a bacterium: one contig "1" of 4.6 Mb (no human build's chr1) is warned in words, first;
# its own accession (no human name): the first warning says nothing was annotated
vcf '##contig=<ID=1,length=4641652>\n' '1\t1000000\t.\tA\tG\t.\t.\t.' > ecoli1.vcf
check_out "a lone contig '1' of 4.6 Mb: the first warning says human genes there would be wrong" 0 \
  "^gas annotate: warning: the header's ##contig lengths match no human build \(1 is 4641652 bp.*if the input is not human, the human genes and variants at its positions are wrong" \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate ecoli1.vcf -o ecoli1.out.vcf 2>&1 | grep -m1 "warning:"'
vcf '##contig=<ID=NC_000913.3,length=4641652>\n' 'NC_000913.3\t1000\t.\tA\tG\t.\t.\t.' 'NC_000913.3\t2000\t.\tA\tG\t.\t.\t.' > ecoli.vcf
check_out "records only on contigs no source knows: the first warning says nothing was annotated" 0 \
  "^gas annotate: warning: nothing was annotated: none of the 2 records is on a contig the GRCh37 sources know" \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate ecoli.vcf -o ecoli.out.vcf 2>&1 | grep -m1 "warning:"'

# records past their chromosome's end (MT too) get no gene fields, and the warning says so
vcf '' 'MT\t20000\t.\tA\tG\t.\t.\t.' '1\t260000000\t.\tA\tG\t.\t.\t.' 'MT\t3243\t.\tA\tG\t.\t.\t.' > past.vcf
ann_default past.vcf -o past.out.vcf --build GRCh37 >/dev/null
check_out "MT:20000 (chrM is 16,569 bp): no gene fields" 0 $'^MT\t20000\t.\tA\tG\t.\t.\t.$' grep -v '^#' past.out.vcf
check_out "1:260,000,000: no gene fields" 0 $'^1\t260000000\t.\tA\tG\t.\t.\t.$' grep -v '^#' past.out.vcf
check_out "MT:3243 (MELAS): MT-TL1 all the same" 0 $'^MT\t3243\t.*GENE=MT-TL1' grep -v '^#' past.out.vcf
check_out "... the warning names MT and says the 2 records were not annotated" 0 \
  'MT up to 20000 \(its length 16569\).*the 2 records starting past the end were not annotated' cat past.out.vcf.count.log

# ... but a sources file for any build (another species' own) is asked at every position:
# its chromosome 21 may be longer than a human one
mkdir -p anysrc && printf '21\t48200000\t48300000\tFARGENE\n' | bgzip > anysrc/genes.bed.gz && tabix -p bed anysrc/genes.bed.gz
printf '[genes]\ntype = region\nfile = genes.bed.gz\nfield = GENE\n' > anysrc/sources.conf
vcf '' '21\t48250000\t.\tA\tG\t.\t.\t.' > far.vcf
check_out "a sources file for any build: a record past GRCh37's chr21 end still gets its gene" 0 \
  $'^21\t48250000\t.\tA\tG\t.\t.\tGENE=FARGENE$' sh -c 'gas annotate far.vcf -o - -s anysrc/sources.conf 2>/dev/null | grep -v "^#"'
check_out "... and its warning says so (annotated as if on GRCh37)" 0 \
  '1 chromosome has records past its end in GRCh37: 21 up to 48250000 .*records there were annotated as if on GRCh37' \
  sh -c 'gas annotate far.vcf -o far.out.vcf -s anysrc/sources.conf >/dev/null 2>&1; cat far.out.vcf.count.log'

# structural variants with REF "." (novoBreak, TIGRA): annotated by position, warned; a
# SNV's REF "." is still an error
vcf '' '1\t713519\tN\t.\t<TRA>\t5\tPASS\tPRECISE;CT=5to3' '7\t140753336\tN\t.\t<DUP>\t60\tPASS\tSVTYPE=DUP;END=140754000' > novo.vcf
check_out "REF . on symbolic records: annotated" 0 $'^7\t140753336\tN\t.\t<DUP>\t60\tPASS\tSVTYPE=DUP;END=140754000;GENE=BRAF' \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate novo.vcf -o - --build GRCh38 2>/dev/null | grep -v "^#"'
check_out "... and the count log says how many had REF ." 0 '2 structural-variant records have REF ".", not a base' \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate novo.vcf -o novo.out.vcf --build GRCh38 >/dev/null 2>&1; cat novo.out.vcf.count.log'
vcf '' '1\t713519\t.\t.\tA\t5\tPASS\t.' > refdot.vcf
check_out "REF . with a base as ALT: still refused, naming the line" 1 'line 3: REF is empty or not bases' ann_default refdot.vcf -o refdot.out.vcf

# the default known source's AF says whose frequencies they are
check_out "KG_AF's description names its cohorts" 0 '^##INFO=<ID=KG_AF,.*Description="Alternate allele frequency in a 1000 Genomes subset, not all 2,504 samples' \
  sh -c 'env -u GAS_ANNOT_SOURCES_DIR gas annotate nh_premium_2.vcf -o - --build GRCh37 2>/dev/null | grep "^##INFO=<ID=KG_AF"'

# the REF check: a real chr21 call set (Platinum Genomes NA12878) against a known source of
# real 1000 Genomes calls; on its own build every shared position's REF agrees; the same
# records 31 bases off (positions of another build, as a liftover's offset) disagree at
# about three in four, and the count log says the input is probably not on the build used
PG=$GAS_ROOT/../shared/bench/src/PG_NA12878_chr21.hg19.vcf.gz
KG=$GAS_ROOT/../shared/bench/src/1000G_HG02102_chr21.b37.vcf.gz
if [ -s "$PG" ] && [ -s "$KG" ]; then
  cp "$KG" kg21.vcf.gz && tabix -f -p vcf kg21.vcf.gz
  printf 'build = GRCh37\n[kg]\ntype = known\nfile = kg21.vcf.gz\nid = true\n' > kg21.conf
  check "the call set on its own build: annotated" 0 gas annotate "$PG" -o pg.out.vcf -s kg21.conf
  check_out "... the REF check agrees at every shared position" 0 \
    '^  REF check: at 39900 of 39900 positions where a known source has a variant, the input.s REF starts with the same base \(100\.0%' \
    cat pg.out.vcf.count.log
  check "... and no warning says it is on another build" 1 grep -q 'probably not on' pg.out.vcf.count.log
  zcat "$PG" | awk 'BEGIN { OFS = "\t" } /^##(contig|reference)/ { next } /^#/ { print; next } { $2 += 31; print }' > shifted.vcf
  check "the same records 31 bases off: annotated" 0 gas annotate shifted.vcf -o shifted.out.vcf -s kg21.conf --log-json shifted.json
  check_out "... the count log says it is probably not on GRCh37, with the counts" 0 \
    "the input is probably not on GRCh37 \(the sources file's build\): at 157 of the 208 positions where a known source has a variant, the input's REF starts with another base \(75%" \
    cat shifted.out.vcf.count.log
  check_out "... and --build GRCh37 given: still said" 0 'probably not on GRCh37 \(as given\)' \
    sh -c 'gas annotate shifted.vcf -o shifted2.out.vcf -s kg21.conf --build GRCh37 >/dev/null 2>&1 && cat shifted2.out.vcf.count.log'
  check_out "... in the JSON log: the counts" 0 '"positions": *208' \
    python3 -c 'import json,sys; print(json.dumps(json.load(open("shifted.json"))["build"]["ref_check"], separators=(",", ": ")))'
else
  bad "benchmark inputs present" "$PG or $KG missing: the REF check needs ../shared beside the project"
fi

# bad builds are refused up front
check_out "gas submit --build hg17: refused" 2 'unknown genome build "hg17"' gas submit nohdr.vcf --user ann --build hg17
check_out "gas annotate --build nonsense: refused" 2 'unknown genome build' gas annotate nohdr.vcf -o x.vcf --build nonsense
# an input that is not human whose header does not say so: the user says it with --build
# (another species' assembly, or none), and its records are passed through unannotated
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n11\t69471000\t.\tA\tG\t.\t.\t.\n17\t41276044\t.\tA\tG\t.\t.\t.\n' > mm.vcf
MM=$(gas submit mm.vcf --user ann --build mm10)
expect "gas submit --build mm10 (a mouse VCF, no header): the job COMPLETED" wait_field "$MM" job_status COMPLETED
check_out "... not annotated with human genes: set by the job setting, not human" 0 \
  '^annotation_note +not annotated: the input is not on a human genome build \(set by the job setting \(mm10\): a genome that is not human\)' \
  gas show "$MM"
check_out "... gas jobs says (not human)" 0 "^$MM .*mm\.vcf \(not human\)" gas jobs
check_out "gas annotate --build none: passed through, saying why" 0 \
  'NOT annotated: the input is not on a human genome build \(set by the command line \(none\): a genome that is not human\)' \
  gas annotate mm.vcf -o mm.out.vcf --build none
check "... its records unchanged" 0 cmp <(grep -v '^#' mm.vcf) <(grep -v '^#' mm.out.vcf)
finish_pipeline "$SUITE"
