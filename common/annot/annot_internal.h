/* annot internals: sources, region sets, known-variant sweepers, line I/O. */
#ifndef GAS_ANNOT_INTERNAL_H
#define GAS_ANNOT_INTERNAL_H

#include "gas/annot.h"

#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/thread_pool.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>
#include <stdint.h>

enum src_type { SRC_REGION, SRC_KNOWN, SRC_GENEMODEL };
enum region_format { RF_BED, RF_GFF3, RF_GTF };
/* How a copied INFO value is laid out in the source. */
enum info_number { NUM_A, NUM_R, NUM_1, NUM_FLAG, NUM_OTHER };

struct info_map {
    char *src, *dst;
    enum info_number number; /* filled from the source's header */
    char *type;              /* "Float", "Integer", "String", "Flag", ... */
    char *description;
};

struct source_def {
    char *name;
    enum src_type type;
    char *file; /* resolved path */
    int line;   /* where the section starts, for messages */
    /* region */
    char *field;
    enum region_format format;
    int name_col;    /* BED column (1-based) */
    char *name_attr; /* GFF/GTF attribute */
    char *feature;   /* GFF/GTF feature type filter, or NULL */
    char *version;   /* "version = ..." in the sources file, or NULL */
    /* known */
    int copy_id;
    struct info_map *info;
    int ninfo;
    /* "covers = 20:1000226-3999914, 22:50300078-50999947": the stretches a partial source
     * holds variants in (canonical contig, 1-based, inclusive), for the count log */
    struct source_cover {
        char contig[32];
        int64_t lo, hi;
    } * covers;
    int ncovers;
    /* genemodel */
    int flank; /* upstream/downstream distance, bases */
    /* what was loaded or opened, kept between runs (kept.c) */
    struct src_cache *cache;
};

struct annot_sources {
    struct source_def *src;
    int n;
    int build;  /* "build = ..." before the first section, else from the directory name
                   (<dir>/GRCh38/sources.conf), else -1: for any build */
    char *path; /* the file */
    char *real; /* its real path (realpath at load: the count log's, not looked up per run) */
};

/* Positions of the first n tabs in [s, end) into t; returns how many there were. Sixteen
 * bytes at a time where SSE2 is there (every x86-64): VCF's leading columns are a few
 * bytes each, where a memchr call per tab costs more, and its INFO column is long. */
#if defined(__SSE2__)
#include <emmintrin.h>
static inline int find_tabs(const char *s, const char *end, const char **t, int n)
{
    int k = 0;
    const char *p = s;
    const __m128i tab = _mm_set1_epi8('\t');
    for (; k < n && end - p >= 16; p += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), tab));
        for (; m && k < n; m &= m - 1)
            t[k++] = p + __builtin_ctz(m);
    }
    for (; p < end && k < n; p++)
        if (*p == '\t')
            t[k++] = p;
    return k;
}
#else
static inline int find_tabs(const char *s, const char *end, const char **t, int n)
{
    int k = 0;
    for (const char *p = s; p < end && k < n; p++)
        if (*p == '\t')
            t[k++] = p;
    return k;
}
#endif

/* ------------------------------------------------------------------ contigs */

/* The canonical form of a contig name (chr1 and 1 -> "1", chrM/chrMT/M/MT -> "MT", UCSC
 * and NCBI names of unplaced contigs -> the accession, RefSeq NC_ chromosome accessions
 * -> the chromosome), NUL-terminated in out; returns its length. */
#define CONTIG_CANON_MAX 256
size_t contig_canon(const char *name, size_t n, char *out, size_t outn);
int contig_same(const char *a, const char *b);
enum contig_style { CS_CHR, CS_PLAIN, CS_REFSEQ };
enum contig_style contig_style_of(const char *name);
/* 1 << its style for a main chromosome's name (1-22, X, Y, M), 0 for others (unplaced
 * contigs, accessions), which say nothing of a file's naming. */
