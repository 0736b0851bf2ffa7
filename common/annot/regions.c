/* annot regions: allele trimming, and region sources (BED, GFF3, GTF) held in memory per
 * contig as an implicit interval tree.
 *
 * Tree: intervals sorted by start, padded with empty ones to 2^(K+1)-1; node i sits at
 * level "number of trailing 1 bits of i", its children at i -/+ 2^(level-1), and each node
 * keeps the largest end in its subtree. A query visits only subtrees whose largest end
 * passes the query start and whose start precedes the query end. */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ alleles */

void allele_trim(int64_t pos, const char *ref, uint32_t rlen, const char *alt, uint32_t alen,
                 struct nall *out)
{
    out->symbolic = alen == 0 || alt[0] == '<' || alt[0] == '*' || alt[0] == '.' ||
                    memchr(alt, '[', alen) || memchr(alt, ']', alen);
    if (!out->symbolic) {
        while (rlen > 1 && alen > 1 &&
               toupper((unsigned char)ref[rlen - 1]) == toupper((unsigned char)alt[alen - 1]))
            rlen--, alen--;
        while (rlen > 1 && alen > 1 &&
               toupper((unsigned char)ref[0]) == toupper((unsigned char)alt[0]))
            ref++, alt++, rlen--, alen--, pos++;
    }
    out->pos = pos;
    out->ref = ref;
    out->alt = alt;
    out->rlen = rlen;
    out->alen = alen;
}

int allele_equal(const struct nall *a, const struct nall *b)
{
    return a->pos == b->pos && a->rlen == b->rlen && a->alen == b->alen &&
           a->symbolic == b->symbolic && !strncasecmp(a->ref, b->ref, a->rlen) &&
           !strncasecmp(a->alt, b->alt, a->alen);
}

enum allele_class allele_classify(const struct nall *a)
{
    if (a->symbolic)
        return AC_OTHER;
    for (uint32_t i = 0; i < a->alen; i++)
        if (!strchr("ACGTNacgtn", a->alt[i]))
            return AC_OTHER;
    if (a->rlen == 1 && a->alen == 1)
        return AC_SNV;
    if (a->rlen == a->alen)
        return AC_MNV;
    if (a->rlen == 1 && toupper((unsigned char)a->ref[0]) == toupper((unsigned char)a->alt[0]))
        return AC_INS;
    if (a->alen == 1 && toupper((unsigned char)a->ref[0]) == toupper((unsigned char)a->alt[0]))
        return AC_DEL;
    return AC_OTHER;
}

/* ------------------------------------------------------------------ region sets */

struct ivl {
    int64_t beg, end; /* 0-based, half-open */
    int32_t name;     /* index into names */
    int64_t max;      /* largest end in this node's subtree */
};

struct contig_ivls {
    char *name; /* canonical (contig_canon) */
    struct ivl *v;
    int64_t n, cap, padded;
    int levels;
};

struct region_set {
    struct contig_ivls *c;
    int nc;
    char **names;
    int nnames, names_cap;
    int last; /* contig of the last query */
    /* name interning: open addressing over names */
    int32_t *slots;
    int nslots;
    int64_t *hits; /* query scratch (a region set is used by one thread) */
    int hcap;
    int styles;                    /* contig naming styles seen (1 << CS_...) */
    int64_t *counts;               /* records per name, when counting (region_count_names) */
    const struct region_set *base; /* a view (region_view): the intervals and names are base's */
    struct stat file;              /* what was loaded (kept between runs) */
};

#define MAX_INTERVALS 20000000

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int32_t intern(struct region_set *rs, const char *s, size_t n)
{
    if (rs->nnames * 2 >= rs->nslots) {
        int ns = rs->nslots ? rs->nslots * 2 : 1024;
        int32_t *slots = xmalloc((size_t)ns * sizeof *slots);
        for (int i = 0; i < ns; i++)
            slots[i] = -1;
        for (int i = 0; i < rs->nnames; i++) {
            uint32_t h = hash(rs->names[i], strlen(rs->names[i])) & (uint32_t)(ns - 1);
            while (slots[h] >= 0)
                h = (h + 1) & (uint32_t)(ns - 1);
            slots[h] = i;
        }
        free(rs->slots);
        rs->slots = slots;
        rs->nslots = ns;
    }
    uint32_t h = hash(s, n) & (uint32_t)(rs->nslots - 1);
    while (rs->slots[h] >= 0) {
        const char *have = rs->names[rs->slots[h]];
        if (strlen(have) == n && !memcmp(have, s, n))
            return rs->slots[h];
        h = (h + 1) & (uint32_t)(rs->nslots - 1);
    }
    if (rs->nnames == rs->names_cap) {
        rs->names_cap = rs->names_cap ? rs->names_cap * 2 : 1024;
        rs->names = xrealloc(rs->names, (size_t)rs->names_cap * sizeof *rs->names);
    }
    rs->names[rs->nnames] = xstrndup(s, n);
    rs->slots[h] = rs->nnames;
    return rs->nnames++;
}

