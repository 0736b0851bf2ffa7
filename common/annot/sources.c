/* annot sources: the sources file ("[name]" sections of "key = value" lines), with
 * every error reported as FILE:LINE: reason. */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_LINE 4096

/* INFO ids: a letter or '_' then letters, digits, '_' and '.' (VCF 4.3, 1.6.1). */
static int info_id_ok(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_') || strlen(s) > 60)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
            return 0;
    return 1;
}

/* covers = CONTIG:FROM-TO[, ...]: where a partial known source has variants. */
static int parse_covers(struct source_def *d, const char *v, char *err, size_t errn)
{
    free(d->covers);
    d->covers = NULL;
    d->ncovers = 0;
    for (const char *p = v; *p;) {
        p += strspn(p, " ,");
        if (!*p)
            break;
        size_t n = strcspn(p, ",");
        char piece[96], contig[64];
        snprintf(piece, sizeof piece, "%.*s", (int)(n < 95 ? n : 95), p);
        long long lo = 0, hi = 0;
        int used = 0;
        if (sscanf(piece, " %63[^: ]:%lld-%lld %n", contig, &lo, &hi, &used) != 3 || piece[used] ||
            lo < 1 || hi < lo) {
            snprintf(err, errn, "covers: \"%s\" is not CONTIG:FROM-TO (1-based, FROM <= TO)",
                     gas_trim(piece));
            return GAS_EINVAL;
        }
        if (d->ncovers == 256) {
            snprintf(err, errn, "covers: more than 256 stretches");
            return GAS_EINVAL;
        }
        d->covers = xrealloc(d->covers, (size_t)(d->ncovers + 1) * sizeof *d->covers);
        struct source_cover *c = &d->covers[d->ncovers++];
        contig_canon(contig, strlen(contig), c->contig, sizeof c->contig);
        c->lo = lo, c->hi = hi;
        p += n;
    }
    return 0;
}

static void def_free(struct source_def *d)
{
    src_cache_free(d->cache, d->type);
    free(d->name);
    free(d->file);
    free(d->field);
    free(d->name_attr);
    free(d->feature);
    free(d->version);
    free(d->covers);
    for (int i = 0; i < d->ninfo; i++) {
        free(d->info[i].src);
        free(d->info[i].dst);
        free(d->info[i].type);
        free(d->info[i].description);
    }
    free(d->info);
}

void annot_sources_free(struct annot_sources *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        def_free(&s->src[i]);
    free(s->src);
    free(s->path);
    free(s->real);
    free(s);
}

int annot_sources_count(const struct annot_sources *s)
{
    return s->n;
}
const char *annot_source_name(const struct annot_sources *s, int i)
{
    return s->src[i].name;
}

static int parse_info_list(struct source_def *d, char *v, char *err, size_t errn)
{
    for (char *save = NULL, *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = gas_trim(tok);
        char *colon = strchr(tok, ':');
        char *src = tok, *dst = tok;
        if (colon) {
            *colon = 0;
            src = gas_trim(tok);
            dst = gas_trim(colon + 1);
        }
        if (!info_id_ok(src) || !info_id_ok(dst)) {
            snprintf(err, errn, "bad INFO field \"%s\" (want SRC or SRC:DST)", tok);
            return GAS_EINVAL;
        }
        d->info = xrealloc(d->info, (size_t)(d->ninfo + 1) * sizeof *d->info);
        memset(&d->info[d->ninfo], 0, sizeof *d->info);
        d->info[d->ninfo].src = xstrdup(src);
        d->info[d->ninfo].dst = xstrdup(dst);
        d->ninfo++;
    }
    return 0;
}

