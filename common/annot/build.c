/* annot build: which genome build an input's coordinates are on, from its header.
 *
 * Evidence, strongest first: the lengths of the main chromosomes in ##contig lines (each
 * build's are distinct: chr1 is 249,250,621 bp in GRCh37 and 248,956,422 in GRCh38);
 * then a build named in ##reference, ##assembly or a ##contig's assembly= (b37, hs37d5,
 * hg19, GRCh38, hg38, NCBI36, b36, hg18, ...). Nothing: the caller's default. */
#include "annot_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gas/err.h"
#include "gas/util.h"

/* One table for what varies by build: names, the words that name it, chromosome
 * lengths (1..22, X, Y; MT is the same rCRS in GRCh37 and GRCh38 and tells nothing). */
static const struct build_def {
    const char *name;
    const char *aliases; /* |-separated, for --build and genome_build */
    const char *words;   /* |-separated, lower case, looked for in header names */
    int64_t len[24];
} builds[ANNOT_NBUILDS] = {
    [ANNOT_GRCH37] = {"GRCh37",
                      "grch37|hg19|b37|hs37d5|37|grch37.p13|ncbi37",
                      "grch37|hg19|hs37|b37|g1k_v37|assembly19|ncbi37|build37",
                      {249250621, 243199373, 198022430, 191154276, 180915260, 171115067,
                       159138663, 146364022, 141213431, 135534747, 135006516, 133851895,
                       115169878, 107349540, 102531392, 90354753,  81195210,  78077248,
                       59128983,  63025520,  48129895,  51304566,  155270560, 59373566}},
    [ANNOT_GRCH38] = {"GRCh38",
                      "grch38|hg38|b38|hs38|38|grch38.p14",
                      "grch38|hg38|hs38|b38|assembly38|build38|ki27",
                      {248956422, 242193529, 198295559, 190214555, 181538259, 170805979,
                       159345973, 145138636, 138394717, 133797422, 135086622, 133275309,
                       114364328, 107043718, 101991189, 90338345,  83257441,  80373285,
                       58617616,  64444167,  46709983,  50818468,  156040895, 57227415}},
    [ANNOT_NCBI36] = {"NCBI36",
                      "ncbi36|hg18|b36|36",
                      "ncbi36|build36|hg18|b36|assembly18",
                      {247249719, 242951149, 199501827, 191273063, 180857866, 170899992,
                       158821424, 146274826, 140273252, 135374737, 134452384, 132349534,
                       114142980, 106368585, 100338915, 88827254,  78774742,  76117153,
                       63811651,  62435964,  46944323,  49691432,  154913754, 57772954}},
    [ANNOT_CHM13] = {"T2T-CHM13",
                     "t2t-chm13|chm13|t2t|hs1|chm13v2.0",
                     "chm13|t2t",
                     {248387328, 242696752, 201105948, 193574945, 182045439, 172126628,
                      160567428, 146259331, 150617247, 134758134, 135127769, 133324548,
                      113566686, 101161492, 99753195,  96330374,  84276897,  80542538,
                      61707364,  66210255,  45090682,  51324926,  154259566, 62460029}},
};

/* Words that name another species' genome (lower case, |-separated): the assemblies'
 * UCSC and GRC names and the species' scientific names as Ensembl writes them. */
static const char other_genome_words[] =
    "grcm38|grcm39|mm9|mm10|mm39|mgscv37|mus_musculus|canfam|canis_familiaris|canis_lupus|"
    "rn4|rn5|rn6|rn7|rnor_|mratbn|rattus_norvegicus|galgal|grcg6a|grcg7|gallus_gallus|danrer|"
    "grcz10|grcz11|danio_rerio|susscr|sus_scrofa|bostau|ars-ucd|bos_taurus|equcab|felcat|"
    "oviari|pantro|panpan|gorgor|ponabe|rhemac|mmul_|macaca_mulatta|dm3|dm6|bdgp6|"
    "drosophila|ce10|ce11|wbcel235|caenorhabditis|saccer|r64-1-1|saccharomyces|tair10|"
    "arabidopsis|oryza_sativa|zea_mays|plasmodium|escherichia_coli|sscrofa|mmul_10|"
    "pan_troglodytes|clint_ptr|gorilla_gorilla|pongo_abelii|ros_cfam|uu_cfam|felis_catus|"
    "ovis_aries|oar_v|capra_hircus|equus_caballus|umd3.1|btau_|xenopus|xentro|gasacu|"
    "oryzias|takifugu|anopheles|apis_mellifera|bombyx|mycobacterium|staphylococcus|"
    "salmonella|klebsiella|pseudomonas|sars-cov-2|sars_cov_2|nc_045512|mn908947|"
    "wuhan-hu-1|pf3d7|candida_albicans|aspergillus|schizosaccharomyces|glycine_max|"
    "solanum_|vitis_vinifera|triticum|hordeum|iwgsc|irgsp|sorghum|brassica";

