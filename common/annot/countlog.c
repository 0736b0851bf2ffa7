/* annot countlog: GAS's <name>.vcf.count.log, written beside the result, for a person
 * first (GAS shows it on the job page): the build and how it was decided, the sources and
 * their versions, what was annotated, the genes with the most records, variant classes,
 * records per chromosome, contig naming, and the warnings last (where a tail shows them).
 * annot_write_count_log_json writes the same facts as JSON for programs. */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static double pct(int64_t part, int64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

static const char *style_tag(int styles)
{
    switch (styles) {
    case 1 << CS_CHR: return "chr";
    case 1 << CS_PLAIN: return "plain";
    case 1 << CS_REFSEQ: return "refseq";
    case 0: return "none";
    default: return "mixed";
    }
}

/* A known source with nothing on any of the input's contigs: why "records in known
 * sources" is 0. Not for a source that says where it has data (covers, as the default kg
 * with only stretches of 20 and 22): the count log gives its share there instead, as a
 * fact of the sources, not a warning on every job elsewhere. */
static void known_sources_elsewhere(struct annot_stats *st)
{
    for (int s = 0; s < st->nsources && st->records; s++) {
        int64_t off = 0;
        for (int i = 0; i < st->ncontigs; i++)
            if (!(st->contigs[i].src_mask & (1u << s)) && st->contigs[i].sources)
                off += st->contigs[i].records;
        if (strcmp(st->source_kind[s], "known") || off == 0 || st->source_hits[s] ||
            st->source_covers[s][0] || st->nwarnings == ANNOT_MAX_WARNINGS)
            continue;
        char w[sizeof st->warnings[0]];
        snprintf(w, sizeof w,
                 "known source %s has variants only on %s: the %lld record%s on other "
                 "contigs could not be found in it",
                 st->source_name[s], st->source_contigs[s][0] ? st->source_contigs[s] : "none",
                 (long long)off, off == 1 ? "" : "s");
        memcpy(st->warnings[st->nwarnings++], w, sizeof w);
    }
}

/* Whether contig i's records were left unannotated for no source knowing it (not for
 * being hg19's chrM, said in a warning of its own). */
/* Another build's RefSeq accession (NC_000017.10 in a GRCh38 job): not annotated. */
static int other_build_accession(const struct annot_stats *st, int i)
{
    int b = annot_build_parse(st->build), rb = build_of_refseq(st->contigs[i].name);
    return b >= 0 && rb >= 0 && rb != b;
}

static int unknown_contig(const struct annot_stats *st, int i)
{
    char canon[CONTIG_CANON_MAX];
    const char *name = st->contigs[i].name;
    return !st->contigs[i].sources && !other_build_accession(st, i) &&
           !(st->mt_not_rcrs && contig_canon(name, strlen(name), canon, sizeof canon) &&
             !strcmp(canon, "MT"));
}

/* The warning added last made the first: the most telling first (gas show's annotation_note
 * and the email give the first). */
static void warning_to_front(struct annot_stats *st, int at)
{
    if (at <= 0 || at >= st->nwarnings)
        return;
    char w[sizeof st->warnings[0]];
    memcpy(w, st->warnings[at], sizeof w);
    memmove(st->warnings[1], st->warnings[0], (size_t)at * sizeof st->warnings[0]);
    memcpy(st->warnings[0], w, sizeof w);
}

/* Records past the end of their chromosome in the build used: positions on another build
 * (or a wrong header), annotated as if they were on this one. */
static void past_the_end(struct annot_stats *st)
{
    int b = annot_build_parse(st->build), n = 0;
    char w[sizeof st->warnings[0]], canon[CONTIG_CANON_MAX];
    size_t l = 0;
    for (int i = 0; b >= 0 && i < st->ncontigs; i++) {
        const struct annot_contig_count *c = &st->contigs[i];
        contig_canon(c->name, strlen(c->name), canon, sizeof canon);
        int64_t len = build_contig_len(b, canon);
        if (!len || c->max_pos <= len || (st->mt_not_rcrs && !strcmp(canon, "MT")))
            continue;
        if (n++ < 3 && l < sizeof w)
            l +=
                (size_t)snprintf(w + l, sizeof w - l, "%s%s up to %lld (its length %lld)",
                                 n > 1 ? "; " : "", c->name, (long long)c->max_pos, (long long)len);
    }
    char what[96]; /* with the build's own sources, those records got no gene fields */
    if (st->past_end)
        snprintf(what, sizeof what, "the %lld record%s starting past the end %s not annotated",
                 (long long)st->past_end, st->past_end == 1 ? "" : "s",
                 st->past_end == 1 ? "was" : "were");
    else
        snprintf(what, sizeof what, "records there were annotated as if on %s", st->build);
    /* the header's own contig lengths are this build's: not another build, a bad file */
    int said = !strcmp(st->build_tag, "header-contig-lengths");
    int was = st->nwarnings;
    if (n)
        annot_add_warning(st, "%d chromosome%s ha%s records past %s end in %s: %s. %s; %s", n,
                          n == 1 ? "" : "s", n == 1 ? "s" : "ve", n == 1 ? "its" : "their",
                          st->build, w,
                          said ? "The header's own ##contig lengths are these: the records' "
                                 "positions or the header are wrong"
                               : "The positions are likely on another build (give it: --build)",
                          what);
    /* a build assumed (the header silent): before "the header does not say", which it
     * makes concrete (a mouse VCF's chromosome 19 past human chromosome 19's end) */
    if (n && !strcmp(st->build_tag, "default") && st->nwarnings > was)
        warning_to_front(st, was);
}

static void unknown_contigs(struct annot_stats *st);
static void undeclared_contigs(struct annot_stats *st);

/* Records on RefSeq accessions of another build than the one used (NC_000017.10, GRCh37's
 * chr17, in a job annotated as GRCh38): their positions are that build's, not annotated. */
static void accessions_of_another_build(struct annot_stats *st)
{
    int64_t recs = 0;
    int first = -1, n = 0;
    for (int i = 0; i < st->ncontigs; i++)
        if (other_build_accession(st, i)) {
            first = first < 0 ? i : first;
            recs += st->contigs[i].records;
            n++;
        }
    if (first >= 0) {
        int rb = build_of_refseq(st->contigs[first].name);
        annot_add_warning(st,
                          "%lld record%s on %d contig%s named by %s's RefSeq accessions (%s%s) "
                          "not annotated: their positions are %s's, the job's build is %s; "
                          "annotate them again with --build %s",
                          (long long)recs, recs == 1 ? "" : "s", n, n == 1 ? "" : "s",
                          annot_build_name(rb), st->contigs[first].name, n > 1 ? ", ..." : "",
                          annot_build_name(rb), st->build, annot_build_name(rb));
        warning_to_front(st, st->nwarnings - 1); /* gas show's annotation_note gives it */
        return;
    }
}

/* The most telling first: the first warning is what gas show's annotation_note gives. */
/* Records on hg19's chrM (not annotated): why, when there are any. */
static void hg19_chrm(struct annot_stats *st)
{
    int64_t n = 0;
    char canon[CONTIG_CANON_MAX];
    for (int i = 0; st->mt_hg19 && i < st->ncontigs; i++)
        if (contig_canon(st->contigs[i].name, strlen(st->contigs[i].name), canon, sizeof canon) &&
            !strcmp(canon, "MT"))
            n += st->contigs[i].records;
    if (!n)
        return;
    if (st->mt_hg19 == 1)
        annot_add_warning(st,
                          "the header's chrM is 16,571 bp: hg19's mitochondrion, not the rCRS "
                          "(16,569 bp) of GRCh37 and of the sources, and positions on it "
                          "differ: its %lld record%s not annotated",
                          (long long)n, n == 1 ? " is" : "s are");
    else
        annot_add_warning(st,
                          "the header names UCSC's hg19, whose chrM is not the rCRS (16,569 bp) "
                          "of GRCh37 and of the sources but NC_001807 (16,571 bp), and "
                          "positions on it differ: its %lld chrM record%s not annotated (if "
                          "yours is the rCRS, declare ##contig=<ID=chrM,length=16569>)",
                          (long long)n, n == 1 ? " is" : "s are");
}

void annot_finish_warnings(struct annot_stats *st)
{
    accessions_of_another_build(st);
    hg19_chrm(st);
    past_the_end(st);
    if (st->bad_end)
        annot_add_warning(st,
                          "%lld record%s with a symbolic ALT ha%s an END that is not a position "
                          "at or after POS (first at line %lld: END=%s): annotated over the "
                          "REF (or SVLEN), not that END",
                          (long long)st->bad_end, st->bad_end == 1 ? "" : "s",
                          st->bad_end == 1 ? "s" : "ve", (long long)st->bad_end_line,
                          st->bad_end_value);
    if (st->ref_odd)
        annot_add_warning(st,
                          "%lld record%s ha%s a REF with letters other than A, C, G, T and N "
                          "(first at line %lld: REF=%s), which the VCF spec does not allow (IUPAC "
                          "codes from the reference?): annotated by position, matched to known "
                          "variants as written",
                          (long long)st->ref_odd, st->ref_odd == 1 ? "" : "s",
                          st->ref_odd == 1 ? "s" : "ve", (long long)st->ref_odd_line,
                          st->ref_odd_value);
    if (st->sv_no_extent)
        annot_add_warning(
            st,
            "%lld structural-variant record%s (<DEL>, <DUP>, <INV>, <CNV>, <CN0>...) ha%s "
            "neither a usable END nor SVLEN (first at line %lld): annotated at "
            "POS only, not over the bases %s change%s",
            (long long)st->sv_no_extent, st->sv_no_extent == 1 ? "" : "s",
            st->sv_no_extent == 1 ? "s" : "ve", (long long)st->sv_no_extent_line,
            st->sv_no_extent == 1 ? "it" : "they", st->sv_no_extent == 1 ? "s" : "");
    if (st->sv_len_differs)
        annot_add_warning(st,
                          "%lld structural-variant record%s ha%s an SVLEN that is not END - POS "
                          "(first at line %lld): annotated over POS to END, as END says",
                          (long long)st->sv_len_differs, st->sv_len_differs == 1 ? "" : "s",
                          st->sv_len_differs == 1 ? "s" : "ve", (long long)st->sv_len_differs_line);
    if (st->cols_differ)
        annot_add_warning(st,
                          "records do not have the %d columns the #CHROM line declares (the "
                          "first at line %lld has %d; %lld of the first records checked): "
                          "columns past INFO were kept as they were",
                          st->cols_header, (long long)st->cols_differ_line, st->cols_differ_n,
                          (long long)st->cols_differ);
    if (st->own_info)
        annot_add_warning(st,
                          "%lld record%s had INFO fields GAS writes that the header does not "
                          "declare (%s in the first, at line %lld): GAS's values replaced the "
                          "input's (rename the input's fields to keep both)",
                          (long long)st->own_info, st->own_info == 1 ? "" : "s", st->own_info_key,
                          (long long)st->own_info_line);
    unknown_contigs(st);
    undeclared_contigs(st);
    known_sources_elsewhere(st);
}

/* Whether contig i is one a warning lists. */
typedef int (*contig_pick)(const struct annot_stats *st, int i);

/* How many contigs pick takes, and their records (*recs). */
static int count_picked(const struct annot_stats *st, contig_pick pick, int64_t *recs)
{
    int n = 0;
    *recs = 0;
    for (int i = 0; i < st->ncontigs; i++)
        if (pick(st, i)) {
            *recs += st->contigs[i].records;
            n++;
        }
    return n;
}

/* A warning: head (ending in ':'), then the n contigs pick takes with their records, the
 * first 8 named ("chrUn_x (10), chrY (2), and 3 more"): whole entries only (a long name cut
 * to 40 characters and marked ".."), and the count of the rest always said. */
static void warn_contigs(struct annot_stats *st, contig_pick pick, int n, const char *head)
{
    if (st->nwarnings == ANNOT_MAX_WARNINGS)
        return;
    char w[sizeof st->warnings[0]], e[96];
    size_t tail = 24, /* ", and 99999 more" */ cap = sizeof w - tail;
    size_t l = (size_t)snprintf(w, cap, "%s", head);
    l = l < cap ? l : cap - 1;
    int shown = 0;
    for (int i = 0; i < st->ncontigs && shown < 8; i++) {
        if (!pick(st, i))
            continue;
        const char *name = st->contigs[i].name;
        size_t el =
            (size_t)snprintf(e, sizeof e, "%s %.40s%s (%lld)", shown ? "," : "", name,
                             strlen(name) > 40 ? ".." : "", (long long)st->contigs[i].records);
        if (l + el >= cap)
            break;
        memcpy(w + l, e, el + 1);
        l += el;
        shown++;
    }
    if (n > shown)
        snprintf(w + l, sizeof w - l, "%s and %d more", shown ? "," : "", n - shown);
    memcpy(st->warnings[st->nwarnings++], w, sizeof w);
}

static int undeclared_contig(const struct annot_stats *st, int i)
{
    return st->contigs[i].undeclared && !other_build_accession(st, i); /* warned apart */
}

/* Records on contigs the header's ##contig lines leave out: annotated as any other (the
 * VCF spec asks for the lines, bcftools warns and goes on), but a header that does not
 * match its records may be another file's or another build's. */
static void undeclared_contigs(struct annot_stats *st)
{
    int64_t recs;
    int n = count_picked(st, undeclared_contig, &recs);
    if (!n)
        return;
    char head[192];
    snprintf(head, sizeof head,
             "%lld record%s on %d contig%s that the header's ##contig lines do not declare "
             "(first at line %lld), annotated as the others:",
             (long long)recs, recs == 1 ? "" : "s", n, n == 1 ? "" : "s",
             (long long)st->undeclared_line);
    warn_contigs(st, undeclared_contig, n, head);
}

static void unknown_contigs(struct annot_stats *st)
{
    int64_t recs;
    int n = count_picked(st, unknown_contig, &recs);
    if (!n || !st->nsources)
        return;
    char head[256];
    if (recs == st->records) /* nothing annotated: said first (gas show's annotation_note) */
        snprintf(head, sizeof head,
                 "nothing was annotated: %s%lld record%s %s on a contig the %s sources "
                 "know (a genome that is not human, or contigs named as GAS does not know); "
                 "%d contig%s:",
                 recs == 1 ? "its " : "none of the ", (long long)recs, recs == 1 ? "" : "s",
                 recs == 1 ? "is not" : "is", st->build, n, n == 1 ? "" : "s");
    else
        snprintf(head, sizeof head,
                 "%lld record%s (%.2f%%) on %d contig%s that no source knows, so not annotated:",
                 (long long)recs, recs == 1 ? "" : "s", pct(recs, st->records), n,
                 n == 1 ? "" : "s");
    int was = st->nwarnings;
    warn_contigs(st, unknown_contig, n, head);
    if (recs == st->records && st->nwarnings > was)
        warning_to_front(st, was);
}

static void build_and_sources(FILE *f, const struct annot_stats *st)
{
    fprintf(f, "genome build: %s, %s\n", st->build[0] ? st->build : "unknown", st->build_how);
    if (st->ref_checked)
        fprintf(f,
                "  REF check: at %lld of %lld positions where a known source has a variant, "
                "the input's REF starts with the same base (%.1f%%; on the input's own "
                "build near 100%%, on another about 30%%)\n",
                (long long)(st->ref_checked - st->ref_differs), (long long)st->ref_checked,
                pct(st->ref_checked - st->ref_differs, st->ref_checked));
    if (!st->annotated) {
        fprintf(f, "NOT ANNOTATED: %s\n", st->not_annotated_why);
        return;
    }
    fprintf(f, "sources: %s\n", st->sources_path[0] ? st->sources_path : "(given by the caller)");
    for (int i = 0; i < st->nsources; i++)
        fprintf(f, "  %-13s %-7s %s\n", st->source_name[i], st->source_kind[i],
                st->source_version[i]);
}

static void genes_and_classes(FILE *f, const struct annot_stats *st)
{
    int64_t variants = st->records - st->ref_only;
    if (st->nloc && !st->ref_only)
        fprintf(f, "\nrecords per location class:\n");
    else if (st->nloc)
        fprintf(f, "\nrecords per location class (of the %lld variant record%s):\n",
                (long long)variants, variants == 1 ? "" : "s");
    for (int i = 0; i < st->nloc; i++)
        fprintf(f, "  %-20s %lld (%.2f%%)\n", st->loc[i].name, (long long)st->loc[i].records,
                pct(st->loc[i].records, variants));
    /* hg19's chrM, another build's accessions: in no class, and said so, so that the
     * classes add up */
    int64_t mt = 0, other = 0;
    for (int i = 0; st->nloc && st->nsources && i < st->ncontigs; i++) {
        int known = !st->contigs[i].sources && !unknown_contig(st, i);
        other += known && other_build_accession(st, i) ? st->contigs[i].records : 0;
        mt += known && !other_build_accession(st, i) ? st->contigs[i].records : 0;
    }
    if (mt)
        fprintf(f, "  %-20s %lld (%.2f%%)   (hg19's chrM: not annotated)\n", "not annotated",
                (long long)mt, pct(mt, variants));
    if (other)
        fprintf(f, "  %-20s %lld (%.2f%%)   (another build's RefSeq accessions: not annotated)\n",
                "not annotated", (long long)other, pct(other, variants));
    if (st->ntop) {
        fprintf(f, "\ngenes with the most records (source %s):\n", st->top_source);
        for (int i = 0; i < st->ntop; i++)
            fprintf(f, "  %-20s %lld\n", st->top[i].name, (long long)st->top[i].records);
    }
}

/* Which naming the input and the sources use, and whether they were matched through
 * aliases. */
static void naming(FILE *f, const struct annot_stats *st)
{
    int src = 0;
    for (int i = 0; i < st->nsources; i++)
        src |= st->source_styles[i];
    fprintf(f, "\ncontig names: input %s\n", contig_style_name(st->input_styles));
    for (int i = 0; i < st->nsources; i++)
        fprintf(f, "  source %-13s %s\n", st->source_name[i],
                contig_style_name(st->source_styles[i]));
    if (st->input_styles && src && (st->input_styles | src) != st->input_styles)
        fprintf(f, "  matched through aliases: chr1 = 1, chrX = X, chrM = chrMT = MT\n");
}

static void counts(FILE *f, const struct annot_stats *st)
{
    fprintf(f, "total records: %lld\n", (long long)st->records);
    if (st->ref_only) /* a gVCF is mostly blocks: its statistics are of its variants */
        fprintf(f,
                "reference-only records: %lld (ALT . or only <NON_REF> or <*>, as gVCF blocks "
                "and all-sites files have, or Complete Genomics' <CGA_NOCALL> and <CGA_CNVWIN>: "
                "annotated, but left out of the location classes and "
                "the genes with the most records)\n",
                (long long)st->ref_only);
    if (st->unsorted) /* annotated all the same: the sources are read again by their index */
        fprintf(f,
                "records out of order: %lld (the input is not sorted by position; each is "
                "annotated all the same)\n",
                (long long)st->unsorted);
    int nknown = 0;
    for (int i = 0; i < st->nsources; i++)
        nknown += !strcmp(st->source_kind[i], "known");
    if (st->annotated && !nknown)
        fprintf(f, "records in known sources: - (no known-variant source for %s)\n", st->build);
    if (st->annotated) {
        if (nknown)
            fprintf(f, "records in known sources: %lld (%.2f%%)\n", (long long)st->known,
                    pct(st->known, st->records));
        /* a partial source: its share where it has data */
        for (int i = 0; i < st->nsources; i++)
            if (st->source_covers[i][0] && !st->source_covered[i])
                fprintf(f, "  %s covers only %s: none of the variant records is there\n",
                        st->source_name[i], st->source_covers[i]);
            else if (st->source_covers[i][0])
                fprintf(f,
                        "  %s covers only %s: %lld variant record%s there, %lld in it "
                        "(%.2f%%)\n",
                        st->source_name[i], st->source_covers[i], (long long)st->source_covered[i],
                        st->source_covered[i] == 1 ? "" : "s",
                        (long long)st->source_covered_hits[i],
                        pct(st->source_covered_hits[i], st->source_covered[i]));
        fprintf(f, "\nhits per source (records it gave a value: for a gene model, in a gene or "
                   "nearest to one):\n");
        for (int i = 0; i < st->nsources; i++)
            fprintf(f, "  %-20s %lld (%.2f%%)\n", st->source_name[i], (long long)st->source_hits[i],
                    pct(st->source_hits[i], st->records));
        genes_and_classes(f, st);
    }
    fprintf(f, "\nvariant classes (ALT alleles: %lld):\n", (long long)st->alleles);
    const struct {
        const char *name;
        int64_t n;
    } cls[] = {{"SNV", st->snv},
               {"MNV", st->mnv},
               {"insertion", st->ins},
               {"deletion", st->del},
               {"structural", st->structural}, /* <DEL>, <DUP>, breakends */
               {"other", st->other}};
    for (size_t i = 0; i < sizeof cls / sizeof *cls; i++)
        fprintf(f, "  %-20s %lld (%.2f%%)\n", cls[i].name, (long long)cls[i].n,
                pct(cls[i].n, st->alleles));
    if (st->transitions || st->transversions) { /* SNVs of A, C, G, T */
        char r[32] = "-";
        if (st->transversions)
            snprintf(r, sizeof r, "%.2f", (double)st->transitions / (double)st->transversions);
        fprintf(f, "  %-20s %s (%lld transition%s, %lld transversion%s)\n", "Ti/Tv", r,
                (long long)st->transitions, st->transitions == 1 ? "" : "s",
                (long long)st->transversions, st->transversions == 1 ? "" : "s");
    }
    fprintf(f, "\nrecords per chromosome:\n");
    int w =
        20; /* the names' column: as wide as the longest (alt contigs: chr1_KI270706v1_random) */
    for (int i = 0; i < st->ncontigs; i++)
        w = (int)strlen(st->contigs[i].name) > w ? (int)strlen(st->contigs[i].name) : w;
    for (int i = 0; i < st->ncontigs; i++)
        fprintf(f, "  %-*s %lld%s\n", w, st->contigs[i].name, (long long)st->contigs[i].records,
                !st->nsources || st->contigs[i].sources ? ""
                : unknown_contig(st, i)                 ? "   (no source has this contig)"
                : other_build_accession(st, i)
                    ? "   (another build's RefSeq accession: not annotated)"
                    : "   (hg19's mitochondrion, not the sources' rCRS: not annotated)");
    if (st->unlisted_records)
        fprintf(f, "  (and %lld records on contigs past the first %d, not listed one by one)\n",
                (long long)st->unlisted_records, ANNOT_MAX_CONTIGS);
}

struct out_tmp {
    char *dst; /* where it goes */
    char *tmp; /* written first, or NULL: written in place */
};

/* Renamed into place whole; not synced (a worker's put of it is, like the result's). */
static int finish_file(FILE *f, struct out_tmp tmp, const char *path)
{
    int rc = 0;
    if (fflush(f) || ferror(f))
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp.dst, strerror(errno));
    if (fclose(f) && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp.dst, strerror(errno));
    if (!rc && tmp.tmp && rename(tmp.tmp, tmp.dst) < 0)
        rc = gas_err_set(GAS_EIO, "rename to %s: %s", tmp.dst, strerror(errno));
    if (rc && tmp.tmp)
        unlink(tmp.tmp);
    free(tmp.tmp);
    free(tmp.dst);
    (void)path;
    return rc;
}