static struct contig_ivls *contig_of(struct region_set *rs, const char *canon, size_t n)
{
    if (rs->last >= 0 && strlen(rs->c[rs->last].name) == n &&
        !memcmp(rs->c[rs->last].name, canon, n))
        return &rs->c[rs->last];
    for (int i = 0; i < rs->nc; i++)
        if (strlen(rs->c[i].name) == n && !memcmp(rs->c[i].name, canon, n)) {
            rs->last = i;
            return &rs->c[i];
        }
    return NULL;
}

int region_has_contig(struct region_set *rs, const char *canon)
{
    struct contig_ivls *c = contig_of(rs, canon, strlen(canon));
    return c && c->n > 0;
}

int region_styles(const struct region_set *rs)
{
    return rs->styles;
}

void region_count_names(struct region_set *rs)
{
    free(rs->counts);
    rs->counts = xcalloc((size_t)(rs->nnames ? rs->nnames : 1), sizeof *rs->counts);
}

static int ranks_before(int64_t c, const char *name, int64_t c2, const char *name2)
{
    return c > c2 || (c == c2 && strcmp(name, name2) < 0);
}

void region_merge_counts(struct region_set *dst, const struct region_set *src)
{
    if (!dst->counts || !src->counts || dst->nnames != src->nnames)
        return;
    for (int i = 0; i < src->nnames; i++)
        dst->counts[i] += src->counts[i];
}

int region_top_names(const struct region_set *rs, int max, const char **names, int64_t *counts)
{
    int n = 0;
    for (int i = 0; rs->counts && max > 0 && i < rs->nnames; i++) {
        int64_t c = rs->counts[i];
        const char *nm = rs->names[i];
        int at;
        if (!c)
            continue;
        if (n < max)
            at = n++;
        else if (ranks_before(c, nm, counts[max - 1], names[max - 1]))
            at = max - 1;
        else
            continue;
        for (; at > 0 && ranks_before(c, nm, counts[at - 1], names[at - 1]); at--) {
            names[at] = names[at - 1];
            counts[at] = counts[at - 1];
        }
        names[at] = nm;
        counts[at] = c;
    }
    return n;
}

static void add_ivl(struct region_set *rs, const char *contig, size_t cl, int64_t beg, int64_t end,
                    int32_t name)
{
    char canon[CONTIG_CANON_MAX];
    size_t n = contig_canon(contig, cl, canon, sizeof canon);
    struct contig_ivls *c = contig_of(rs, canon, n);
    if (!c) {
        rs->c = xrealloc(rs->c, (size_t)(rs->nc + 1) * sizeof *rs->c);
        c = &rs->c[rs->nc];
        memset(c, 0, sizeof *c);
        c->name = xstrndup(canon, n);
        rs->styles |= contig_style_bit(contig);
        rs->last = rs->nc++;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->v = xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
    }
    c->v[c->n++] = (struct ivl){beg, end, name, end};
}