/* A great ape's chromosome 2A or 2B (chimpanzee, gorilla, orangutan: human chromosome 2
 * is the two fused): a contig of that name says the genome is not human. */
int ape_chrom2(const char *canon)
{
    return canon[0] == '2' &&
           (canon[1] == 'a' || canon[1] == 'A' || canon[1] == 'b' || canon[1] == 'B') && !canon[2];
}

static int chrom_index(const char *canon);

/* Main chromosomes (1..22, X, Y) with lengths no human build has, each at least
 * OTHER_GENOME_MIN_LEN, that make an input "not human": a real genome's header declares
 * them all; one odd length in a hand-made header only warns. */
#define OTHER_GENOME_MIN_CHROMS 3
#define OTHER_GENOME_MIN_LEN    1000000

const char *annot_build_name(int b)
{
    return b >= 0 && b < ANNOT_NBUILDS ? builds[b].name : "unknown";
}

static int in_list(const char *list, const char *s, size_t n)
{
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, "|");
        if (l == n && !strncasecmp(p, s, n))
            return 1;
        p += l + (p[l] == '|');
    }
    return 0;
}

int64_t build_chrom_len(int b, const char *canon)
{
    int c = b >= 0 && b < ANNOT_NBUILDS ? chrom_index(canon) : -1;
    return c >= 0 ? builds[b].len[c] : 0;
}

int64_t build_contig_len(int b, const char *canon)
{
    if (b >= 0 && b < ANNOT_NBUILDS && !strcmp(canon, "MT")) /* the rCRS; hg18's NC_001807 */
        return b == ANNOT_NCBI36 ? 16571 : 16569;
    return build_chrom_len(b, canon);
}

int annot_build_parse(const char *s)
{
    for (int b = 0; s && b < ANNOT_NBUILDS; b++)
        if (!strcasecmp(s, builds[b].name) || in_list(builds[b].aliases, s, strlen(s)))
            return b;
    return -1;
}

/* RefSeq's accession versions of chromosomes 1-22, X, Y (NC_000001 ... NC_000024) in
 * GRCh38; GRCh37's are each one less (NC_000017.10 is GRCh37's chr17, .11 GRCh38's). */
static const int refseq38[24] = {11, 12, 12, 12, 10, 12, 14, 11, 12, 11, 10, 12,
                                 11, 9,  10, 10, 11, 10, 10, 11, 9,  11, 11, 10};

int build_of_refseq(const char *name)
{
    if (strncmp(name, "NC_0000", 7) || !isdigit((unsigned char)name[7]) ||
        !isdigit((unsigned char)name[8]) || name[9] != '.')
        return -1;
    int c = (name[7] - '0') * 10 + (name[8] - '0') - 1;
    char *end;
    long v = strtol(name + 10, &end, 10);
    if (c < 0 || c > 23 || end == name + 10 || *end)
        return -1;
    return v == refseq38[c] ? ANNOT_GRCH38 : v == refseq38[c] - 1 ? ANNOT_GRCH37 : -1;
}

/* Index 0..23 of a main chromosome (1..22, X, Y) from its canonical name, or -1. */
static int chrom_index(const char *canon)
{
    if (!strcmp(canon, "X"))
        return 22;
    if (!strcmp(canon, "Y"))
        return 23;
    char *end;
    long v = strtol(canon, &end, 10);
    return canon[0] >= '1' && canon[0] <= '9' && !*end && v >= 1 && v <= 22 ? (int)v - 1 : -1;
}

/* The value of key= inside a structured header line (<...>), NUL-terminated in out. */
static int struct_value(const char *line, const char *key, char *out, size_t outn)
{
    size_t kl = strlen(key);
    for (const char *p = strchr(line, '<'); p && *p; p++) {
        if ((*p == '<' || *p == ',') && !strncmp(p + 1, key, kl) && p[1 + kl] == '=') {
            const char *v = p + 2 + kl;
            size_t n = v[0] == '"' ? strcspn(++v, "\"") : strcspn(v, ",>");
            snprintf(out, outn, "%.*s", (int)n, v);
            return 1;
        }
    }
    return 0;
}

