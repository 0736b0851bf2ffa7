#!/bin/bash
# The default gene model (build/sources/GRCh37, GRCh38, made by scripts/build-sources.sh)
# used as a user would: `gas annotate` with the default sources from another directory on
# every GAS sample (each gets gene annotations: MT genes for test.vcf and free_1.vcf, Y genes
# for free_2.vcf); known variants land in the genes and exons they are known to (BRCA1
# 185delAG, CFTR F508del, in both builds); the location class, nearest gene and distance
# agree record by record with an independent computation by bedtools (intersect/closest
# against the same exons and gene spans) on the chr21 benchmark input for both builds; the
# genes agree with bcftools annotate and a BED of the same model on a chr-prefixed and a
# plain input (0 disagreements), and both namings give identical annotations; the count
# log's Ti/Tv agrees with bcftools stats; a missing or
# corrupt model is a clear error before any record; the sources are rebuilt when the
# packages' versions change.
SUITE=genemodel
. "$(dirname "$0")/lib.sh"
S=$GAS_ROOT/build/sources
SAMPLES=$GAS_ROOT/../shared/testdata/gas-samples
BENCH=$GAS_ROOT/../shared/bench
PG=$BENCH/src/PG_NA12878_chr21.hg19.vcf.gz
cd "$WORK" || exit 2
need=""
for t in bedtools bcftools tabix bgzip gawk; do command -v $t >/dev/null || need="$need $t"; done
if [ -n "$need" ]; then
  bad "tools present" "missing:$need (scripts/install-deps.sh installs them)"; finish $SUITE; exit 1
fi
if [ ! -s "$S/GRCh37/genemodel.tsv.gz" ] || [ ! -s "$S/GRCh38/genemodel.tsv.gz" ]; then
  bad "default sources built" "$S/GRCh3{7,8}/genemodel.tsv.gz missing: run make"; finish $SUITE; exit 1
fi

# the known variants' AF is what its description says: chr20's, AC/AN of its 300 samples
# (AN=600); chr22's, of the 1,092 samples of phase 1 (AN=2184), to the 6 digits written
KG=$S/GRCh37/kg.vcf.gz
check_out "kg: AF's description names each cohort and its AN" 0 '300 samples, AN=600.*1,092 samples, AN=2184' \
  sh -c "bcftools view -h '$KG' | grep '^##INFO=<ID=AF,'"