/* A regular or missing file is written beside (a symlink's target) and renamed over;
 * /dev/null or a FIFO is written as it is (tmp.tmp NULL), never replaced; a fresh one
 * (gasd's scratch slot, nothing there to replace) is made where it is, 0600. */
static FILE *open_tmp(const char *path, struct out_tmp *tmp, int fresh)
{
    int in_place = fresh;
    tmp->tmp = NULL;
    tmp->dst = fresh ? xstrdup(path) : gas_out_path(path, &in_place);
    if (!tmp->dst)
        return NULL;
    if (!in_place)
        tmp->tmp = xasprintf("%s.tmp.%d", tmp->dst, (int)getpid());
    int fd = fresh      ? gas_open_tmp(tmp->dst, 0600)
             : in_place ? open(tmp->dst, O_WRONLY | O_CLOEXEC)
                        : gas_open_tmp(tmp->tmp, 0666);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f && fd >= 0)
        close(fd);
    if (!f) {
        gas_err_set(GAS_EIO, "cannot create %s: %s", in_place ? tmp->dst : tmp->tmp,
                    strerror(errno));
        free(tmp->tmp);
        free(tmp->dst);
        tmp->tmp = tmp->dst = NULL;
    }
    return f;
}

int annot_write_count_log(const struct annot_stats *st, const char *input_name, const char *path,
                          int fresh)
{
    struct out_tmp tmp;
    FILE *f = open_tmp(path, &tmp, fresh);
    if (!f)
        return GAS_EIO;
    fprintf(f, "GAS annotation count log\n");
    fprintf(f, "input: %s\n", input_name);
    build_and_sources(f, st);
    if (st->nwarnings)
        fprintf(f, "warnings: %d (listed at the end)\n", st->nwarnings);
    fprintf(f, "\n");
    counts(f, st);
    if (st->annotated)
        naming(f, st);
    fprintf(f, "\nelapsed: %.3f s (%d record thread%s)\n", st->seconds,
            st->record_threads > 1 ? st->record_threads : 1, st->record_threads > 1 ? "s" : "");
    fprintf(f, "\nwarnings:%s\n", st->nwarnings ? "" : " none");
    for (int i = 0; i < st->nwarnings; i++)
        fprintf(f, "  - %s\n", st->warnings[i]);
    return finish_file(f, tmp, path);
}