/* text in lower case into low (cap bytes, cut if longer); its length. */
static size_t lower_into(const char *text, char *low, size_t cap)
{
    size_t n = strlen(text) < cap - 1 ? strlen(text) : cap - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)text[i]);
    low[n] = 0;
    return n;
}

/* The human assemblies' accessions, by version: GenBank's GCA_000001405.1-.14 are GRCh37
 * and its patches, .15 and later GRCh38 (the analysis sets bwa and GATK use:
 * GCA_000001405.15_GRCh38_no_alt_analysis_set); RefSeq's GCF_000001405.12 and before
 * NCBI36, .13-.25 GRCh37, .26 and later GRCh38; GCA/GCF_009914755 T2T-CHM13. The first
 * in low (lower case): its build, *at where it starts; -1 if none. */
static int accession_build(const char *low, size_t *at)
{
    int best = -1;
    for (const char *p = low; (p = strstr(p, "_0000")) != NULL; p++) {
        if (p - low < 3 || (strncmp(p - 3, "gca", 3) && strncmp(p - 3, "gcf", 3)))
            continue;
        int gcf = p[-1] == 'f', b = -1;
        if (!strncmp(p + 1, "009914755", 9)) {
            b = ANNOT_CHM13;
        } else if (!strncmp(p + 1, "000001405.", 10) && isdigit((unsigned char)p[11])) {
            long v = strtol(p + 11, NULL, 10);
            b = gcf ? (v <= 12   ? ANNOT_NCBI36
                       : v <= 25 ? ANNOT_GRCH37
                                 : ANNOT_GRCH38)
                    : (v <= 14 ? ANNOT_GRCH37 : ANNOT_GRCH38);
        }
        if (b >= 0) {
            *at = (size_t)(p - 3 - low);
            best = b;
            break;
        }
    }
    return best;
}

/* The first build whose words occur in text (case-insensitive), or -1; sets *also to a
 * second, different build named there too. */
static int named_build(const char *text, int *also)
{
    char low[512];
    size_t n = lower_into(text, low, sizeof low);
    int first = -1;
    size_t first_at = n + 1;
    *also = -1;
    size_t acc_at;
    int acc = accession_build(low, &acc_at);
    if (acc >= 0) {
        first = acc;
        first_at = acc_at;
    }
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        for (const char *w = builds[b].words; *w;) {
            size_t l = strcspn(w, "|");
            char word[64];
            snprintf(word, sizeof word, "%.*s", (int)l, w);
            const char *at = strstr(low, word);
            if (at && (size_t)(at - low) < first_at) {
                if (first >= 0 && first != b)
                    *also = first;
                first = b;
                first_at = (size_t)(at - low);
            } else if (at && first >= 0 && first != b) {
                *also = b;
            }
            w += l + (w[l] == '|');
        }
    return first;
}

/* The first of a |-separated list of lower-case words in text (any case), or NULL. */
static const char *word_in(const char *list, const char *text)
{
    char low[512];
    lower_into(text, low, sizeof low);
    for (char *c = low; *c; c++) /* "Mus musculus" as Ensembl's "mus_musculus" */
        *c = *c == ' ' ? '_' : *c;
    for (const char *w = list; *w;) {
        size_t l = strcspn(w, "|");
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)l, w);
        if (strstr(low, word))
            return w;
        w += l + (w[l] == '|');
    }
    return NULL;
}

int annot_build_not_human(const char *s)
{
    return s && annot_build_parse(s) < 0 &&
           (in_list("none|not-human|non-human|nonhuman|other", s, strlen(s)) ||
            word_in(other_genome_words, s));
}

/* A build named in the header at what (value: what's value, or the file a tool's
 * command line names after the flag what ends with). */
/* The build a header value names (a reference's path: its file's name first, as
 * "/refs/GRCh37_and_GRCh38/GRCh38/hs38DH.fa" or "liftover_hg19_to_hg38/.../
 * Homo_sapiens_assembly38.fasta" are GRCh38's FASTAs whatever their directories say; the
 * whole path when the file's name says nothing, as ".../GRCh38/genome.fa"), or -1. A
 * file named by a build's short name alone ("hs1.fa", UCSC's T2T-CHM13) names it too. */
static int value_build(const char *value, int *also, const char **used)
{
    const char *base = strrchr(value, '/');
    base = base && base[1] ? base + 1 : value;
    *used = base;
    int b = named_build(base, also);
    if (b < 0) {
        char stem[32];
        size_t n = strcspn(base, ".");
        if (n < sizeof stem) {
            snprintf(stem, sizeof stem, "%.*s", (int)n, base);
            b = n >= 3 ? annot_build_parse(stem) : -1; /* not "37.fa" */
            *also = -1;
        }
    }
    if (b >= 0 || base == value)
        return b;
    *used = value;
    return named_build(value, also);
}

