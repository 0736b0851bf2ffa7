/* annot engine: the record loop. The header is copied with the new ##INFO lines put
 * before #CHROM; each record is checked, matched against the sources and written with
 * only its ID and INFO columns changed (the new INFO text is spliced in, the rest of the
 * line is copied as it was). */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#define MAX_ALLELES     1024
#define COLS_CHECKED    1000 /* records per engine whose columns are counted against #CHROM's */
#define MAX_CONTIG_NAME 255

struct match {
    int allele;
    struct kentry *e;
    int j;
};

/* Consecutive records of one contig in a block: what the count log's per-contig counts
 * and the unsorted count are made of, replayed in input order when the block is merged. */
struct run {
    char contig[MAX_CONTIG_NAME + 1];
    int64_t first, last, max, n, unsorted;
};

/* A block of input lines, annotated by one record worker into its own output text. */
struct eblock {
    struct lblock in;
    kstring_t out;
    struct run *runs;
    int nruns, rcap;
    int rc; /* the first bad line's error, or 0 */
    char msg[1024];
    int done;
};

struct engine {
    const struct annot_opts *o;
    const struct annot_sources *src;
    struct region_set *rs[ANNOT_MAX_SOURCES];
    struct region_set *top_rs; /* the source whose names' records are counted */
    struct tally *tally;       /* or: records per gene of the gene model loc_src */
    int skip_mt;               /* the input's chrM is hg19's, not the sources' rCRS MT */
    int header_cols;           /* the columns #CHROM declares */
    int cols_checked;          /* records whose columns were counted (COLS_CHECKED at most) */
    int skip_contig;           /* the current contig is not annotated (contig_skipped) */
    int build;                 /* the build used (-1: none) */
    int64_t contig_len;        /* the current contig's length in it (0: not known) */
    int loc_src;
    struct known *kn[ANNOT_MAX_SOURCES];
    struct genemodel *gm[ANNOT_MAX_SOURCES];
    struct lreader *in;
    int64_t expanded; /* input bytes read, decompressed */
    struct owriter *out;
    struct annot_stats *st;
    int64_t lineno;     /* of the line being read */
    struct eblock *blk; /* being annotated: records go to blk->out, contigs to its runs */
    struct par *par;    /* a record worker: its queue */
    /* input order, replayed from the blocks' runs (main engine) */
    char ord_contig[MAX_CONTIG_NAME + 1];
    int64_t ord_pos;
    /* header facts */
    struct tally *declared;  /* ##contig IDs, if the header has any (NULL: none) */
    struct tally *slots;     /* main engine: a contig's index in st->contigs, + 1 */
    const char *outkeys[64]; /* INFO ids this run writes, and an earlier GAS run's (stale) */
    int noutkeys;
    uint64_t outkey_said; /* bit k: the input's header declares outkeys[k] (or was told) */
    char *stale[32];      /* an earlier GAS run's INFO ids (the input's header says so) */
    int nstale;
    /* current record */
    char prev_contig[MAX_CONTIG_NAME + 1];
    size_t prev_len;
    char canon[CONTIG_CANON_MAX]; /* its canonical name: what sources are asked for */
    int64_t prev_pos;
    int contig_idx;
    struct nall al[MAX_ALLELES];
    int nal;
    int ref_only; /* the record has no ALT allele but placeholders (a reference block) */
    struct match *m;
    int mcap, nm;
    kstring_t ids, info, names, val;
};

static int line_err(struct engine *g, const char *fmt, const char *detail)
{
    return gas_err_set(GAS_EINVAL, "line %lld: %s%s", (long long)g->lineno, fmt,
                       detail ? detail : "");
}

/* ------------------------------------------------------------------ header */

static void header_info_lines(struct engine *g, kstring_t *h)
{
    for (int s = 0; s < g->src->n; s++) {
        const struct source_def *d = &g->src->src[s];
        if (d->type == SRC_GENEMODEL) {
            genemodel_header(d, h);
            continue;
        }
        if (d->type == SRC_REGION) {
            ksprintf(h,
                     "##INFO=<ID=%s,Number=.,Type=String,Description=\"Overlapping features "
                     "from GAS source %s\">\n",
                     d->field, d->name);
            continue;
        }
        for (int i = 0; i < d->ninfo; i++) {
            const struct info_map *m = &d->info[i];
            const char *num = m->number == NUM_A || m->number == NUM_1 ? "A"
                              : m->number == NUM_R                     ? "R"
                              : m->number == NUM_FLAG                  ? "0"
                                                                       : ".";
            ksprintf(h,
                     "##INFO=<ID=%s,Number=%s,Type=%s,Description=\"%s (%s from GAS source "
                     "%s)\">\n",
                     m->dst, num, m->type, m->description, m->src, d->name);
        }
    }
}

static int is_our_info_line(struct engine *g, const char *line)
{
    if (!strncmp(line, "##GAS_annotation=", 17))
        return 1; /* a re-annotated file keeps only this run's provenance */
    if (strncmp(line, "##INFO=<ID=", 11))
        return 0;
    size_t il = strcspn(line + 11, ",>");
    for (int k = 0; k < g->noutkeys; k++)
        if (strlen(g->outkeys[k]) == il && !memcmp(g->outkeys[k], line + 11, il)) {
            g->outkey_said |= 1ULL << k; /* declared: its replacement is warned here */
            return 1;
        }
    return 0;
}

/* Text fit for an unquoted value of a structured header line. */
static void put_plain(kstring_t *h, const char *s)
{
    for (; *s; s++)
        kputc(strchr(",<>\"=; \t", *s) ? '_' : *s, h);
}

/* ##GAS_annotation=<...>: engine, build and how it was decided, every source's version,
 * and build_positions=look_like_GRCh37 (or lean_to_) when the records say another build. */
static void provenance_line(struct engine *g, kstring_t *h)
{
    struct annot_stats *st = g->st;
    ksprintf(h, "##GAS_annotation=<engine=gas,version=%s,build=%s,build_source=%s,sources=",
             ANNOT_ENGINE_VERSION, st->build[0] ? st->build : "unknown", st->build_tag);
    for (int s = 0; s < st->nsources; s++) {
        if (s)
            kputc(';', h);
        put_plain(h, st->source_name[s]);
        kputc(':', h);
        put_plain(h, st->source_version[s]);
    }
    if (!st->nsources)
        kputs("none", h);
    if (st->build_positions[0]) /* the records' positions point to another build */
        ksprintf(h, ",build_positions=%s", st->build_positions);
    ksprintf(h, ",annotated=%s>\n", st->annotated ? "yes" : "no");
}

static void declare_contig(struct engine *g, const char *line)
{
    const char *id = strstr(line, "ID=");
    if (!id)
        return;
    id += 3;
    size_t n = strcspn(id, ",>");
    if (!g->declared)
        g->declared = tally_new();
    tally_add(g->declared, id, n);
}

/* The tab-separated columns of a line of n bytes. */
static int count_cols(const char *line, size_t n)
{
    int cols = 1;
    for (const char *t = line; (t = memchr(t, '\t', n - (size_t)(t - line))) != NULL; t++)
        cols++;
    return cols;
}

static int open_sources(struct engine *g, const struct engine *like);

/* The INFO fields of an earlier GAS run on the input (its header declares them "from GAS
 * source ...") that this run does not write: removed with this run's, from the header
 * and every record, so that a file annotated again (say as another build) carries no
 * stale values of sources not used now; said once in the warnings (of, the main
 * engine's stats). */
static void drop_stale(struct engine *g, const struct engine *of)
{
    char gone[256] = "";
    size_t l = 0;
    for (int i = 0; i < of->nstale && g->noutkeys < 64; i++) {
        int ours = 0;
        for (int k = 0; k < g->noutkeys && !ours; k++)
            ours = !strcmp(g->outkeys[k], of->stale[i]);
        if (ours)
            continue;
        g->outkeys[g->noutkeys++] = of->stale[i];
        if (g == of && l < sizeof gone)
            l += (size_t)snprintf(gone + l, sizeof gone - l, "%s%s", l ? ", " : "", of->stale[i]);
    }
    if (gone[0])
        annot_add_warning(g->st,
                          "the input was annotated by GAS before: its fields of sources not used "
                          "in this run (%s) were removed; IDs that run added to the ID column "
                          "are kept (annotate the original file to avoid them)",
                          gone);
}

/* The header's ##contig lengths name a build (or no human one): they decide, not checked. */
static int said_by_lengths(const struct build_evidence *e)
{
    int said = e->len_other > 0;
    for (int k = 0; k < ANNOT_NBUILDS; k++)
        said |= e->len_hits[k] > 0;
    return said;
}

/* The build used, as a header, a --build or a sources file gave it, checked against the
 * records' positions: records that sit in another build's exons (a header left over from
 * before a liftover, a pipeline's template header, the wrong --build) are said, not acted
 * on (what the user or the header says is used). */
static void check_positions(struct engine *g, const struct build_evidence *header, int b)
{
    const struct annot_opts *o = g->o;
    struct build_evidence chk = *header;
    chk.pos_build = -1;
    chk.pos_hint[0] = 0;
    build_sample(o->sample_in ? o->sample_in : o->in, o->max_line ? o->max_line : (4u << 20),
                 o->catalog, b, &chk);
    if (chk.pos_build >= 0 && chk.pos_build != b)
        snprintf(g->st->build_positions, sizeof g->st->build_positions, "look_like_%s",
                 annot_build_name(chk.pos_build));
    else if (chk.pos_hint[0])
        snprintf(g->st->build_positions, sizeof g->st->build_positions, "lean_to_%s",
                 annot_build_name(chk.pos_hint_build));
    if (chk.pos_build >= 0 && chk.pos_build != b)
        annot_add_warning(g->st,
                          "%s was used (%s), but the records' positions look like %s's: %s; "
                          "if they are, annotate the file again with --build %s",
                          annot_build_name(b), g->st->build_how, annot_build_name(chk.pos_build),
                          chk.pos_text, annot_build_name(chk.pos_build));
    else if (chk.pos_hint[0])
        annot_add_warning(g->st,
                          "%s was used (%s), but the records' positions lean to another build: "
                          "%s; if it is, annotate the file again "
                          "with --build %s",
                          annot_build_name(b), g->st->build_how, chk.pos_hint,
                          annot_build_name(chk.pos_hint_build));
}

