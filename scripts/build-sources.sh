#!/bin/bash
# Builds GAS's default GRCh37 annotation sources from data that Debian packages ship,
# taken with `apt-get download` + `dpkg -x` (nothing is installed, no R or Python stack):
#   genes.bed.gz       gene spans (first..last exome target of each gene) from cnvkit's
#                      examples/data/interval-exome.target-267.bed (Apache-2.0)
#   kg.vcf.gz          sites of 1000 Genomes VCFs: chr20 from shapeit4-example
#                      (examples/test/reference.vcf.gz), chr22 from r-bioc-variantannotation
#                      (extdata/chr22.vcf.gz); ID and INFO (AF, ...) kept, genotypes dropped
#   sources.conf       the sources file naming both
#   demo/              VCFs those packages ship, used as demo inputs
# Usage: scripts/build-sources.sh OUTDIR   (idempotent: does nothing when OUTDIR is complete)
set -euo pipefail
OUT=${1:?usage: build-sources.sh OUTDIR}
[ -f "$OUT/sources.conf" ] && [ -f "$OUT/kg.vcf.gz.tbi" ] && [ -f "$OUT/genes.bed.gz.tbi" ] && exit 0
export LC_ALL=C
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
pkgs="cnvkit shapeit4-example r-bioc-variantannotation"
echo "build-sources: downloading $pkgs (not installed, only unpacked)"
# apt-get download writes into the current directory; as root it warns that _apt cannot
# write there, which is harmless
if ! apt-get download $pkgs >/dev/null 2>&1; then
  apt-get update -q >/dev/null 2>&1 || true
  apt-get download $pkgs >/dev/null
fi
for d in *.deb; do dpkg -x "$d" x; done

bed=x/usr/share/doc/cnvkit/examples/data/interval-exome.target-267.bed
awk -F'\t' 'BEGIN{OFS="\t"} $4!="-" && $1 !~ /_random|^Un_/ {
      k=$1 SUBSEP $4; if(!(k in s)||$2<s[k])s[k]=$2; if($3>e[k])e[k]=$3 }
    END{for(k in s){split(k,a,SUBSEP); print a[1],s[k],e[k],a[2]}}' "$bed" \
  | sort -k1,1V -k2,2n -k3,3n | bgzip -c > "$OUT/genes.bed.gz.tmp"
mv "$OUT/genes.bed.gz.tmp" "$OUT/genes.bed.gz"
tabix -f -p bed "$OUT/genes.bed.gz"

chr20=x/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
chr22=x/usr/lib/R/site-library/VariantAnnotation/extdata/chr22.vcf.gz
bcftools view --no-version -G -Oz -o kg20.vcf.gz "$chr20"
bcftools view --no-version -G -Oz -o kg22.vcf.gz "$chr22"
# (the two files declare AF differently, Number=A and Number=1: bcftools warns, keeps one)
bcftools concat --no-version -Oz -o "$OUT/kg.vcf.gz.tmp" kg20.vcf.gz kg22.vcf.gz 2>concat.log \
  || { cat concat.log >&2; exit 1; }
mv "$OUT/kg.vcf.gz.tmp" "$OUT/kg.vcf.gz"
tabix -f -p vcf "$OUT/kg.vcf.gz"

mkdir -p "$OUT/demo"
cp x/usr/share/doc/shapeit4/examples/test/unphased.vcf.gz "$OUT/demo/shapeit4_unphased_chr20.vcf.gz"
# (the package's unphased.bcf.gz is compressed twice and unreadable: make a real BCF)
bcftools view --no-version -Ob -o "$OUT/demo/shapeit4_unphased_chr20.bcf" \
  x/usr/share/doc/shapeit4/examples/test/unphased.vcf.gz
cp x/usr/lib/R/site-library/VariantAnnotation/extdata/hapmap_exome_chr22.vcf.gz \
   "$OUT/demo/hapmap_exome_chr22.vcf.gz"
for f in "$OUT"/demo/*; do chmod 0644 "$f"; done

cat > "$OUT/sources.conf" <<'EOT'
# GAS default annotation sources (GRCh37, chromosome names without "chr"),
# built by scripts/build-sources.sh from Debian packages.
[genes]
type = region
file = genes.bed.gz
field = GENE

[kg]
type = known
file = kg.vcf.gz
id = true
info = AF:KG_AF
EOT
echo "build-sources: $(zcat "$OUT/genes.bed.gz" | wc -l) gene spans, $(zcat "$OUT/kg.vcf.gz" | grep -vc '^#') known variants in $OUT"
