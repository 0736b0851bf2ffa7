/* annot: the streaming VCF annotation engine.
 *
 * Reads VCF (plain, gzip, BGZF) or BCF, record by record, and writes VCF (plain or BGZF)
 * with each record annotated from the sources of a sources file:
 *   - region sources (BED, GFF3, GTF): the names of the features that overlap the record's
 *     REF span, unique, in order of feature start, into one INFO field;
 *   - known-variant sources (bgzipped VCF with a .tbi or .csi index): the ID column and
 *     chosen INFO fields of every known record that matches CHROM, POS, REF and one ALT of
 *     the record, after both sides are trimmed of shared padding bases; Number=A values
 *     are given per input ALT allele in allele order.
 * Record order, every field of the input and the source's value text are kept byte for
 * byte; only the ID column and the INFO column change.
 *
 * Sources file: sections "[name]" each with "key = value" lines:
 *   type   = region | known
 *   file   = path (relative to the sources file's directory)
 *   region: field = INFO id (required); format = bed|gff3|gtf (default: from the file
 *           name); name = BED column (default 4) or GFF/GTF attribute (default Name /
 *           gene_name); feature = only GFF/GTF features of this type (e.g. gene)
 *   known:  id = true|false (copy IDs, default true);
 *           info = SRC[:DST], ... (INFO fields to copy, optionally renamed)
 * A bad line is reported as FILE:LINE: reason.
 *
 * Threads: with opts->threads N > 0, annot_run uses N threads (htslib's pool) for
 * decompressing the input and for compressing BGZF output, and an input of more than one
 * block (1 MB of text) is annotated by N record workers, a block each at a time, merged
 * in input order: the output and count log are the same as with threads 0, where the
 * calling thread does everything. Nothing is shared between two annot_run calls but the
 * gene models they take from their sources' cache. */
#ifndef GAS_ANNOT_H
#define GAS_ANNOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct annot_sources; /* opaque: a parsed sources file */

/* Genome builds. Names as GAS writes them; annot_build_parse also takes hg19, b37,
 * hs37d5, 37, hg38, 38, hg18, b36, chm13, ... (case-insensitive); -1 if none. */
enum { ANNOT_GRCH37, ANNOT_GRCH38, ANNOT_NCBI36, ANNOT_CHM13, ANNOT_NBUILDS };
const char *annot_build_name(int build);
int annot_build_parse(const char *name);
/* 1 if a build given (--build, a job's genome_build) says the input is not human: "none",
 * "not-human", "other", or another species' assembly (mm10, GRCm39, danRer11, ...): its
 * records are passed through unannotated, as a non-human header's are. */
int annot_build_not_human(const char *name);
#define ANNOT_ENGINE_VERSION "1.1"

int annot_sources_load(const char *path, struct annot_sources **out);
void annot_sources_free(struct annot_sources *s);
/* The default sources file ($GAS_SHARE/sources.conf, else beside the installed programs
 * in ../share/gas, else the build tree's build/sources), or NULL; the caller's. */
char *annot_default_sources(void);
/* Opens and checks every source's files (a gene model is read whole), as annot_run would:
 * a missing, unindexed, truncated or corrupt source is an error here, before any job. */
int annot_sources_check(const struct annot_sources *s);
int annot_sources_count(const struct annot_sources *s);
/* The build a sources file is for ("build = GRCh38" at its top, else its directory's
 * name, .../GRCh38/sources.conf), or -1 (any build); and its path. */
int annot_sources_build(const struct annot_sources *s);
const char *annot_sources_path(const struct annot_sources *s);

/* Sources by genome build (see common/annot/catalog.c): from one file (for the build it
 * declares, or any), else from dir/<build>/sources.conf, else from the sources installed
 * or built with GAS. Errors name the file and line. */
struct annot_catalog;
int annot_catalog_load(const char *file, const char *dir, struct annot_catalog **out);
void annot_catalog_free(struct annot_catalog *c);
/* 1 if a sources file the catalog was read from changed since (replaced, edited, removed,
 * or a build's file added to the directory) and every changed file has been left alone
 * for settle_s seconds (one being written is not read half-written): time to load again. */
int annot_catalog_changed(const struct annot_catalog *c, double settle_s);
/* Takes the files as they are now as the catalog's (after a failed reload: only a further
 * change tries again). */
void annot_catalog_rewatch(struct annot_catalog *c);
/* The build of a catalog loaded from one file that declares it (-s FILE), else -1: the
 * build assumed for inputs whose header does not say. */