/* The sources for the build the header (or the caller) names; a run without them
 * passes the records through and says why. */
static int choose_sources(struct engine *g, const struct build_evidence *ev)
{
    static const struct annot_sources none = {NULL, 0, -1, NULL, NULL};
    const struct annot_opts *o = g->o;
    int over = o->build ? annot_build_parse(o->build) : -1;
    int def = o->default_build ? annot_build_parse(o->default_build) : ANNOT_GRCH37;
    /* one sources file given for one build: inputs that do not say are taken as its */
    int src_build = o->sources   ? o->sources->build
                    : o->catalog ? annot_catalog_file_build(o->catalog)
                                 : -1;
    int other = o->build && over < 0 && annot_build_not_human(o->build); /* --build mm10 */
    if (o->build && over < 0 && !other)
        return gas_err_set(GAS_EINVAL,
                           "unknown genome build \"%s\" (GRCh37, GRCh38, NCBI36, "
                           "T2T-CHM13, or hg19, hg38, ...; none or another species' "
                           "assembly, such as mm10, for an input that is not human)",
                           o->build);
    struct build_evidence sampled = *ev; /* the records' positions, when the header is silent */
    int said = sampled.name_build >= 0 || said_by_lengths(ev) || sampled.other_genome[0];
    if (!other && over < 0 && src_build < 0 && !said)
        build_sample(o->sample_in ? o->sample_in : o->in, o->max_line ? o->max_line : (4u << 20),
                     o->catalog, def < 0 ? ANNOT_GRCH37 : def, &sampled);
    const struct build_evidence *header = ev;
    ev = &sampled;
    const char *origin = o->build_origin ? o->build_origin : "caller";
    int b = -1;
    if (other) { /* passed through, as a header naming another species' genome is */
        snprintf(g->st->build, sizeof g->st->build, "%s", ANNOT_NOT_HUMAN);
        snprintf(g->st->build_how, sizeof g->st->build_how,
                 "set by the %s (%.40s): a genome that is not human", origin, o->build);
        snprintf(g->st->build_tag, sizeof g->st->build_tag, "override-%s", origin);
        for (char *p = g->st->build_tag; *p; p++)
            *p = *p == ' ' ? '-' : *p;
    } else {
        b = build_decide(ev, over, origin,
                         src_build >= 0 ? src_build
                         : def < 0      ? ANNOT_GRCH37
                                        : def,
                         g->st);
    }
    if (over >= 0) /* what the user wrote: "hg19" */
        snprintf(g->st->build_how, sizeof g->st->build_how, "set by the %s (%.40s)", origin,
                 o->build);
    g->skip_mt = g->st->mt_not_rcrs =
        b == ANNOT_GRCH37 && (ev->mt_len == 16571 || (!ev->mt_len && ev->hg19));
    if (src_build >= 0 && !strcmp(g->st->build_tag, "default")) {
        snprintf(g->st->build_how, sizeof g->st->build_how,
                 "not stated in the header: the build of the sources file given");
        snprintf(g->st->build_tag, sizeof g->st->build_tag, "sources");
    }
    if (b >= 0 && strcmp(g->st->build_tag, "default") && strcmp(g->st->build_tag, "positions"))
        check_positions(g, header, b);
    if (!strcmp(g->st->build_tag, "default") && !ev->rcrs && ev->pos_hint[0])
        annot_add_warning(
            g->st,
            "the header does not say which genome build the input is on: %s (the "
            "configured default) was assumed, but %s (not enough "
            "records to decide): if so, give the build (gas submit --build, gas annotate "
            "--build)",
            annot_build_name(b), ev->pos_hint);
    else if (!strcmp(g->st->build_tag, "default") && !ev->rcrs)
        annot_add_warning(g->st,
                          "the header does not say which genome build the input is on: %s (the "
                          "configured default) was assumed; if its positions are on another "
                          "build, give the build (gas submit --build, gas annotate --build) or "
                          "keep the caller's ##contig lines with their lengths",
                          annot_build_name(b));
    const struct annot_sources *src = o->sources;
    char have[128] = "";
    if (!src && o->catalog) {
        src = annot_catalog_get(o->catalog, b);
        annot_catalog_builds(o->catalog, have, sizeof have);
    } else if (src && src->build >= 0) {
        snprintf(have, sizeof have, "%s", annot_build_name(src->build));
        if (src->build != b)
            src = NULL;
    }
    g->st->annotated = src != NULL;
    if (!src && b < 0) {
        snprintf(g->st->not_annotated_why, sizeof g->st->not_annotated_why,
                 "the input is not on a human genome build (%s), and human genes and "
                 "variants at its positions would be wrong, so the records are passed through "
                 "unannotated. If it is human, give the build (gas submit --build, the job's "
                 "genome_build, gas annotate --build)",
                 g->st->build_how);
        annot_add_warning(g->st, "NOT ANNOTATED: the input is not on a human genome build GAS has "
                                 "sources for (see the top of this log)");
        src = &none;
    } else if (!src) {
        snprintf(g->st->not_annotated_why, sizeof g->st->not_annotated_why,
                 "there are no annotation sources for %s here (there are for %s), and "
                 "another build's genes and variants at %s positions would be wrong, so the "
                 "records are passed through unannotated. %s",
                 annot_build_name(b), have[0] ? have : "no build", annot_build_name(b),
                 over >= 0 ? "If the build given is wrong, give the right one (gas submit "
                             "--build, the job's genome_build, gas annotate --build)"
                           : "If the header is wrong, give the build (gas submit --build, the "
                             "job's genome_build, gas annotate --build)");
        if (g->st->nwarnings < ANNOT_MAX_WARNINGS) /* also last in the log, where a tail shows it */
            snprintf(g->st->warnings[g->st->nwarnings++], sizeof g->st->warnings[0],
                     "NOT ANNOTATED: the input is %s and there are no sources for %s here "
                     "(see the top of this log)",
                     annot_build_name(b), annot_build_name(b));
        src = &none;
    }
    g->src = src;
    /* records past their chromosome's end in the build are left unannotated only with that
     * build's own sources: a sources file for any build (another species') is asked as is */
    g->build = src->build >= 0 ? b : -1;
    snprintf(g->st->sources_path, sizeof g->st->sources_path, "%s",
             src->real   ? src->real
             : src->path ? src->path
                         : "");
    return open_sources(g, NULL);
}

/* Writes the header: the input's lines (less those this run replaces), the new
 * ##INFO lines and the provenance line, then #CHROM. */
static void write_header(struct engine *g, kstring_t *raw, const char *chrom_line, size_t len)
{
    kstring_t h = {0, 0, NULL};
    for (char *p = raw->s, *end = raw->s + raw->l; p && p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        *nl = 0;
        if (!is_our_info_line(g, p)) {
            kputsn(p, (size_t)(nl - p), &h);
            kputc('\n', &h);
        } else if (!strncmp(p, "##INFO=", 7) && !strstr(p, "from GAS source ")) {
            /* not an earlier GAS run's: the input's own field, of the same name */
            int il = (int)strcspn(p + 11, ",>");
            annot_add_warning(g->st,
                              "the input's own INFO field %.*s is replaced by GAS's %.*s, in the "
                              "header and in every record (rename one of them to keep both)",
                              il, p + 11, il, p + 11);
        }
        p = nl + 1;
    }
    header_info_lines(g, &h);
    provenance_line(g, &h);
    kputsn(chrom_line, len, &h);
    kputc('\n', &h);
    ow_add(g->out, h.s, h.l);
    free(h.s);
}

/* Reads the header, decides the build, opens its sources and writes the header; leaves
 * the reader at the first record. */
static int do_header(struct engine *g)
{
    char *line;
    size_t len;
    kstring_t raw = {0, 0, NULL};
    struct build_evidence ev;
    build_evidence_init(&ev);
    int r, rc = 0, first = 1;
    while ((r = lreader_next(g->in, &line, &len)) > 0) {
        g->lineno = lreader_lineno(g->in);
        if (first && len >= 4 && !memcmp(line, "PK\3\4", 4)) {
            rc = line_err(g,
                          "a zip archive, not a VCF file: unzip it (GAS reads VCF as plain "
                          "text, gzip or bgzip, and BCF)",
                          NULL);
            break;
        }
        if (memchr(line, 0, len)) {
            rc = line_err(g, "binary data (a NUL byte): not a VCF text file", NULL);
            break;
        }
        if (first && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) { /* a UTF-8 BOM: skipped */
            line += 3;
            len -= 3;
        }
        const char *cr = memchr(line, '\r', len);
        if (cr && cr + 1 < line + len && cr[1] == '#') {
            rc = line_err(g,
                          "its lines end with CR only (old Mac line endings), not LF or CRLF: "
                          "convert them (tr '\\r' '\\n')",
                          NULL);
            break;
        }
        if (first && strncmp(line, "##fileformat=VCF", 16)) {
            rc = line_err(g, "not a VCF file: it must start with ##fileformat=VCF", NULL);
            break;
        }
        first = 0;
        if (raw.l + len > ANNOT_MAX_HEADER_BYTES) {
            rc = line_err(g,
                          "the header is over 64 MiB before its #CHROM line: not a VCF header "
                          "GAS annotates (a VCF's header is a few kB to a few MB)",
                          NULL);
            break;
        }
        if (!strncmp(line, "##", 2)) {
            if (!strncmp(line, "##contig=<", 10))
                declare_contig(g, line);
            if (!strncmp(line, "##INFO=<ID=", 11) && strstr(line, "from GAS source ") &&
                g->nstale < (int)(sizeof g->stale / sizeof *g->stale))
                g->stale[g->nstale++] = xstrndup(line + 11, strcspn(line + 11, ",>"));
            build_evidence_line(&ev, line);
            kputsn(line, len, &raw);
            kputc('\n', &raw);
            continue;
        }
        if (strncmp(line, "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO", 38) ||
            (line[38] && line[38] != '\t')) {
            rc = line_err(g,
                          !strncmp(line, "#CHROM ", 7)
                              ? "malformed #CHROM header line: its columns are separated by "
                                "spaces, not tabs"
                          : line[0] == '#' ? "malformed #CHROM header line (expected #CHROM, "
                                             "POS, ID, REF, ALT, QUAL, FILTER, INFO separated "
                                             "by tabs)"
                                           : "a record before the #CHROM header line",
                          NULL);
            break;
        }
        g->header_cols = count_cols(line, len);
        rc = choose_sources(g, &ev);
        if (!rc)
            drop_stale(g, g);
        if (!rc)
            write_header(g, &raw, line, len);
        free(raw.s);
        return rc;
    }
    free(raw.s);
    if (r < 0)
        return r;
    if (rc)
        return rc;
    return gas_err_set(GAS_EINVAL, first ? "empty input: no VCF header"
                                         : "no #CHROM header line: not a VCF file");
}