/* ------------------------------------------------------------------ JSON */

static cJSON *json_sources(const struct annot_stats *st)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < st->nsources; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", st->source_name[i]);
        cJSON_AddStringToObject(o, "kind", st->source_kind[i]);
        cJSON_AddStringToObject(o, "version", st->source_version[i]);
        cJSON_AddNumberToObject(o, "records_annotated", (double)st->source_hits[i]);
        cJSON_AddStringToObject(o, "contig_naming", style_tag(st->source_styles[i]));
        if (st->source_covers[i][0]) { /* a partial source: where it has data, and its share */
            cJSON *c = cJSON_AddObjectToObject(o, "covers");
            cJSON_AddStringToObject(c, "stretches", st->source_covers[i]);
            cJSON_AddNumberToObject(c, "variant_records", (double)st->source_covered[i]);
            cJSON_AddNumberToObject(c, "records_annotated", (double)st->source_covered_hits[i]);
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static void json_counts(cJSON *o, const struct annot_stats *st)
{
    cJSON *loc = cJSON_AddObjectToObject(o, "location_classes");
    for (int i = 0; i < st->nloc; i++)
        cJSON_AddNumberToObject(loc, st->loc[i].name, (double)st->loc[i].records);
    for (int i = 0; !st->nloc && i < GM_NCLASSES; i++) /* none classed: the same keys, 0 */
        cJSON_AddNumberToObject(loc, gm_class_names[i], 0);
    cJSON *top = cJSON_AddArrayToObject(o, "top_genes");
    for (int i = 0; i < st->ntop; i++) {
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "gene", st->top[i].name);
        cJSON_AddNumberToObject(g, "records", (double)st->top[i].records);
        cJSON_AddItemToArray(top, g);
    }
    cJSON *vc = cJSON_AddObjectToObject(o, "variant_classes");
    cJSON_AddNumberToObject(vc, "alleles", (double)st->alleles);
    cJSON_AddNumberToObject(vc, "snv", (double)st->snv);
    cJSON_AddNumberToObject(vc, "transitions", (double)st->transitions);
    cJSON_AddNumberToObject(vc, "transversions", (double)st->transversions);
    cJSON_AddNumberToObject(vc, "mnv", (double)st->mnv);
    cJSON_AddNumberToObject(vc, "insertion", (double)st->ins);
    cJSON_AddNumberToObject(vc, "deletion", (double)st->del);
    cJSON_AddNumberToObject(vc, "structural", (double)st->structural);
    cJSON_AddNumberToObject(vc, "other", (double)st->other);
    cJSON *cs = cJSON_AddArrayToObject(o, "contigs");
    for (int i = 0; i < st->ncontigs; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", st->contigs[i].name);
        cJSON_AddNumberToObject(c, "records", (double)st->contigs[i].records);
        cJSON_AddNumberToObject(c, "sources_with_contig", st->contigs[i].sources);
        cJSON_AddItemToArray(cs, c);
    }
}