static int by_start(const void *a, const void *b)
{
    const struct ivl *x = a, *y = b;
    if (x->beg != y->beg)
        return x->beg < y->beg ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Sorts and pads one contig's intervals and fills the subtree maxima. */
static void build_tree(struct contig_ivls *c)
{
    qsort(c->v, (size_t)c->n, sizeof *c->v, by_start);
    int k = 0;
    while (((int64_t)1 << (k + 1)) - 1 < c->n)
        k++;
    c->levels = k;
    c->padded = ((int64_t)1 << (k + 1)) - 1;
    c->v = xrealloc(c->v, (size_t)c->padded * sizeof *c->v);
    for (int64_t i = c->n; i < c->padded; i++)
        c->v[i] = (struct ivl){INT64_MAX, INT64_MIN, -1, INT64_MIN};
    for (int lv = 1; lv <= k; lv++) {
        int64_t half = (int64_t)1 << (lv - 1);
        for (int64_t i = ((int64_t)1 << lv) - 1; i < c->padded; i += (int64_t)1 << (lv + 1)) {
            int64_t m = c->v[i].end;
            if (c->v[i - half].max > m)
                m = c->v[i - half].max;
            if (c->v[i + half].max > m)
                m = c->v[i + half].max;
            c->v[i].max = m;
        }
    }
}

static int cmp_idx(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void add_hit(int64_t **hits, int *cap, int *n, int64_t x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *hits = xrealloc(*hits, (size_t)*cap * sizeof **hits);
    }
    (*hits)[(*n)++] = x;
}

int region_names(struct region_set *rs, const char *canon, int64_t beg, int64_t end, int count,
                 kstring_t *names)
{
    struct contig_ivls *c = contig_of(rs, canon, strlen(canon));
    if (!c || c->n == 0)
        return 0;
    int nh = 0;
    struct {
        int64_t x;
        int lv;
    } stack[64];
    int sp = 0;
    stack[sp].x = ((int64_t)1 << c->levels) - 1;
    stack[sp++].lv = c->levels;
    while (sp > 0) {
        int64_t x = stack[--sp].x;
        int lv = stack[sp].lv;
        const struct ivl *v = &c->v[x];
        if (v->max <= beg)
            continue; /* nothing below ends after the query starts */
        if (lv == 0) {
            if (v->beg < end && v->end > beg)
                add_hit(&rs->hits, &rs->hcap, &nh, x);
            continue;
        }
        int64_t half = (int64_t)1 << (lv - 1);
        stack[sp].x = x - half;
        stack[sp++].lv = lv - 1;
        if (v->beg < end) {
            if (v->end > beg)
                add_hit(&rs->hits, &rs->hcap, &nh, x);
            stack[sp].x = x + half;
            stack[sp++].lv = lv - 1;
        }
    }
    if (nh == 0)
        return 0;
    int64_t *hits = rs->hits;
    qsort(hits, (size_t)nh, sizeof *hits, cmp_idx);
    int added = 0;
    for (int i = 0; i < nh; i++) {
        int32_t id = c->v[hits[i]].name;
        int dup = 0;
        for (int j = 0; j < i && !dup; j++)
            dup = c->v[hits[j]].name == id;
        if (dup)
            continue;
        if (names->l)
            kputc(',', names);
        kputs(rs->names[id], names);
        if (rs->counts && count)
            rs->counts[id]++;
        added++;
    }
    return added;
}

/* ----------------------------------------------------------------- parsing */

/* Splits a tab-separated line into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    return n;
}

static int parse_pos(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0 || v > ((int64_t)1 << 40))
        return -1;
    *out = v;
    return 0;
}

/* The value of attribute key in a GFF3 (key=value;...) or GTF (key "value"; ...) column. */
static int attr_value(char *attrs, const char *key, int gtf, const char **v, size_t *vl)
{
    size_t kl = strlen(key);
    for (char *p = attrs; *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (len > kl && !strncmp(p, key, kl) && (p[kl] == (gtf ? ' ' : '='))) {
            const char *s = p + kl + 1;
            size_t n = len - kl - 1;
            if (gtf && n >= 2 && s[0] == '"' && s[n - 1] == '"')
                s++, n -= 2;
            *v = s;
            *vl = n;
            return 1;
        }
        if (!semi)
            break;
        p = semi + 1;
    }
    return 0;
}

/* Adds one line of a region file; 0, or GAS_EINVAL with the reason in err. */
static int region_line(struct region_set *rs, const struct source_def *d, char *line, char *err,
                       size_t errn)
{
    char *f[16];
    int nf = split_tabs(line, f, d->format == RF_BED ? 16 : 9);
    int64_t beg, end;
    const char *name = NULL;
    size_t nl = 0;
    if (d->format == RF_BED) {
        if (nf < 3 || parse_pos(f[1], &beg) || parse_pos(f[2], &end) || end < beg) {
            snprintf(err, errn, "not a BED line (chrom, start, end)");
            return GAS_EINVAL;
        }
        if (d->name_col > nf) {
            snprintf(err, errn, "no column %d for the name", d->name_col);
            return GAS_EINVAL;
        }
        name = f[d->name_col - 1];
        nl = strlen(name);
    } else {
        if (nf < 9 || parse_pos(f[3], &beg) || parse_pos(f[4], &end) || beg < 1 || end < beg) {
            snprintf(err, errn, "not a %s line (9 columns, 1-based start <= end)",
                     d->format == RF_GTF ? "GTF" : "GFF3");
            return GAS_EINVAL;
        }
        beg--; /* 1-based closed -> 0-based half-open */
        if (d->feature && strcmp(f[2], d->feature))
            return 0;
        if (!attr_value(f[8], d->name_attr, d->format == RF_GTF, &name, &nl))
            return 0; /* a feature without that attribute has no name to give */
    }
    if (nl == 0 || (nl == 1 && (name[0] == '.' || name[0] == '-')))
        return 0; /* unnamed */
    for (size_t i = 0; i < nl; i++)
        if (name[i] == ',' || name[i] == ';' || name[i] == '=' || (unsigned char)name[i] < 0x21) {
            snprintf(err, errn, "feature name has a character not allowed in INFO values");
            return GAS_EINVAL;
        }
    add_ivl(rs, f[0], strlen(f[0]), beg, end, intern(rs, name, nl));
    return 0;
}

int region_load(const struct source_def *d, struct region_set **out)
{
    *out = NULL;
    BGZF *fp = bgzf_open(d->file, "r");
    if (!fp)
        return gas_err_set(GAS_ENOTFOUND, "source [%s]: cannot open %s", d->name, d->file);
    struct region_set *rs = xcalloc(1, sizeof *rs);
    rs->last = -1;
    kstring_t ks = {0, 0, NULL};
    int64_t lineno = 0, total = 0;
    int rc = 0, r;
    char err[256];
    while ((r = bgzf_getline(fp, '\n', &ks)) >= 0) {
        lineno++;
        if (ks.l && ks.s[ks.l - 1] == '\r')
            ks.s[--ks.l] = 0;
        if (!ks.l || ks.s[0] == '#' || !strncmp(ks.s, "track", 5) || !strncmp(ks.s, "browser", 7))
            continue;
        if (memchr(ks.s, 0, ks.l)) {
            rc = gas_err_set(GAS_EINVAL, "source [%s]: %s line %lld: binary data", d->name, d->file,
                             (long long)lineno);
            break;
        }
        if (region_line(rs, d, ks.s, err, sizeof err)) {
            rc = gas_err_set(GAS_EINVAL, "source [%s]: %s line %lld: %s", d->name, d->file,
                             (long long)lineno, err);
            break;
        }
        if (++total > MAX_INTERVALS) {
            rc = gas_err_set(GAS_ETOOBIG, "source [%s]: more than %d features", d->name,
                             MAX_INTERVALS);
            break;
        }
    }
    if (!rc && r < -1)
        rc = gas_err_set(GAS_EIO, "source [%s]: %s is corrupt or truncated", d->name, d->file);
    free(ks.s);
    bgzf_close(fp);
    if (rc) {
        region_free(rs);
        return rc;
    }
    for (int i = 0; i < rs->nc; i++)
        build_tree(&rs->c[i]);
    *out = rs;
    return 0;
}

struct region_set *region_view(const struct region_set *rs)
{
    struct region_set *v = xmalloc(sizeof *v);
    *v = *rs;
    v->base = rs;
    v->last = -1;
    v->hits = NULL;
    v->hcap = 0;
    v->counts = NULL;
    return v;
}

int region_take(const struct source_def *d, struct region_set **out)
{
    struct stat now;
    if ((*out = kept_take(d, &now)) != NULL)
        return 0;
    int rc = region_load(d, out);
    if (!rc)
        (*out)->file = now;
    return rc;
}

void region_keep(const struct source_def *d, struct region_set *rs)
{
    if (rs && rs->base) {
        region_free(rs);
        return;
    }
    if (rs) { /* counting is per run (region_count_names) */
        free(rs->counts);
        rs->counts = NULL;
        rs->last = -1;
    }
    kept_give(d, rs, rs ? &rs->file : NULL);
}

void region_free(struct region_set *rs)
{
    if (!rs)
        return;
    if (rs->base) { /* a view: only its own scratch */
        free(rs->hits);
        free(rs->counts);
        free(rs);
        return;
    }
    for (int i = 0; i < rs->nc; i++) {
        free(rs->c[i].name);
        free(rs->c[i].v);
    }
    free(rs->c);
    for (int i = 0; i < rs->nnames; i++)
        free(rs->names[i]);
    free(rs->names);
    free(rs->slots);
    free(rs->hits);
    free(rs->counts);
    free(rs);
}
