#!/bin/bash
# docs/annotation.md's "Adding dbSNP, ClinVar or gnomAD", step by step, with small VCFs of
# those files' shape: ClinVar (no "chr", CLNSIG/CLNDN/CLNREVSTAT Number=., GENEINFO
# Number=1, one ALT per record, two records at one site), dbSNP (RefSeq NC_ accessions, a
# multi-allelic record), gnomAD (chr names, split alleles, Number=A). Indexed with tabix,
# named in GRCh38/sources.conf under annot_sources_dir, and annotated with `gas annotate`
# from another directory onto a chr-prefixed GRCh38 input: every record checked exactly.
SUITE=usersources
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 2
for t in bgzip tabix; do command -v $t >/dev/null || { bad "$t present"; finish $SUITE; exit 1; }; done
H='#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO'
S=$WORK/srv/sources/GRCh38
mkdir -p "$S" elsewhere

printf '%b\n' '##fileformat=VCFv4.1' '##fileDate=2024-01-07' '##source=ClinVar' '##reference=GRCh38' \
  '##ID=<Description="ClinVar Variation ID">' \
  '##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">' \
  '##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar'"'"'s preferred disease name">' \
  '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the Variation ID">' \
  '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single variant">' \
  '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant reported as gene symbol:gene id">' \
  '##INFO=<ID=RS,Number=.,Type=String,Description="dbSNP ID (i.e. rs number)">' "$H" \
  '7\t117559590\t7105\tATCT\tA\t.\t.\tALLELEID=22144;CLNDN=Cystic_fibrosis|CFTR-related_disorder;CLNREVSTAT=reviewed_by_expert_panel;CLNSIG=Pathogenic;GENEINFO=CFTR:1080;RS=113993960' \
  '13\t32338000\t100\tC\tT\t.\t.\tALLELEID=1;CLNDN=Hereditary_breast_ovarian_cancer_syndrome;CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts;CLNSIG=Pathogenic;GENEINFO=BRCA2:675' \
  '13\t32338000\t101\tC\tG\t.\t.\tALLELEID=2;CLNDN=not_provided;CLNREVSTAT=criteria_provided,_single_submitter;CLNSIG=Benign;GENEINFO=BRCA2:675' \
  '17\t43124027\t17662\tACT\tA\t.\t.\tALLELEID=32741;CLNDN=Hereditary_breast_ovarian_cancer_syndrome;CLNREVSTAT=reviewed_by_expert_panel;CLNSIG=Pathogenic;GENEINFO=BRCA1:672;RS=80357914' \
  > clinvar.vcf
printf '%b\n' '##fileformat=VCFv4.2' '##fileDate=20220913' '##source=dbSNP' '##dbSNP_BUILD_ID=156' \
  '##reference=GRCh38.p14' '##contig=<ID=NC_000007.14>' '##contig=<ID=NC_000013.11>' '##contig=<ID=NC_000017.11>' \
  '##INFO=<ID=RS,Number=1,Type=Integer,Description="dbSNP ID (i.e. rs number)">' \
  '##INFO=<ID=dbSNPBuildID,Number=1,Type=Integer,Description="First dbSNP Build for RS">' "$H" \
  'NC_000007.14\t117559590\trs113993960\tATCT\tA\t.\t.\tRS=113993960;dbSNPBuildID=132' \
  'NC_000013.11\t32338000\trs999\tC\tA,G,T\t.\t.\tRS=999;dbSNPBuildID=100' \
  'NC_000017.11\t43124027\trs80357914\tACT\tA\t.\t.\tRS=80357914;dbSNPBuildID=129' > dbsnp.vcf
printf '%b\n' '##fileformat=VCFv4.2' \
  '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">' \
  '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">' \
  '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">' \
  '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="Count of homozygous individuals">' \
  '##contig=<ID=chr7,length=159345973,assembly=gnomAD_GRCh38>' '##contig=<ID=chr13,length=114364328,assembly=gnomAD_GRCh38>' "$H" \
  'chr7\t117559590\trs113993960\tATCT\tA\t.\tPASS\tAC=1000;AN=150000;AF=0.00666667;nhomalt=5' \
  'chr13\t32338000\t.\tC\tG\t.\tPASS\tAC=3000;AN=150000;AF=0.02;nhomalt=30' \
  'chr13\t32338000\t.\tC\tT\t.\tPASS\tAC=2;AN=150000;AF=1.33e-05;nhomalt=0' > gnomad.vcf

# the operator's steps: bgzip, tabix, the sources file, the config key
for f in clinvar dbsnp gnomad; do
  check "$f: bgzip" 0 sh -c "bgzip -c $f.vcf > $S/$f.vcf.gz"
  check "$f: tabix -p vcf" 0 tabix -p vcf "$S/$f.vcf.gz"
done
cat > "$S/sources.conf" <<'EOT'
[dbsnp]
type = known
file = dbsnp.vcf.gz
id = true

[clinvar]
type = known
file = clinvar.vcf.gz
id = false
info = CLNSIG, CLNDN, CLNREVSTAT, GENEINFO:CLNGENE