int contig_style_bit(const char *name);
/* A person's description of a set of styles (bits 1 << CS_...). */
const char *contig_style_name(int styles);

/* ------------------------------------------------------------------ builds */

/* What a header says about its build, gathered line by line. */
struct build_evidence {
    int len_hits[ANNOT_NBUILDS]; /* main chromosomes whose ##contig length is that build's */
    int len_seen;                /* main chromosomes (1-22, X, Y) with a length */
    int len_other;               /* ... whose length is no build's */
    int name_build;              /* the first build named in the header, or -1 */
    int name_conflict;           /* another build named too, or -1 */
    char name_text[96];          /* where it was named, for the log */
    int64_t mt_len;              /* the length declared for chrM/MT, 0 if none */
    int rcrs;                    /* the header names rCRS (the mitochondrion) as reference */
    int hg19;                    /* ... or UCSC's hg19 (whose chrM is not the rCRS) */
    char other_len[64];          /* a main chromosome length no build has: "chr1 195154279" */
    char other_genome[96];       /* where the header names a genome not human: "##reference=mm10" */
    int pos_build;            /* the build the first records' positions say (build_sample), or -1 */
    char pos_text[160];       /* why, for the log */
    char pos_other[96];       /* a record's contig no human build has (a great ape's 2A) */
    int rec_refseq;           /* the build of the first record on a RefSeq accession, or -1 */
    char rec_refseq_name[32]; /* that record's contig: NC_000007.14 */
    char pos_hint[160];       /* too few records to decide, but they lean to a build: why */
    int pos_hint_build;       /* the build they lean to */
};
/* 1 for a great ape's chromosome 2A or 2B (canonical name "2a", "2B", ...): not human. */
int ape_chrom2(const char *canon);
/* The length of a main chromosome (canonical name: 1..22, X, Y) in build b; 0 if not one.
 * build_contig_len: the same, and the mitochondrion's (MT). */
int64_t build_chrom_len(int b, const char *canon);
int64_t build_contig_len(int b, const char *canon);
/* The build whose RefSeq accession a contig name is (NC_000017.10: GRCh37, NC_000017.11:
 * GRCh38), or -1. */
int build_of_refseq(const char *name);
void build_evidence_init(struct build_evidence *e);
void build_evidence_line(struct build_evidence *e, const char *line);
/* The build to use: override (>= 0, set by override_origin: "command line", "job
 * setting") wins, then the header's contig lengths, then a build named in it, then def.
 * Fills st->build, build_how, build_tag and adds warnings for disagreements. -1: the
 * header's lengths are no human build's, or it names another species' genome (mm10,
 * GRCm39, CanFam3.1, ...): none of the human builds (only sources for any build apply). */
int build_decide(const struct build_evidence *e, int override, const char *override_origin, int def,
                 struct annot_stats *st);
/* When the header says nothing: the first records of the file at path (not stdin) against
 * each build's gene model in cat. An exome's or a panel's records lie in its own build's
 * exons and mostly not in another's; when one build's exons hold many times the default's
 * share, e->pos_build is that build. A whole genome's (a few percent in exons on any
 * build) says nothing. 0, or <0 when the file cannot be read (the run then says why). */
struct annot_catalog;
int build_sample(const char *path, size_t max_line, const struct annot_catalog *cat, int def,
                 struct build_evidence *e);

/* Records per name: the genes with the most records. */
struct tally;
struct tally *tally_new(void);
void tally_free(struct tally *t);
void tally_add(struct tally *t, const char *s, size_t n);
void tally_add_count(struct tally *t, const char *s, size_t n, int64_t count);
int64_t tally_get(const struct tally *t, const char *s, size_t n); /* 0: not there */
void tally_add_list(struct tally *t, const char *s, size_t n);     /* "A,B,A": A and B once */
void tally_merge(struct tally *dst, const struct tally *src);      /* src's counts added */
int tally_top(const struct tally *t, int max, const char **names, int64_t *counts);