/* ------------------------------------------------------------------ records */

static int contig_index(struct engine *g, const char *name, size_t n)
{
    struct annot_stats *st = g->st;
    size_t key = n < 63 ? n : 63; /* as the counts keep the name */
    if (!g->slots)
        g->slots = tally_new();
    int64_t slot = tally_get(g->slots, name, key);
    if (slot)
        return (int)slot - 1;
    if (st->ncontigs == ANNOT_MAX_CONTIGS)
        return -1;
    memset(&st->contigs[st->ncontigs], 0, sizeof st->contigs[0]); /* see annot_stats_init */
    snprintf(st->contigs[st->ncontigs].name, sizeof st->contigs[0].name, "%.*s", (int)n, name);
    tally_add_count(g->slots, name, key, st->ncontigs + 1);
    return st->ncontigs++;
}

static int contig_declared(struct engine *g, const char *name)
{
    return !g->declared || tally_get(g->declared, name, strlen(name)) > 0;
}

/* How many of s's first n bytes are in set. */
static size_t strspn_n(const char *s, size_t n, const char *set)
{
    size_t i = 0;
    while (i < n && s[i] && strchr(set, s[i]))
        i++;
    return i;
}

static int valid_bases(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)s[i]))
            return 0;
    return n > 0;
}

/* An ALT allele: bases (or *, . ), a symbolic <ID>, a breakend (t[p[, ]p]t, .t, t.; its
 * mate p a contig:position, or an assembled contig's <ctg1>:7), or bases followed by an
 * assembled contig's <ID> (C<ctg1>, VCF 4.2 section 5.4.7). */
static int valid_alt(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] == '<')
        return s[n - 1] == '>' && n > 2;
    const char *lt = memchr(s, '<', n);
    if (lt && (memchr(s, '[', n) || memchr(s, ']', n))) { /* a mate on an assembled contig */
        for (size_t i = 0; i < n; i++)
            if (!isgraph((unsigned char)s[i]))
                return 0;
        return 1;
    }
    if (lt) /* C<ctg1> */
        return valid_bases(s, (size_t)(lt - s)) && s[n - 1] == '>' && n - (size_t)(lt - s) > 2;
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)s[i]) && !strchr("*.[]:0123456789_-", s[i]))
            return 0;
    return 1;
}

static void add_match(struct engine *g, int allele, struct kentry *e, int j)
{
    if (g->nm == g->mcap) {
        g->mcap = g->mcap ? g->mcap * 2 : 16;
        g->m = xrealloc(g->m, (size_t)g->mcap * sizeof *g->m);
    }
    g->m[g->nm++] = (struct match){allele, e, j};
}

/* Matches every allele against the window of known source s. */
static void match_known(struct engine *g, struct known *k)
{
    g->nm = 0;
    int n = known_count(k);
    for (int i = 0; i < g->nal; i++) {
        const struct nall *a = &g->al[i];
        for (int w = 0; w < n; w++) {
            struct kentry *e = known_entry(k, w);
            if (e->q > a->pos || e->qmax < a->pos)
                continue;
            int na = known_alleles(e);
            for (int j = 0; j < na; j++)
                if (allele_equal(a, &e->al[j]))
                    add_match(g, i, e, j);
        }
    }
}

/* The j-th comma-separated element of v (or the whole value when j < 0). */
static void element(const char *v, size_t vl, int j, const char **out, size_t *ol)
{
    if (j < 0) {
        *out = v;
        *ol = vl;
        return;
    }
    const char *p = v, *end = v + vl;
    for (int k = 0; k < j; k++) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        if (!c) {
            *out = ".";
            *ol = 1;
            return;
        }
        p = c + 1;
    }
    const char *c = memchr(p, ',', (size_t)(end - p));
    *out = p;
    *ol = c ? (size_t)(c - p) : (size_t)(end - p);
}

static void add_id(struct engine *g, const char *id, size_t n)
{
    if (n == 0 || (n == 1 && id[0] == '.'))
        return;
    const char *p = g->ids.s, *end = g->ids.l ? g->ids.s + g->ids.l : NULL;
    while (end && p < end) { /* already there? */
        const char *semi = memchr(p, ';', (size_t)(end - p));
        size_t l = semi ? (size_t)(semi - p) : (size_t)(end - p);
        if (l == n && !memcmp(p, id, n))
            return;
        p += l + 1;
    }
    if (g->ids.l)
        kputc(';', &g->ids);
    kputsn(id, n, &g->ids);
}

/* One INFO field from the matches: appends "dst=values" to g->info; 1 if added. */
static int known_field(struct engine *g, const struct info_map *m)
{
    kstring_t *v = &g->val;
    v->l = 0;
    int any = 0;
    if (m->number == NUM_FLAG) {
        for (int x = 0; x < g->nm && !any; x++) {
            const char *val;
            size_t vl;
            any = info_find(g->m[x].e->info, g->m[x].e->info_len, m->src, &val, &vl);
        }
        if (any) {
            if (g->info.l)
                kputc(';', &g->info);
            kputs(m->dst, &g->info);
        }
        return any;
    }
    if (m->number == NUM_OTHER) { /* the first match's value as written */
        for (int x = 0; x < g->nm && !any; x++) {
            const char *val;
            size_t vl;
            if (info_find(g->m[x].e->info, g->m[x].e->info_len, m->src, &val, &vl) && vl) {
                kputsn(val, vl, v);
                any = 1;
            }
        }
    } else {
        int from = m->number == NUM_R ? -1 : 0;
        for (int i = from; i < g->nal; i++) {
            const char *val = ".", *el = ".";
            size_t vl = 1, ell = 1;
            for (int x = 0; x < g->nm; x++) {
                if (i >= 0 && g->m[x].allele != i)
                    continue;
                struct kentry *e = g->m[x].e;
                if (!info_find(e->info, e->info_len, m->src, &val, &vl))
                    continue;
                int j = m->number == NUM_1   ? -1
                        : m->number == NUM_R ? (i < 0 ? 0 : g->m[x].j + 1)
                                             : g->m[x].j;
                element(val, vl, j, &el, &ell);
                break;
            }
            if (i > from)
                kputc(',', v);
            kputsn(el, ell, v);
            if (ell != 1 || el[0] != '.')
                any = 1;
        }
    }
    if (!any)
        return 0;
    if (g->info.l)
        kputc(';', &g->info);
    kputs(m->dst, &g->info);
    kputc('=', &g->info);
    kputsn(v->s, v->l, &g->info);
    return 1;
}

/* Copies INFO without fields this run writes (a re-annotated file keeps one copy). */
static void keep_info(struct engine *g, const char *info, size_t n, kstring_t *out)
{
    if (n == 1 && info[0] == '.')
        return;
    const char *p = info, *end = info + n;
    int counted = 0; /* the record, once; its fields named (GENE, KG_AF) */
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *fe = semi ? semi : end;
        size_t kl = strcspn(p, "=;");
        if (kl > (size_t)(fe - p))
            kl = (size_t)(fe - p);
        int ours = 0, k = 0;
        for (; k < g->noutkeys && !ours; k++)
            ours = strlen(g->outkeys[k]) == kl && !memcmp(g->outkeys[k], p, kl);
        if (ours && !(g->outkey_said & (1ULL << (k - 1)))) { /* not in the header */
            struct annot_stats *st = g->st;
            if (!counted++ && (!st->own_info++ || g->lineno < st->own_info_line)) {
                st->own_info_line = g->lineno;
                snprintf(st->own_info_key, sizeof st->own_info_key, "%.*s",
                         (int)(kl < 31 ? kl : 31), p);
            } else if (counted > 1 && st->own_info_line == g->lineno) { /* the first's others */
                size_t l = strlen(st->own_info_key);
                snprintf(st->own_info_key + l, sizeof st->own_info_key - l, ", %.*s",
                         (int)(kl < 31 ? kl : 31), p);
            }
        }
        if (!ours && fe > p) {
            if (out->l)
                kputc(';', out);
            kputsn(p, (size_t)(fe - p), out);
        }
        p = fe + 1;
    }
}

/* Validates a record line and fills the column pointers; 0 or an error. */
static int split_record(struct engine *g, char *line, size_t len, char *col[9], size_t cl[9],
                        int *ncols)
{
    char *end = line + len;
    const char *tab[8];
    int n = 1 + find_tabs(line, end, tab, 8);
    col[0] = line;
    for (int i = 1; i < n; i++)
        col[i] = (char *)tab[i - 1] + 1;
    if (n < 8) { /* spaces where tabs belong (a copy from a web page, an editor): said */
        char detail[96];
        snprintf(detail, sizeof detail, "%d%s", n,
                 memmem(line, len, "  ", 2) || (n == 1 && memchr(line, ' ', len))
                     ? " (the line has spaces where the VCF needs tabs?)"
                     : "");
        return line_err(g, "expected at least 8 tab-separated columns, found ", detail);
    }
    for (int i = 0; i < 8; i++)
        cl[i] = (size_t)((i + 1 < n ? col[i + 1] - 1 : end) - col[i]);
    cl[8] = n > 8 ? (size_t)(end - col[8]) : 0;
    if (n <= 8)
        col[8] = end;
    if (cl[0] == 0 || cl[0] > MAX_CONTIG_NAME || memchr(col[0], ' ', cl[0]))
        return line_err(g, "CHROM is empty, too long or has a space", NULL);
    if (memchr(line, 0, len))
        return line_err(g, "binary data (a NUL byte)", NULL);
    *ncols = n;
    return 0;
}