off=$(bcftools query -f '%CHROM\t%AN\t%INFO/AF\n' "$KG" | awk -F'\t' '
  ($1 == 20 && $2 != 600) || ($1 == 22 && $2 != 2184) {bad++; next}
  $1 == 20 {n20++}
  END {print n20 + 0, bad + 0}')
check "kg: every chr20 record has AN=600, every chr22 one AN=2184 ($off: chr20 records, others)" 0 \
  test "${off#* }" = 0 -a "${off% *}" -gt 1000
wrong=$(bcftools query -i 'CHROM="20"' -f '%AC\t%AN\t%AF\n' "$KG" | awk -F'\t' '
  {split($1, ac, ","); split($3, af, ","); for (i in ac) { d = ac[i] / $2 - af[i]; if (d < 0) d = -d;
   if (d > 5e-6 * (ac[i] / $2) + 1e-9) {w++; if (!x) x = $0}}}
  END {print w + 0, x}')
check "kg: chr20's AF is AC/AN of its own samples (records that differ: ${wrong%% *})" 0 test "${wrong%% *}" = 0
# the known source covers two stretches only: the count log and the summary give its share
# of the records there (the hapmap exome: 52 of its 59 records in them), not only of all
HM=$S/demo/hapmap_exome_chr22.vcf.gz
check_out "kg's sources file says what it covers" 0 '^covers = 20:[0-9]+-[0-9]+, 22:[0-9]+-[0-9]+$' cat "$S/GRCh37/sources.conf"
check_out "a partial known source: the summary gives its share where it has data" 0 \
  '52 in known sources \(5\.1%; 52 of the 59 where they have data\)' gas annotate "$HM" -o hm.out.vcf
check_out "... the count log too, with the stretches" 0 \
  '^  kg covers only 20:[0-9]+-[0-9]+, 22:50[0-9]+-[0-9]+: 59 variant records there, 52 in it \(88\.14%\)$' cat hm.out.vcf.count.log
check_out "... and the JSON count log" 0 '^kg 59 52$' sh -c "gas annotate '$HM' -o hmj.vcf --log-json - 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); [print(s[\"name\"], s[\"covers\"][\"variant_records\"], s[\"covers\"][\"records_annotated\"]) for s in d[\"sources\"] if \"covers\" in s]'"
# none of the input there (a GAS sample on MT only): said beside the known share, and no
# warning (it would be on every GRCh37 job outside those stretches)
check_out "nothing where the partial kg has data: the summary says so" 0 \
  '0 in known sources \(0\.0%; none where the partial source has data\)' \
  gas annotate "$SAMPLES/free_1.vcf" -o mt.out.vcf
check_out "... the count log too" 0 \
  '^  kg covers only 20:[0-9]+-[0-9]+, 22:50[0-9]+-[0-9]+: none of the variant records is there$' cat mt.out.vcf.count.log
check_out "... and it is no warning" 0 '^warnings: none$' cat mt.out.vcf.count.log
printf '[kg]\ntype = known\nfile = %s\ncovers = 20:100-50, 22\n' "$S/GRCh37/kg.vcf.gz" > badcovers.conf
check_out "a covers stretch that is not CONTIG:FROM-TO: the sources file's error names it" 1 \
  'covers: "20:100-50" is not CONTIG:FROM-TO' gas annotate "$HM" -o bc.vcf -s badcovers.conf

# ------------------------------------------------------------------ GAS samples
# field OUT.vcf KEY: the value of INFO/KEY of each record ("." when absent)
field() { bcftools query -f "%INFO/$2\n" "$1" 2>/dev/null; }
# pct OUT KEY: percentage of records that have INFO/KEY
pct() { field "$1" "$2" | awk '{n++; if ($0 != ".") k++} END {printf "%.1f", n ? 100 * k / n : 0}'; }
for f in test free_1 free_2 premium_1 premium_2 premium_3; do
  check "$f.vcf annotated with the default sources" 0 gas annotate "$SAMPLES/$f.vcf" -o "$f.out.vcf" --no-log
done
# the terminal's summary counts as "in genes" the exonic and intronic records, and says so
sum=$(gas annotate "$SAMPLES/test.vcf" -o test.sum.vcf --no-log 2>&1 >/dev/null | grep '^gas annotate:')
ng=$(field test.sum.vcf GENE_LOC | grep -cE '^(exonic|intronic)$')
check_out "test.vcf: the summary's $ng records in genes are the exonic and intronic ones" 0 \
  ", $ng in genes \([0-9.]+%: exonic or intronic\)" echo "$sum"
# measured when written: GENE on 67.7% (test), 76.2% (free_1), 13.8% (free_2); GENE_LOC on
# all. free_2, premium_1 and premium_3 are NCBI36 by their headers
# (##reference=1000GenomesPilot-NCBI36, human_b36_both.fasta): they get NCBI36's model,
# GRCh37's lifted to hg18 (scripts/build-sources.sh).
for f in free_2 premium_1 premium_3; do
  check_out "$f.vcf (NCBI36): annotated from the NCBI36 model" 0 'build=NCBI36,build_source=header-name,sources=genes:GRCh37_model_lifted_to_hg18_.*annotated=yes' \
    grep '^##GAS_annotation' "$f.out.vcf"
done
# premium_1 and premium_3 are exome calls (1000 Genomes pilot 3): at NCBI36 positions
# nearly all of them fall in exons. A wrong lift (or GRCh37 genes at NCBI36 positions)
# would put most in introns or between genes: with --build GRCh37 premium_3 has 5.5%.
for f in premium_1 premium_3; do
  ex=$(field "$f.out.vcf" GENE_LOC | awk '{n++; if ($0 == "exonic") k++} END {printf "%.1f", 100 * k / n}')
  expect_ex() { awk -v p="$ex" 'BEGIN {exit !(p >= 95)}'; }
  check "$f.vcf (exome, NCBI36): $ex% of records exonic (at least 95)" 0 expect_ex
done
gas annotate "$SAMPLES/premium_3.vcf" -o p3.b37.vcf --no-log --build GRCh37 2>/dev/null
ex=$(field p3.b37.vcf GENE_LOC | awk '{n++; if ($0 == "exonic") k++} END {printf "%.1f", 100 * k / n}')
check "... and the same records taken as GRCh37 are not ($ex% exonic: the lift matters)" 0 \
  awk -v p="$ex" 'BEGIN {exit !(p < 20)}'
# a build given or only named that the records' positions contradict: used (the user or
# the header said it), and the first warning says which build they look like
gas annotate "$SAMPLES/premium_3.vcf" -o p3.b37w.vcf --build GRCh37 > /dev/null 2>&1
check_out "--build GRCh37 on an NCBI36 exome: the warnings (after the header's NCBI36) say the positions look like NCBI36's" 0 \
  "^  - GRCh37 was used \\(set by the command line \\(GRCh37\\)\\), but the records' positions look like NCBI36's: [0-9]+ of the first [0-9]+ variant records are in NCBI36's exons, [0-9]+ in GRCh37's; if they are, annotate the file again with --build NCBI36" \
  sh -c 'grep -A2 "^warnings:" p3.b37w.vcf.count.log'
# exon_middles BUILD: a record in the middle of the first exon of every 600th protein-coding
# gene of BUILD's model (exome positions, contigs named 1, 2, ...), sorted
exon_middles() {
  zcat "$S/$1/genemodel.tsv.gz" | awk -F'\t' '!/^#/ && $7 == "protein-coding" && $1 ~ /^chr[0-9]+$/ && NR % 600 == 0 {
    split($10, ex, ","); split(ex[1], ab, "-"); sub(/^chr/, "", $1)
    print $1 "\t" $2 + int((ab[1] + ab[2]) / 2) + 1 "\t.\tN\tA\t.\t.\t."}' | sort -k1,1V -k2,2n
}
# GRCh38 exome positions (exon middles of the GRCh38 model) under a header naming b37's FASTA
{ printf '##fileformat=VCFv4.2\n##reference=file:///data/ref/human_g1k_v37.fasta\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  exon_middles GRCh38; } > named37.vcf
gas annotate named37.vcf -o named37.out.vcf > named37.err 2>&1
check_out "##reference=human_g1k_v37 over GRCh38 exome positions: GRCh37 used, as the header says" 0 \
  'build GRCh37, from the header.s ##reference=file:///data/ref/human_g1k_v37.fasta' cat named37.err
check_out "... the first warning: the positions look like GRCh38's, give --build GRCh38" 0 \
  "^  - GRCh37 was used \\(from the header's ##reference=file:///data/ref/human_g1k_v37.fasta\\), but the records' positions look like GRCh38's: [0-9]+ of the first [0-9]+ variant records are in GRCh38's exons, [0-9]+ in GRCh37's; if they are, annotate the file again with --build GRCh38" \
  sh -c 'grep -A1 "^warnings:" named37.out.vcf.count.log'
# the other way, and from the lengths: GRCh37 exome positions under GRCh38's ##contig
# lengths (a header kept from a template, or from before a liftover back): GRCh38 used, as
# the lengths say, and the first warning says the positions look like GRCh37's
{ printf '##fileformat=VCFv4.2\n'
  for cl in 1:248956422 2:242193529 3:198295559 4:190214555 5:181538259 6:170805979 7:159345973 \
    8:145138636 9:138394717 10:133797422 11:135086622 12:133275309 13:114364328 14:107043718 \
    15:101991189 16:90338345 17:83257441 18:80373285 19:58617616 20:64444167 21:46709983 \
    22:50818468 X:156040895 Y:57227415; do
    printf '##contig=<ID=%s,length=%s>\n' "${cl%%:*}" "${cl#*:}"
  done
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  exon_middles GRCh37; } > len38.vcf
gas annotate len38.vcf -o len38.out.vcf > len38.err 2>&1
check_out "GRCh38's ##contig lengths over GRCh37 exome positions: GRCh38 used, as the lengths say" 0 \
  "build GRCh38, from the header.s ##contig lengths \\(24 of 24 chromosomes have GRCh38.s lengths\\)" cat len38.err
check_out "... the first warning: the positions look like GRCh37's, give --build GRCh37" 0 \
  "^  - GRCh38 was used \\(from the header's ##contig lengths \\(24 of 24 chromosomes have GRCh38's lengths\\)\\), but the records' positions look like GRCh37's: [0-9]+ of the first [0-9]+ variant records are in GRCh37's exons, [0-9]+ in GRCh38's; if they are, annotate the file again with --build GRCh37" \
  sh -c 'grep -A1 "^warnings:" len38.out.vcf.count.log'
# a small panel (7 well-known variants at their GRCh37 positions: CFTR F508del, BRAF V600E,
# HBB, BRCA2, BRCA1, APOE, SRY) under a header naming GRCh38's FASTA: too few to be sure,
# and it says where they lean
{ printf '##fileformat=VCFv4.2\n##reference=file:///ref/GRCh38_full_analysis_set_plus_decoy_hla.fa\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  printf '7\t117199644\t.\tATCT\tA\t50\tPASS\t.\n7\t140453136\t.\tA\tT\t50\tPASS\t.\n11\t5248232\t.\tT\tA\t50\tPASS\t.\n'
  printf '13\t32914438\t.\tT\tTC\t50\tPASS\t.\n17\t41276044\t.\tACT\tA\t50\tPASS\t.\n19\t45411941\t.\tT\tC\t50\tPASS\t.\nY\t2655300\t.\tG\tA\t50\tPASS\t.\n'; } > panel37.vcf
gas annotate panel37.vcf -o panel37.out.vcf > panel37.err 2>&1
check_out "7 GRCh37 positions under GRCh38's FASTA name: GRCh38 used, and a warning that they lean to GRCh37" 0 \
  "warning: GRCh38 was used \\(from the header's ##reference=file:///ref/GRCh38_full_analysis_set_plus_decoy_hla.fa\\), but the records' positions lean to another build: 7 of its 7 variant records are in GRCh37's exons, [0-9] in GRCh38's: it may be GRCh37; if it is, annotate the file again with --build GRCh37" \
  cat panel37.err
for f in test free_1; do # GRCh37 (by default, by lengths) and on GRCh37: nothing to say
  gas annotate "$SAMPLES/$f.vcf" -o "$f.w.vcf" > /dev/null 2>&1
  check "$f.vcf (on GRCh37): no warning about its positions" 1 \
    grep -Eq "positions (look like|lean to)" "$f.w.vcf.count.log"
done
for f in free_2 premium_1 premium_3; do # NCBI36 by name, on NCBI36: nothing to say
  gas annotate "$SAMPLES/$f.vcf" -o "$f.w.vcf" > /dev/null 2>&1
  check "$f.vcf (named NCBI36, on NCBI36): no warning that its positions look like another build's" 1 \
    grep -q "positions look like" "$f.w.vcf.count.log"
done
# known variants at their NCBI36 (hg18) places: APOE's rs429358 (dbSNP b36 chr19:50,103,781;
# hg19 45,411,941), CFTR F508del (hg18 chr7:116,986,880; hg19 117,199,644), BRCA1 185delAG
# (hg18 chr17:38,529,570; hg19 41,276,044)
printf '##fileformat=VCFv4.2\n##reference=hg18\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' > hand_NCBI36.vcf
printf 'chr7\t116986880\tF508del\tATCT\tA\t.\t.\t.\nchr17\t38529570\t185delAG\tACT\tA\t.\t.\t.\nchr19\t50103781\trs429358\tT\tC\t.\t.\t.\n' >> hand_NCBI36.vcf
check "NCBI36: hand-made VCF annotated" 0 gas annotate hand_NCBI36.vcf -o hand_NCBI36.out.vcf --no-log
qn() { bcftools query -i "ID=\"$1\"" -f '%INFO/GENE %INFO/GENE_LOC\n' hand_NCBI36.out.vcf 2>/dev/null; }
check_out "NCBI36: CFTR F508del is exonic in CFTR" 0 '^CFTR exonic$' qn F508del
check_out "NCBI36: BRCA1 185delAG is exonic in BRCA1" 0 '^BRCA1 exonic$' qn 185delAG
check_out "NCBI36: rs429358 (APOE e4) is exonic in APOE" 0 '^APOE exonic$' qn rs429358
# genes with a small hg18/hg19 difference inside them, or in a region with many: TTN (a
# 1 bp change inside it) and MAPT (17q21.31), with premium_1's own MAPT records
printf '##fileformat=VCFv4.2\n##reference=NCBI36\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n2\t179250000\tttn\tA\tG\t.\t.\t.\n' > ttn18.vcf
gas annotate ttn18.vcf -o ttn18.out.vcf --no-log 2>/dev/null
check_out "NCBI36: a record inside TTN (hg18 2:179,250,000) is in TTN, not intergenic" 0 '^TTN$' \
  bcftools query -f '%INFO/GENE\n' ttn18.out.vcf
check_out "NCBI36: premium_1's rs1052553 is exonic in MAPT" 0 '^MAPT exonic$' \
  bcftools query -i 'ID="rs1052553"' -f '%INFO/GENE %INFO/GENE_LOC\n' premium_1.out.vcf
for x in test:60:MT free_1:70:MT free_2:10:Y; do
  IFS=: read -r f min chrom <<<"$x"
  p=$(pct "$f.out.vcf" GENE)
  if awk -v p="$p" -v m="$min" 'BEGIN {exit !(p >= m)}'; then ok "$f.vcf: $p% of records in a gene"
  else bad "$f.vcf: at least $min% of records in a gene" "got $p%"; fi
  n=$(bcftools query -i 'INFO/GENE!="."' -f '%CHROM\n' "$f.out.vcf" 2>/dev/null | grep -vcx "$chrom")
  check "$f.vcf: its genes are on $chrom" 0 test "$n" = 0
done
# the count log's transitions and transversions (Ti/Tv, a caller's quality check) agree
# with bcftools stats on each sample, annotated or not (premium_1 is NCBI36)
for f in test free_1 premium_1 premium_2; do
  gas annotate "$SAMPLES/$f.vcf" -o "$f.tt.vcf" > /dev/null 2>&1
  read -r ts tv r < <(bcftools stats "$SAMPLES/$f.vcf" 2>/dev/null | awk -F'\t' '$1 == "TSTV" {print $3, $4, $5}')
  check_out "$f.vcf: count log Ti/Tv as bcftools stats ($ts / $tv = $r)" 0 \
    "^  Ti/Tv +$r \\($ts transitions, $tv transversions\\)$" cat "$f.tt.vcf.count.log"
done
for f in test free_1 free_2 premium_1 premium_2 premium_3; do
  check "$f.vcf: every record has a location class" 0 test "$(pct "$f.out.vcf" GENE_LOC)" = 100.0
done
# MT: MT-ND1 is 3307..4262 (+), MT-TF 577..647 (+), MT-TI 4263..4331 (+) (rCRS, as RefSeq has
# them), named by their HGNC symbols (Entrez Gene's ND1, TRNF, TRNI)
rec() { bcftools query -i "POS=$2" -f '%INFO/GENE %INFO/GENE_ID %INFO/GENE_LOC %INFO/GENE_TYPE %INFO/OMIM %INFO/NEAREST_GENE %INFO/NEAREST_DIST\n' "$1" 2>/dev/null | head -1; }
check_out "test.vcf MT:4158 is exonic in MT-ND1 (Entrez 4535, OMIM 516000)" 0 \
  '^MT-ND1 4535 exonic protein-coding 516000\|535000\|540000 \. \.$' rec test.out.vcf 4158
check_out "test.vcf MT:60 is upstream of MT-TF (577, the first gene), 517 bases away" 0 '^\. \. upstream \. \. MT-TF 517$' rec test.out.vcf 60
check_out "test.vcf MT:4312 is in the tRNA gene MT-TI (4263..4331)" 0 '^MT-TI 4565 exonic tRNA 545000\|590045 \. \.$' rec test.out.vcf 4312

# ------------------------------------------------------------------ known variants by hand
# BRCA1 185delAG (c.68_69del, exon 2), CFTR F508del (exon 10/11), TP53 intron 1, the
# mitochondrial NARP (m.8993T>G, ATP6) and MELAS (m.3243A>G, tRNA-Leu) variants
hand() { # BUILD CHR-PREFIX: a VCF of those variants in that build's coordinates
  local c=$2
  printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  if [ "$1" = GRCh37 ]; then
    printf '%s7\t117199644\tF508del\tATCT\tA\t.\t.\t.\n%s17\t7585000\ttp53i1\tA\tG\t.\t.\t.\n' "$c" "$c"
    printf '%s17\t41276044\t185delAG\tACT\tA\t.\t.\t.\nMT\t8993\tNARP\tT\tG\t.\t.\t.\n' "$c"
    printf 'MT\t3243\tMELAS\tA\tG\t.\t.\t.\n'
    # the pseudoautosomal SHOX on X and on Y; RNU2-1's copy on chr7 (Entrez places it on 17)
    printf '%sX\t595500\tSHOX_X\tA\tG\t.\t.\t.\n%sY\t545500\tSHOX_Y\tA\tG\t.\t.\t.\n' "$c" "$c"
    printf '%s7\t116543400\tRNU2_7\tA\tG\t.\t.\t.\n' "$c"
    # at CFTR exon 2's last base (117144417): a deletion of the intron's first base after
    # it (its padding base the exon's), an insertion after the exon's last base
    printf '%s7\t117144417\tdonor_del\tAT\tA\t.\t.\t.\n%s7\t117144417\tdonor_ins\tA\tAT\t.\t.\t.\n' "$c" "$c"
  else
    printf '%s7\t117559590\tF508del\tATCT\tA\t.\t.\t.\n%s17\t7681700\ttp53i1\tA\tG\t.\t.\t.\n' "$c" "$c"
    printf '%s17\t43124027\t185delAG\tACT\tA\t.\t.\t.\nchrM\t8993\tNARP\tT\tG\t.\t.\t.\n' "$c"
    printf 'chrM\t3243\tMELAS\tA\tG\t.\t.\t.\n'
    printf '%sX\t634500\tSHOX_X\tA\tG\t.\t.\t.\n%sY\t634500\tSHOX_Y\tA\tG\t.\t.\t.\n' "$c" "$c"
  fi
}
for b in GRCh37:"" GRCh38:chr; do
  IFS=: read -r build c <<<"$b"
  hand "$build" "$c" > "hand_$build.vcf"
  check "$build: hand-made VCF annotated" 0 gas annotate "hand_$build.vcf" -o "hand_$build.out.vcf" -s "$S/$build/sources.conf" --no-log
  q() { bcftools query -i "ID=\"$1\"" -f '%INFO/GENE %INFO/GENE_ID %INFO/GENE_LOC %INFO/CYTOBAND %INFO/OMIM\n' "hand_$build.out.vcf" 2>/dev/null; }
  check_out "$build: BRCA1 185delAG is exonic in BRCA1 (672, 17q21.31, OMIM 113705)" 0 \
    '^BRCA1 672 exonic 17q21.31 ([0-9|]*\|)?113705' q 185delAG
  check_out "$build: CFTR F508del is exonic in CFTR (1080, 7q31.2, OMIM 602421)" 0 \
    '^CFTR 1080 exonic 7q31.2 .*602421' q F508del
  check_out "$build: TP53 intron 1 is intronic in TP53" 0 '^TP53 7157 intronic 17p13.1' q tp53i1
  check_out "$build: m.8993T>G (NARP) is exonic in MT-ATP6 (OMIM 551500)" 0 '^MT-ATP6 4508 exonic \. .*551500' q NARP
  # (hg19's RefSeq file has no mitochondrial tRNA genes: GRCh37 takes GRCh38's, both rCRS)
  check_out "$build: m.3243A>G (MELAS) is in the tRNA gene MT-TL1 (OMIM 540000)" 0 '^MT-TL1 4567 exonic \. 540000' q MELAS
  # a band only from the record's own chromosome (Entrez gives SHOX "X|Y", no band)
  check_out "$build: SHOX on chrX has CYTOBAND X" 0 '^SHOX 6473 [a-z]+ X ' q SHOX_X
  check_out "$build: SHOX's chrY copy has CYTOBAND Y, not X" 0 '^SHOX 6473 [a-z]+ Y ' q SHOX_Y
  if [ "$build" = GRCh37 ]; then
    check_out "$build: AT>A at an exon's last base deletes the intron's first: intronic (the padding base does not decide)" 0 \
      '^CFTR 1080 intronic ' q donor_del
    check_out "$build: A>AT there: next to the exon's last base, exonic" 0 '^CFTR 1080 exonic ' q donor_ins
  fi
  [ "$build" = GRCh37 ] && check_out "$build: RNU2-1's chr7 copy (in CAPZA2) has no band (not 17q21.31)" 0 '^CAPZA2,RNU2-1 830,6066 intronic,exonic 7q31\.2,\. ' q RNU2_7
done

# ------------------------------------------------------------------ bedtools
if [ ! -s "$PG" ]; then
  bad "benchmark input present" "$PG missing: the benchmark needs ../shared beside the project"
  finish $SUITE; exit 1
fi
# records.bed: chrom, start, end, record number: the bases the alleles change, each ALT
# trimmed of the suffix and prefix it shares with REF down to one base, a deletion's
# padding base left out (AT>A changes the T); a symbolic ALT: the REF span
bcftools query -f '%CHROM\t%POS0\t%END\t%REF\t%ALT\n' "$PG" | awk -v OFS='\t' '
  { lo = -1; hi = -1; n = split($5, alt, ",")
    for (i = 1; i <= n && lo != -2; i++) {
      r = toupper($4); a = toupper(alt[i]); p = $2 + 1
      if (a ~ /^[<*.]/ || a ~ /[][]/) { lo = -2; break }
      while (length(r) > 1 && length(a) > 1 && substr(r, length(r)) == substr(a, length(a))) {
        r = substr(r, 1, length(r) - 1); a = substr(a, 1, length(a) - 1) }
      while (length(r) > 1 && length(a) > 1 && substr(r, 1, 1) == substr(a, 1, 1)) {
        r = substr(r, 2); a = substr(a, 2); p++ }
      s = p; e = p + length(r) - 1
      if (length(a) == 1 && length(r) > 1 && substr(r, 1, 1) == a) s++
      if (lo < 0 || s < lo) lo = s
      if (hi < 0 || e > hi) hi = e }
    if (lo < 0) print $1, $2, $3, NR; else print $1, lo - 1, hi, NR }' | sort -k1,1 -k2,2n -k3,3n > records.bed
zcat "$PG" | sed -e 's/^chr21\t/21\t/' -e 's/^##contig=<ID=chr/##contig=<ID=/' | bgzip -c > plain21.vcf.gz
# bedtools_classes MODEL: "record entrez:class ..." (in a gene) or "record .:class:gene:dist"
bedtools_classes() {
  zcat "$1" | awk -F'\t' -v OFS='\t' '!/^#/ && $1 == "chr21" {print $1, $2, $3, $6, $5, $4}' > genes.bed
  zcat "$1" | awk -F'\t' -v OFS='\t' '!/^#/ && $1 == "chr21" {n = split($10, x, ","); for (i = 1; i <= n; i++) {
      split(x[i], se, "-"); print $1, $2 + se[1], $2 + se[2], $6, $5, $4 } }' > exons.bed
  bedtools intersect -a records.bed -b genes.bed -wa -wb | cut -f4,9 | sort -u > in_gene
  bedtools intersect -a records.bed -b exons.bed -wa -wb | cut -f4,9 | sort -u > in_exon
  bedtools intersect -a records.bed -b genes.bed -v > nogene.bed
  bedtools closest -a nogene.bed -b genes.bed -D b -t first |
    awk -v OFS='\t' '{d = $NF; a = d < 0 ? -d : d; c = a > 5000 ? "intergenic" : d < 0 ? "upstream" : "downstream"
                      print $4, ".:" c ":" $8 ":" a}' > near
  awk -F'\t' -v OFS='\t' 'FILENAME == "in_exon" {ex[$1, $2] = 1; next}
       FILENAME == "in_gene" {print $1, $2 ":" (($1, $2) in ex ? "exonic" : "intronic"); next}
       {print}' in_exon in_gene near |
    sort -k1,1n -k2,2 | awk -F'\t' '$1 != p {if (NR > 1) print s; s = $1; p = $1} {s = s " " $2} END {print s}'
}
# gas_classes OUT: the same from GAS's fields
gas_classes() {
  bcftools query -f '%INFO/GENE_ID\t%INFO/GENE_LOC\t%INFO/NEAREST_GENE\t%INFO/NEAREST_DIST\n' "$1" |
    awk -F'\t' '{ if ($1 == ".") { print NR " .:" $2 ":" $3 ":" $4; next }
      n = split($1, id, ","); split($2, lc, ","); delete s
      for (i = 1; i <= n; i++) s[i] = id[i] ":" lc[i]
      m = asort(s); o = NR; for (i = 1; i <= m; i++) o = o " " s[i]; print o }'
}
# (the input is hg19 by its header: --build makes the engine take it as each build in turn,
# to compare its computation with bedtools' on the same coordinates)
for b in GRCh37 GRCh38; do
  in=plain21.vcf.gz; [ $b = GRCh38 ] && in=$PG # GRCh37 as b37 names it, GRCh38 with "chr"
  check "$b: chr21 input annotated" 0 gas annotate "$in" -o "bench_$b.vcf" -s "$S/$b/sources.conf" --no-log --build $b
  # records past chr21's end in the build (GRCh38's is 46,709,983 bp, hg19's positions run
  # to 48.1 Mb) get no gene fields: no gene is there
  len=48129895; [ $b = GRCh38 ] && len=46709983
  bedtools_classes "$S/$b/genemodel.tsv.gz" |
    awk -v len=$len 'FILENAME == "records.bed" { if ($2 + 1 > len) off[$4] = 1; next }
                     { print (($1 in off) ? $1 " .:.:.:." : $0) }' records.bed - > "bt_$b"
  off=$(awk -v len=$len '$2 + 1 > len' records.bed | wc -l)
  gas_classes "bench_$b.vcf" > "gas_$b"
  n=$(wc -l < "gas_$b"); d=$(diff "bt_$b" "gas_$b" | grep -c '^>')
  classes=$(awk '{for (i = 2; i <= NF; i++) {split($i, x, ":"); c[x[2]]++}} END {for (k in c) printf " %s %d", k, c[k]}' "gas_$b")
  if [ "$n" -gt 60000 ] && [ "$d" = 0 ] && cmp -s "bt_$b" "gas_$b"; then
    ok "$b: location class, nearest gene and distance agree with bedtools on $n records ($classes; $off past chr21's end: none)"
  else
    bad "$b: agree with bedtools (records $n, disagreements $d)" "$(diff "bt_$b" "gas_$b" | head -6)"
  fi