static void note_name(struct build_evidence *e, const char *what, const char *value)
{
    const char *last = strrchr(what, ' ');
    const char *sep = last && last[1] == '-' ? " " : "=";
    int also;
    const char *used;
    int b = value_build(value, &also, &used);
    if (b < 0) {
        if (!e->other_genome[0] && word_in(other_genome_words, value))
            snprintf(e->other_genome, sizeof e->other_genome, "%s%s%.*s", what, sep, 60, value);
        return;
    }
    if (b == ANNOT_GRCH37 && word_in("hg19", used)) /* in the part that said the build */
        e->hg19 = 1;
    if (e->name_build < 0) {
        e->name_build = b;
        snprintf(e->name_text, sizeof e->name_text, "%s%s%.*s", what, sep, 60, value);
    } else if (b != e->name_build) {
        e->name_conflict = b;
    }
    if (also >= 0 && also != e->name_build)
        e->name_conflict = also;
}

void build_evidence_init(struct build_evidence *e)
{
    memset(e, 0, sizeof *e);
    e->name_build = -1;
    e->name_conflict = -1;
    e->pos_build = -1;
    e->pos_hint_build = -1;
    e->rec_refseq = -1;
}

/* A FASTA file's name: ends .fa, .fasta or .fna, maybe compressed (.gz) */
static int fasta_name(const char *p, size_t n)
{
    static const char *const ext[] = {".fa", ".fasta", ".fna", ".fa.gz", ".fasta.gz", ".fna.gz"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t l = strlen(ext[i]);
        if (n > l && !strncasecmp(p + n - l, ext[i], l))
            return 1;
    }
    return 0;
}

/* A tool's command line that names its reference FASTA (GATK 3: reference_sequence=,
 * GATK 4: --reference or -R, bcftools: --fasta-ref or -f, freebayes: -f, Manta and Strelka:
 * --referenceFasta, DeepVariant: --ref, Platypus: --refFile or 'refFile': in its options,
 * Sentieon's driver: -r) or directory (DRAGEN: --ref-dir): the file's or directory's name, into
 * out. Only in a header line that records a command line (GATK 2 and early 3 wrote theirs as
 * ##UnifiedGenotyper=" analysis_type=UnifiedGenotyper ... reference_sequence=...). -r is a region
 * in bcftools and others: taken only for a FASTA's name (.fa, .fasta, .fna). */
static int tool_reference(const char *line, char *key, size_t keyn, char *out, size_t outn)
{
    static const char *flags[] = {"reference_sequence=",
                                  "--reference ",
                                  "--reference=",
                                  "--fasta-ref ",
                                  "--fasta-ref=",
                                  "--ref-dir ",
                                  "--ref-dir=",
                                  " -R ",
                                  " -f ",
                                  "\"-R ",
                                  "\"-f ",
                                  "--referenceFasta ",
                                  "--referenceFasta=",
                                  "--ref ",
                                  "--ref=",
                                  "--refFile ",
                                  "--refFile=",
                                  "'refFile': '",
                                  " -r "};
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(line, "=<"), line);
    if (!strcasestr(name, "command") && !strcasestr(name, "cmd") && !strcasestr(name, "source") &&
        !strcasestr(name, "options") && /* Platypus: ##platypusOptions={... 'refFile': ...} */
        !strstr(line, "CommandLine") && !strstr(line, "analysis_type="))
        return 0;
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        const char *p = strstr(line, flags[i]);
        if (!p)
            continue;
        p += strlen(flags[i]);
        size_t n = strcspn(p, " \t\",>'");
        while (n > 1 && p[n - 1] == '/') /* a directory given with its last slash */
            n--;
        for (const char *slash; (slash = memchr(p, '/', n)) != NULL;) /* the file's name */
            n -= (size_t)(slash + 1 - p), p = slash + 1;
        if (!strcmp(flags[i], " -r ") && !fasta_name(p, n))
            continue;
        snprintf(out, outn, "%.*s", (int)n, p);
        const char *f = flags[i] + strspn(flags[i], " \"'"); /* the flag alone: "-f" */
        snprintf(key, keyn, "%s %.*s", name, (int)strcspn(f, " =:'"), f);
        return n > 0;
    }
    return 0;
}