static int set_key(struct source_def *d, const char *dir, const char *key, char *v, char *err,
                   size_t errn)
{
    if (!strcmp(key, "type")) {
        if (!strcmp(v, "region"))
            d->type = SRC_REGION;
        else if (!strcmp(v, "known"))
            d->type = SRC_KNOWN;
        else if (!strcmp(v, "genemodel"))
            d->type = SRC_GENEMODEL;
        else {
            snprintf(err, errn, "type must be region, known or genemodel, got \"%s\"", v);
            return GAS_EINVAL;
        }
    } else if (!strcmp(key, "file")) {
        free(d->file);
        d->file = v[0] == '/' || !dir ? xstrdup(v) : xasprintf("%s/%s", dir, v);
    } else if (!strcmp(key, "field")) {
        if (!info_id_ok(v)) {
            snprintf(err, errn, "field \"%s\" is not a valid INFO id", v);
            return GAS_EINVAL;
        }
        free(d->field);
        d->field = xstrdup(v);
    } else if (!strcmp(key, "format")) {
        if (!strcmp(v, "bed"))
            d->format = RF_BED;
        else if (!strcmp(v, "gff3") || !strcmp(v, "gff"))
            d->format = RF_GFF3;
        else if (!strcmp(v, "gtf"))
            d->format = RF_GTF;
        else {
            snprintf(err, errn, "format must be bed, gff3 or gtf, got \"%s\"", v);
            return GAS_EINVAL;
        }
    } else if (!strcmp(key, "name")) {
        char *end;
        long col = strtol(v, &end, 10);
        free(d->name_attr);
        d->name_attr = NULL;
        if (*v && !*end) {
            if (col < 4 || col > 16) {
                snprintf(err, errn, "name column must be 4..16, got %ld", col);
                return GAS_EINVAL;
            }
            d->name_col = (int)col;
        } else {
            d->name_attr = xstrdup(v);
        }
    } else if (!strcmp(key, "version")) {
        free(d->version);
        d->version = xstrdup(v);
    } else if (!strcmp(key, "feature")) {
        free(d->feature);
        d->feature = xstrdup(v);
    } else if (!strcmp(key, "id")) {
        if (!strcasecmp(v, "true") || !strcasecmp(v, "yes"))
            d->copy_id = 1;
        else if (!strcasecmp(v, "false") || !strcasecmp(v, "no"))
            d->copy_id = 0;
        else {
            snprintf(err, errn, "id must be true or false, got \"%s\"", v);
            return GAS_EINVAL;
        }
    } else if (!strcmp(key, "info")) {
        return parse_info_list(d, v, err, errn);
    } else if (!strcmp(key, "covers")) {
        return parse_covers(d, v, err, errn);
    } else if (!strcmp(key, "flank")) {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 0 || n > 10000000) {
            snprintf(err, errn, "flank must be 0..10000000 bases, got \"%s\"", v);
            return GAS_EINVAL;
        }
        d->flank = (int)n;
    } else {
        snprintf(err, errn, "unknown key \"%s\"", key);
        return GAS_EINVAL;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Checks a finished section; fills defaults. */
static int finish_def(struct source_def *d, int explicit_format, char *err, size_t errn)
{
    if (!d->file) {
        snprintf(err, errn, "source [%s] has no file", d->name);
        return GAS_EINVAL;
    }
    if (d->type != SRC_KNOWN && d->ncovers) {
        snprintf(err, errn, "source [%s]: covers is for known sources", d->name);
        return GAS_EINVAL;
    }
    if (d->type != SRC_REGION && d->field) {
        snprintf(err, errn, "source [%s]: field is for region sources", d->name);
        return GAS_EINVAL;
    }
    if (d->type == SRC_GENEMODEL) {
        if (d->ninfo) {
            snprintf(err, errn, "source [%s]: info is for known sources", d->name);
            return GAS_EINVAL;
        }
        return 0;
    }
    if (d->type == SRC_REGION) {
        if (!d->field) {
            snprintf(err, errn, "region source [%s] has no field", d->name);
            return GAS_EINVAL;
        }
        if (!explicit_format) {
            if (strstr(d->file, ".gff") || strstr(d->file, ".GFF"))
                d->format = RF_GFF3;
            else if (strstr(d->file, ".gtf") || strstr(d->file, ".GTF"))
                d->format = RF_GTF;
            else
                d->format = RF_BED;
        }
        if (d->format != RF_BED && !d->name_attr)
            d->name_attr = xstrdup(d->format == RF_GTF ? "gene_name" : "Name");
        if (d->format == RF_BED && d->name_attr) {
            snprintf(err, errn, "source [%s]: a BED name is a column number", d->name);
            return GAS_EINVAL;
        }
    } else {
        if (!d->copy_id && d->ninfo == 0) {
            snprintf(err, errn, "known source [%s] copies nothing (set id = true or info)",
                     d->name);
            return GAS_EINVAL;
        }
        if (!ends_with(d->file, ".gz") && !ends_with(d->file, ".bgz")) {
            snprintf(err, errn, "known source [%s] must be a bgzipped, indexed VCF (.vcf.gz)",
                     d->name);
            return GAS_EINVAL;
        }
    }
    return 0;
}

/* Every output INFO id and every source name must be unique. */
static int check_unique(struct annot_sources *s, char *err, size_t errn, int *line)
{
    for (int i = 0; i < s->n; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(s->src[i].name, s->src[j].name)) {
                *line = s->src[i].line;
                snprintf(err, errn, "source [%s] is defined twice", s->src[i].name);
                return GAS_EINVAL;
            }
        const char *ids[64];
        int nid = 0;
        for (int j = 0; j <= i; j++) {
            struct source_def *d = &s->src[j];
            if (d->type == SRC_REGION && nid < 64)
                ids[nid++] = d->field;
            for (int f = 0; d->type == SRC_GENEMODEL && genemodel_fields[f] && nid < 64; f++)
                ids[nid++] = genemodel_fields[f];
            for (int f = 0; f < d->ninfo && nid < 64; f++)
                ids[nid++] = d->info[f].dst;
        }
        for (int a = 0; a < nid; a++)
            for (int b = 0; b < a; b++)
                if (!strcmp(ids[a], ids[b])) {
                    *line = s->src[i].line;
                    snprintf(err, errn, "INFO field %s is written by two sources", ids[a]);
                    return GAS_EINVAL;
                }
    }
    return 0;
}