done

# ------------------------------------------------------------------ bcftools, both namings
printf '##INFO=<ID=GENE,Number=.,Type=String,Description="genes">\n' > gene.hdr
for b in GRCh37 GRCh38; do
  for naming in chr plain; do
    in=$PG; [ $naming = plain ] && in=plain21.vcf.gz
    zcat "$S/$b/genemodel.tsv.gz" | awk -F'\t' -v OFS='\t' -v plain=$naming '!/^#/ {
        c = $1; if (plain == "plain") { sub(/^chr/, "", c); if (c == "M") c = "MT" } print c, $2, $3, $6 }' |
      bgzip -c > "genes_$naming.bed.gz"
    tabix -f -p bed "genes_$naming.bed.gz"
    bcftools annotate --no-version -a "genes_$naming.bed.gz" -c CHROM,FROM,TO,GENE -h gene.hdr \
      -l GENE:unique -Ov -o "bcf_${b}_$naming.vcf" "$in"
    check "$b $naming names: annotated" 0 gas annotate "$in" -o "gas_${b}_$naming.vcf" -s "$S/$b/sources.conf" --no-log --build $b
    set_of() { bcftools query -f '%INFO/GENE\n' "$1" | gawk -F, '{n = split($0, v, ","); delete u; m = 0
        for (i = 1; i <= n; i++) if (!(v[i] in u)) {u[v[i]] = 1; w[++m] = v[i]} s = ""
        asort(w); for (i = 1; i <= m; i++) s = s (i > 1 ? "," : "") w[i]; delete w; print s}'; }
    d=$(paste <(set_of "bcf_${b}_$naming.vcf") <(set_of "gas_${b}_$naming.vcf") | awk -F'\t' '$1 != $2' | wc -l)
    g=$(set_of "gas_${b}_$naming.vcf" | grep -vc '^\.$')
    check "$b $naming names: genes agree with bcftools record by record ($g records in genes, $d disagreements)" 0 \
      test "$d" = 0 -a "$g" -gt 20000
  done
  check "$b: chr-prefixed and plain input give identical annotations" 0 \
    cmp <(grep -v '^#' "gas_${b}_chr.vcf" | cut -f2-) <(grep -v '^#' "gas_${b}_plain.vcf" | cut -f2-)