void build_evidence_line(struct build_evidence *e, const char *line)
{
    char v[256], key[96];
    if (!strncmp(line, "##reference=", 12) || !strncmp(line, "##assembly=", 11)) {
        const char *val = strchr(line, '=') + 1;
        snprintf(v, sizeof v, "%s", val);
        e->rcrs |= strcasestr(v, "rCRS") != NULL || strstr(v, "NC_012920") != NULL;
        note_name(e, line[2] == 'r' ? "##reference" : "##assembly", gas_trim(v));
        return;
    }
    if (strncmp(line, "##contig=<", 10)) {
        if (tool_reference(line, key, sizeof key, v, sizeof v))
            note_name(e, gas_trim(key), v);
        return;
    }
    if (struct_value(line, "assembly", v, sizeof v))
        note_name(e, "##contig assembly", v);
    if (struct_value(line, "species", v, sizeof v) || struct_value(line, "taxonomy", v, sizeof v))
        note_name(e, "##contig species", v);
    char id[CONTIG_CANON_MAX], canon[CONTIG_CANON_MAX];
    if (!struct_value(line, "ID", id, sizeof id))
        return;
    contig_canon(id, strlen(id), canon, sizeof canon);
    if (ape_chrom2(canon) && !e->other_genome[0])
        snprintf(e->other_genome, sizeof e->other_genome,
                 "##contig ID=%.40s (a great ape's chromosome 2%c; human has no 2A or 2B)", id,
                 toupper((unsigned char)canon[1]));
    /* a contig only one build has names it: b37's decoy hs37d5, hg38's hs38d1, the
     * GRCh38 scaffolds KI270xxx */
    note_name(e, "##contig ID", id);
    int rb = build_of_refseq(id); /* NC_000017.10: GRCh37's chr17 */
    if (rb >= 0 && e->name_build < 0) {
        e->name_build = rb;
        snprintf(e->name_text, sizeof e->name_text, "##contig ID=%s (RefSeq's %s accession)", id,
                 builds[rb].name);
    } else if (rb >= 0 && rb != e->name_build) {
        e->name_conflict = rb;
    }
    if (!struct_value(line, "length", v, sizeof v))
        return;
    char *end;
    long long len = strtoll(v, &end, 10);
    if (*end || len <= 0)
        return;
    if (!strcmp(canon, "MT"))
        e->mt_len = len;
    int c = chrom_index(canon);
    if (c < 0)
        return;
    e->len_seen++;
    int hit = 0;
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        if (builds[b].len[c] == len) {
            e->len_hits[b]++;
            hit = 1;
        }
    /* a length no build has, and one a chromosome can have: evidence of another genome
     * (a hand-made header's "length=12345" is not) */
    int other = !hit && len >= OTHER_GENOME_MIN_LEN && len <= 4000000000LL;
    e->len_other += other;
    if (other && !e->other_len[0])
        snprintf(e->other_len, sizeof e->other_len, "%.40s is %lld bp", id, len);
}

__attribute__((format(printf, 2, 3))) void annot_add_warning(struct annot_stats *st,
                                                             const char *fmt, ...)
{
    if (st->nwarnings == ANNOT_MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->warnings[st->nwarnings++], sizeof st->warnings[0], fmt, ap);
    va_end(ap);
}

static int lengths_best(const struct build_evidence *e)
{
    int best = -1;
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        if (e->len_hits[b] && (best < 0 || e->len_hits[b] > e->len_hits[best]))
            best = b;
    return best;
}