static int parse_pos(struct engine *g, const char *s, size_t n, int64_t *pos)
{
    int64_t v = 0;
    if (n == 0)
        return line_err(g, "POS is not a position: ", "empty");
    for (size_t i = 0; i < n; i++) { /* what is not a digit first: "41276044abc" says so */
        if (s[i] < '0' || s[i] > '9') {
            char said[40];
            snprintf(said, sizeof said, "\"%.*s%s\"", (int)(n < 24 ? n : 24), s,
                     n > 24 ? ".." : "");
            return line_err(g, "POS is not a non-negative integer: ", said);
        }
    }
    if (n > 10)
        return line_err(g, "POS is not a position: ", "more than 10 digits");
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    if (v > INT32_MAX)
        return line_err(g, "POS is larger than 2^31-1", NULL);
    *pos = v;
    return 0;
}

/* An SNV's kind: 1 a transition (A<->G, C<->T), 2 a transversion, 0 neither (N, IUPAC).
 * With A, C, G, T as 0-3, a transition's two bases differ in bit 1 only. */
static int snv_kind(char r, char a)
{
    static const char code[4] = {'A', 'C', 'G', 'T'};
    const char *pr = memchr(code, r & ~0x20, 4), *pa = memchr(code, a & ~0x20, 4);
    if (!pr || !pa || !r || !a)
        return 0;
    return ((pr - code) ^ (pa - code)) == 2 ? 1 : 2;
}

/* Splits ALT into trimmed alleles and counts their classes. */
static int parse_alleles(struct engine *g, int64_t pos, const char *ref, size_t rl, const char *alt,
                         size_t al)
{
    g->nal = 0;
    g->ref_only = 1;
    int placeholders = 0;
    if (al == 1 && alt[0] == '.') {
        g->st->ref_only++;
        return 0; /* no ALT: a reference site */
    }
    const char *p = alt, *end = alt + al;
    while (p <= end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *ae = c ? c : end;
        if (!valid_alt(p, (size_t)(ae - p)))
            return line_err(g, "ALT has an empty or malformed allele", NULL);
        if (g->nal == MAX_ALLELES)
            return line_err(g, "more than 1024 ALT alleles", NULL);
        struct nall *a = &g->al[g->nal++];
        allele_trim(pos, ref, (uint32_t)rl, p, (uint32_t)(ae - p), a);
        size_t n = (size_t)(ae - p);
        /* a gVCF's "any other allele" is no variant: not counted among the ALT alleles;
         * nor are Complete Genomics' no-call regions and CNV windows (coverage) */
        if ((n == 9 && !memcmp(p, "<NON_REF>", 9)) || (n == 3 && !memcmp(p, "<*>", 3)) ||
            (n == 12 && !memcmp(p, "<CGA_NOCALL>", 12)) ||
            (n == 12 && !memcmp(p, "<CGA_CNVWIN>", 12))) {
            placeholders++;
            p = ae + 1;
            continue;
        }
        switch (allele_classify(a)) {
        case AC_SNV:
            g->st->snv++;
            switch (snv_kind(a->ref[0], a->alt[0])) {
            case 1: g->st->transitions++; break;
            case 2: g->st->transversions++; break;
            }
            break;
        case AC_MNV: g->st->mnv++; break;
        case AC_INS: g->st->ins++; break;
        case AC_DEL: g->st->del++; break;
        case AC_OTHER: /* a structural variant's symbolic allele or breakend, or neither */
            if (memchr(p, '<', n) || memchr(p, '[', n) || memchr(p, ']', n) ||
                (n > 1 && (p[0] == '.' || p[n - 1] == '.')))
                g->st->structural++;
            else
                g->st->other++;
            break;
        }
        p = ae + 1;
    }
    g->st->alleles += g->nal - placeholders;
    g->ref_only = g->nal == placeholders;
    g->st->ref_only += g->ref_only;
    return 0;
}

/* A contig the sources have but whose positions are not theirs: hg19's chrM (skip_mt), or
 * another build's RefSeq accession (NC_000017.10, GRCh37's chr17, in a GRCh38 job). */
static int contig_skipped(const struct engine *g, const char *name, const char *canon)
{
    if (g->skip_mt && !strcmp(canon, "MT"))
        return 1;
    int rb = build_of_refseq(name);
    return g->build >= 0 && rb >= 0 && rb != g->build;
}

/* How many sources have the contig name (canonical: canon) (under any of its names). */
static int sources_knowing(struct engine *g, const char *name, const char *canon, int skip,
                           uint32_t *mask)
{
    int n = 0;
    *mask = 0;
    for (int s = 0; s < g->src->n && !skip; s++) {
        int has = g->rs[s]   ? region_has_contig(g->rs[s], canon)
                  : g->gm[s] ? genemodel_has_contig(g->gm[s], canon)
                             : known_has_contig(g->kn[s], canon);
        *mask |= (uint32_t)has << s;
        n += has;
    }
    g->st->input_styles |= contig_style_bit(name);
    return n;
}

/* The record's contig and position: a new contig (checked against the header, named for
 * the sources) starts a run of the block. */
static int track_order(struct engine *g, const char *chrom, size_t cn, int64_t pos)
{
    struct eblock *b = g->blk;
    if (g->prev_len != cn || memcmp(g->prev_contig, chrom, cn)) {
        memcpy(g->prev_contig, chrom, cn);
        g->prev_contig[cn] = 0;
        g->prev_len = cn;
        if (!g->st->undeclared_line && !contig_declared(g, g->prev_contig))
            g->st->undeclared_line = g->lineno; /* warned (as bcftools does), not refused */
        contig_canon(chrom, cn, g->canon, sizeof g->canon);
        g->skip_contig = contig_skipped(g, g->prev_contig, g->canon);
        g->contig_len = build_contig_len(g->build, g->canon);
        if (b->nruns == b->rcap) {
            b->rcap = b->rcap ? b->rcap * 2 : 4;
            b->runs = xrealloc(b->runs, (size_t)b->rcap * sizeof *b->runs);
        }
        struct run *r = &b->runs[b->nruns++];
        memcpy(r->contig, g->prev_contig, cn + 1);
        r->first = r->max = pos;
        r->n = r->unsorted = 0;
    } else if (pos < g->prev_pos) {
        b->runs[b->nruns - 1].unsorted++;
    }
    struct run *r = &b->runs[b->nruns - 1];
    r->last = pos;
    r->max = pos > r->max ? pos : r->max;
    r->n++;
    g->prev_pos = pos;
    return 0;
}

/* A block's run in input order (main engine): records per contig, contigs that come back
 * and positions that go back (unsorted), which sources know each contig. */
static void replay_run(struct engine *g, const struct run *r)
{
    struct annot_stats *st = g->st;
    if (strcmp(g->ord_contig, r->contig)) {
        size_t cn = strlen(r->contig);
        memcpy(g->ord_contig, r->contig, cn + 1);
        char canon[CONTIG_CANON_MAX];
        contig_canon(r->contig, cn, canon, sizeof canon);
        int ci = contig_index(g, r->contig, cn);
        if (ci >= 0 && st->contigs[ci].records > 0)
            st->unsorted++; /* the contig comes back: sources are re-read via the index */
        else if (ci >= 0) {
            st->contigs[ci].sources =
                sources_knowing(g, r->contig, canon, contig_skipped(g, r->contig, canon),
                                &st->contigs[ci].src_mask);
            st->contigs[ci].undeclared = !contig_declared(g, r->contig);
        }
        g->contig_idx = ci;
    } else if (r->first < g->ord_pos) {
        st->unsorted++;
    }
    st->unsorted += r->unsorted;
    g->ord_pos = r->last;
    if (g->contig_idx >= 0) {
        struct annot_contig_count *c = &st->contigs[g->contig_idx];
        c->records += r->n;
        c->max_pos = r->max > c->max_pos ? r->max : c->max_pos;
    } else {
        st->unlisted_records += r->n; /* past ANNOT_MAX_CONTIGS contigs: said as a sum */
    }
}

/* A gene model's record: its location class, and its genes (the GENE= it wrote from
 * info[from]) counted. */
const char *const gm_class_names[GM_NCLASSES] = {"exonic",     "intronic",   "upstream",
                                                 "downstream", "intergenic", "no genes on contig"};

static void gene_model_stats(struct engine *g, enum gm_loc loc, size_t from)
{
    struct annot_stats *st = g->st;
    if (!st->nloc)
        for (int i = 0; i < GM_NCLASSES; i++)
            snprintf(st->loc[st->nloc++].name, sizeof st->loc[0].name, "%s", gm_class_names[i]);
    st->loc[loc == GM_NONE ? st->nloc - 1 : (int)loc - GM_EXONIC].records++;
    const char *p = g->info.s + from, *end = g->info.s + g->info.l;
    if (p < end && *p == ';')
        p++;
    if (end - p > 5 && !memcmp(p, GM_GENE "=", 5)) {
        const char *semi = memchr(p + 5, ';', (size_t)(end - p - 5));
        tally_add_list(g->tally, p + 5, (size_t)((semi ? semi : end) - p - 5));
    }
}

/* Known source s matched: its IDs (each once) and its INFO fields. */
static void known_matched(struct engine *g, const struct source_def *d)
{
    if (d->copy_id)
        for (int x = 0; x < g->nm; x++) {
            const char *id = g->m[x].e->id, *end = id + g->m[x].e->id_len;
            while (id < end) {
                const char *semi = memchr(id, ';', (size_t)(end - id));
                const char *ie = semi ? semi : end;
                add_id(g, id, (size_t)(ie - id));
                id = ie + 1;
            }
        }
    for (int f = 0; f < d->ninfo; f++)
        known_field(g, &d->info[f]);
}