done

# ------------------------------------------------------------------ broken models
mkdir -p broken
model=$S/GRCh37/genemodel.tsv.gz
try() { # NAME PATTERN: annotating with broken/m.gz fails at start with PATTERN, no output
  printf '[genes]\ntype = genemodel\nfile = m.gz\n' > broken/s.conf
  check_out "$1: clear error" 1 "$2" gas annotate "$SAMPLES/test.vcf" -o broken/out.vcf -s broken/s.conf --no-log
  check "$1: no output left" 1 test -e broken/out.vcf
}
rm -f broken/m.gz
try "missing model" "cannot open gene model .*m.gz \(build it: make sources\)"
head -c 300000 "$model" > broken/m.gz
try "truncated model" "m.gz is truncated|corrupt"
zcat "$model" | head -n 2000 | bgzip -c > broken/m.gz
try "model cut at a line" "m.gz is truncated or corrupt: 1998 genes, its header says"
zcat "$model" | sed '1s/^#gas-genemodel/#something/' | bgzip -c > broken/m.gz
try "not a gene model" "is not a GAS gene model"
zcat "$model" | sed '500s/\t[0-9-]*,/\t9-3,/' | bgzip -c > broken/m.gz
try "bad exon list" "m.gz line 500: exons must be sorted"
zcat "$model" | awk 'NR == 300 {l = $0; next} NR == 900 {print l} {print}' | bgzip -c > broken/m.gz
try "unsorted model" "m.gz line 899: genes are not sorted by start"
head -c 3000 /dev/urandom > broken/m.gz
try "random bytes" "m.gz (is not a GAS gene model|is corrupt|line 1: binary)"

