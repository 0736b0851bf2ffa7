/* annot tally: records per name (the genes with the most records, for the count log). An
 * open-addressing hash of interned names with a count each; also the engine's name sets
 * (declared contigs) and maps (a contig's slot in the counts, as slot + 1). */
#include "annot_internal.h"

#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

struct tally {
    char **names;
    int64_t *counts;
    int n, cap; /* cap: slots, a power of two, at most half full */
};

static uint32_t thash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

struct tally *tally_new(void)
{
    struct tally *t = xcalloc(1, sizeof *t);
    t->cap = 1024;
    t->names = xcalloc((size_t)t->cap, sizeof *t->names);
    t->counts = xcalloc((size_t)t->cap, sizeof *t->counts);
    return t;
}

void tally_free(struct tally *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->cap; i++)
        free(t->names[i]);
    free(t->names);
    free(t->counts);
    free(t);
}

static void grow(struct tally *t)
{
    struct tally old = *t;
    t->cap *= 2;
    t->names = xcalloc((size_t)t->cap, sizeof *t->names);
    t->counts = xcalloc((size_t)t->cap, sizeof *t->counts);
    for (int i = 0; i < old.cap; i++) {
        if (!old.names[i])
            continue;
        uint32_t h = thash(old.names[i], strlen(old.names[i])) & (uint32_t)(t->cap - 1);
        while (t->names[h])
            h = (h + 1) & (uint32_t)(t->cap - 1);
        t->names[h] = old.names[i];
        t->counts[h] = old.counts[i];
    }
    free(old.names);
    free(old.counts);
}

void tally_add_count(struct tally *t, const char *s, size_t n, int64_t count)
{
    if (t->n * 2 >= t->cap)
        grow(t);
    uint32_t h = thash(s, n) & (uint32_t)(t->cap - 1);
    while (t->names[h] && (strlen(t->names[h]) != n || memcmp(t->names[h], s, n)))
        h = (h + 1) & (uint32_t)(t->cap - 1);
    if (!t->names[h]) {
        t->names[h] = xstrndup(s, n);
        t->n++;
    }
    t->counts[h] += count;
}

int64_t tally_get(const struct tally *t, const char *s, size_t n)
{
    uint32_t h = thash(s, n) & (uint32_t)(t->cap - 1);
    while (t->names[h]) {
        if (strlen(t->names[h]) == n && !memcmp(t->names[h], s, n))
            return t->counts[h];
        h = (h + 1) & (uint32_t)(t->cap - 1);
    }
    return 0;
}

void tally_add(struct tally *t, const char *s, size_t n)
{
    tally_add_count(t, s, n, 1);
}

void tally_merge(struct tally *dst, const struct tally *src)
{
    for (int i = 0; i < src->cap; i++)
        if (src->names[i])
            tally_add_count(dst, src->names[i], strlen(src->names[i]), src->counts[i]);
}

/* Each name of a comma-separated list once. */
void tally_add_list(struct tally *t, const char *s, size_t n)
{
    const char *end = s + n;
    for (const char *p = s; p < end;) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        size_t l = (size_t)((c ? c : end) - p);
        int seen = 0;
        for (const char *q = s; q < p && !seen;) { /* an earlier copy in this list? */
            const char *qc = memchr(q, ',', (size_t)(p - q));
            size_t ql = (size_t)((qc ? qc : p) - q);
            seen = ql == l && !memcmp(q, p, l);
            q += ql + 1;
        }
        if (l && !seen && !(l == 1 && *p == '.'))
            tally_add(t, p, l);
        p += l + 1;
    }
}

static int before(int64_t c, const char *nm, int64_t c2, const char *nm2)
{
    return c > c2 || (c == c2 && strcmp(nm, nm2) < 0);
}

int tally_top(const struct tally *t, int max, const char **names, int64_t *counts)
{
    int n = 0;
    for (int i = 0; i < t->cap && max > 0; i++) {
        if (!t->names[i])
            continue;
        int64_t c = t->counts[i];
        const char *nm = t->names[i];
        int at;
        if (n < max)
            at = n++;
        else if (before(c, nm, counts[max - 1], names[max - 1]))
            at = max - 1;
        else
            continue;
        for (; at > 0 && before(c, nm, counts[at - 1], names[at - 1]); at--) {
            names[at] = names[at - 1];
            counts[at] = counts[at - 1];
        }
        names[at] = nm;
        counts[at] = c;
    }
    return n;
}