/* Adds the end-of-run warnings (records on contigs no source knows) to st. */
void annot_finish_warnings(struct annot_stats *st);
/* One more warning for the count log (dropped past ANNOT_MAX_WARNINGS). */
__attribute__((format(printf, 2, 3))) void annot_add_warning(struct annot_stats *st,
                                                             const char *fmt, ...);

/* ------------------------------------------------------------------ alleles */

/* One ALT allele, trimmed of the bases it shares with REF at either end (keeping one
 * base on each side), so that the same change written with different padding compares
 * equal. Pointers point into the record's text. */
struct nall {
    int64_t pos;
    const char *ref, *alt;
    uint32_t rlen, alen;
    int symbolic; /* <...>, breakends, '*': compared as written */
};
void allele_trim(int64_t pos, const char *ref, uint32_t rlen, const char *alt, uint32_t alen,
                 struct nall *out);
int allele_equal(const struct nall *a, const struct nall *b);
enum allele_class { AC_SNV, AC_MNV, AC_INS, AC_DEL, AC_OTHER };
enum allele_class allele_classify(const struct nall *a);

/* ------------------------------------------------------------------ kept between runs */

/* A source's loaded gene models, region sets or known readers kept for the next runs
 * (common/annot/kept.c): kept_take gives one read from the file as it is now (its stat in
 * *now, taken here), or NULL: load it, and give it back with kept_give(def, p, now). */
struct stat;
struct src_cache *src_cache_new(void);
void src_cache_free(struct src_cache *c, enum src_type type);
void *kept_take(const struct source_def *def, struct stat *now);
void kept_give(const struct source_def *def, void *p, const struct stat *file);

/* ------------------------------------------------------------------ regions */

struct region_set;
int region_load(const struct source_def *def, struct region_set **out);
/* The set for one run: kept from an earlier run while the file is the same, else loaded;
 * region_keep gives it back (a view is freed). */
int region_take(const struct source_def *def, struct region_set **out);
void region_keep(const struct source_def *def, struct region_set *rs);
void region_free(struct region_set *rs);
/* Another thread's handle on rs: its own query scratch and counts, rs's intervals and
 * names (only read); rs must outlive it (region_free frees only what is its own). */
struct region_set *region_view(const struct region_set *rs);
/* Appends to *names (a growing list, comma-separated, each name once, in order of
 * feature start) the names of features overlapping [beg, end) (0-based) on the contig
 * whose canonical name (contig_canon) is canon; counted (region_count_names) if count.
 * Returns the number of names added. */
int region_names(struct region_set *rs, const char *canon, int64_t beg, int64_t end, int count,
                 kstring_t *names);
int region_has_contig(struct region_set *rs, const char *canon);
int region_styles(const struct region_set *rs); /* naming styles of its contigs */
/* From now on region_names counts the records each name is given to; region_top_names
 * gives the (at most max) names with the most, most first, ties by name. */
void region_count_names(struct region_set *rs);
int region_top_names(const struct region_set *rs, int max, const char **names, int64_t *counts);
/* Adds the counts of src, a set loaded from the same source, to dst's. */
void region_merge_counts(struct region_set *dst, const struct region_set *src);

/* ------------------------------------------------------------------ gene model */

/* The INFO fields a gene model source writes (genemodel_fields: the same, NULL-ended). */
#define GM_GENE          "GENE"
#define GM_GENE_ID       "GENE_ID"
#define GM_GENE_LOC      "GENE_LOC"
#define GM_GENE_TYPE     "GENE_TYPE"
#define GM_CYTOBAND      "CYTOBAND"
#define GM_OMIM          "OMIM"
#define GM_NEAREST_GENE  "NEAREST_GENE"
#define GM_NEAREST_DIST  "NEAREST_DIST"
#define GM_GENE_N        "GENE_N"
#define GM_MAX_LISTED    50 /* genes listed per record; GENE_N counts them all beyond it */
#define GM_DEFAULT_FLANK 5000
extern const char *const genemodel_fields[];