/* From the header's contig lengths: the build, or -1. */
static int by_lengths(const struct build_evidence *e, struct annot_stats *st)
{
    int best = lengths_best(e);
    if (best < 0) {
        /* a chromosome-sized length no human build has (one contig "1" of 4.6 Mb: a
         * bacterium named as GAS's chromosomes?): said so, with what it means */
        if (e->len_seen && e->len_other && e->len_other < OTHER_GENOME_MIN_CHROMS)
            annot_add_warning(st,
                              "the header's ##contig lengths match no human build (%s, which "
                              "that chromosome is in none of GRCh37, GRCh38, NCBI36, T2T-CHM13): "
                              "if the input is not human, the human genes and variants at its "
                              "positions are wrong",
                              e->other_len);
        else if (e->len_seen && e->len_other < OTHER_GENOME_MIN_CHROMS)
            annot_add_warning(st,
                              "the header's ##contig lengths match no build GAS knows (GRCh37, "
                              "GRCh38, NCBI36, T2T-CHM13): they were not used to choose the build");
        return -1;
    }
    snprintf(st->build_how, sizeof st->build_how,
             "from the header's ##contig lengths (%d of %d chromosomes have %s's lengths)",
             e->len_hits[best], e->len_seen, builds[best].name);
    snprintf(st->build_tag, sizeof st->build_tag, "header-contig-lengths");
    int tie = -1;
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        if (b != best && e->len_hits[b] == e->len_hits[best])
            tie = b;
    if (tie >= 0)
        annot_add_warning(st,
                          "the header's ##contig lengths mix builds, as many chromosomes (%d) "
                          "with %s's as with %s's: %s was used; give the build if it is the "
                          "other (--build)",
                          e->len_hits[best], builds[best].name, builds[tie].name,
                          builds[best].name);
    else if (e->len_hits[best] < e->len_seen)
        annot_add_warning(st, "the header's ##contig lengths mix builds: %s chosen by majority",
                          builds[best].name);
    if (e->name_build >= 0 && e->name_build != best)
        annot_add_warning(st,
                          "the header also says %s (%s), but its contig lengths are %s's: the "
                          "lengths were used",
                          e->name_text, builds[e->name_build].name, builds[best].name);
    else if (e->name_conflict >= 0 && e->name_conflict != best)
        annot_add_warning(st,
                          "the header also names %s, but its contig lengths are %s's: the "
                          "lengths were used",
                          builds[e->name_conflict].name, builds[best].name);
    return best;
}

int build_decide(const struct build_evidence *e, int override, const char *override_origin, int def,
                 struct annot_stats *st)
{
    int b;
    if (override >= 0) {
        b = override;
        snprintf(st->build_how, sizeof st->build_how, "set by the %s", override_origin);
        snprintf(st->build_tag, sizeof st->build_tag, "override-%s", override_origin);
        for (char *p = st->build_tag; *p; p++)
            *p = *p == ' ' ? '-' : *p;
        int said = lengths_best(e);
        if (said < 0)
            said = e->name_build;
        if (said >= 0 && said != b)
            annot_add_warning(st, "the header says %s, but the %s says %s: the setting was used",
                              builds[said].name, override_origin, builds[b].name);
        else if (said < 0 && (e->len_other >= OTHER_GENOME_MIN_CHROMS || e->other_genome[0]))
            annot_add_warning(st,
                              "the header's %s%s%s is no human build's, but the %s says %s: "
                              "the setting was used",
                              e->other_len[0] ? "##contig lengths (" : "",
                              e->other_len[0] ? e->other_len : e->other_genome,
                              e->other_len[0] ? ")" : "", override_origin, builds[b].name);
    } else if ((b = by_lengths(e, st)) >= 0) {
        /* said by by_lengths */
    } else if (e->len_other >= OTHER_GENOME_MIN_CHROMS ||
               (e->name_build < 0 && e->other_genome[0])) {
        /* lengths that are no human build's (another species, another assembly), or a
         * header naming another species' genome: not GRCh37 or GRCh38 */
        snprintf(st->build, sizeof st->build, "%s", ANNOT_NOT_HUMAN);
        if (e->len_other >= OTHER_GENOME_MIN_CHROMS)
            snprintf(st->build_how, sizeof st->build_how,
                     "from the header's ##contig lengths, which are no human build's (%s; "
                     "GAS knows GRCh37, GRCh38, NCBI36 and T2T-CHM13)%s%.96s",
                     e->other_len, e->other_genome[0] ? "; it names " : "", e->other_genome);
        else
            snprintf(st->build_how, sizeof st->build_how,
                     "from the header's %s, a genome that is not human", e->other_genome);
        snprintf(st->build_tag, sizeof st->build_tag, "%s",
                 e->len_other >= OTHER_GENOME_MIN_CHROMS ? "header-contig-lengths" : "header-name");
        return -1;
    } else if (e->name_build < 0 && e->pos_other[0]) {
        snprintf(st->build, sizeof st->build, "%s", ANNOT_NOT_HUMAN);
        snprintf(st->build_how, sizeof st->build_how,
                 "not stated in the header; its records are on %s: a genome that is not human",
                 e->pos_other);
        snprintf(st->build_tag, sizeof st->build_tag, "positions");
        return -1;
    } else if ((b = e->name_build) >= 0) {
        snprintf(st->build_how, sizeof st->build_how, "from the header's %s", e->name_text);
        snprintf(st->build_tag, sizeof st->build_tag, "header-name");
        if (e->name_conflict >= 0)
            annot_add_warning(st, "the header names two builds (%s and %s): %s used",
                              builds[b].name, builds[e->name_conflict].name, builds[b].name);
    } else if (e->rec_refseq >= 0) {
        b = e->rec_refseq;
        snprintf(st->build_how, sizeof st->build_how,
                 "not stated in the header; from the records' contig names: %s is RefSeq's "
                 "accession of a %s chromosome",
                 e->rec_refseq_name, builds[b].name);
        snprintf(st->build_tag, sizeof st->build_tag, "record-contigs");
    } else if (e->pos_build >= 0 && override < 0) {
        b = e->pos_build;
        snprintf(st->build_how, sizeof st->build_how,
                 "not stated in the header; from the records' positions: %s", e->pos_text);
        snprintf(st->build_tag, sizeof st->build_tag, "positions");
    } else {
        b = def;
        snprintf(st->build_how, sizeof st->build_how, "%s",
                 e->rcrs ? "not stated in the header (its reference, rCRS, is the mitochondrion "
                           "of both GRCh37 and GRCh38: MT positions are the same in either): "
                           "the configured default (default_build)"
                         : "not stated in the header (no ##contig lengths of human "
                           "chromosomes, no ##reference or ##assembly naming a build): the "
                           "configured default (default_build)");
        snprintf(st->build_tag, sizeof st->build_tag, "default");
    }
    /* hg19's chrM: said once the records are read, if there are any on it */
    st->mt_hg19 = b == ANNOT_GRCH37 && e->mt_len == 16571      ? 1
                  : b == ANNOT_GRCH37 && !e->mt_len && e->hg19 ? 2
                                                               : 0;
    snprintf(st->build, sizeof st->build, "%s", builds[b].name);
    return b;
}