/* The value of key (with its '=') in an INFO column, or NULL (*vl its length). */
static const char *info_value(const char *info, size_t n, const char *key, size_t *vl)
{
    size_t kl = strlen(key);
    for (const char *p = info, *end = info + n; p < end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        size_t fl = semi ? (size_t)(semi - p) : (size_t)(end - p);
        if (fl >= kl && !memcmp(p, key, kl)) {
            *vl = fl - kl;
            return p + kl;
        }
        p += fl + 1;
    }
    return NULL;
}

/* The value of key (with its '=') in an INFO column, as an integer; 0 if absent or not one. */
/* The integer that is all of p's l bytes (a sign, then digits), or 0 when it is not one. */
static int64_t whole_int(const char *p, size_t l)
{
    int64_t v = 0;
    int neg = l && p[0] == '-';
    size_t i = (size_t)(l && (p[0] == '-' || p[0] == '+'));
    size_t digits = i;
    for (; i < l && p[i] >= '0' && p[i] <= '9' && v < INT64_MAX / 10 - 10; i++)
        v = v * 10 + (p[i] - '0');
    return i == l && i > digits ? (neg ? -v : v) : 0;
}

static int64_t info_int(const char *info, size_t n, const char *key)
{
    size_t vl = 0;
    const char *p = info_value(info, n, key, &vl);
    return p ? whole_int(p, vl) : 0;
}

/* INFO SVLEN's longest length: one per ALT in VCF 4.4 (SVLEN=90000,90000 for
 * <CNV>,<DEL>; negative for deletions before 4.4); "." values and others not numbers are
 * passed over; 0 when none. */
static int64_t svlen_longest(const char *info, size_t n)
{
    size_t vl = 0;
    const char *p = info_value(info, n, "SVLEN=", &vl), *e = p ? p + vl : NULL;
    int64_t best = 0;
    while (p && p < e) {
        const char *c = memchr(p, ',', (size_t)(e - p));
        size_t l = (size_t)((c ? c : e) - p);
        int64_t v = whole_int(p, l);
        v = v < 0 ? -v : v;
        best = v > best ? v : best;
        p += l + 1;
    }
    return best;
}

/* 0 when a symbolic record's END is not on its own contig: a translocation (<TRA>, <BND>,
 * <CTX>) joins two places, and INFO's CHR2 naming another contig (Delly, Sniffles, SVABA)
 * says END is the mate's position there. Such a record covers its breakpoint (its REF),
 * not the bases from POS to a number on another chromosome. */
static int same_contig_end(struct engine *g, const char *alt, size_t al, const char *info,
                           size_t il)
{
    for (const char *p = alt, *e = alt + al; (p = memchr(p, '<', (size_t)(e - p))) != NULL; p++)
        if (e - p > 4 && (!memcmp(p, "<TRA", 4) || !memcmp(p, "<BND", 4) || !memcmp(p, "<CTX", 4)))
            return 0;
    size_t vl = 0;
    const char *v = info_value(info, il, "CHR2=", &vl);
    if (!v || !vl)
        return 1;
    char canon[CONTIG_CANON_MAX];
    contig_canon(v, vl, canon, sizeof canon);
    return !strcmp(canon, g->canon);
}

/* The bases a record covers from pos: its REF's, or for a symbolic ALT (<DEL>, <DUP>,
 * <INV>, <CNV>, <CN0>, a gVCF block's <NON_REF>) through INFO's END, else SVLEN's length past
 * the padding base: a deletion of all of a gene is in that gene, not by POS intergenic. */
static int64_t record_span(struct engine *g, int64_t pos, size_t rl, const char *alt, size_t al,
                           const char *info, size_t il)
{
    if (!memchr(alt, '<', al) || !same_contig_end(g, alt, al, info, il))
        return (int64_t)rl;
    /* SVLEN is the reference's length only for these (an insertion's is what it adds):
     * deletions, duplications, inversions and copy-number changes (<CNV>, and a copy
     * number's own allele <CN0>, <CN1>, ... as CNVnator, Canvas and 1000 Genomes write) */
    int spans = 0;
    for (const char *p = alt, *e = alt + al; (p = memchr(p, '<', (size_t)(e - p))) != NULL; p++)
        spans |= (e - p > 4 && (!memcmp(p, "<DEL", 4) || !memcmp(p, "<DUP", 4) ||
                                !memcmp(p, "<INV", 4) || !memcmp(p, "<CNV", 4))) ||
                 (e - p > 4 && !memcmp(p, "<CN", 3) && isdigit((unsigned char)p[3]));
    struct annot_stats *st = g->st;
    int64_t end = info_int(info, il, "END=");
    if (end >= pos + (int64_t)rl) {
        int64_t svlen = spans ? svlen_longest(info, il) : 0;
        int64_t d = svlen - (end - pos); /* callers differ by one base: not warned */
        if (svlen > 0 && (d > 1 || d < -1) &&
            (!st->sv_len_differs++ || g->lineno < st->sv_len_differs_line))
            st->sv_len_differs_line = g->lineno;
        return end - pos + 1;
    }
    size_t vl = 0;
    const char *v = info_value(info, il, "END=", &vl);
    if (v && (end < pos || end > INT32_MAX) && !(vl == 1 && *v == '.')) { /* said, not used */
        if (!st->bad_end++ || g->lineno < st->bad_end_line) {
            st->bad_end_line = g->lineno;
            snprintf(st->bad_end_value, sizeof st->bad_end_value, "%.*s", (int)(vl < 20 ? vl : 20),
                     v);
        }
    }
    int64_t svlen = spans ? svlen_longest(info, il) : 0;
    if (svlen > 0 && svlen < INT64_MAX / 2)
        return svlen + 1;
    if (spans && (!st->sv_no_extent++ || g->lineno < st->sv_no_extent_line))
        st->sv_no_extent_line = g->lineno;
    return (int64_t)rl;
}

/* The build check: a known source's variant that starts at pos has the reference base there
 * as its REF's first base, as the record's REF has when both are on one build (whatever
 * their indels' representation); on another build they agree by chance only. Counts the
 * record once: 1 when a variant of k starts at pos. */
static int ref_check(struct engine *g, struct known *k, int64_t pos, char ref0)
{
    int n = known_count(k);
    for (int w = 0; w < n; w++) {
        const struct kentry *e = known_entry(k, w);
        if (e->q != pos || !e->ref_len || !strchr("ACGTacgt", e->ref[0]) || !ref0 ||
            !strchr("ACGTacgt", ref0))
            continue;
        g->st->ref_checked++;
        g->st->ref_differs += (toupper((unsigned char)e->ref[0]) != toupper((unsigned char)ref0));
        return 1;
    }
    return 0;
}

/* The bases a record's sequence alleles change, for the gene model: a deletion's padding
 * base (AT>A at an exon's last base deletes the intron's first) is not one of them, so
 * it does not decide the location class (VEP and ANNOVAR trim it too). An insertion keeps
 * its padding base (it lies next to it); symbolic alleles keep the record's span. Sets
 * *from (1-based) and *len; 0 when the record's span stands. */
static int changed_bases(const struct engine *g, int64_t *from, int64_t *len)
{
    int64_t lo = INT64_MAX, hi = 0;
    for (int i = 0; i < g->nal; i++) {
        const struct nall *a = &g->al[i];
        if (a->symbolic && ((a->alen == 9 && !memcmp(a->alt, "<NON_REF>", 9)) ||
                            (a->alen == 3 && !memcmp(a->alt, "<*>", 3))))
            continue; /* a gVCF's "any other allele" */
        if (a->symbolic)
            return 0;
        int64_t s = a->pos, e = a->pos + (int64_t)a->rlen - 1;
        if (a->alen == 1 && a->rlen > 1 &&
            toupper((unsigned char)a->ref[0]) == toupper((unsigned char)a->alt[0]))
            s++; /* a deletion's padding base */
        lo = s < lo ? s : lo;
        hi = e > hi ? e : hi;
    }
    if (!g->nal || hi < lo)
        return 0;
    *from = lo;
    *len = hi - lo + 1;
    return 1;
}

/* Asks every source about the record at pos with a REF of rlen bases, covering span bases
 * (rlen, or a structural variant's extent: record_span), on the contig whose canonical
 * name is chrom; appends to g->ids and g->info. Regions are asked about the span, gene
 * models about the bases the alleles change (changed_bases), known variants about the
 * REF. */
static int annotate_sources(struct engine *g, const char *chrom, int64_t pos, int64_t rlen,
                            int64_t span, char ref0)
{
    int64_t gm_from = pos, gm_len = span; /* a structural variant's span stands */
    if (span == rlen)
        changed_bases(g, &gm_from, &gm_len);
    int known_hit = 0, ref_checked = 0, rc;
    for (int s = 0; s < g->src->n && !g->skip_contig; s++) {
        const struct source_def *d = &g->src->src[s];
        int hit = 0;
        if (d->type == SRC_REGION) {
            g->names.l = 0;
            if (region_names(g->rs[s], chrom, pos - 1, pos - 1 + span, !g->ref_only, &g->names)) {
                if (g->info.l)
                    kputc(';', &g->info);
                kputs(d->field, &g->info);
                kputc('=', &g->info);
                kputsn(g->names.s, g->names.l, &g->info);
                hit = 1;
            }
        } else if (d->type == SRC_GENEMODEL) {
            size_t from = g->info.l;
            enum gm_loc loc =
                genemodel_annotate(g->gm[s], chrom, gm_from - 1, gm_from - 1 + gm_len, &g->info);
            hit = loc != GM_NONE;
            if (g->tally && s == g->loc_src && !g->ref_only) /* of the variant records */
                gene_model_stats(g, loc, from);
        } else if (g->nal) {
            if ((rc = known_prepare(g->kn[s], chrom, pos, pos + rlen - 1)) != 0)
                return rc;
            match_known(g, g->kn[s]);
            if (!ref_checked)
                ref_checked = ref_check(g, g->kn[s], pos, ref0);
            if (g->nm) {
                hit = known_hit = 1;
                known_matched(g, d);
            }
            for (int k = 0; k < d->ncovers; k++) /* within what a partial source covers */
                if (pos >= d->covers[k].lo && pos <= d->covers[k].hi &&
                    !strcmp(chrom, d->covers[k].contig)) {
                    g->st->source_covered[s]++;
                    g->st->source_covered_hits[s] += hit;
                    break;
                }
        }
        g->st->source_hits[s] += hit;
    }
    g->st->known += known_hit;
    return 0;
}