# gasd checks its sources when it starts: a broken model stops it at once, saying why
zcat "$model" | head -n 2000 | bgzip -c > broken/m.gz
GAS_DATA_DIR=$WORK/data GAS_ANNOT_SOURCES=$WORK/broken/s.conf GAS_QUEUE_WAIT=1 timeout 60 gasd > gasd.log 2>&1
check "gasd with a truncated model stops at start (not killed by the timeout)" 0 test $? != 124
check_out "gasd says why" 0 "annotate: .*cannot start: source \[genes\]: .*m.gz is truncated or corrupt: 1998 genes" cat gasd.log

# ------------------------------------------------------------------ what scientists write
# Hand-made inputs at positions known in both builds (MTHFR C677T, F5 Leiden, HFE C282Y,
# CFTR F508del, BRAF V600E, HBB, KRAS G12, BRCA2, TP53 R175H and R273H, BRCA1 185delAG,
# APOE rs429358 and rs7412: GRCh38), as a panel's caller writes them without ##contig lines.
panel38() {
  printf '##fileformat=VCFv4.2\n%b#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' "$1"
  printf 'chr%s\t%s\t.\t%s\t%s\t50\tPASS\t.\n' 1 11796321 G A 1 169549811 T C 6 26092913 G A \
    7 117559590 ATCT A 7 140753336 A T 11 5227002 T A 12 25245350 C T 13 32340301 GT G \
    17 7673802 C T 17 7675088 C T 17 43124027 ACT A 19 44908684 T C 19 44908822 C T |
    head -n "${2:-99}"
}
loc() { grep -v '^#' "$1" | awk -F'\t' -v p="$2" '$2 == p' | grep -oE 'GENE=[^;]*;GENE_ID=[^;]*;GENE_LOC=[^;]*'; }
panel38 '' > panel38.vcf
check_out "a 13-record GRCh38 panel without ##contig lines: GRCh38 from its positions" 0 \
  "build GRCh38, not stated in the header; from the records' positions: 1[0-3] of the first 13 variant records are in GRCh38's exons" \
  gas annotate panel38.vcf -o panel38.out.vcf