/* Where a record lies; GM_NONE: its contig has no genes in the model. */
enum gm_loc { GM_NONE, GM_EXONIC, GM_INTRONIC, GM_UPSTREAM, GM_DOWNSTREAM, GM_INTERGENIC };
/* The location classes as the count log lists them: the gene model's in order, then
 * GM_NONE's ("no genes on contig") */
#define GM_NCLASSES 6
extern const char *const gm_class_names[GM_NCLASSES];

struct genemodel;
/* Reads and checks the whole model (a clear error if missing, truncated or corrupt). */
int genemodel_open(const struct source_def *def, struct genemodel **out);
void genemodel_free(struct genemodel *gm);
/* Another thread's handle on gm: its own query scratch, gm's genes (only read); gm must
 * outlive it. genemodel_free and genemodel_keep free only the view. */
struct genemodel *genemodel_view(const struct genemodel *gm);
/* A source's gene model for one run: the one the last run gave back when its file is
 * still the same (device, inode, size, modification time), else loaded (genemodel_open).
 * genemodel_keep gives it back for the next run (kept.c: up to 16 per source, one per
 * thread running at once). Thread-safe: a model is used by one run at a time. */
int genemodel_take(const struct source_def *def, struct genemodel **out);
void genemodel_keep(const struct source_def *def, struct genemodel *gm);
/* What the model was built from (its header's from= text). */
const char *genemodel_version(const struct genemodel *gm);
/* Appends the fields for the record span [beg, end) (0-based) on contig to info (';'
 * between fields); contig names match across "chr1"/"1" and "chrM"/"MT"/"chrMT".
 * Returns the record's class (exonic if exonic in any gene). */
enum gm_loc genemodel_annotate(struct genemodel *gm, const char *contig, int64_t beg, int64_t end,
                               kstring_t *info);
/* The ##INFO lines of the fields. */
void genemodel_header(const struct source_def *def, kstring_t *h);
/* Whether the model has genes on the contig whose canonical name is canon, and the
 * naming styles of its contigs (for the count log). */
int genemodel_has_contig(struct genemodel *gm, const char *canon);
int genemodel_styles(const struct genemodel *gm);

/* ------------------------------------------------------------------ known */

/* A known record in the window: a copy of its line and the spans of its columns. */
struct kentry {
    int64_t q, qmax; /* POS, and POS + len(REF) - 1 */
    char *line;
    size_t len, cap;
    const char *id, *ref, *alt, *info;
    uint32_t id_len, ref_len, alt_len, info_len;
    int nalt; /* -1 until the alleles are trimmed */
    struct nall *al;
    int al_cap;
};

struct known;
int known_open(const struct source_def *def, struct known **out);
/* A reader of the source for one run: kept from an earlier run while the file is the
 * same (common/annot/kept.c), else opened; known_keep gives it back (a clone is freed). */
int known_take(const struct source_def *def, struct known **out);
void known_keep(const struct source_def *def, struct known *k);
void known_free(struct known *k);
/* Another reader of k's source for another thread (own file handle and window, k's index
 * and contig names, which are only read); k must outlive it. */
int known_clone(const struct known *k, struct known **out);
/* Makes the window hold every known record on the contig whose canonical name is canon
 * (the source's own name for it is found through its index) that could match a record
 * whose trimmed alleles lie in [p, pmax]. p may go backwards (unsorted input): the
 * source is then re-read through its index. */