static int do_record(struct engine *g, char *line, size_t len)
{
    char *col[9];
    size_t cl[9];
    int64_t pos = 0;
    int ncols = 0;
    int rc = split_record(g, line, len, col, cl, &ncols);
    if (!rc && g->cols_checked < COLS_CHECKED && g->header_cols) {
        /* the first records of each block: as many columns as #CHROM declares (a sample
         * column short or too many, by a hand-edited or concatenated file): warned */
        g->cols_checked++;
        int n = count_cols(line, len);
        struct annot_stats *st = g->st;
        if (n != g->header_cols && (!st->cols_differ++ || g->lineno < st->cols_differ_line)) {
            st->cols_differ_line = g->lineno;
            st->cols_differ_n = n;
            st->cols_header = g->header_cols;
        }
    }
    if (!rc)
        rc = parse_pos(g, col[1], cl[1], &pos);
    /* REF "." for a structural variant (novoBreak and TIGRA write it): not bases as the
     * VCF spec asks, but its position and END are all that is annotated; counted, warned */
    int ref_dot = !rc && cl[3] == 1 && col[3][0] == '.' && ncols > 4 && col[4][0] == '<';
    g->st->ref_dot += ref_dot;
    if (!rc && !ref_dot && !valid_bases(col[3], cl[3]))
        rc = line_err(g, "REF is empty or not bases", NULL);
    if (!rc && !ref_dot && strspn_n(col[3], cl[3], "ACGTNacgtn") < cl[3]) {
        struct annot_stats *st = g->st; /* annotated, and said */
        if (!st->ref_odd++ || g->lineno < st->ref_odd_line) {
            st->ref_odd_line = g->lineno;
            snprintf(st->ref_odd_value, sizeof st->ref_odd_value, "%.*s%s",
                     (int)(cl[3] < 10 ? cl[3] : 10), col[3], cl[3] > 10 ? ".." : "");
        }
    }
    if (!rc)
        rc = track_order(g, col[0], cl[0], pos);
    if (!rc)
        rc = parse_alleles(g, pos, col[3], cl[3], col[4], cl[4]);
    if (rc)
        return rc;
    g->st->records++;
    const char *chrom = g->canon;

    g->ids.l = 0;
    g->info.l = 0;
    if (!(cl[2] == 1 && col[2][0] == '.'))
        kputsn(col[2], cl[2], &g->ids);
    keep_info(g, col[7], cl[7], &g->info);
    int64_t span = record_span(g, pos, cl[3], col[4], cl[4], col[7], cl[7]);
    struct run *spanned = &g->blk->runs[g->blk->nruns - 1]; /* an END past the chromosome's */
    if (pos + span - 1 > spanned->max)                      /* end is reported as a POS is */
        spanned->max = pos + span - 1;
    if (g->contig_len && pos > g->contig_len) /* off the chromosome: no gene is there */
        g->st->past_end++;
    else if ((rc = annotate_sources(g, chrom, pos, (int64_t)cl[3], span, col[3][0])) != 0)
        return rc;

    /* CHROM POS | ID | REF ALT QUAL FILTER | INFO | rest */
    kstring_t *o = &g->blk->out;
    size_t need = len + g->ids.l + g->info.l + 4;
    if (o->l + need > o->m) {
        o->m = (o->l + need) * 3 / 2;
        o->s = xrealloc(o->s, o->m);
    }
    char *w = o->s + o->l;
    w = mempcpy(w, line, (size_t)(col[2] - line));
    if (g->ids.l)
        w = mempcpy(w, g->ids.s, g->ids.l);
    else
        *w++ = '.';
    w = mempcpy(w, col[3] - 1, (size_t)(col[7] - col[3] + 1));
    if (g->info.l)
        w = mempcpy(w, g->info.s, g->info.l);
    else
        *w++ = '.';
    if (ncols > 8) /* FORMAT and samples, as they were */
        w = mempcpy(w, col[8] - 1, (size_t)(line + len - col[8] + 1));
    *w++ = '\n';
    o->l = (size_t)(w - o->s);
    return 0;
}

/* ------------------------------------------------------------------ run */

/* A source's kind and version for the log and the provenance line: its "version" key,
 * else what its header says (known sources), else the date of its file. */
static void source_facts(struct engine *g, int s)
{
    const struct source_def *d = &g->src->src[s];
    struct annot_stats *st = g->st;
    if (d->type == SRC_KNOWN)
        known_contig_list(g->kn[s], st->source_contigs[s], sizeof st->source_contigs[s]);
    snprintf(st->source_kind[s], sizeof st->source_kind[s], "%s",
             d->type == SRC_REGION      ? "region"
             : d->type == SRC_GENEMODEL ? "genes"
                                        : "known");
    const char *v = d->version                 ? d->version
                    : d->type == SRC_KNOWN     ? known_version(g->kn[s])
                    : d->type == SRC_GENEMODEL ? genemodel_version(g->gm[s])
                                               : NULL;
    struct stat sb;
    if (v && *v)
        snprintf(st->source_version[s], sizeof st->source_version[s], "%s", v);
    else if (stat(d->file, &sb) == 0) {
        struct tm tm;
        gmtime_r(&sb.st_mtime, &tm);
        strftime(st->source_version[s], sizeof st->source_version[s], "file of %Y-%m-%d", &tm);
    } else
        snprintf(st->source_version[s], sizeof st->source_version[s], "unversioned");
    if (d->type == SRC_GENEMODEL && !g->tally) { /* genes and classes from the gene model */
        g->tally = tally_new();
        g->loc_src = s;
        snprintf(st->top_source, sizeof st->top_source, "%s", d->name);
    }
}

/* The first region source gives the top names when there is no gene model. */
static void choose_top_source(struct engine *g)
{
    for (int s = 0; s < g->src->n && !g->tally; s++)
        if (g->src->src[s].type == SRC_REGION) {
            region_count_names(g->rs[s]);
            snprintf(g->st->top_source, sizeof g->st->top_source, "%s", g->src->src[s].name);
            g->top_rs = g->rs[s];
            return;
        }
}

/* Opens the sources; a record worker's (like: the main engine) are views of the main
 * engine's: the same regions, gene models and indexes, their own scratch and readers. */
static int open_sources(struct engine *g, const struct engine *like)
{
    for (int s = 0; s < g->src->n; s++) {
        const struct source_def *d = &g->src->src[s];
        int rc = 0;
        if (like && like->rs[s])
            g->rs[s] = region_view(like->rs[s]);
        else if (like && like->gm[s])
            g->gm[s] = genemodel_view(like->gm[s]);
        else if (like && like->kn[s])
            rc = known_clone(like->kn[s], &g->kn[s]);
        else
            rc = d->type == SRC_REGION      ? region_take(d, &g->rs[s])
                 : d->type == SRC_GENEMODEL ? genemodel_take(d, &g->gm[s])
                                            : known_take(d, &g->kn[s]);
        if (rc)
            return rc;
        source_facts(g, s);
        g->st->source_styles[s] = d->type == SRC_REGION      ? region_styles(g->rs[s])
                                  : d->type == SRC_GENEMODEL ? genemodel_styles(g->gm[s])
                                                             : known_styles(g->kn[s]);
        if (d->type == SRC_REGION)
            g->outkeys[g->noutkeys++] = d->field;
        for (int f = 0; d->type == SRC_GENEMODEL && genemodel_fields[f] && g->noutkeys < 64; f++)
            g->outkeys[g->noutkeys++] = genemodel_fields[f];
        for (int i = 0; i < d->ninfo && g->noutkeys < 64; i++)
            g->outkeys[g->noutkeys++] = d->info[i].dst;
        snprintf(g->st->source_name[s], sizeof g->st->source_name[s], "%s", d->name);
        char *cv = g->st->source_covers[s];
        cv[0] = 0;
        for (int k = 0; k < d->ncovers; k++) {
            size_t l = strlen(cv);
            snprintf(cv + l, sizeof g->st->source_covers[s] - l, "%s%s:%lld-%lld", k ? ", " : "",
                     d->covers[k].contig, (long long)d->covers[k].lo, (long long)d->covers[k].hi);
        }
    }
    g->st->nsources = g->src->n;
    choose_top_source(g);
    return 0;
}

int annot_sources_check(const struct annot_sources *s)
{
    struct engine g;
    memset(&g, 0, sizeof g);
    g.src = s;
    g.st = xcalloc(1, sizeof *g.st);
    int rc = open_sources(&g, NULL);
    for (int i = 0; i < s->n; i++) {
        known_keep(&s->src[i], g.kn[i]);
        region_keep(&s->src[i], g.rs[i]);
        genemodel_keep(&s->src[i], g.gm[i]);
    }
    tally_free(g.tally);
    free(g.st);
    return rc;
}

/* The genes with the most records into the stats; the sources closed. */
static void close_sources(struct engine *g)
{
    struct annot_stats *st = g->st;
    if (g->top_rs || g->tally) {
        const char *names[10];
        int64_t counts[10];
        st->ntop = g->tally ? tally_top(g->tally, 10, names, counts)
                            : region_top_names(g->top_rs, 10, names, counts);
        for (int i = 0; i < st->ntop; i++) {
            snprintf(st->top[i].name, sizeof st->top[i].name, "%s", names[i]);
            st->top[i].records = counts[i];
        }
    }
    for (int s = 0; s < g->src->n; s++) {
        if (g->kn[s])
            st->seeks += known_seeks(g->kn[s]);
        known_keep(&g->src->src[s], g->kn[s]);
        region_keep(&g->src->src[s], g->rs[s]);
        genemodel_keep(&g->src->src[s], g->gm[s]);
    }
    tally_free(g->tally);
}