check_out "... BRAF V600E is in BRAF's exon" 0 '^GENE=BRAF;GENE_ID=673;GENE_LOC=exonic$' loc panel38.out.vcf 140753336
check_out "... TP53 R175H in TP53's" 0 '^GENE=TP53;GENE_ID=7157;GENE_LOC=exonic$' loc panel38.out.vcf 7675088
panel38 '' 4 > panel4.vcf
gas annotate panel4.vcf -o panel4.out.vcf > /dev/null 2>&1
check_out "4 records, 1-3 also in GRCh37's exons: too few to decide, the default is used and the warning says it may be GRCh38" 0 \
  "GRCh37 \(the configured default\) was assumed, but 4 of its 4 variant records are in GRCh38's exons, [1-3] in GRCh37's: it may be GRCh38" \
  cat panel4.out.vcf.count.log
# a GRCh38 panel of 12 records, 5 in GRCh38's exons and none in GRCh37's, the rest
# intronic or intergenic (CFTR, TP53, BRCA1 and two far away): not half, so no verdict,
# but the lean is far beyond chance: the warning says it may be GRCh38, and the person at
# the terminal reads it on stderr, not only in the count log
{ printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  printf 'chr%s\t%s\t.\t%s\t%s\t50\tPASS\t.\n' 7 117478000 G A 7 117559590 ATCT A 7 117587806 G A \
    7 117600000 C T 17 7673802 C T 17 7675088 C T 17 7675500 G A 17 43044000 A G 17 43070000 T C \
    17 43124027 ACT A 1 100000000 C T 13 20000000 G T; } > lean12.vcf