int annot_catalog_file_build(const struct annot_catalog *c);
/* The sources for build, or NULL when there are none for it. */
const struct annot_sources *annot_catalog_get(const struct annot_catalog *c, int build);
/* "GRCh37, GRCh38": the builds there are sources for. */
void annot_catalog_builds(const struct annot_catalog *c, char *out, size_t outn);
const char *annot_source_name(const struct annot_sources *s, int i);

struct annot_opts {
    const char *in;        /* input path ("-" for stdin) */
    const char *sample_in; /* where the build's sampling reads the first records: a copy of
                              in's start (stdin), or NULL: in itself ("-": none) */
    const char *out;       /* output path ("-" for stdout) */
    const char *log_path;  /* count log path, or NULL for none */
    int out_bgzf;          /* 1: BGZF-compressed VCF */
    int out_fresh;         /* 1: out is a new name in the caller's own directory (gasd's
                              scratch slot): created 0600 and written where it is, not
                              through a temporary renamed over it */
    int threads;           /* record workers and (de)compression threads; 0 = none */
    size_t max_line;       /* longest accepted input line, bytes */
    int64_t max_expanded;  /* most input bytes once decompressed (0: any) */
    int64_t min_free;      /* stop when the output's file system has less
                              free (0: never look) */
    const struct annot_sources *sources; /* one set for every run (or NULL: catalog) */
    /* genome build (names as annot_build_parse takes them): */
    const struct annot_catalog *catalog; /* sources by build, used when sources is NULL */
    const char *build;         /* use this build whatever the header says (NULL: detect) */
    const char *build_origin;  /* who set it, for the count log ("command line", "job setting") */
    const char *default_build; /* when the header does not say (NULL: GRCh37) */
};

#define ANNOT_MAX_SOURCES      16
#define ANNOT_MAX_WARNINGS     16
#define ANNOT_MAX_CONTIGS      4096
#define ANNOT_MAX_HEADER_BYTES ((size_t)64 << 20) /* the header's lines before #CHROM */

struct annot_contig_count {
    char name[64];
    int64_t records;
    int64_t max_pos;   /* the highest POS of its records */
    int sources;       /* how many sources know the contig (under any of its names) */
    uint32_t src_mask; /* which: bit s for source s */
    int undeclared;    /* the header declares contigs, and not this one */
};

/* The build of an input whose header's lengths or reference are no human build's. */
#define ANNOT_NOT_HUMAN "not human"