char *annot_count_log_json(const struct annot_stats *st, const char *input_name)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "input", input_name);
    cJSON *e = cJSON_AddObjectToObject(o, "engine");
    cJSON_AddStringToObject(e, "name", "gas");
    cJSON_AddStringToObject(e, "version", ANNOT_ENGINE_VERSION);
    cJSON *b = cJSON_AddObjectToObject(o, "build");
    cJSON_AddStringToObject(b, "name", st->build);
    cJSON_AddStringToObject(b, "decided_by", st->build_tag);
    cJSON_AddStringToObject(b, "how", st->build_how);
    if (st->build_positions[0]) /* "look_like_GRCh37": the records' positions say another */
        cJSON_AddStringToObject(b, "positions", st->build_positions);
    cJSON *rc = cJSON_AddObjectToObject(b, "ref_check");
    cJSON_AddNumberToObject(rc, "positions", (double)st->ref_checked);
    cJSON_AddNumberToObject(rc, "ref_differs", (double)st->ref_differs);
    cJSON_AddBoolToObject(o, "annotated", st->annotated);
    if (!st->annotated)
        cJSON_AddStringToObject(o, "not_annotated_reason", st->not_annotated_why);
    cJSON_AddStringToObject(o, "sources_file", st->sources_path);
    cJSON_AddItemToObject(o, "sources", json_sources(st));
    cJSON_AddNumberToObject(o, "records", (double)st->records);
    cJSON_AddNumberToObject(o, "records_out_of_order", (double)st->unsorted);
    cJSON_AddNumberToObject(o, "reference_only_records", (double)st->ref_only);
    cJSON_AddNumberToObject(o, "records_in_known_sources", (double)st->known);
    cJSON_AddStringToObject(o, "input_contig_naming", style_tag(st->input_styles));
    json_counts(o, st);
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (int i = 0; i < st->nwarnings; i++)
        cJSON_AddItemToArray(w, cJSON_CreateString(st->warnings[i]));
    cJSON_AddNumberToObject(o, "seconds", st->seconds);
    cJSON_AddNumberToObject(o, "record_threads", st->record_threads > 1 ? st->record_threads : 1);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

int annot_write_count_log_json(const struct annot_stats *st, const char *input_name,
                               const char *path, int fresh)
{
    char *text = annot_count_log_json(st, input_name);
    if (!strcmp(path, "-")) {
        int bad = printf("%s\n", text) < 0 || fflush(stdout);
        free(text);
        return bad ? gas_err_set(GAS_EIO, "write to stdout failed") : 0;
    }
    struct out_tmp tmp;
    FILE *f = open_tmp(path, &tmp, fresh);
    if (f)
        fprintf(f, "%s\n", text);
    free(text);
    return f ? finish_file(f, tmp, path) : GAS_EIO;
}