check_out "12 records, 5 in GRCh38's exons and none in GRCh37's: stderr warns it may be GRCh38" 0 \
  "^gas annotate: warning: .*GRCh37 \(the configured default\) was assumed, but 5 of its 12 variant records are in GRCh38's exons, 0 in GRCh37's: it may be GRCh38" \
  sh -c 'gas annotate lean12.vcf -o lean12.out.vcf 2>&1 >/dev/null'
# 4 cancer hotspots (BRAF V600E, KRAS G12, TP53 R175H, EGFR L858R) in GRCh38's exons, none
# in GRCh37's: a tiny panel decides
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n7\t140753336\t.\tA\tT\t.\t.\t.\n12\t25245350\t.\tC\tT\t.\t.\t.\n17\t7675088\t.\tC\tT\t.\t.\t.\n7\t55191822\t.\tT\tG\t.\t.\t.\n' > hot4.vcf
check_out "4 hotspots all in GRCh38's exons, none in GRCh37's: GRCh38 from their positions" 0 \
  "build GRCh38, not stated in the header; from the records' positions: 4 of the first 4 variant records are in GRCh38's exons, 0 in GRCh37's" \
  gas annotate hot4.vcf -o hot4.out.vcf
check_out "... BRAF V600E in BRAF's exon" 0 '^GENE=BRAF;GENE_ID=673;GENE_LOC=exonic$' loc hot4.out.vcf 140753336
head -4 hot4.vcf > hot2.vcf
check_out "2 such records: too few, the default and a warning" 0 "configured default.*2 of its 2 variant records are in GRCh38's exons" \
  sh -c 'gas annotate hot2.vcf -o hot2.out.vcf >/dev/null 2>&1; cat hot2.out.vcf.count.log'
for ref in file:///mnt/refs/GRCh37_and_GRCh38/GRCh38/hs38DH.fa \
  /data/liftover_hg19_to_hg38/ref/Homo_sapiens_assembly38.fasta; do
  panel38 "##reference=$ref\n" > ref.vcf
  check_out "##reference=$ref: the file's name says GRCh38, not its directories" 0 \
    "build GRCh38, from the header's ##reference=" gas annotate ref.vcf -o ref.out.vcf
  check "... no warning of two builds or of hg19's chrM" 1 grep -qE "two builds|hg19's|names UCSC's hg19" ref.out.vcf.count.log
done
panel38 "" | sed 's/^chr7\t/NC_000007.14\t/; s/^chr17\t/NC_000017.11\t/' | grep -E '^(#|NC_)' > refseq38.vcf
check_out "records on GRCh38's RefSeq accessions, no header: GRCh38" 0 \
  "build GRCh38, not stated in the header; from the records' contig names: NC_000007.14 is RefSeq's accession of a GRCh38 chromosome" \
  gas annotate refseq38.vcf -o refseq38.out.vcf
check_out "... BRAF V600E on NC_000007.14 is BRAF's" 0 '^GENE=BRAF;' loc refseq38.out.vcf 140753336
# a gene Entrez places at several loci of one contig (LOC100126512: 1p36 and 1q21, 133 Mb
# apart) is a line per locus: chr1:60,000,000 (GRCh38) is not in its "intron"
{ panel38 '##contig=<ID=chr1,length=248956422>\n' 0; printf 'chr1\t60000000\t.\tA\tG\t50\tPASS\t.\n'; } > mid1.vcf
gas annotate mid1.vcf -o mid1.out.vcf > /dev/null 2>&1
check "chr1:60,000,000: in no multi-locus LOC's span" 1 grep -qE 'LOC100126512|LOC100126533' mid1.out.vcf
check_out "... the model has no gene line over 2.5 Mb (RBFOX1, 2.47 Mb, is the longest)" 0 '^ok$' \
  sh -c "zcat '$S/GRCh38/genemodel.tsv.gz' '$S/GRCh37/genemodel.tsv.gz' | awk -F'\t' '!/^#/ && \$3 - \$2 > 2500000 {print; n++} END {if (!n) print \"ok\"}'"
# hg19's chrM (16,571 bp, not the rCRS): its records are not annotated, which the count log
# says where it counts them (per chromosome, per location class); no chrM records, no word
hg19() {
  printf '##fileformat=VCFv4.2\n##reference=file:///ref/ucsc.hg19.fasta\n##contig=<ID=chr7,length=159138663>\n##contig=<ID=chrM,length=16571>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  printf 'chr7\t140453136\t.\tA\tT\t50\tPASS\t.\n'
  [ "$1" = M ] && printf 'chrM\t3243\t.\tA\tG\t50\tPASS\t.\n'
  true
}
hg19 M > hg19m.vcf; hg19 - > hg19.vcf
gas annotate hg19m.vcf -o hg19m.out.vcf > /dev/null 2>&1
check_out "hg19 with a chrM record: the warning counts it" 0 \
  "the header's chrM is 16,571 bp: hg19's mitochondrion, .*: its 1 record is not annotated" cat hg19m.out.vcf.count.log
check_out "... the chromosome's line says why" 0 "^  chrM +1   \(hg19's mitochondrion, not the sources' rCRS: not annotated\)" cat hg19m.out.vcf.count.log
check_out "... and the location classes count it, so that they add up" 0 "^  not annotated +1 \(50.00%\)" cat hg19m.out.vcf.count.log
check_out "... BRAF V600E (GRCh37) annotated" 0 'GENE=BRAF;' grep -v '^#' hg19m.out.vcf
gas annotate hg19.vcf -o hg19.out.vcf > /dev/null 2>&1
check "hg19 without chrM records: no chrM warning" 1 grep -q "mitochondrion" hg19.out.vcf.count.log
# a sample column short under a #CHROM line that declares one: annotated, and warned
{ printf '##fileformat=VCFv4.2\n##contig=<ID=chr7,length=159345973>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n'
  printf 'chr7\t140753336\t.\tA\tT\t50\tPASS\t.\tGT:DP\t0/1:20\n'
  printf 'chr7\t140753337\t.\tC\tT\t50\tPASS\t.\tGT\n'; } > short.vcf
