/* annot genemodel: the gene model source (type = genemodel), as built by
 * scripts/build-sources.sh from NCBI RefSeq exons and Entrez Gene.
 *
 * File: bgzipped text, first line "#gas-genemodel\t1\t...genes=N...", then one line per
 * gene and contig, sorted by contig block and start:
 *   chrom start end strand entrez symbol type cytoband omim exons
 * (0-based half-open span; exons "start-end" offsets from the gene start, sorted, merged).
 * The whole file is read and checked at open (a few MB: about 28k genes, 200k exons), so
 * that a missing, truncated or corrupt model is an error before the first record.
 *
 * Per contig the genes are sorted by start, with a prefix maximum of their ends (and which
 * gene has it): the genes overlapping [b, e) are found by a binary search for the last gene
 * starting before e and a walk back while the prefix maximum passes b; the nearest gene of a
 * record in no gene is the prefix-maximum gene on the left or the next gene on the right. */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define GM_MAGIC     "#gas-genemodel\t1\t"
#define GM_MAX_GENES 2000000
#define GM_MAX_EXONS 20000000
#define GM_MAX_POS   ((int64_t)INT32_MAX)

enum { S_SYMBOL, S_ENTREZ, S_TYPE, S_CYTO, S_OMIM, S_N };

struct gm_gene {
    int32_t beg, end, maxend, maxarg; /* maxend/maxarg: the largest end among genes 0..i */
    int32_t exon0, nexon;             /* into gm->ex */
    int32_t str[S_N];                 /* offsets into gm->pool */
    char strand;
};

struct gm_contig {
    char *name;  /* as in the file */
    char *canon; /* without "chr", M -> MT */
    int32_t g0, n;
};

struct genemodel {
    const struct source_def *def;
    struct gm_gene *g;
    int32_t ng, gcap;
    int32_t *ex; /* exon begin, end pairs (absolute, 0-based half-open) */
    int64_t nex, excap;
    char *pool;
    size_t npool, poolcap;
    struct gm_contig *c;
    int nc;
    char *version; /* the header's from= text */
    /* the contig of the last query */
    char last_name[256];
    struct gm_contig *last;
    int32_t *hits;
    int hcap;
    struct stat file;             /* what was loaded, for genemodel_take */
    const struct genemodel *base; /* a view (genemodel_view): the model is base's */
};

/* ------------------------------------------------------------------ contig names */

/* "chr1" and "1", "chrM", "chrMT", "M" and "MT", "chrX" and "X" are the same contig. */
static void canon_contig(const char *name, char *out, size_t n)
{
    contig_canon(name, strlen(name), out, n); /* the engine's one canonical form */
}

static struct gm_contig *find_contig(struct genemodel *gm, const char *name)
{
    if (gm->last_name[0] && !strcmp(gm->last_name, name))
        return gm->last;
    char canon[256];
    canon_contig(name, canon, sizeof canon);
    struct gm_contig *hit = NULL;
    for (int i = 0; i < gm->nc && !hit; i++)
        if (!strcmp(gm->c[i].name, name))
            hit = &gm->c[i];
    for (int i = 0; i < gm->nc && !hit; i++)
        if (!strcmp(gm->c[i].canon, canon))
            hit = &gm->c[i];
    snprintf(gm->last_name, sizeof gm->last_name, "%s", name);
    gm->last = hit;
    return hit;
}

int genemodel_has_contig(struct genemodel *gm, const char *canon)
{
    struct gm_contig *c = find_contig(gm, canon);
    return c && c->n > 0;
}

int genemodel_styles(const struct genemodel *gm)
{
    int s = 0;
    for (int i = 0; i < gm->nc; i++)
        s |= contig_style_bit(gm->c[i].name);
    return s;
}

/* ------------------------------------------------------------------ parsing */