/* ------------------------------------------------------------------ blocks
 *
 * Threads: the calling thread reads the records in blocks of whole lines (lreader_block)
 * and queues them for the record workers. Each worker has its own engine: its own open
 * sources (so its own known-source reader, which seeks to each block it is given), its
 * own counters and output text. The calling thread merges the annotated blocks in input
 * order: their text goes to the writer, their runs are replayed into the per-contig
 * counts, and the first bad line in input order is the run's error. An input of one
 * block (small jobs), or opts->threads 0, is annotated on the calling thread.
 * The mutex guards queued, taken, done, skip and stop; a block is the calling thread's
 * until queued and again once done, its worker's in between. */

#define BLOCK_BYTES (1u << 20)
#define MAX_WORKERS 8

struct par {
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    struct eblock *ring;
    int nb;
    int64_t queued, taken; /* blocks queued (by sequence number), taken by workers */
    int skip;              /* an earlier block failed: the rest need no work */
    int stop;              /* no more blocks */
    int nw;
    struct engine *w[MAX_WORKERS];
    pthread_t th[MAX_WORKERS];
};

/* Annotates a block's lines into b->out; the first bad line's error in b->rc, b->msg. */
/* The input's last line, which had no newline: with fewer columns than #CHROM declares,
 * the file was cut short (a copy or download that stopped), not a record to keep. */
static int cut_short(struct engine *g, const char *line, size_t n)
{
    int cols = count_cols(line, n);
    if (cols >= g->header_cols)
        return 0;
    char detail[160];
    snprintf(detail, sizeof detail,
             "%d of the %d columns #CHROM declares, and no newline at its "
             "end: the file was cut short (truncated); copy or upload it again",
             cols, g->header_cols);
    return line_err(g, "the last line has ", detail);
}

/* A small compressed input can expand without bound (a "zip bomb" of records), and its
 * result with it: the input's bytes once decompressed are bounded (max_expanded), and
 * at the first block and every 64th the output's file system must keep min_free bytes free (it
 * holds the other jobs' results and, on one machine, the database). */
static int within_bounds(struct engine *g, const char *text, size_t len, int64_t line0, int64_t seq)
{
    int64_t before = g->expanded;
    g->expanded += (int64_t)len;
    const struct annot_opts *o = g->o;
    if (o->max_expanded > 0 && g->expanded > o->max_expanded) {
        /* the line the limit falls in: the block's lines counted up to it */
        int64_t line = line0 + 1, upto = o->max_expanded - before;
        for (const char *p = text, *e = text + (upto < (int64_t)len ? upto : (int64_t)len);
             (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
            line++;
        return gas_err_set(GAS_ETOOBIG,
                           "line %lld: the input is larger than %lld bytes once decompressed "
                           "(the max_input_expanded_bytes setting)",
                           (long long)line, (long long)o->max_expanded);
    }
    if (o->min_free > 0 && seq % 64 == 0 && o->out && strcmp(o->out, "-")) {
        char *dir = xstrdup(o->out), *slash = strrchr(dir, '/');
        if (slash)
            slash[slash == dir] = 0;
        struct statvfs sv;
        int rc = statvfs(slash ? dir : ".", &sv);
        free(dir);
        double avail = (double)sv.f_bavail * (double)sv.f_frsize;
        if (rc == 0 && avail < (double)o->min_free)
            return gas_err_set(GAS_EIO,
                               "line %lld: stopped: the disk holding the result has %.0f MiB "
                               "free, less than the min_free_bytes setting (%lld MiB)",
                               (long long)line0 + 1, avail / 1048576,
                               (long long)(o->min_free >> 20));
    }
    return 0;
}

/* Contigs that only one build has, by name: a record on one says which build the input
 * is on. When the header said nothing and the default was taken, and the records are on
 * another build's contigs, the result is wrong at every position: a warning says so (the
 * records went by: the job is not re-read). */
static void build_from_contigs(struct annot_stats *st)
{
    static const struct {
        const char *build, *parts[5];
    } only[] = {
        {"GRCh38", {"KI270", "chrEBV", "_alt", "HLA-", NULL}},
        {"GRCh37", {"GL000", "hs37d5", "NC_007605", NULL}},
    };
    if (st->annotated) { /* a great ape's chromosome 2A/2B: any human build is wrong */
        char apes[96] = "", canon[CONTIG_CANON_MAX];
        for (int i = 0; i < st->ncontigs; i++) {
            contig_canon(st->contigs[i].name, strlen(st->contigs[i].name), canon, sizeof canon);
            if (ape_chrom2(canon))
                snprintf(apes + strlen(apes), sizeof apes - strlen(apes), "%s%.30s",
                         apes[0] ? ", " : "", st->contigs[i].name);
        }
        if (apes[0])
            annot_add_warning(st,
                              "records on %s: a great ape's chromosome 2A or 2B (human has no "
                              "2A or 2B, its chromosome 2 is the two fused): the input is "
                              "probably not human, and human genes at its positions are wrong",
                              apes);
    }
    if (strcmp(st->build_tag, "default"))
        return;
    for (size_t k = 0; k < sizeof only / sizeof *only; k++) {
        if (!strcmp(st->build, only[k].build))
            continue;
        char names[200] = "";
        int n = 0;
        for (int i = 0; i < st->ncontigs; i++) {
            int hit = 0;
            for (int p = 0; only[k].parts[p] && !hit; p++)
                hit = strstr(st->contigs[i].name, only[k].parts[p]) != NULL;
            if (hit && n++ < 3)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         names[0] ? ", " : "", st->contigs[i].name);
        }
        if (n) {
            annot_add_warning(st,
                              "the input looks %s: records on %d contig%s only %s has (%s%s), "
                              "but the header does not say and %s (the default) was used, so "
                              "genes and variants may be wrong at every position; give the "
                              "build (gas submit --build %s, gas annotate --build %s)",
                              only[k].build, n, n == 1 ? "" : "s", only[k].build, names,
                              n > 3 ? ", ..." : "", st->build, only[k].build, only[k].build);
            return;
        }
    }
}

/* The REF check's verdict (ref_check): when the input's first REF bases disagree with a
 * known source's at many of the positions both have a variant, the input is on another
 * build than the one used (a header that does not say, or says wrong), and every gene and
 * variant given is wrong: a warning says so. A few in a hundred differ on the right build
 * in some inputs (REF N placeholders are left out; a caller's reference with patches); on
 * another build three in four do. */
#define REF_CHECK_MIN 20
static void build_from_ref(struct annot_stats *st)
{
    if (st->ref_checked < REF_CHECK_MIN || st->ref_differs * 10 < st->ref_checked * 3)
        return;
    const char *t = st->build_tag, *why = !strncmp(t, "override", 8) ? "as given"
                                          : !strncmp(t, "header", 6) ? "as its header says"
                                          : !strcmp(t, "sources")    ? "the sources file's build"
                                                                     : "the default";
    annot_add_warning(st,
                      "the input is probably not on %s (%s): at %lld of the %lld positions "
                      "where a known source has a variant, the input's REF starts with "
                      "another base (%.0f%%; on one build near none); give the input's build "
                      "(gas submit --build, gas annotate --build)",
                      st->build, why, (long long)st->ref_differs, (long long)st->ref_checked,
                      100.0 * (double)st->ref_differs / (double)st->ref_checked);
}

static void process_block(struct engine *g, struct eblock *b)
{
    g->blk = b;
    b->out.l = 0;
    b->nruns = 0;
    b->rc = 0;
    g->prev_len = (size_t)-1; /* the first record starts a run */
    size_t max = g->o->max_line ? g->o->max_line : (4u << 20);
    char *p = b->in.text, *end = p + b->in.len;
    int64_t ln = b->in.line0;
    int rc = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)(nl - p);
        g->lineno = ++ln;
        if (n > max) {
            rc = gas_err_set(GAS_ETOOBIG,
                             "line %lld: longer than %zu bytes (the max_line_bytes setting)",
                             (long long)ln, max);
            break;
        }
        if (n && p[n - 1] == '\r')
            n--;
        p[n] = 0;
        if (n) { /* a blank line (e.g. at the end) is passed over */
            if (p[0] == '#') {
                rc = line_err(g, "a header line after the records started", NULL);
                break;
            }
            if ((rc = do_record(g, p, n)) != 0)
                break;
            if (nl + 1 == end && b->in.no_newline && (rc = cut_short(g, p, n)) != 0)
                break;
        }
        p = nl + 1;
    }
    if (rc) {
        b->rc = rc;
        snprintf(b->msg, sizeof b->msg, "%s", gas_errmsg());
    }
}

static int merge_block(struct engine *g, struct eblock *b)
{
    for (int i = 0; i < b->nruns; i++)
        replay_run(g, &b->runs[i]);
    if (b->rc)
        return gas_err_set(b->rc, "%s", b->msg);
    ow_add(g->out, b->out.s, b->out.l);
    if (b->in.rc) /* the reader failed after the block's lines */
        return gas_err_set(b->in.rc, "%s", b->in.msg);
    return 0;
}