int known_prepare(struct known *k, const char *canon, int64_t p, int64_t pmax);
int known_has_contig(const struct known *k, const char *canon);
/* "20, 22": the source's contigs as it names them, cut with ", ..." to fit outn. */
void known_contig_list(const struct known *k, char *out, size_t outn);
/* What the source's header says of its version ("ClinVar 20240107"), or "". */
const char *known_version(struct known *k);
int known_styles(const struct known *k);
/* The window: entries i in [0, known_count) */
int known_count(const struct known *k);
struct kentry *known_entry(struct known *k, int i);
/* Trims an entry's alleles once; returns the count. */
int known_alleles(struct kentry *e);
int64_t known_seeks(const struct known *k);

/* Finds the value of INFO key in an INFO column (not NUL-terminated); *val and *vlen get
 * it ("" for a flag). 1 if found. */
int info_find(const char *info, size_t info_len, const char *key, const char **val, size_t *vlen);

/* ------------------------------------------------------------------ text I/O */

/* Lines from a BGZF stream (plain, gzip or BGZF data) found with memchr in a large
 * buffer. lb_next gives a line without its newline, NUL-terminated in place, valid until
 * the next call: 1, 0 at the end, GAS_ETOOBIG over max, GAS_EINVAL if the data is
 * corrupt. After bgzf_seek, lb_reset drops what was buffered. */
struct linebuf {
    BGZF *fp;
    char *buf;
    size_t start, end, cap, full, max, chunk; /* cap grows up to full */
    int eof, filled;                          /* filled: the last refill filled all it asked for */
    int bad_read;                             /* the last refill failed: corrupt or truncated */
    int64_t lineno;
};
/* chunk: bytes read per refill (small where seeks are frequent); max: longest line. */
void lb_init(struct linebuf *lb, BGZF *fp, size_t chunk, size_t max);
void lb_release(struct linebuf *lb);
void lb_reset(struct linebuf *lb);
int lb_next(struct linebuf *lb, char **line, size_t *len);

/* Line reader over VCF text (plain, gzip or BGZF) or BCF (converted to text). Lines are
 * returned without the newline; longer than max is an error. */
struct lreader;
int lreader_open(const char *path, size_t max, struct lreader **out);
/* 1 if the input is compressed and large (over 1 MB, or not a regular file): worth
 * decompressing with threads; lreader_set_pool gives them (before the first line). */
int lreader_large(const struct lreader *r);
void lreader_set_pool(struct lreader *r, hts_tpool *pool);
/* 1 for a BGZF file that lacks the end-of-file marker bgzip writes last: cut short? */
int lreader_no_eof_marker(const struct lreader *r);
/* 1 and the line in *line, *len (valid until the next call), 0 at the end, <0 error. */
int lreader_next(struct lreader *r, char **line, size_t *len);
int64_t lreader_lineno(const struct lreader *r);
void lreader_close(struct lreader *r);

/* A block of whole input lines, for the record workers (engine.c): each line ends in
 * '\n' (one is added to a last line without it). */
struct lblock {
    char *text;
    size_t len, cap;
    int64_t line0;  /* lines before the block */
    int64_t nlines; /* lines in it */
    int end;        /* the input ends after it (or the reader failed: rc) */
    int no_newline; /* ... and its last line had no newline (one was added) */
    int rc;         /* the reader's error after the block's lines, or 0 */
    char msg[1024]; /* and its message */
};
/* Fills b with the next whole lines, about want bytes (more for a long line; a line over
 * the reader's max ends the input with an error in b->rc). Lines read by lreader_next
 * before are not repeated. */
void lreader_block(struct lreader *r, struct lblock *b, size_t want);

struct owriter;
/* thread: 1 to write (or compress) on a thread of its own once there is more than one
 * buffer of output, 0 to write on the calling thread. fresh: as annot_opts.out_fresh. */
int owriter_open(const char *path, int bgzf, hts_tpool *pool, int thread, int fresh,
                 struct owriter **out);
void ow_add(struct owriter *w, const char *data, size_t n);
/* Flushes, closes and renames the temporary file into place (a fresh one is in place
 * already); on failure removes it. */
int owriter_finish(struct owriter *w, int ok);

#endif