/* A key before the first section: only "build". */
static int top_key(struct annot_sources *s, const char *key, const char *val, char *err,
                   size_t errn)
{
    if (strcmp(key, "build")) {
        snprintf(err, errn,
                 "\"key = value\" before the first [source] section (only \"build = ...\" "
                 "may come before it, not \"%.40s\")",
                 key);
        return GAS_EINVAL;
    }
    if ((s->build = annot_build_parse(val)) < 0) {
        snprintf(err, errn, "unknown genome build \"%s\" (GRCh37, GRCh38, NCBI36, T2T-CHM13)", val);
        return GAS_EINVAL;
    }
    return 0;
}

/* The build a directory name stands for (".../GRCh38/sources.conf"), or -1. */
static int build_of_dir(const char *dir)
{
    if (!dir)
        return -1;
    const char *base = strrchr(dir, '/');
    return annot_build_parse(base ? base + 1 : dir);
}

int annot_sources_build(const struct annot_sources *s)
{
    return s->build;
}

const char *annot_sources_path(const struct annot_sources *s)
{
    return s->path;
}

int annot_sources_load(const char *path, struct annot_sources **out)
{
    *out = NULL;
    FILE *f = gas_fopen_regular(path);
    if (!f)
        return gas_err_last();
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else {
        free(dir);
        dir = NULL;
    }
    struct annot_sources *s = xcalloc(1, sizeof *s);
    s->build = -1;
    s->path = xstrdup(path);
    s->real = realpath(path, NULL);
    char line[MAX_LINE + 2], err[512] = "";
    int lineno = 0, rc = 0, explicit_format = 0;
    struct source_def *cur = NULL;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        if (strlen(line) > MAX_LINE) {
            snprintf(err, sizeof err, "line longer than %d bytes", MAX_LINE);
            rc = GAS_EINVAL;
            break;
        }
        char *t = gas_trim(line);
        if (!*t || *t == '#')
            continue;
        if (*t == '[') {
            char *close = strchr(t, ']');
            if (cur && (rc = finish_def(cur, explicit_format, err, sizeof err))) {
                lineno = cur->line;
                break;
            }
            if (!close || close[1] || close == t + 1) {
                snprintf(err, sizeof err, "expected \"[name]\"");
                rc = GAS_EINVAL;
                break;
            }
            if (s->n == ANNOT_MAX_SOURCES) {
                snprintf(err, sizeof err, "more than %d sources", ANNOT_MAX_SOURCES);
                rc = GAS_EINVAL;
                break;
            }
            *close = 0;
            s->src = xrealloc(s->src, (size_t)(s->n + 1) * sizeof *s->src);
            cur = &s->src[s->n++];
            memset(cur, 0, sizeof *cur);
            cur->cache = src_cache_new();
            cur->name = xstrdup(gas_trim(t + 1));
            cur->line = lineno;
            cur->copy_id = 1;
            cur->name_col = 4;
            cur->flank = GM_DEFAULT_FLANK;
            explicit_format = 0;
            continue;
        }
        char *eq = strchr(t, '=');
        if (!eq) {
            snprintf(err, sizeof err, "expected \"key = value\" or \"[name]\"");
            rc = GAS_EINVAL;
            break;
        }
        *eq = 0;
        char *key = gas_trim(t), *val = gas_trim(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = 0;
            val++;
        }
        if (!cur) {
            rc = top_key(s, key, val, err, sizeof err);
            continue;
        }
        if (!strcmp(key, "format"))
            explicit_format = 1;
        rc = set_key(cur, dir, key, val, err, sizeof err);
    }
    if (!rc && ferror(f)) {
        snprintf(err, sizeof err, "read error");
        rc = GAS_EIO;
    }
    if (!rc && cur && (rc = finish_def(cur, explicit_format, err, sizeof err)))
        lineno = cur->line;
    if (!rc && s->n == 0) {
        snprintf(err, sizeof err, "no [source] sections");
        rc = GAS_EINVAL;
    }
    if (!rc)
        rc = check_unique(s, err, sizeof err, &lineno);
    if (!rc && s->build < 0)
        s->build = build_of_dir(dir);
    fclose(f);
    free(dir);
    if (rc) {
        annot_sources_free(s);
        return gas_err_set(rc, "%s:%d: %s", path, lineno, err);
    }
    *out = s;
    return 0;
}

char *annot_default_sources(void)
{
    const char *env = getenv("GAS_SHARE");
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *cands[3] = {NULL, NULL, NULL};
    char *owned[3] = {NULL, NULL, NULL};
    if (env)
        cands[0] = owned[0] = xasprintf("%s/sources.conf", env);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        cands[1] = owned[1] = xasprintf("%s/../share/gas/sources.conf", exe);  /* installed */
        cands[2] = owned[2] = xasprintf("%s/../../sources/sources.conf", exe); /* build tree */
    }
    char *found = NULL;
    for (int i = 0; i < 3 && !found; i++)
        if (cands[i] && access(cands[i], R_OK) == 0)
            found = xstrdup(cands[i]);
    for (int i = 0; i < 3; i++)
        free(owned[i]);
    return found;
}
