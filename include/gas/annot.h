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
 * Threads: annot_run uses opts->threads worker threads (htslib's pool) for
 * decompressing the input and the sources and for compressing BGZF output, while the
 * calling thread parses and matches. Nothing is shared between two annot_run calls. */
#ifndef GAS_ANNOT_H
#define GAS_ANNOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct annot_sources; /* opaque: a parsed sources file */

int annot_sources_load(const char *path, struct annot_sources **out);
void annot_sources_free(struct annot_sources *s);
/* The default sources file ($GAS_SHARE/sources.conf, else beside the installed programs
 * in ../share/gas, else the build tree's build/sources), or NULL; the caller's. */
char *annot_default_sources(void);
/* Opens and checks every source's files (a gene model is read whole), as annot_run would:
 * a missing, unindexed, truncated or corrupt source is an error here, before any job. */
int annot_sources_check(const struct annot_sources *s);
int annot_sources_count(const struct annot_sources *s);
const char *annot_source_name(const struct annot_sources *s, int i);

struct annot_opts {
    const char *in;       /* input path ("-" for stdin) */
    const char *out;      /* output path ("-" for stdout) */
    const char *log_path; /* count log path, or NULL for none */
    int out_bgzf;         /* 1: BGZF-compressed VCF */
    int threads;          /* extra threads for (de)compression; 0 = none */
    size_t max_line;      /* longest accepted input line, bytes */
    const struct annot_sources *sources;
};

#define ANNOT_MAX_SOURCES 16
#define ANNOT_MAX_CONTIGS 4096

struct annot_contig_count {
    char name[64];
    int64_t records;
};

/* What the count log reports. */
struct annot_stats {
    int64_t records;                   /* data records read */
    int64_t known;                     /* records matched by at least one known-variant source */
    int64_t alleles;                   /* ALT alleles seen */
    int64_t snv, mnv, ins, del, other; /* per ALT allele */
    int nsources;
    char source_name[ANNOT_MAX_SOURCES][64];
    int64_t source_hits[ANNOT_MAX_SOURCES]; /* records annotated by each source */
    int ncontigs;
    struct annot_contig_count contigs[ANNOT_MAX_CONTIGS];
    int64_t seeks;    /* index look-ups made in known sources */
    int64_t unsorted; /* records that went back in position (handled by index) */
    double seconds;
};

/* Annotates opts->in into opts->out. On bad input returns GAS_EINVAL with a message that
 * names the line ("line 12: POS is not a positive integer"); the output file is removed. */
int annot_run(const struct annot_opts *opts, struct annot_stats *stats);

/* GAS's count log (<name>.vcf.count.log) for stats. */
int annot_write_count_log(const struct annot_stats *stats, const char *input_name,
                          const char *path);

#endif