/* What the count log reports. */
struct annot_stats {
    int64_t records; /* data records read */
    int64_t known;   /* records matched by at least one known-variant source */
    /* records at a position where a known source has a variant, and of those the records
     * whose REF starts with another base than the source's: near none on the build of the
     * sources, most on another (build_from_ref) */
    int64_t ref_checked, ref_differs;
    int64_t past_end; /* records whose POS is past their chromosome's end: not annotated */
    int64_t ref_dot;  /* symbolic records with REF "." (not bases): annotated, warned */
    int64_t alleles;  /* ALT alleles seen */
    int64_t snv, mnv, ins, del, other; /* per ALT allele */
    int64_t structural; /* ... of those other: symbolic (<DEL>, <DUP>, ...) or breakends */
    int64_t transitions, transversions; /* SNVs: A<->G or C<->T; the other pairs of ACGT */
    int nsources;
    char source_name[ANNOT_MAX_SOURCES][64];
    int64_t source_hits[ANNOT_MAX_SOURCES]; /* records annotated by each source */
    /* contig naming styles (bits: 1 = "chr1", 2 = "1") of the input and of each source */
    int input_styles;
    int source_styles[ANNOT_MAX_SOURCES];
    int ncontigs;
    struct annot_contig_count contigs[ANNOT_MAX_CONTIGS];
    int64_t unlisted_records; /* records on contigs past the first ANNOT_MAX_CONTIGS */
    /* genome build: its name ("" when the run used none), how it was decided, for a
     * person and as a tag (override-command-line, override-job-setting,
     * header-contig-lengths, header-name, positions, default, sources) */
    char build[16]; /* a build's name, or ANNOT_NOT_HUMAN */
    char build_how[256];
    char build_tag[32];
    /* the records' positions against the build used, when they point elsewhere (check_positions):
     * "look_like_GRCh37" (a verdict) or "lean_to_GRCh37" (short of one); "" otherwise */
    char build_positions[32];
    int annotated;   /* 0: no sources for the build, records passed unchanged */
    int mt_not_rcrs; /* chrM is hg19's, not the rCRS: its records not annotated */
    int mt_hg19;     /* why: 1 the header's chrM is 16,571 bp, 2 it names hg19 (build_decide) */
    char not_annotated_why[512]; /* why, for a person */
    char sources_path[512];      /* the sources file used */
    char source_version[ANNOT_MAX_SOURCES][192];
    /* a partial known source's stretches ("covers": 20:1000226-3999914, ...), the variant
     * records within them and those of them it holds */
    char source_covers[ANNOT_MAX_SOURCES][160];
    int64_t source_covered[ANNOT_MAX_SOURCES], source_covered_hits[ANNOT_MAX_SOURCES];
    char source_kind[ANNOT_MAX_SOURCES][16];    /* region, known, genes */
    char source_contigs[ANNOT_MAX_SOURCES][96]; /* a known source's contigs, for warnings */
    int nwarnings;
    char warnings[ANNOT_MAX_WARNINGS][640];
    /* genes with the most records (from the first region source) */
    char top_source[64];
    int ntop;
    struct {
        char name[64];
        int64_t records;
    } top[10];
    /* records per location class, from a gene-model source that sets them (else 0) */
    int nloc;
    struct {
        char name[32];
        int64_t records;
    } loc[12];
    int64_t seeks;    /* index look-ups made in known sources */
    int64_t unsorted; /* records that went back in position (handled by index) */
    /* records with no ALT allele but placeholders (ALT ".", "<NON_REF>", "<*>": gVCF and
     * all-sites reference blocks): annotated, but not counted among the location classes
     * and the genes with the most records, which are of the variant records */
    int64_t ref_only;
    /* symbolic records whose END is not a position at or after POS (not used): how many,
     * the first one's line and value */
    int64_t bad_end, bad_end_line;
    char bad_end_value[24];
    /* <DEL>, <DUP>, <INV>, <CNV> records with neither a usable END nor SVLEN (annotated at
     * POS only), and those whose SVLEN says another length than END (END used): how many,
     * the first one's line */
    int64_t sv_no_extent, sv_no_extent_line, sv_len_differs, sv_len_differs_line;
    /* records whose REF has letters the VCF spec does not allow (only A, C, G, T, N):
     * IUPAC codes or none at all; how many, the first one's line and REF */
    int64_t ref_odd, ref_odd_line;
    char ref_odd_value[16];
    int64_t undeclared_line;         /* the first record on a contig the header does not declare */
    int64_t own_info, own_info_line; /* records with an undeclared INFO field of GAS's name */
    char own_info_key[96];           /* ... the first such record's fields */
    int64_t cols_differ, cols_differ_line; /* of the records checked, those whose columns are
                                              not as many as #CHROM declares; the first's */
    int cols_differ_n, cols_header;        /* ... its columns, and #CHROM's */
    double seconds;
    int record_threads; /* threads that annotated the records (1: the calling thread) */
};

/* Makes st empty, cheaply: the contig table past ncontigs (most of the struct's 400 KB) is
 * left as it is, as nothing reads it (annot_run does this; a caller allocating many, as
 * gasd's batches do, need not zero them). */
void annot_stats_init(struct annot_stats *st);

/* What annot_run would refuse at once, checked by reading the start of path only: a
 * format GAS does not read (xz, zstd, bzip2, BAM, ...), nothing once decompressed, or a
 * first line that is not ##fileformat=VCF (gzip and BCF decompressed first). 0 or
 * GAS_EINVAL with the reason (gas_errmsg), naming the file. */
int annot_input_check(const char *path, size_t max_line);

/* Annotates opts->in into opts->out. On bad input returns GAS_EINVAL with a message that
 * names the line ("line 12: POS is not a positive integer"); the output file is removed. */
int annot_run(const struct annot_opts *opts, struct annot_stats *stats);

/* GAS's count log (<name>.vcf.count.log) for stats: for a person. fresh: as
 * annot_opts.out_fresh (0: a file there is replaced whole, through a temporary). */
int annot_write_count_log(const struct annot_stats *stats, const char *input_name, const char *path,
                          int fresh);
/* The same facts as JSON, for programs (path "-": stdout); and as text (caller's). */
int annot_write_count_log_json(const struct annot_stats *stats, const char *input_name,
                               const char *path, int fresh);
char *annot_count_log_json(const struct annot_stats *stats, const char *input_name);

#endif