static void *worker_main(void *arg)
{
    struct engine *w = arg;
    struct par *p = w->par;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->taken == p->queued && !p->stop)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->taken == p->queued)
            break;
        struct eblock *b = &p->ring[p->taken++ % p->nb];
        int skip = p->skip;
        pthread_mutex_unlock(&p->mu);
        if (!skip)
            process_block(w, b);
        pthread_mutex_lock(&p->mu);
        b->done = 1;
        pthread_cond_broadcast(&p->cv_done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void free_worker(struct engine *w)
{
    close_sources(w);
    free(w->m);
    free(w->ids.s);
    free(w->info.s);
    free(w->names.s);
    free(w->val.s);
    free(w->st);
    free(w);
}

/* A record worker's engine: the main engine's sources opened again, its own counters. */
static int new_worker(struct engine *g, struct par *p, struct engine **out)
{
    struct engine *w = xcalloc(1, sizeof *w);
    w->o = g->o;
    w->src = g->src;
    w->st = xmalloc(sizeof *w->st);
    annot_stats_init(w->st);
    w->skip_mt = g->skip_mt;
    w->build = g->build;
    w->header_cols = g->header_cols;
    w->declared = g->declared;       /* the main engine's, only read (free_worker leaves it) */
    w->outkey_said = g->outkey_said; /* the header's, read before the workers start */
    w->contig_idx = -1;
    w->par = p;
    int rc = open_sources(w, g);
    if (rc) {
        free_worker(w);
        return rc;
    }
    drop_stale(w, g); /* the main engine's (it outlives the workers) */
    *out = w;
    return 0;
}

/* Starts up to n workers; 0 or the error of opening the sources again. */
static int start_workers(struct engine *g, struct par *p, int n)
{
    for (int i = 0; i < n; i++) {
        struct engine *w;
        int rc = new_worker(g, p, &w);
        if (rc)
            return rc;
        if (pthread_create(&p->th[p->nw], NULL, worker_main, w)) {
            free_worker(w);
            break; /* no more threads: fewer workers (none: the calling thread) */
        }
        p->w[p->nw++] = w;
    }
    return 0;
}

/* A worker's counters into the main engine's. */
static void merge_worker(struct engine *g, struct engine *w)
{
    struct annot_stats *d = g->st, *s = w->st;
    d->records += s->records;
    d->known += s->known;
    d->ref_checked += s->ref_checked;
    d->past_end += s->past_end;
    d->ref_dot += s->ref_dot;
    d->ref_differs += s->ref_differs;
    d->alleles += s->alleles;
    d->snv += s->snv;
    d->transitions += s->transitions;
    d->transversions += s->transversions;
    d->mnv += s->mnv;
    d->ref_only += s->ref_only;
    d->ins += s->ins;
    d->del += s->del;
    d->other += s->other;
    d->structural += s->structural;
    if (s->bad_end && (!d->bad_end || s->bad_end_line < d->bad_end_line)) {
        d->bad_end_line = s->bad_end_line;
        memcpy(d->bad_end_value, s->bad_end_value, sizeof d->bad_end_value);
    }
    d->bad_end += s->bad_end;
    if (s->sv_no_extent && (!d->sv_no_extent || s->sv_no_extent_line < d->sv_no_extent_line))
        d->sv_no_extent_line = s->sv_no_extent_line;
    d->sv_no_extent += s->sv_no_extent;
    if (s->sv_len_differs &&
        (!d->sv_len_differs || s->sv_len_differs_line < d->sv_len_differs_line))
        d->sv_len_differs_line = s->sv_len_differs_line;
    d->sv_len_differs += s->sv_len_differs;
    if (s->ref_odd && (!d->ref_odd || s->ref_odd_line < d->ref_odd_line)) {
        d->ref_odd_line = s->ref_odd_line;
        memcpy(d->ref_odd_value, s->ref_odd_value, sizeof d->ref_odd_value);
    }
    d->ref_odd += s->ref_odd;
    if (s->own_info && (!d->own_info || s->own_info_line < d->own_info_line)) {
        d->own_info_line = s->own_info_line;
        memcpy(d->own_info_key, s->own_info_key, sizeof d->own_info_key);
    }
    d->own_info += s->own_info;
    if (s->cols_differ && (!d->cols_differ || s->cols_differ_line < d->cols_differ_line)) {
        d->cols_differ_line = s->cols_differ_line;
        d->cols_differ_n = s->cols_differ_n;
        d->cols_header = s->cols_header;
    }
    d->cols_differ += s->cols_differ;
    if (s->undeclared_line && (!d->undeclared_line || s->undeclared_line < d->undeclared_line))
        d->undeclared_line = s->undeclared_line;
    for (int i = 0; i < g->src->n; i++) {
        d->source_hits[i] += s->source_hits[i];
        d->source_covered[i] += s->source_covered[i];
        d->source_covered_hits[i] += s->source_covered_hits[i];
        if (w->kn[i])
            d->seeks += known_seeks(w->kn[i]);
    }
    if (s->nloc && !d->nloc) {
        d->nloc = s->nloc;
        for (int i = 0; i < s->nloc; i++) {
            memcpy(d->loc[i].name, s->loc[i].name, sizeof d->loc[i].name);
            d->loc[i].records = 0;
        }
    }
    for (int i = 0; i < s->nloc && i < d->nloc; i++)
        d->loc[i].records += s->loc[i].records;
    if (g->tally && w->tally)
        tally_merge(g->tally, w->tally);
    if (g->top_rs && w->top_rs)
        region_merge_counts(g->top_rs, w->top_rs);
}

/* Waits for the oldest unmerged block and merges it. */
static int merge_next(struct engine *g, struct par *p, int64_t *merged, int rc)
{
    struct eblock *b = &p->ring[*merged % p->nb];
    if (p->nw) {
        pthread_mutex_lock(&p->mu);
        while (!b->done)
            pthread_cond_wait(&p->cv_done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
    (*merged)++;
    if (rc) /* after an error: only waited for */
        return rc;
    rc = merge_block(g, b);
    if (rc && p->nw) {
        pthread_mutex_lock(&p->mu);
        p->skip = 1;
        pthread_mutex_unlock(&p->mu);
    }
    return rc;
}

/* The records, after the header: block by block, on workers once there is more than one. */
static int run_records(struct engine *g)
{
    int nw = g->o->threads < 0 ? 0 : g->o->threads > MAX_WORKERS ? MAX_WORKERS : g->o->threads;
    struct par p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv_work, NULL);
    pthread_cond_init(&p.cv_done, NULL);
    p.nb = nw ? nw + 2 : 1;
    p.ring = xcalloc((size_t)p.nb, sizeof *p.ring);
    int rc = 0, at_end = 0;
    int64_t seq = 0, merged = 0;
    while (!at_end && !rc) {
        if (seq - merged == p.nb)
            rc = merge_next(g, &p, &merged, rc);
        if (rc)
            break;
        struct eblock *b = &p.ring[seq % p.nb];
        lreader_block(g->in, &b->in, BLOCK_BYTES);
        at_end = b->in.end;
        if ((rc = within_bounds(g, b->in.text, b->in.len, b->in.line0, seq)) != 0)
            break;
        b->done = 0;
        if (!p.nw && nw && !(seq == 0 && at_end)) { /* more than one block: workers */
            rc = start_workers(g, &p, nw);
            nw = p.nw;
            if (rc)
                break;
        }
        if (!p.nw) { /* on this thread */
            process_block(g, b);
            b->done = 1;
            seq++;
            rc = merge_next(g, &p, &merged, rc);
            continue;
        }
        pthread_mutex_lock(&p.mu);
        p.queued = ++seq;
        pthread_cond_signal(&p.cv_work);
        pthread_mutex_unlock(&p.mu);
    }
    while (merged < seq)
        rc = merge_next(g, &p, &merged, rc);
    g->st->record_threads = p.nw > 1 ? p.nw : 1;
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv_work);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < p.nw; i++) {
        pthread_join(p.th[i], NULL);
        merge_worker(g, p.w[i]);
        free_worker(p.w[i]);
    }
    for (int i = 0; i < p.nb; i++) {
        free(p.ring[i].in.text);
        free(p.ring[i].out.s);
        free(p.ring[i].runs);
    }
    free(p.ring);
    pthread_cond_destroy(&p.cv_work);
    pthread_cond_destroy(&p.cv_done);
    pthread_mutex_destroy(&p.mu);
    return rc;
}

void annot_stats_init(struct annot_stats *st)
{
    size_t table = offsetof(struct annot_stats, contigs), after = table + sizeof st->contigs;
    memset(st, 0, table);
    memset((char *)st + after, 0, sizeof *st - after);
}

int annot_run(const struct annot_opts *o, struct annot_stats *st)
{
    double t0 = gas_mono();
    annot_stats_init(st);
    struct engine g;
    memset(&g, 0, sizeof g);
    g.o = o;
    g.st = st;
    g.contig_idx = -1;
    static const struct annot_sources none = {NULL, 0, -1, NULL, NULL};
    g.src = &none;
    hts_tpool *pool = NULL;
    int rc = 0;
    if (!o->sources && !o->catalog)
        rc = gas_err_set(GAS_EINVAL, "annot_run: no sources and no catalog");
    if (!rc)
        rc = lreader_open(o->in, o->max_line ? o->max_line : (4u << 20), &g.in);
    /* (de)compression threads only where there is much to (de)compress: a small job's
     * input would cost more in starting them than they save */
    if (!rc && o->threads > 0 && (o->out_bgzf || lreader_large(g.in))) {
        pool = hts_tpool_init(o->threads);
        if (pool)
            lreader_set_pool(g.in, pool);
    }
    if (!rc)
        rc = owriter_open(o->out, o->out_bgzf, pool, o->threads > 0, o->out_fresh, &g.out);
    if (!rc)
        rc = do_header(&g);
    if (!rc)
        rc = run_records(&g);
    if (!rc)
        build_from_contigs(st);
    if (!rc)
        build_from_ref(st);
    if (!rc && st->ref_dot)
        annot_add_warning(st,
                          "%lld structural-variant record%s ha%s REF \".\", not a base as the "
                          "VCF spec asks (novoBreak and TIGRA write it): annotated by %s "
                          "position and END all the same",
                          (long long)st->ref_dot, st->ref_dot == 1 ? "" : "s",
                          st->ref_dot == 1 ? "s" : "ve", st->ref_dot == 1 ? "its" : "their");
    if (!rc && lreader_no_eof_marker(g.in))
        annot_add_warning(st, "the compressed input ends without the end-of-file marker bgzip "
                              "writes: it may have been cut short (an upload or copy that did not "
                              "finish); the records up to its end were annotated");
    if (g.out) {
        int wrc = owriter_finish(g.out, rc == 0);
        if (!rc)
            rc = wrc;
    }
    close_sources(&g);
    lreader_close(g.in);
    if (pool)
        hts_tpool_destroy(pool);
    tally_free(g.declared);
    tally_free(g.slots);
    for (int i = 0; i < g.nstale; i++)
        free(g.stale[i]);
    free(g.m);
    free(g.ids.s);
    free(g.info.s);
    free(g.names.s);
    free(g.val.s);
    annot_finish_warnings(st);
    st->seconds = gas_mono() - t0;
    return rc;
}
