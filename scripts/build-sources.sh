#!/bin/bash
# Builds GAS's default annotation sources, per genome build, from data that Debian packages
# ship, taken with `apt-get download` + `dpkg -x` (nothing is installed, no R or Python stack):
#   GRCh37/genemodel.tsv.gz   the gene model (below) from r-bioc-rsubread's
#   GRCh38/genemodel.tsv.gz   annot/hg19_RefSeq_exon.txt and annot/hg38_RefSeq_exon.txt (NCBI
#                             RefSeq exons, whole genome incl. chrM and unplaced contigs) joined
#                             with r-bioc-org.hs.eg.db's extdata/org.Hs.eg.sqlite (Entrez Gene:
#                             symbol, gene type, cytoband, OMIM ids); bgzipped, tabix-indexed
#   GRCh37/kg.vcf.gz          sites of 1000 Genomes VCFs: chr20 from shapeit4-example
#                             (examples/test/reference.vcf.gz), chr22 from r-bioc-variantannotation
#                             (extdata/chr22.vcf.gz); ID and INFO (AF, ...) kept, genotypes dropped
#   NCBI36/genemodel.tsv.gz   GRCh37's gene model lifted to NCBI36 (hg18): chromhmm-example
#                             ships RefSeq transcript spans and exons for both hg18 and hg19
#                             (unnamed); a transcript span length or a pair of neighbouring
#                             exons' shape that is unique on its chromosome in both is an
#                             anchor (offset hg19 - hg18), kept when a neighbouring anchor has
#                             the same offset; runs of one offset are blocks, and a gene moves
#                             by its block's offset (docs/genemodel.md)
#   GRCh37/sources.conf, GRCh38/sources.conf, NCBI36/sources.conf   the sources of each build
#   sources.conf              the default sources file (GRCh37's, with paths into GRCh37/)
#   VERSIONS                  the versions of the packages the files came from
#   demo/                     VCFs those packages ship, used as demo inputs
# Gene model: one line per gene and locus (a gene on chrX and chrY has two, as has one whose
# exons on a contig are more than 2 Mb apart: copies Entrez gives one id), sorted, columns
#   chrom start end strand entrez symbol type cytoband omim exons
# 0-based half-open gene span (first exon start .. last exon end); exons merged, as
# "start-end" offsets from the gene start, comma-separated; "." where Entrez has no value;
# several OMIM ids joined with "|". Its first line, "#gas-genemodel 1 build=... from=...",
# names the format and the package versions.
# Usage: scripts/build-sources.sh OUTDIR
# Idempotent: does nothing when OUTDIR is complete and VERSIONS matches the versions apt
# would fetch now (apt-cache policy); otherwise rebuilds everything.
set -euo pipefail
OUT=${1:?usage: build-sources.sh OUTDIR}
export LC_ALL=C
FORMAT=1
CONF=6 # sources files: 2 = they declare their build, the kg source its version; 3 = the
       # kg version names the stretches it covers; 4 = kg's AF description names its cohorts;
       # 5 = chr20's AF is its 300 samples' (AC/AN), as that description says; 6 = kg's
       # covers = (the count log gives its share there)
MODEL=6 # gene models: 2 = GRCh37's MT genes are GRCh38's chrM ones (both rCRS; hg19's RefSeq
        # file has no mitochondrial tRNA genes); 3 = CYTOBAND only from the gene's own
        # chromosome (a PAR gene's chrY copy: Y, not X); 4 = mitochondrial genes by their
        # HGNC symbols (MT-ND4, MT-CO1, MT-TL1), as clinicians and MITOMAP name them; 5 = NCBI36's,
        # lifted by transcript and exon-pair anchors; 6 = a gene's exons more than 2 Mb
        # apart on one contig (a tRNA gene's: 10 kb) are separate loci (Entrez places some
        # tRNA genes and LOCs at several: one line spanned 133 Mb of chr1 and made all of
        # it that gene's intron)
pkgs="r-bioc-rsubread r-bioc-org.hs.eg.db shapeit4-example r-bioc-variantannotation chromhmm-example"