[gnomad]
type = known
file = gnomad.vcf.gz
id = false
info = AF:GNOMAD_AF, nhomalt:GNOMAD_NHOMALT
version = gnomAD v4.1 genomes (test)
EOT
printf 'annot_sources_dir = %s\n' "$WORK/srv/sources" > gas.conf

printf '%b\n' '##fileformat=VCFv4.2' '##contig=<ID=chr1,length=248956422>' '##contig=<ID=chr7,length=159345973>' \
  '##contig=<ID=chr13,length=114364328>' '##contig=<ID=chr17,length=83257441>' \
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">' "$H"'\tFORMAT\tS1' \
  'chr1\t1000\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1' 'chr7\t117559590\t.\tATCT\tA\t50\tPASS\tDP=20\tGT\t0/1' \
  'chr13\t32338000\t.\tC\tT,G\t50\tPASS\tDP=30\tGT\t1/2' 'chr17\t43124027\t.\tACT\tA\t50\tPASS\t.\tGT\t0/1' > elsewhere/in.vcf
cd elsewhere
check "gas annotate with the operator's config, from another directory" 0 \
  env GAS_CONFIG="$WORK/gas.conf" gas annotate in.vcf -o out.vcf
want=(
  $'chr1\t1000\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1'
  $'chr7\t117559590\trs113993960\tATCT\tA\t50\tPASS\tDP=20;CLNSIG=Pathogenic;CLNDN=Cystic_fibrosis|CFTR-related_disorder;CLNREVSTAT=reviewed_by_expert_panel;CLNGENE=CFTR:1080;GNOMAD_AF=0.00666667;GNOMAD_NHOMALT=5\tGT\t0/1'
  $'chr13\t32338000\trs999\tC\tT,G\t50\tPASS\tDP=30;CLNSIG=Pathogenic;CLNDN=Hereditary_breast_ovarian_cancer_syndrome;CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts;CLNGENE=BRCA2:675,BRCA2:675;GNOMAD_AF=1.33e-05,0.02;GNOMAD_NHOMALT=0,30\tGT\t1/2'
  $'chr17\t43124027\trs80357914\tACT\tA\t50\tPASS\tCLNSIG=Pathogenic;CLNDN=Hereditary_breast_ovarian_cancer_syndrome;CLNREVSTAT=reviewed_by_expert_panel;CLNGENE=BRCA1:672\tGT\t0/1'
)
got=$(grep -v '^#' out.vcf)
if [ "$got" = "$(printf '%s\n' "${want[@]}")" ]; then ok "every record annotated as expected (4 records)"
else bad "every record annotated as expected" "$(diff <(printf '%s\n' "${want[@]}") <(echo "$got"))"; fi
check_out "ClinVar's header Description and Number kept" 0 \
  '^##INFO=<ID=CLNSIG,Number=\.,Type=String,Description="Clinical significance for this single variant \(CLNSIG from GAS source clinvar\)">$' cat out.vcf
check_out "GENEINFO (Number=1) written per ALT" 0 '^##INFO=<ID=CLNGENE,Number=A,Type=String' cat out.vcf
check_out "provenance: every source with its version" 0 \
  '^##GAS_annotation=<.*build=GRCh38,build_source=header-contig-lengths,sources=dbsnp:dbSNP_build_156_20220913;clinvar:ClinVar_2024-01-07;gnomad:gnomAD_v4.1_genomes_\(test\),annotated=yes>$' cat out.vcf
check_out "count log: sources and versions" 0 '^  clinvar +known +ClinVar 2024-01-07$' cat out.vcf.count.log
check_out "count log: dbSNP's naming seen" 0 '^  source dbsnp +RefSeq accessions' cat out.vcf.count.log
check_out "count log: hits per source" 0 '^  gnomad +2 \(50.00%\)$' cat out.vcf.count.log
# the same input named without "chr" gets the same annotations
sed -e 's/^chr//' -e 's/ID=chr/ID=/' in.vcf > plain.vcf
GAS_CONFIG="$WORK/gas.conf" gas annotate plain.vcf -o plain.out.vcf 2>/dev/null
check "\"1\" naming: identical annotations" 0 cmp -s <(grep -v '^#' out.vcf | sed 's/^chr//') <(grep -v '^#' plain.out.vcf)
# a GRCh37 input is not annotated from GRCh38 sources (there are none for GRCh37 here)
sed -e 's/length=248956422/length=249250621/' -e 's/length=159345973/length=159138663/' \
  -e 's/length=114364328/length=115169878/' -e 's/length=83257441/length=81195210/' in.vcf > b37.vcf
check_out "GRCh37 input: not annotated from GRCh38 sources" 0 'NOT annotated: the input is GRCh37' \
  env GAS_CONFIG="$WORK/gas.conf" gas annotate b37.vcf -o b37.out.vcf
check "... its records unchanged" 0 cmp -s <(grep -v '^#' b37.vcf) <(grep -v '^#' b37.out.vcf)
finish $SUITE