/* ------------------------------------------------------------------ build_sample */

#define SAMPLE_RECORDS   2000 /* variant records read at most */
#define SAMPLE_MIN       50   /* fewer: a verdict only at half or more in one build's exons */
#define SAMPLE_MIN_PANEL 10   /* fewer: a verdict only when all are in one build's exons */
#define SAMPLE_MIN_TINY  3    /* fewer: no verdict (a hint) */

/* The canonical contig, POS and REF length of a data line; 0 when it is not a variant
 * record on a nuclear chromosome (ALT . or symbolic, MT: the same in GRCh37 and GRCh38). */
struct canon_memo { /* the last contig's canonical name: records come in runs of one contig */
    char raw[CONTIG_CANON_MAX], canon[CONTIG_CANON_MAX];
    size_t rawl;
};

static int sample_record(char *line, size_t len, struct canon_memo *m, int64_t *pos, int64_t *rlen)
{
    char *col[5], *p = line, *end = line + len;
    for (int i = 0; i < 5; i++) {
        col[i] = p;
        char *t = memchr(p, '\t', (size_t)(end - p));
        if (!t && i < 4)
            return 0;
        p = t ? t + 1 : end;
    }
    size_t chl = (size_t)(col[1] - col[0] - 1);
    char *e = NULL;
    long long v = strtoll(col[1], &e, 10);
    if (e == col[1] || *e != '\t' || v < 1 || *col[4] == '.' || *col[4] == '<')
        return 0;
    if (chl != m->rawl || chl >= sizeof m->raw || memcmp(m->raw, col[0], chl)) {
        contig_canon(col[0], chl, m->canon, sizeof m->canon);
        m->rawl = chl < sizeof m->raw ? chl : (size_t)-1; /* too long: not kept */
        if (chl < sizeof m->raw)
            memcpy(m->raw, col[0], chl);
    }
    if (!strcmp(m->canon, "MT"))
        return 0;
    *pos = v;
    *rlen = (int64_t)(col[4] - col[3] - 1);
    return *rlen > 0;
}

/* How likely k or more of n records land in a build's exons by chance, when their
 * positions are another build's: a binomial tail at SAMPLE_CHANCE, the share of a wrong
 * build's exons an exome or a genome hits (4-5% measured on GAS's samples; more in
 * gene-dense regions). Below 0.01 with the share above: a hint even on a panel too small
 * or too mixed for a verdict (5 of 12 records in GRCh38's exons and none in GRCh37's). */
#define SAMPLE_CHANCE 0.08
static double by_chance(int64_t k, int64_t n)
{
    double tail = 0;
    for (int64_t i = k; i <= n; i++)
        tail += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) +
                    (double)i * log(SAMPLE_CHANCE) + (double)(n - i) * log1p(-SAMPLE_CHANCE));
    return tail;
}

