/* annot catalog: the sources to use for each genome build.
 *
 * Either one sources file (annot_sources, gas annotate -s): used for the build it
 * declares ("build = GRCh38" at its top, or its directory's name), or for every build
 * when it declares none; or a directory with <build>/sources.conf per build
 * (annot_sources_dir); or, by default, the sources installed or built with GAS:
 * $GAS_SHARE, <bin>/../share/gas, the build tree's build/sources, each with
 * <build>/sources.conf (the older single build/sources/sources.conf counts as GRCh37). */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A sources file the catalog was read from, or could have been (a build's file not there
 * yet), as it was then: annot_catalog_changed compares. */
struct watched {
    char *path;
    int exists;
    struct stat st;
};

struct annot_catalog {
    struct annot_sources *by_build[ANNOT_NBUILDS];
    struct annot_sources *any; /* a file declaring no build: for every build */
    int file_build;            /* loaded from one file that declares this build, else -1 */
    struct watched watch[ANNOT_NBUILDS + 1];
    int nwatch;
};

static void watch_state(struct watched *w)
{
    w->exists = stat(w->path, &w->st) == 0;
}

static void watch(struct annot_catalog *c, const char *path)
{
    if (c->nwatch == (int)(sizeof c->watch / sizeof *c->watch))
        return;
    struct watched *w = &c->watch[c->nwatch++];
    w->path = xstrdup(path);
    watch_state(w);
}

int annot_catalog_changed(const struct annot_catalog *c, double settle_s)
{
    int changed = 0, settling = 0;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int i = 0; i < c->nwatch; i++) {
        const struct watched *w = &c->watch[i];
        struct stat st;
        int exists = stat(w->path, &st) == 0;
        if (exists == w->exists &&
            (!exists || (st.st_dev == w->st.st_dev && st.st_ino == w->st.st_ino &&
                         st.st_size == w->st.st_size && st.st_mtim.tv_sec == w->st.st_mtim.tv_sec &&
                         st.st_mtim.tv_nsec == w->st.st_mtim.tv_nsec)))
            continue;
        changed = 1;
        double age = (double)(now.tv_sec - st.st_mtim.tv_sec) +
                     (double)(now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
        if (exists && age < settle_s)
            settling = 1;
    }
    return changed && !settling;
}

void annot_catalog_rewatch(struct annot_catalog *c)
{
    for (int i = 0; i < c->nwatch; i++)
        watch_state(&c->watch[i]);
}

int annot_catalog_file_build(const struct annot_catalog *c)
{
    return c->file_build;
}

void annot_catalog_free(struct annot_catalog *c)
{
    if (!c)
        return;
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        annot_sources_free(c->by_build[b]);
    annot_sources_free(c->any);
    for (int i = 0; i < c->nwatch; i++)
        free(c->watch[i].path);
    free(c);
}

static int add_file(struct annot_catalog *c, const char *path, int assume_build)
{
    struct annot_sources *s = NULL;
    int rc = annot_sources_load(path, &s);
    if (rc)
        return rc;
    if (s->build < 0)
        s->build = assume_build;
    if (s->build < 0) {
        annot_sources_free(c->any);
        c->any = s;
    } else {
        annot_sources_free(c->by_build[s->build]);
        c->by_build[s->build] = s;
    }
    return 0;
}

/* Loads every <dir>/<build>/sources.conf there is; how many. */
static int add_dir(struct annot_catalog *c, const char *dir, int *n)
{
    *n = 0;
    for (int b = 0; b < ANNOT_NBUILDS; b++) {
        char *p = xasprintf("%s/%s/sources.conf", dir, annot_build_name(b));
        watch(c, p); /* also while missing: one added later is a change */
        int rc = access(p, F_OK) == 0 ? add_file(c, p, b) : 0;
        *n += rc == 0 && access(p, F_OK) == 0;
        free(p);
        if (rc)
            return rc;
    }
    return 0;
}

/* The first of the default places that holds per-build sources (caller's), or NULL; the
 * places looked in, for the error when none does (tried, caller's). */
static char *default_dir(char **tried)
{
    const char *env = getenv("GAS_SHARE");
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *cands[3] = {env && *env ? xstrdup(env) : NULL, NULL, NULL};
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        cands[1] = xasprintf("%s/../share/gas", exe);
        cands[2] = xasprintf("%s/../../sources", exe);
    }
    char *found = NULL;
    *tried = xasprintf("%s", env && *env ? "" : "$GAS_SHARE (not set)");
    for (int i = 0; i < 3; i++) {
        for (int b = 0; b < ANNOT_NBUILDS && cands[i] && !found; b++) {
            char *p = xasprintf("%s/%s/sources.conf", cands[i], annot_build_name(b));
            if (access(p, R_OK) == 0)
                found = xstrdup(cands[i]);
            free(p);
        }
        if (cands[i]) {
            char *t =
                xasprintf("%s%s%s/<build>/sources.conf", *tried, **tried ? ", " : "", cands[i]);
            free(*tried);
            *tried = t;
        }
        free(cands[i]);
    }
    return found;
}

int annot_catalog_load(const char *file, const char *dir, struct annot_catalog **out)
{
    struct annot_catalog *c = xcalloc(1, sizeof *c);
    int rc = 0, n = 0;
    char *def = NULL, *tried = NULL;
    *out = NULL;
    c->file_build = -1;
    if (file && *file) {
        watch(c, file);
        rc = add_file(c, file, -1);
        for (int b = 0; !rc && b < ANNOT_NBUILDS; b++)
            if (c->by_build[b])
                c->file_build = b;
    } else if (dir && *dir) {
        rc = add_dir(c, dir, &n);
        if (!rc && !n)
            rc = gas_err_set(GAS_ENOTFOUND,
                             "annot_sources_dir %s has no <build>/sources.conf (e.g. "
                             "%s/GRCh37/sources.conf)",
                             dir, dir);
    } else if ((def = default_dir(&tried)) != NULL) {
        rc = add_dir(c, def, &n);
    } else if ((def = annot_default_sources()) != NULL) {
        watch(c, def);
        rc = add_file(c, def, ANNOT_GRCH37); /* the older single GRCh37 set */
    } else {
        rc = gas_err_set(GAS_ENOTFOUND,
                         "no annotation sources: none where GAS looks by default (%s: "
                         "next to the binary, symbolic links followed); set "
                         "annot_sources or annot_sources_dir, or GAS_SHARE, or build the "
                         "default sources (make sources)",
                         tried);
    }
    free(def);
    free(tried);
    if (rc) {
        annot_catalog_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

const struct annot_sources *annot_catalog_get(const struct annot_catalog *c, int build)
{
    if (build >= 0 && build < ANNOT_NBUILDS && c->by_build[build])
        return c->by_build[build];
    return c->any;
}

void annot_catalog_builds(const struct annot_catalog *c, char *out, size_t outn)
{
    out[0] = 0;
    size_t l = 0;
    for (int b = 0; b < ANNOT_NBUILDS; b++)
        if (c->by_build[b] && l < outn)
            l += (size_t)snprintf(out + l, outn - l, "%s%s", l ? ", " : "", annot_build_name(b));
    if (c->any && l < outn)
        snprintf(out + l, outn - l, "%sany build (a file that declares none)", l ? ", " : "");
}
