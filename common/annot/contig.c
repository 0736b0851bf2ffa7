/* annot contig: one canonical form for the names a contig goes by, so that a record on
 * "chr21" finds "21" in a source and the other way round.
 *
 *   chr1, Chr1, CHR1, 1                      -> 1
 *   chrX, X / chrY, Y                        -> X / Y
 *   chrM, chrMT, M, MT                       -> MT
 *   chr1_KI270706v1_random, KI270706.1       -> KI270706   (UCSC and NCBI names of the
 *   chrUn_gl000220, GL000220.1               -> GL000220    same unplaced/alt contig)
 *   NC_000001.11, NC_000023.10, NC_012920.1  -> 1, X, MT   (RefSeq, as in NCBI's dbSNP)
 *   anything else                            -> itself
 */
#include "annot_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An accession "AB123456" optionally followed by "vN" or ".N" (the version is dropped):
 * the length of the letters+digits part, or 0. */
static size_t accession(const char *s, size_t n, size_t *vers_at)
{
    size_t i = 0;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    if (i < 1 || i > 3)
        return 0;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i - d < 5)
        return 0;
    *vers_at = i;
    if (i == n)
        return i;
    if ((s[i] == 'v' || s[i] == '.') && i + 1 < n) {
        size_t j = i + 1;
        while (j < n && isdigit((unsigned char)s[j]))
            j++;
        if (j == n)
            return i;
    }
    return 0;
}

static size_t put(char *out, size_t outn, const char *s, size_t n, int upper);

/* NC_000001.11 -> 1, ..., NC_000023 -> X, NC_000024 -> Y, NC_012920 -> MT. */
static size_t refseq(const char *s, size_t n, char *out, size_t outn)
{
    size_t dot = strcspn(s, ".");
    if (dot > n)
        dot = n;
    if (dot == 9 && !strncmp(s, "NC_012920", 9))
        return put(out, outn, "MT", 2, 0);
    if (dot == 9 && !strncmp(s, "NC_0000", 7) && isdigit((unsigned char)s[7]) &&
        isdigit((unsigned char)s[8])) {
        int c = (s[7] - '0') * 10 + (s[8] - '0');
        char b[4];
        if (c >= 1 && c <= 22)
            snprintf(b, sizeof b, "%d", c);
        else if (c == 23 || c == 24)
            snprintf(b, sizeof b, "%s", c == 23 ? "X" : "Y");
        else
            return put(out, outn, s, n, 0);
        return put(out, outn, b, strlen(b), 0);
    }
    return put(out, outn, s, n, 0);
}

static size_t put(char *out, size_t outn, const char *s, size_t n, int upper)
{
    if (n >= outn)
        n = outn - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = upper ? (char)toupper((unsigned char)s[i]) : s[i];
    out[n] = 0;
    return n;
}

size_t contig_canon(const char *name, size_t n, char *out, size_t outn)
{
    const char *s = name;
    if (n > 3 && !strncasecmp(s, "chr", 3))
        s += 3, n -= 3;
    if ((n == 1 && (s[0] == 'M' || s[0] == 'm')) || (n == 2 && !strncasecmp(s, "MT", 2)))
        return put(out, outn, "MT", 2, 0);
    if (n == 1 && (s[0] == 'x' || s[0] == 'y'))
        return put(out, outn, s, 1, 1);
    if (s == name && n >= 9 && !strncmp(s, "NC_0", 4)) /* RefSeq chromosome accessions */
        return refseq(s, n, out, outn);
    size_t v;
    size_t a = accession(s, n, &v);
    if (a)
        return put(out, outn, s, a, 1);
    /* UCSC: <chrom>_<accession>[v<N>][_random|_alt|_fix] */
    const char *us = memchr(s, '_', n);
    if (us && s != name) {
        const char *acc = us + 1;
        size_t rest = n - (size_t)(acc - s);
        const char *us2 = memchr(acc, '_', rest);
        size_t al = us2 ? (size_t)(us2 - acc) : rest;
        if ((a = accession(acc, al, &v)) != 0)
            return put(out, outn, acc, a, 1);
    }
    return put(out, outn, s, n, 0);
}

int contig_same(const char *a, const char *b)
{
    char ca[CONTIG_CANON_MAX], cb[CONTIG_CANON_MAX];
    contig_canon(a, strlen(a), ca, sizeof ca);
    contig_canon(b, strlen(b), cb, sizeof cb);
    return !strcmp(ca, cb);
}

enum contig_style contig_style_of(const char *name)
{
    if (!strncmp(name, "NC_", 3))
        return CS_REFSEQ;
    if (strlen(name) > 3 && !strncasecmp(name, "chr", 3))
        return CS_CHR;
    return CS_PLAIN;
}

int contig_style_bit(const char *name)
{
    char c[CONTIG_CANON_MAX];
    contig_canon(name, strlen(name), c, sizeof c);
    char *end;
    long v = strtol(c, &end, 10);
    int main_chrom = (!*end && c[0] >= '1' && c[0] <= '9' && v <= 22) || !strcmp(c, "X") ||
                     !strcmp(c, "Y") || !strcmp(c, "MT");
    if (!main_chrom)
        return 0;
    return 1 << contig_style_of(name);
}

const char *contig_style_name(int styles)
{
    switch (styles) {
    case 1 << CS_CHR: return "\"chr\" prefix (chr1, chrX, chrM)";
    case 1 << CS_PLAIN: return "no prefix (1, X, MT)";
    case (1 << CS_CHR) | (1 << CS_PLAIN): return "mixed (some with \"chr\", some without)";
    case 1 << CS_REFSEQ: return "RefSeq accessions (NC_000001.11)";
    case 0: return "no main chromosome (1-22, X, Y, MT) among them";
    default: return "mixed";
    }
}