int build_sample(const char *path, size_t max_line, const struct annot_catalog *cat, int def,
                 struct build_evidence *e)
{
    struct genemodel *gm[ANNOT_NBUILDS] = {0};
    const struct source_def *def_of[ANNOT_NBUILDS] = {0};
    int64_t exonic[ANNOT_NBUILDS] = {0}, n = 0;
    int models = 0;
    if (!path || !strcmp(path, "-") || !cat)
        return 0;
    for (int b = 0; b < ANNOT_NBUILDS; b++) {
        const struct annot_sources *src = annot_catalog_get(cat, b);
        for (int i = 0; src && src->build == b && i < src->n && !gm[b]; i++)
            if (src->src[i].type == SRC_GENEMODEL && genemodel_take(&src->src[i], &gm[b]) == 0)
                def_of[b] = &src->src[i], models++;
        gas_err_clear(); /* a model that does not load: the run says so if it is used */
    }
    struct lreader *r = NULL;
    if (lreader_open(path, max_line, &r)) /* also without models: the ape's chromosomes */
        r = NULL;                         /* the run opens it again and says why */
    char *line;
    struct canon_memo memo = {.rawl = (size_t)-1};
    const char *canon = memo.canon;
    size_t len;
    kstring_t scratch = {0, 0, NULL};
    while (r && n < SAMPLE_RECORDS && lreader_next(r, &line, &len) > 0) {
        int64_t pos, rlen;
        if (!len || line[0] == '#')
            continue;
        const char *tab = memchr(line, '\t', len);
        size_t cl = tab ? (size_t)(tab - line) : len;
        if (e->rec_refseq < 0 && cl < sizeof e->rec_refseq_name && cl > 7 &&
            !memcmp(line, "NC_0000", 7)) { /* NC_000007.14 (build_of_refseq takes no other) */
            snprintf(e->rec_refseq_name, sizeof e->rec_refseq_name, "%.*s", (int)cl, line);
            e->rec_refseq = build_of_refseq(e->rec_refseq_name);
        }
        if (!sample_record(line, len, &memo, &pos, &rlen))
            continue;
        n++;
        if (ape_chrom2(canon) && !e->pos_other[0])
            snprintf(e->pos_other, sizeof e->pos_other,
                     "contig %.40s (a great ape's chromosome 2%c; human has no 2A or 2B)", canon,
                     toupper((unsigned char)canon[1]));
        for (int b = 0; b < ANNOT_NBUILDS; b++) {
            scratch.l = 0;
            if (gm[b] &&
                genemodel_annotate(gm[b], canon, pos - 1, pos - 1 + rlen, &scratch) == GM_EXONIC)
                exonic[b]++;
        }
    }
    if (r)
        lreader_close(r);
    free(scratch.s);
    int best = -1;
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        if (gm[b] && (best < 0 || exonic[b] > exonic[best]))
            best = b;
    /* a decisive share: 30% or more of the records in its exons, and 4 times the default's
     * (an exome: 60-99% on its own build, under 10% on another); a small panel (10 to 49
     * records) decides at half or more, a tiny one (3 to 9) at all of them. Fewer records
     * that lean to another build: a hint */
    int share = best >= 0 && best != def && gm[def] && exonic[best] >= 4 * exonic[def];
    /* a tiny panel (3 to 9 records) decides when every record is in that build's exons and
     * none in the default's (by chance: about 0.03^3 for 3 records outside exons) */
    int tiny = share && n >= SAMPLE_MIN_TINY && exonic[best] == n && exonic[def] == 0;
    if (share && ((n >= SAMPLE_MIN && exonic[best] * 10 >= n * 3) ||
                  (n >= SAMPLE_MIN_PANEL && exonic[best] * 2 >= n) || tiny)) {
        e->pos_build = best;
        snprintf(e->pos_text, sizeof e->pos_text,
                 "%lld of the first %lld variant records are in %s's exons, %lld in %s's",
                 (long long)exonic[best], (long long)n, builds[best].name, (long long)exonic[def],
                 builds[def].name);
    } else if (best >= 0 && best != def && gm[def] && exonic[best] > exonic[def] && n > 0 &&
               (exonic[best] * 2 >= n || (share && by_chance(exonic[best], n) < 0.01))) {
        e->pos_hint_build = best;
        snprintf(e->pos_hint, sizeof e->pos_hint,
                 "%lld of its %lld variant records are in %s's exons, %lld in %s's: it may be %s",
                 (long long)exonic[best], (long long)n, builds[best].name, (long long)exonic[def],
                 builds[def].name, builds[best].name);
    }
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        if (gm[b])
            genemodel_keep(def_of[b], gm[b]);
    gas_err_clear();
    return 0;
}