# the versions apt would fetch now ("?" when apt knows none: then a complete OUTDIR is kept)
want_versions() {
  echo "format $FORMAT conf $CONF model $MODEL"
  # shellcheck disable=SC2086
  apt-cache policy $pkgs 2>/dev/null | awk -v pkgs="$pkgs" '
    /^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
    /Candidate:/ { v[p] = $2 }
    END { n = split(pkgs, a, " "); for (i = 1; i <= n; i++) print a[i], (a[i] in v && v[a[i]] != "(none)") ? v[a[i]] : "?" }'

}
complete() {
  local f
  for f in sources.conf VERSIONS GRCh37/sources.conf GRCh37/genemodel.tsv.gz.tbi \
           GRCh37/kg.vcf.gz.tbi GRCh38/sources.conf GRCh38/genemodel.tsv.gz.tbi \
           NCBI36/sources.conf NCBI36/genemodel.tsv.gz.tbi; do
    [ -s "$OUT/$f" ] || return 1
  done
}
# intact: the compressed files pass bgzip -t, and each model has the genes its header counts
intact() {
  local b n
  bgzip -t "$OUT/GRCh37/kg.vcf.gz" 2>/dev/null || return 1
  for b in GRCh37 GRCh38 NCBI36; do
    bgzip -t "$OUT/$b/genemodel.tsv.gz" 2>/dev/null || return 1
    n=$(zcat "$OUT/$b/genemodel.tsv.gz" | awk 'NR == 1 {for (i = 1; i <= NF; i++) if ($i ~ /^genes=/) w = substr($i, 7)}
          !/^#/ {n++} END {print (w != "" && w == n) ? "ok" : "bad"}')
    [ "$n" = ok ] || return 1
  done
}
want=$(want_versions)
if complete && ! intact; then
  echo "build-sources: a derived file in $OUT is damaged, rebuilding"
elif complete; then
  if [ "$want" = "$(cat "$OUT/VERSIONS")" ] || grep -q ' ?$' <<<"$want"; then
    exit 0
  fi
  echo "build-sources: package versions changed, rebuilding:"
  diff <(cat "$OUT/VERSIONS") <(echo "$want") | sed -n 's/^[<>]/   &/p' || true
fi
t0=$(date +%s.%N)
mkdir -p "$OUT/GRCh37" "$OUT/GRCh38" "$OUT/NCBI36" "$OUT/demo"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/VERSIONS"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "build-sources: downloading $pkgs (not installed, only unpacked)"
# apt-get download writes into the current directory; as root it warns that _apt cannot
# write there, which is harmless
if ! apt-get download $pkgs >/dev/null 2>&1; then
  apt-get update -q >/dev/null 2>&1 || true
  apt-get download $pkgs >/dev/null
  want=$(want_versions)
fi
for d in *.deb; do dpkg -x "$d" x; done
# the versions of the .debs actually fetched
got=$(echo "format $FORMAT conf $CONF model $MODEL"; for p in $pkgs; do echo "$p $(dpkg-deb -f "${p}"_*.deb Version)"; done)

# ------------------------------------------------------------------ gene model
db=x/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite
annot=x/usr/lib/R/site-library/Rsubread/annot
eg_date=$(sqlite3 -readonly "file:$db?immutable=1" "SELECT value FROM metadata WHERE name='EGSOURCEDATE'")
# entrez, symbol, type, cytobands ("|"), omim ids ("|")
sqlite3 -readonly -batch -noheader -separator $'\t' "file:$db?immutable=1" "
  SELECT g.gene_id, COALESCE(i.symbol, ''),
    COALESCE((SELECT group_concat(gene_type, '|') FROM genetype t WHERE t._id = g._id), ''),
    COALESCE((SELECT group_concat(cytogenetic_location, '|')
              FROM cytogenetic_locations c WHERE c._id = g._id), ''),
    COALESCE((SELECT group_concat(omim_id, '|') FROM omim o WHERE o._id = g._id), '')
  FROM genes g LEFT JOIN gene_info i ON i._id = g._id" > meta.tsv

# model BUILD EXONS OUT: exons (GeneID Chr Start End Strand, 1-based) -> sorted gene lines
model() {
  local build=$1 exons=$2 out=$3
  tail -n +2 "$exons" | sort -t$'\t' -k1,1 -k2,2 -k3,3n -k4,4n > exons.sorted
  gawk -F'\t' -v OFS='\t' -f - meta.tsv exons.sorted > genes.unsorted <<'AWK'
# characters INFO values cannot hold become "_"
function clean(s) { gsub(/[^A-Za-z0-9_.:|@+()\/-]/, "_", s); return s == "" ? "." : s }
# the cytoband on this chromosome: "Xp22.33", or "Y" for the chrY copy of a PAR gene whose
# bands are "X|Y"; an alt or random contig's is its chromosome's; none there (a copy of a
# gene placed on another chromosome): "."
function band(all, chr,   n, v, i, c, on) {
  if (all == "") return "."
  n = split(all, v, "|"); c = chr; sub(/^chr/, "", c); sub(/_.*$/, "", c)
  for (i = 1; i <= n; i++) {
    on = v[i]; sub(/([pq].*|cen)$/, "", on)
    if (on == c) return clean(v[i])
  }
  return "."
}
# a mitochondrial gene's HGNC symbol: Entrez Gene's ND4, COX1, CYTB, RNR1, TRNL1 are
# MT-ND4, MT-CO1, MT-CYB, MT-RNR1, MT-TL1
function mt_symbol(s) {
  if (s ~ /^MT-/) return s
  if (s ~ /^TRN/) return "MT-T" substr(s, 4)
  if (s ~ /^COX[0-9]$/) return "MT-CO" substr(s, 4)
  if (s == "CYTB") return "MT-CYB"
  return "MT-" s
}
function flush(   s, i, ex, st, sym) {
  if (key == "") return
  st = plus >= minus ? "+" : "-"
  ex = ""
  for (i = 1; i <= ne; i++) ex = ex (i > 1 ? "," : "") (es[i] - gs) "-" (ee[i] - gs)
  sym = (gid in symbol) && symbol[gid] != "" ? clean(symbol[gid]) : "LOC" gid
  if (chr == "chrM" || chr == "MT") sym = mt_symbol(sym)
  print chr, gs, ge, st, gid, sym, (gid in type) ? clean(type[gid]) : ".", band(cyto[gid], chr),
        (gid in omim) ? clean(omim[gid]) : ".", ex
  key = ""
}
FNR == NR { symbol[$1] = $2; if ($3 != "") type[$1] = $3; cyto[$1] = $4; if ($5 != "") omim[$1] = $5; next }
$1 !~ /^[0-9]+$/ || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/ || $3 > $4 { bad++; next }
{
  k = $1 SUBSEP $2; s = $3 - 1; e = $4
  # a new gene, or the same gene's next locus: no human gene's intron is near 2 Mb (the
  # longest in RefSeq, in ROBO2, is 1.1 Mb), and a tRNA gene's is a few dozen bases
  if (k != key || s > ge + 2000000 || (type[$1] == "tRNA" && s > ge + 10000)) { flush(); key = k; gid = $1; chr = $2; gs = s; ge = e; ne = 0; plus = minus = 0 }
  if ($5 == "-") minus++; else plus++
  if (ne && s <= ee[ne]) { if (e > ee[ne]) ee[ne] = e }  # overlapping or touching: merge
  else { ne++; es[ne] = s; ee[ne] = e }
  if (e > ge) ge = e
}
END { flush(); if (bad) print "build-sources: " bad " malformed exon lines skipped" > "/dev/stderr" }
AWK
  # the mitochondrion is the rCRS in b37 and GRCh38 alike: GRCh37 takes GRCh38's MT genes,
  # which include the 22 tRNA genes that hg19's RefSeq file lacks
  if [ "$build" = GRCh37 ] && [ -s chrM.GRCh38 ]; then
    awk -F'\t' '$1 != "chrM"' genes.unsorted > genes.noM
    cat genes.noM chrM.GRCh38 > genes.unsorted
  fi
  sort -t$'\t' -k1,1V -k2,2n -k3,3n -k5,5n genes.unsorted > genes.tsv
  [ "$build" = GRCh38 ] && awk -F'\t' '$1 == "chrM"' genes.tsv > chrM.GRCh38
  # contigs in the order chr1..22, M, X, Y, then the unplaced ones
  { printf '#gas-genemodel\t%s\tbuild=%s\tgenes=%d\tfrom=r-bioc-rsubread_%s:%s r-bioc-org.hs.eg.db_%s (Entrez Gene %s)\n' \
      "$FORMAT" "$build" "$(wc -l < genes.tsv)" "$(awk '$1=="r-bioc-rsubread"{print $2}' <<<"$got")" \
      "${exons#x/usr/lib/R/site-library/Rsubread/}" "$(awk '$1=="r-bioc-org.hs.eg.db"{print $2}' <<<"$got")" "$eg_date"
    printf '#chrom\tstart\tend\tstrand\tentrez\tsymbol\ttype\tcytoband\tomim\texons\n'
    grep '^chr' genes.tsv; grep -v '^chr' genes.tsv || true
  } | bgzip -c > "$out.tmp"
  mv "$out.tmp" "$out"
  tabix -f -s1 -b2 -e3 -0 -c'#' "$out"
}
model GRCh38 "$annot/hg38_RefSeq_exon.txt" "$OUT/GRCh38/genemodel.tsv.gz"
model GRCh37 "$annot/hg19_RefSeq_exon.txt" "$OUT/GRCh37/genemodel.tsv.gz"
cp genes.tsv genes.GRCh37.tsv

# ------------------------------------------------------------------ NCBI36, lifted from GRCh37
coords=x/usr/share/doc/chromhmm/examples/COORDS
# anchors: what is unique on its chromosome in both builds, with its offset (hg19 start -
# hg18 start): a transcript's span length ("t" LENGTH), and two neighbouring exons' shape
# (their lengths and the distance between their starts: "x" L1:D:L2). Printed as chrom,
# hg18 start, hg18 end, offset, sorted.
sigs() { # BUILD: "BUILD chrom signature start end" lines from that build's spans and exons
  local b=$1
  zcat "$coords/hg$b/RefSeqGene.hg$b.bed.gz" |
    awk -v OFS='\t' -v b="$b" '$3 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && $3 > $2 {print b, $1, "t" ($3 - $2), $2, $3}'
  zcat "$coords/hg$b/RefSeqExon.hg$b.bed.gz" | sort -u -k1,1 -k2,2n -k3,3n |
    awk -v OFS='\t' -v b="$b" '$3 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/ || $3 <= $2 { next }
      $1 == c { print b, c, "x" (pe - ps) ":" ($2 - ps) ":" ($3 - $2), ps, $3 }
      { c = $1; ps = $2; pe = $3 }'
}
{ sigs 18; sigs 19; } | sort -u | gawk -F'\t' -v OFS='\t' '
  { k = $2 SUBSEP $3; n[$1, k]++; s[$1, k] = $4; e[$1, k] = $5 }
  END { for (i in n) { split(i, p, SUBSEP); if (p[1] != "18" || n[i] != 1) continue
          k = p[2] SUBSEP p[3]; if (n["19", k] != 1) continue
          print p[2], s[i], e[i], s["19", k] - s[i] } }' |
  sort -t$'\t' -k1,1 -k2,2n > anchors.tsv
# blocks: runs of anchors with one offset, each anchor kept only when a neighbour has its
# offset (a lone one is a chance match of lengths); chrom, hg19 start, hg19 end, offset
gawk -F'\t' -v OFS='\t' '
  function run(   i) {
    for (i = 1; i <= m; i++)
      if ((i > 1 && o[i - 1] == o[i]) || (i < m && o[i + 1] == o[i])) {
        if (nb && bo == o[i]) { if (e[i] > be) be = e[i] }
        else { if (nb) print c, bs + bo, be + bo, bo; nb = 1; bs = b[i]; be = e[i]; bo = o[i] }
        kept++
      }
    if (nb) print c, bs + bo, be + bo, bo
    m = nb = 0
  }
  $1 != c { run(); c = $1 }
  { m++; b[m] = $2; e[m] = $3; o[m] = $4; all++ }
  END { run(); printf "build-sources: NCBI36: %d of %d anchors kept\n", kept, all > "/dev/stderr" }
' anchors.tsv > blocks.tsv 2> lift.log
nanchors=$(sed -n 's/.*: \([0-9]*\) of .*/\1/p' lift.log)
# genes: GRCh37's, moved by the offset of the block that holds the whole gene (the exons
# are offsets from its start). A gene across blocks whose offsets differ by at most 100 (a
# small indel between hg18 and hg19 inside it, as in TTN) has each exon moved by the
# offset of the block at or before it: its exon edges are then right to within that
# difference. chrM (NC_001807 in hg18, not the rCRS) and genes across a larger change
# (an assembly change: 17q21.31) or outside every block are left out.
gawk -F'\t' -v OFS='\t' '
  FNR == NR { n[$1]++; bs[$1, n[$1]] = $2; be[$1, n[$1]] = $3; bo[$1, n[$1]] = $4; next }
  /^#/ || $1 == "chrM" { next }
  {
    c = $1; gs = $2; ge = $3
    for (i = 1; i <= n[c]; i++)
      if (bs[c, i] <= gs && ge <= be[c, i]) { $2 -= bo[c, i]; $3 -= bo[c, i]; print; lifted++; next }
    first = last = 0
    for (i = 1; i <= n[c]; i++) {
      if (bs[c, i] <= gs) first = i
      if (!last && be[c, i] >= ge) last = i
    }
    if (!first || !last || last < first) { out++; next }
    lo = hi = bo[c, first]
    for (i = first; i <= last; i++) { if (bo[c, i] < lo) lo = bo[c, i]; if (bo[c, i] > hi) hi = bo[c, i] }
    if (hi - lo > 100) { out++; next }
    m = split($10, ex, ","); k = first; ns = 0
    for (x = 1; x <= m; x++) {
      split(ex[x], se, "-"); es = gs + se[1]; ee = gs + se[2]
      while (k < last && bs[c, k + 1] <= es) k++
      s18 = es - bo[c, k]; e18 = ee - bo[c, k]
      if (ns && s18 <= E[ns]) { if (e18 > E[ns]) E[ns] = e18 }  # met the one before: merged
      else { ns++; S[ns] = s18; E[ns] = e18 }
    }
    list = ""
    for (x = 1; x <= ns; x++) list = list (x > 1 ? "," : "") (S[x] - S[1]) "-" (E[x] - S[1])
    $2 = S[1]; $3 = E[ns]; $10 = list; print; lifted++; near++
  }
  END { printf "build-sources: NCBI36: %d genes lifted (%d across blocks at most 100 bp apart), %d left out\n", lifted, near, out > "/dev/stderr" }
' blocks.tsv genes.GRCh37.tsv 2>> lift.log | sort -t$'\t' -k1,1V -k2,2n -k3,3n -k5,5n > genes.NCBI36.tsv
cat lift.log
{ printf '#gas-genemodel\t%s\tbuild=NCBI36\tgenes=%d\tfrom=GRCh37 model lifted to hg18 by %s RefSeq transcript anchors (chromhmm-example_%s) r-bioc-rsubread_%s r-bioc-org.hs.eg.db_%s (Entrez Gene %s)\n' \
    "$FORMAT" "$(wc -l < genes.NCBI36.tsv)" "$nanchors" "$(awk '$1=="chromhmm-example"{print $2}' <<<"$got")" \
    "$(awk '$1=="r-bioc-rsubread"{print $2}' <<<"$got")" "$(awk '$1=="r-bioc-org.hs.eg.db"{print $2}' <<<"$got")" "$eg_date"
  printf '#chrom\tstart\tend\tstrand\tentrez\tsymbol\ttype\tcytoband\tomim\texons\n'
  cat genes.NCBI36.tsv
} | bgzip -c > "$OUT/NCBI36/genemodel.tsv.gz.tmp"
mv "$OUT/NCBI36/genemodel.tsv.gz.tmp" "$OUT/NCBI36/genemodel.tsv.gz"
tabix -f -s1 -b2 -e3 -0 -c'#' "$OUT/NCBI36/genemodel.tsv.gz"

# ------------------------------------------------------------------ known variants (GRCh37)
chr20=x/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
chr22=x/usr/lib/R/site-library/VariantAnnotation/extdata/chr22.vcf.gz
# (chr20's AF was copied from a larger cohort, 503 samples, when its 300 were taken out:
# AF made again from the genotypes, AC/AN of the 300, as its description says)
bcftools +fill-tags "$chr20" -Ou -- -t AF | bcftools view --no-version -G -Oz -o kg20.vcf.gz
bcftools view --no-version -G -Oz -o kg22.vcf.gz "$chr22"
# (the two files declare AF differently, Number=A and Number=1: bcftools warns, keeps one)
bcftools concat --no-version -Oz -o "$OUT/GRCh37/kg.vcf.gz.tmp" kg20.vcf.gz kg22.vcf.gz 2>concat.log \
  || { cat concat.log >&2; exit 1; }
# AF's description says whose frequencies they are: two cohorts of different sizes, neither
# the 2,504 samples of 1000 Genomes phase 3 (a scientist would read "AF" as that)
bcftools view -h "$OUT/GRCh37/kg.vcf.gz.tmp" | sed 's/^##INFO=<ID=AF,.*/##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency in a 1000 Genomes subset, not all 2,504 samples: chr20 1.0-4.0 Mb from shapeit4-example (300 samples, AN=600), chr22 50.3-51.0 Mb from VariantAnnotation (phase 1, 1,092 samples, AN=2184)">/' > kg.hdr
bcftools reheader -h kg.hdr -o "$OUT/GRCh37/kg.vcf.gz" "$OUT/GRCh37/kg.vcf.gz.tmp"
rm -f "$OUT/GRCh37/kg.vcf.gz.tmp"
tabix -f -p vcf "$OUT/GRCh37/kg.vcf.gz"

cp x/usr/share/doc/shapeit4/examples/test/unphased.vcf.gz "$OUT/demo/shapeit4_unphased_chr20.vcf.gz"
# (the package's unphased.bcf.gz is compressed twice and unreadable: make a real BCF)
bcftools view --no-version -Ob -o "$OUT/demo/shapeit4_unphased_chr20.bcf" \
  x/usr/share/doc/shapeit4/examples/test/unphased.vcf.gz
cp x/usr/lib/R/site-library/VariantAnnotation/extdata/hapmap_exome_chr22.vcf.gz \
   "$OUT/demo/hapmap_exome_chr22.vcf.gz"
for f in "$OUT"/demo/*; do chmod 0644 "$f"; done

# ------------------------------------------------------------------ sources files
genes_section() { # DIR: the [genes] section with paths under DIR
  cat <<EOT
[genes]
type = genemodel
file = ${1}genemodel.tsv.gz
# upstream/downstream: within this many bases of the gene's 5'/3' end (by strand)
flank = 5000
EOT
}
kg_section() { # the version names the data, the stretches it covers and the packages
  local span v covers
  covers=$(bcftools query -f '%CHROM\t%POS\n' "$OUT/GRCh37/kg.vcf.gz" | awk -F'\t' '
    !($1 in lo) {lo[$1] = $2; order[++n] = $1} {hi[$1] = $2}
    END {for (i = 1; i <= n; i++) printf "%s%s:%d-%d", (i > 1 ? ", " : ""), order[i], lo[order[i]], hi[order[i]]}')
  span=$(bcftools query -f '%CHROM\t%POS\n' "$OUT/GRCh37/kg.vcf.gz" | awk -F'\t' '
    !($1 in lo) {lo[$1] = $2; order[++n] = $1} {hi[$1] = $2}
    END {for (i = 1; i <= n; i++) printf "%s%s:%.1f-%.1f Mb", (i > 1 ? " " : ""), order[i], lo[order[i]] / 1e6, hi[order[i]] / 1e6}')
  v=$(awk -v span="$span" '$1 == "shapeit4-example" {s = $2} $1 == "r-bioc-variantannotation" {r = $2}
    END {printf "1000 Genomes sites, only %s (shapeit4-example %s, r-bioc-variantannotation %s)", span, s, r}' <<<"$got")
  printf '\n[kg]\ntype = known\nfile = %skg.vcf.gz\nid = true\ninfo = AF:KG_AF\nversion = %s\n' "$1" "$v"
  printf '# only these stretches have variants: the count log gives the share of records there\n'
  printf 'covers = %s\n' "$covers"
}
{ echo "# GAS annotation sources for GRCh37 (b37/hg19), built by scripts/build-sources.sh."
  echo "build = GRCh37"; genes_section ""; kg_section ""; } > "$OUT/GRCh37/sources.conf"
{ echo "# GAS annotation sources for GRCh38 (hg38), built by scripts/build-sources.sh."
  echo "build = GRCh38"; genes_section ""; } > "$OUT/GRCh38/sources.conf"
{ echo "# GAS annotation sources for NCBI36 (hg18, b36): GRCh37's gene model lifted, built by"
  echo "# scripts/build-sources.sh (no known variants for NCBI36)."
  echo "build = NCBI36"; genes_section ""; } > "$OUT/NCBI36/sources.conf"
{ echo "# GAS default annotation sources: GRCh37's (GRCh37/sources.conf), built by"
  echo "# scripts/build-sources.sh from Debian packages."
  echo "build = GRCh37"; genes_section GRCh37/; kg_section GRCh37/; } > "$OUT/sources.conf"
rm -f "$OUT/genes.bed.gz" "$OUT/genes.bed.gz.tbi" "$OUT/kg.vcf.gz" "$OUT/kg.vcf.gz.tbi" # old layout
echo "$got" > "$OUT/VERSIONS"
for b in GRCh37 GRCh38 NCBI36; do
  f=$OUT/$b/genemodel.tsv.gz
  echo "build-sources: $b: $(zcat "$f" | grep -vc '^#') genes, $(zcat "$f" | cut -f1 | grep -v '^#' | sort -u | wc -l) contigs, $(du -k "$f" | cut -f1) KiB"
done
echo "build-sources: $(zcat "$OUT/GRCh37/kg.vcf.gz" | grep -vc '^#') known variants; done in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s"