static int32_t pool_add(struct genemodel *gm, const char *s, size_t n)
{
    if (gm->npool + n + 1 > gm->poolcap) {
        gm->poolcap = (gm->poolcap + n + 1) * 2;
        gm->pool = xrealloc(gm->pool, gm->poolcap);
    }
    int32_t at = (int32_t)gm->npool;
    memcpy(gm->pool + gm->npool, s, n);
    gm->pool[gm->npool + n] = 0;
    gm->npool += n + 1;
    return at;
}

static int parse_int(const char *s, const char *end, int64_t *v)
{
    int64_t x = 0;
    if (s == end || end - s > 10)
        return -1;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        x = x * 10 + (*s - '0');
    }
    *v = x;
    return 0;
}

/* A value fit for an INFO list: no ',', ';', '=' or blanks. */
static int value_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s == ',' || *s == ';' || *s == '=' || (unsigned char)*s < 0x21 ||
            (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

/* "s-e,s-e,..." offsets into absolute exons; sorted, disjoint, inside [0, len]. */
static int parse_exons(struct genemodel *gm, char *s, int64_t beg, int64_t len, char *err,
                       size_t errn)
{
    int64_t prev = -1;
    int32_t n = 0;
    for (char *p = s;;) {
        char *dash = strchr(p, '-'), *comma = strchr(p, ',');
        char *end = comma ? comma : p + strlen(p);
        int64_t a, b;
        if (!dash || dash > end || parse_int(p, dash, &a) || parse_int(dash + 1, end, &b) ||
            a >= b || b > len || a <= prev) {
            snprintf(err, errn,
                     "exons must be sorted, disjoint \"start-end\" offsets within "
                     "the gene");
            return GAS_EINVAL;
        }
        if (gm->nex + 1 > GM_MAX_EXONS) {
            snprintf(err, errn, "more than %d exons", GM_MAX_EXONS);
            return GAS_ETOOBIG;
        }
        if (gm->nex == gm->excap) {
            gm->excap = gm->excap ? gm->excap * 2 : 4096;
            gm->ex = xrealloc(gm->ex, (size_t)gm->excap * 2 * sizeof *gm->ex);
        }
        gm->ex[2 * gm->nex] = (int32_t)(beg + a);
        gm->ex[2 * gm->nex + 1] = (int32_t)(beg + b);
        gm->nex++;
        n++;
        prev = b;
        if (!comma)
            break;
        p = comma + 1;
    }
    gm->g[gm->ng].nexon = n;
    return 0;
}

static struct gm_contig *contig_for_line(struct genemodel *gm, const char *name, char *err,
                                         size_t errn)
{
    if (gm->nc && !strcmp(gm->c[gm->nc - 1].name, name))
        return &gm->c[gm->nc - 1];
    for (int i = 0; i < gm->nc; i++)
        if (!strcmp(gm->c[i].name, name)) {
            snprintf(err, errn, "contig %s comes back after other contigs: not sorted", name);
            return NULL;
        }
    char canon[256];
    if (strlen(name) > 200) {
        snprintf(err, errn, "contig name longer than 200 characters");
        return NULL;
    }
    canon_contig(name, canon, sizeof canon);
    gm->c = xrealloc(gm->c, (size_t)(gm->nc + 1) * sizeof *gm->c);
    struct gm_contig *c = &gm->c[gm->nc++];
    c->name = xstrdup(name);
    c->canon = xstrdup(canon);
    c->g0 = gm->ng;
    c->n = 0;
    return c;
}

/* One gene line (NUL-terminated, modified in place). */
static int gene_line(struct genemodel *gm, char *line, char *err, size_t errn)
{
    char *f[11];
    int nf = 0;
    for (char *p = line; nf < 11;) {
        f[nf++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    int64_t beg, end, id;
    if (nf != 10 || !*f[0] || parse_int(f[1], f[1] + strlen(f[1]), &beg) ||
        parse_int(f[2], f[2] + strlen(f[2]), &end) || beg >= end || end > GM_MAX_POS ||
        (strcmp(f[3], "+") && strcmp(f[3], "-")) || parse_int(f[4], f[4] + strlen(f[4]), &id)) {
        snprintf(err, errn,
                 "expected 10 columns: chrom, start < end, strand +/-, entrez id, "
                 "symbol, type, cytoband, omim, exons");
        return GAS_EINVAL;
    }
    for (int i = 5; i < 9; i++)
        if (!value_ok(f[i])) {
            snprintf(err, errn, "column %d is empty or has a character not allowed in INFO", i + 1);
            return GAS_EINVAL;
        }
    struct gm_contig *c = contig_for_line(gm, f[0], err, errn);
    if (!c)
        return GAS_EINVAL;
    if (c->n && gm->g[gm->ng - 1].beg > beg) {
        snprintf(err, errn, "genes are not sorted by start");
        return GAS_EINVAL;
    }
    if (gm->ng == GM_MAX_GENES) {
        snprintf(err, errn, "more than %d genes", GM_MAX_GENES);
        return GAS_ETOOBIG;
    }
    if (gm->ng == gm->gcap) {
        gm->gcap = gm->gcap ? gm->gcap * 2 : 1024;
        gm->g = xrealloc(gm->g, (size_t)gm->gcap * sizeof *gm->g);
    }
    struct gm_gene *g = &gm->g[gm->ng];
    memset(g, 0, sizeof *g);
    g->beg = (int32_t)beg;
    g->end = (int32_t)end;
    g->strand = f[3][0];
    g->exon0 = (int32_t)gm->nex;
    int rc = parse_exons(gm, f[9], beg, end - beg, err, errn);
    if (rc)
        return rc;
    const int col[S_N] = {[S_SYMBOL] = 5, [S_ENTREZ] = 4, [S_TYPE] = 6, [S_CYTO] = 7, [S_OMIM] = 8};
    for (int i = 0; i < S_N; i++)
        g->str[i] = pool_add(gm, f[col[i]], strlen(f[col[i]]));
    gm->ng++;
    c->n++;
    return 0;
}

/* The first line: the format and, for provenance, what it was built from. */
static int header_line(struct genemodel *gm, const char *line, int64_t *genes)
{
    const struct source_def *d = gm->def;
    if (strncmp(line, GM_MAGIC, strlen(GM_MAGIC)))
        return gas_err_set(GAS_EINVAL,
                           "source [%s]: %s is not a GAS gene model (format 1; it starts "
                           "with \"#gas-genemodel\", built by scripts/build-sources.sh)",
                           d->name, d->file);
    const char *n = strstr(line, "\tgenes="), *from = strstr(line, "\tfrom=");
    *genes = n ? strtoll(n + 7, NULL, 10) : -1;
    gm->version = xstrdup(from ? from + 6 : "unknown");
    return 0;
}

static void fill_prefix_max(struct genemodel *gm)
{
    for (int i = 0; i < gm->nc; i++) {
        struct gm_gene *g = gm->g + gm->c[i].g0;
        for (int32_t k = 0; k < gm->c[i].n; k++) {
            int prev = k > 0 && g[k - 1].maxend >= g[k].end;
            g[k].maxend = prev ? g[k - 1].maxend : g[k].end;
            g[k].maxarg = prev ? g[k - 1].maxarg : k;
        }
    }
}

static int read_model(struct genemodel *gm, BGZF *fp)
{
    const struct source_def *d = gm->def;
    kstring_t ks = {0, 0, NULL};
    int64_t lineno = 0, want = -1;
    int rc = 0, r;
    char err[256];
    while (!rc && (r = bgzf_getline(fp, '\n', &ks)) >= 0) {
        lineno++;
        if (memchr(ks.s, 0, ks.l))
            rc = gas_err_set(GAS_EINVAL, "source [%s]: %s line %lld: binary data", d->name, d->file,
                             (long long)lineno);
        else if (lineno == 1)
            rc = header_line(gm, ks.s, &want);
        else if (ks.l && ks.s[0] != '#' && gene_line(gm, ks.s, err, sizeof err))
            rc = gas_err_set(GAS_EINVAL, "source [%s]: %s line %lld: %s", d->name, d->file,
                             (long long)lineno, err);
    }
    free(ks.s);
    if (!rc && r < -1)
        rc = gas_err_set(GAS_EIO, "source [%s]: %s is corrupt or truncated", d->name, d->file);
    if (!rc && lineno == 0)
        rc = gas_err_set(GAS_EINVAL, "source [%s]: %s is empty", d->name, d->file);
    if (!rc && (gm->ng == 0 || (want >= 0 && want != gm->ng)))
        rc = gas_err_set(GAS_EINVAL,
                         "source [%s]: %s is truncated or corrupt: %d genes, its header says "
                         "%lld (rebuild it: make sources)",
                         d->name, d->file, gm->ng, (long long)want);
    return rc;
}

int genemodel_open(const struct source_def *def, struct genemodel **out)
{
    *out = NULL;
    BGZF *fp = bgzf_open(def->file, "r");
    if (!fp)
        return gas_err_set(GAS_ENOTFOUND,
                           "source [%s]: cannot open gene model %s (build it: "
                           "make sources)",
                           def->name, def->file);
    struct genemodel *gm = xcalloc(1, sizeof *gm);
    gm->def = def;
    int rc = 0;
    if (bgzf_compression(fp) == bgzf && bgzf_check_EOF(fp) == 0)
        rc = gas_err_set(GAS_EIO, "source [%s]: %s is truncated (no BGZF end-of-file block)",
                         def->name, def->file);
    if (!rc)
        rc = read_model(gm, fp);
    bgzf_close(fp);
    if (rc) {
        genemodel_free(gm);
        return rc;
    }
    fill_prefix_max(gm);
    *out = gm;
    return 0;
}

struct genemodel *genemodel_view(const struct genemodel *gm)
{
    struct genemodel *v = xmalloc(sizeof *v);
    *v = *gm;
    v->base = gm;
    v->last_name[0] = 0;
    v->last = NULL;
    v->hits = NULL;
    v->hcap = 0;
    return v;
}

void genemodel_free(struct genemodel *gm)
{
    if (!gm)
        return;
    if (gm->base) { /* a view: only its own scratch */
        free(gm->hits);
        free(gm);
        return;
    }
    for (int i = 0; i < gm->nc; i++) {
        free(gm->c[i].name);
        free(gm->c[i].canon);
    }
    free(gm->c);
    free(gm->g);
    free(gm->ex);
    free(gm->pool);
    free(gm->version);
    free(gm->hits);
    free(gm);
}

/* ------------------------------------------------------------------ kept between runs */

int genemodel_take(const struct source_def *def, struct genemodel **out)
{
    struct stat now;
    if ((*out = kept_take(def, &now)) != NULL)
        return 0;
    int rc = genemodel_open(def, out);
    if (!rc)
        (*out)->file = now;
    return rc;
}

void genemodel_keep(const struct source_def *def, struct genemodel *gm)
{
    if (gm && gm->base) { /* a view: only its own */
        genemodel_free(gm);
        return;
    }
    if (gm) {
        gm->last_name[0] = 0;
        gm->last = NULL;
    }
    kept_give(def, gm, gm ? &gm->file : NULL);
}

const char *genemodel_version(const struct genemodel *gm)
{
    return gm->version;
}

/* ------------------------------------------------------------------ queries */

static const char *gstr(const struct genemodel *gm, const struct gm_gene *g, int which)
{
    return gm->pool + g->str[which];
}

static int exonic(const struct genemodel *gm, const struct gm_gene *g, int64_t b, int64_t e)
{
    const int32_t *x = gm->ex + 2 * (int64_t)g->exon0;
    int32_t lo = 0, hi = g->nexon; /* first exon ending after b */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (x[2 * mid + 1] <= b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->nexon && x[2 * lo] < e;
}

/* Appends ";KEY=" (or "KEY=" into an empty INFO) to info. */
static void put_key(kstring_t *info, const char *key)
{
    if (info->l)
        kputc(';', info);
    kputs(key, info);
    kputc('=', info);
}

/* KEY=v1,v2,... for the hit genes' string `which`; skipped when every value is ".". */
static void put_list(const struct genemodel *gm, const struct gm_gene *g, const int32_t *hits,
                     int nh, int which, const char *key, kstring_t *info)
{
    int any = 0;
    for (int i = 0; i < nh && !any; i++)
        any = strcmp(gstr(gm, &g[hits[i]], which), ".") != 0;
    if (!any)
        return;
    put_key(info, key);
    for (int i = 0; i < nh; i++) {
        if (i)
            kputc(',', info);
        kputs(gstr(gm, &g[hits[i]], which), info);
    }
}

/* A record over more than GM_MAX_LISTED genes (a large deletion, a whole-chromosome gVCF
 * block) lists the first GM_MAX_LISTED by start, and GENE_N says how many there are: a
 * line of thousands of genes tells a reader nothing more, and would let a few bytes of
 * input make gigabytes of output. */
static enum gm_loc in_genes(struct genemodel *gm, const struct gm_gene *g, const int32_t *hits,
                            int nh, int64_t b, int64_t e, kstring_t *info)
{
    int all = nh;
    if (nh > GM_MAX_LISTED)
        nh = GM_MAX_LISTED;
    put_list(gm, g, hits, nh, S_SYMBOL, GM_GENE, info);
    if (all > nh) {
        put_key(info, GM_GENE_N);
        kputw(all, info);
    }
    put_list(gm, g, hits, nh, S_ENTREZ, GM_GENE_ID, info);
    put_key(info, GM_GENE_LOC);
    enum gm_loc best = GM_INTRONIC;
    for (int i = 0; i < nh; i++) {
        int ex = exonic(gm, &g[hits[i]], b, e);
        if (ex)
            best = GM_EXONIC;
        kputs(i ? (ex ? ",exonic" : ",intronic") : (ex ? "exonic" : "intronic"), info);
    }
    put_list(gm, g, hits, nh, S_TYPE, GM_GENE_TYPE, info);
    put_list(gm, g, hits, nh, S_CYTO, GM_CYTOBAND, info);
    put_list(gm, g, hits, nh, S_OMIM, GM_OMIM, info);
    return best;
}

/* A record in no gene: the nearest gene (the left one on a tie), its distance (1 for a
 * neighbouring base) and the record's place: upstream/downstream within flank, by the
 * gene's strand, else intergenic. */
static enum gm_loc between_genes(struct genemodel *gm, const struct gm_contig *c, int32_t nlt,
                                 int64_t b, int64_t e, kstring_t *info)
{
    const struct gm_gene *g = gm->g + c->g0, *near = NULL;
    int64_t dist = INT64_MAX;
    int left = 0;
    if (nlt > 0) {
        near = &g[g[nlt - 1].maxarg];
        dist = b - near->end + 1;
        left = 1;
    }
    if (nlt < c->n && g[nlt].beg - e + 1 < dist) {
        near = &g[nlt];
        dist = near->beg - e + 1;
        left = 0;
    }
    enum gm_loc loc = GM_INTERGENIC;
    if (dist <= gm->def->flank)
        loc = (left == (near->strand == '+')) ? GM_DOWNSTREAM : GM_UPSTREAM;
    put_key(info, GM_GENE_LOC);
    kputs(loc == GM_DOWNSTREAM ? "downstream"
          : loc == GM_UPSTREAM ? "upstream"
                               : "intergenic",
          info);
    put_key(info, GM_NEAREST_GENE);
    kputs(gstr(gm, near, S_SYMBOL), info);
    put_key(info, GM_NEAREST_DIST);
    kputll(dist, info);
    return loc;
}

enum gm_loc genemodel_annotate(struct genemodel *gm, const char *contig, int64_t b, int64_t e,
                               kstring_t *info)
{
    struct gm_contig *c = find_contig(gm, contig);
    if (!c || c->n == 0)
        return GM_NONE;
    if (e <= b)
        e = b + 1;
    const struct gm_gene *g = gm->g + c->g0;
    int32_t lo = 0, hi = c->n; /* genes [0, lo) start before e */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (g[mid].beg < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    int nh = 0;
    for (int32_t i = lo - 1; i >= 0 && g[i].maxend > b; i--) {
        if (g[i].end <= b)
            continue;
        if (nh == gm->hcap) {
            gm->hcap = gm->hcap ? gm->hcap * 2 : 16;
            gm->hits = xrealloc(gm->hits, (size_t)gm->hcap * sizeof *gm->hits);
        }
        gm->hits[nh++] = i;
    }
    if (nh == 0)
        return between_genes(gm, c, lo, b, e, info);
    for (int i = 0; i < nh / 2; i++) { /* in order of gene start */
        int32_t t = gm->hits[i];
        gm->hits[i] = gm->hits[nh - 1 - i];
        gm->hits[nh - 1 - i] = t;
    }
    return in_genes(gm, g, gm->hits, nh, b, e, info);
}

/* ------------------------------------------------------------------ header */

const char *const genemodel_fields[] = {GM_GENE,     GM_GENE_ID, GM_GENE_LOC,     GM_GENE_TYPE,
                                        GM_CYTOBAND, GM_OMIM,    GM_NEAREST_GENE, GM_NEAREST_DIST,
                                        GM_GENE_N,   NULL};

void genemodel_header(const struct source_def *d, kstring_t *h)
{
    static const struct {
        const char *id, *num, *type, *desc;
    } f[] = {
        {GM_GENE, ".", "String",
         "Symbols (Entrez Gene) of the genes whose span overlaps the record"},
        {GM_GENE_ID, ".", "String", "Entrez Gene ids, one per GENE"},
        {GM_GENE_LOC, ".", "String",
         "Location class: per GENE exonic or intronic; for a record in no gene, relative to "
         "NEAREST_GENE: upstream or downstream (within FLANK bases of its 5' or 3' end, by "
         "strand) or intergenic"},
        {GM_GENE_TYPE, ".", "String",
         "Entrez gene type, one per GENE (protein-coding, ncRNA, "
         "pseudo, ...)"},
        {GM_CYTOBAND, ".", "String", "Cytogenetic band, one per GENE"},
        {GM_OMIM, ".", "String",
         "OMIM ids, one entry per GENE (several joined with |, . for none)"},
        {GM_NEAREST_GENE, "1", "String", "For a record in no gene: the nearest gene's symbol"},
        {GM_NEAREST_DIST, "1", "Integer",
         "For a record in no gene: bases to NEAREST_GENE (1 "
         "for a neighbouring base)"},
        {GM_GENE_N, "1", "Integer",
         "For a record over more than 50 genes: how many (GENE and the fields per GENE list "
         "the first 50 by start)"},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        ksprintf(h, "##INFO=<ID=%s,Number=%s,Type=%s,Description=\"", f[i].id, f[i].num, f[i].type);
        const char *flank = strstr(f[i].desc, "FLANK");
        if (flank) {
            kputsn(f[i].desc, (size_t)(flank - f[i].desc), h);
            kputw(d->flank, h);
            kputs(flank + 5, h);
        } else {
            kputs(f[i].desc, h);
        }
        ksprintf(h, " (from GAS source %s)\">\n", d->name);
    }
}