check "a record without its sample column: annotated" 0 gas annotate short.vcf -o short.out.vcf
check_out "... and the count log says which line has fewer columns than #CHROM" 0 \
  'records do not have the 10 columns the #CHROM line declares \(the first at line 5 has 9; 1 of' cat short.out.vcf.count.log
# VCF 4.4: a structural variant with several symbolic ALTs and a length per allele, no END
{ panel38 '##fileformat=VCFv4.4\n##contig=<ID=chr17,length=83257441>\n' 0
  printf 'chr17\t43040000\tsv3\tT\t<CNV>,<DEL>\t50\tPASS\tSVLEN=90000,90000\n'
  printf 'chr17\t43044000\tbnd\tT\tT[<ctg1>:1[\t50\tPASS\tSVTYPE=BND\n'
  printf 'chr17\t43045000\tins\tC\tC<ctg1>\t50\tPASS\t.\n'; } > sv44.vcf
check "VCF 4.4 SVs, a breakend into an assembled contig and its insertion: annotated" 0 \
  gas annotate sv44.vcf -o sv44.out.vcf
check_out "... <CNV>,<DEL> with SVLEN=90000,90000 covers BRCA1 (43,044,295-43,125,483)" 0 \
  '(^|,)BRCA1(,|$)' sh -c "grep -v '^#' sv44.out.vcf | awk -F'\t' '\$3 == \"sv3\"' | grep -oE 'GENE=[^;]*' | cut -d= -f2"
check_out "... the breakend T[<ctg1>:1[ is in BRCA1" 0 'GENE=BRCA1;' sh -c "grep -P '\tbnd\t' sv44.out.vcf"
check_out "... the count log classes their 4 ALT alleles as structural, not other" 0 \
  '^  structural +4 \(100.00%\)' cat sv44.out.vcf.count.log
# a copy-number allele (<CN0>: CNVnator, Canvas, 1000 Genomes) with SVLEN and no END: it
# spans SVLEN's bases as <CNV> does (a deletion of all of BRCA1 is in BRCA1, not "downstream")
{ panel38 '##contig=<ID=chr17,length=83257441>\n' 0
  printf 'chr17\t43040000\tcn0\tT\t<CN0>\t50\tPASS\tSVTYPE=CNV;SVLEN=90000\n'
  printf 'chr17\t43040000\tcn2\tT\t<CN2>\t50\tPASS\tSVTYPE=CNV\n'; } > cn.vcf
gas annotate cn.vcf -o cn.out.vcf > /dev/null 2>&1
check_out "<CN0> with SVLEN=90000 covers BRCA1, exonic" 0 'GENE=BRCA1[,;].*GENE_LOC=exonic' \
  sh -c "grep -P '\tcn0\t' cn.out.vcf"
check_out "... <CN2> with neither END nor SVLEN: the count log says it was annotated at POS only" 0 \
  '1 structural-variant record .* has neither a usable END nor SVLEN \(first at line [0-9]+\)' cat cn.out.vcf.count.log
# nothing classed (a header alone): --log-json still has every location class, at 0, for
# programs that read location_classes.exonic
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' > hdronly.vcf
gas annotate hdronly.vcf -o hdronly.out.vcf --log-json hdronly.json > /dev/null 2>&1
check_out "a header alone: the JSON log's location_classes has the six classes at 0" 0 \
  "^\\{'exonic': 0, 'intronic': 0, 'upstream': 0, 'downstream': 0, 'intergenic': 0, 'no genes on contig': 0\\}$" \
  python3 -c 'import json; print(json.load(open("hdronly.json"))["location_classes"])'
# 30 contigs of long names no source knows: the warning names 8, each whole or cut with "..",
# and says how many more (it was cut mid-name, without the count)
{ printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  for i in $(seq 30); do printf 'scaffold_%d_with_a_rather_long_assembler_given_name_%d\t100\t.\tA\tT\t.\t.\t.\n' $i $i; done; } > longctg.vcf
gas annotate longctg.vcf -o longctg.out.vcf > longctg.err 2>&1
check_out "30 unknown contigs of long names: 8 named (cut with ..), and 22 more" 0 \
  '30 contigs: scaffold_1_with_a_rather_long_assembler_\.\. \(1\), (scaffold_[0-9]_with_a_rather_long_assembler_\.\. \(1\), ){6}scaffold_8_with_a_rather_long_assembler_\.\. \(1\), and 22 more$' \
  cat longctg.err
# an INFO field the header does not declare, of a name GAS writes: replaced, and said
{ panel38 '##contig=<ID=chr7,length=159345973>\n' 0; printf 'chr7\t140753336\t.\tA\tT\t50\tPASS\tGENE=mine;DP=9;GENE_LOC=x\n'; } > own.vcf
gas annotate own.vcf -o own.out.vcf > /dev/null 2>&1
check_out "an undeclared INFO GENE of the input's: GAS's replaces it" 0 $'\tDP=9;GENE=BRAF;' grep -v '^#' own.out.vcf
check_out "... and the count log says so: one record, both its fields named" 0 \
  '1 record had INFO fields GAS writes that the header does not declare \(GENE, GENE_LOC in the first, at line 4\)' \
  cat own.out.vcf.count.log

# ------------------------------------------------------------------ rebuilt on version change
cp -a "$S" srcs
before=$(stat -c %Y srcs/GRCh37/genemodel.tsv.gz)
check "build-sources: up to date, does nothing" 0 "$GAS_ROOT/scripts/build-sources.sh" srcs
check "build-sources: files untouched" 0 test "$before" = "$(stat -c %Y srcs/GRCh37/genemodel.tsv.gz)"
sed -i 's/^r-bioc-rsubread .*/r-bioc-rsubread 0.0-old/' srcs/VERSIONS
check_out "build-sources: a changed package version rebuilds" 0 "versions changed, rebuilding" \
  "$GAS_ROOT/scripts/build-sources.sh" srcs
check "build-sources: VERSIONS current again" 0 cmp srcs/VERSIONS "$S/VERSIONS"
check "build-sources: the rebuilt model is the same" 0 cmp <(zcat srcs/GRCh37/genemodel.tsv.gz) <(zcat "$model")
head -c 1000000 "$model" > srcs/GRCh38/genemodel.tsv.gz
check_out "build-sources: a damaged model is rebuilt" 0 "is damaged, rebuilding" "$GAS_ROOT/scripts/build-sources.sh" srcs
check "build-sources: the rebuilt GRCh38 model is whole" 0 cmp <(zcat srcs/GRCh38/genemodel.tsv.gz) <(zcat "$S/GRCh38/genemodel.tsv.gz")
finish $SUITE
