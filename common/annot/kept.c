/* annot kept: what a source loaded or opened (a gene model, a region set, a known-variant
 * reader with its index), kept between runs so that a job does not load it again: one per
 * thread running at once (the annotate threads of gasd share one catalog), up to KEPT. A
 * kept one is taken again only while its file is the one it was read from (device, inode,
 * size, modification time): a source file replaced or edited is read again. */
#include "annot_internal.h"

#include "gas/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#define KEPT 16

struct src_cache {
    pthread_mutex_t mu;
    struct {
        void *p;
        struct stat file;
    } item[KEPT];
    int n;
};

struct src_cache *src_cache_new(void)
{
    struct src_cache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

static void item_free(enum src_type type, void *p)
{
    if (type == SRC_GENEMODEL)
        genemodel_free(p);
    else if (type == SRC_KNOWN)
        known_free(p);
    else
        region_free(p);
}

void src_cache_free(struct src_cache *c, enum src_type type)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        item_free(type, c->item[i].p);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

void *kept_take(const struct source_def *def, struct stat *now)
{
    if (stat(def->file, now) < 0)
        now->st_ino = 0; /* not there: nothing kept matches, opening says why */
    if (!def->cache)
        return NULL;
    void *p = NULL, *stale[KEPT];
    int nstale = 0;
    pthread_mutex_lock(&def->cache->mu);
    while (def->cache->n && !p) {
        int i = --def->cache->n;
        if (now->st_ino && same_file(&def->cache->item[i].file, now))
            p = def->cache->item[i].p;
        else
            stale[nstale++] = def->cache->item[i].p;
    }
    pthread_mutex_unlock(&def->cache->mu);
    for (int i = 0; i < nstale; i++) /* the file changed since: read it again */
        item_free(def->type, stale[i]);
    return p;
}

void kept_give(const struct source_def *def, void *p, const struct stat *file)
{
    if (!p)
        return;
    if (def->cache && file->st_ino) {
        pthread_mutex_lock(&def->cache->mu);
        int room = def->cache->n < KEPT;
        if (room) {
            def->cache->item[def->cache->n].p = p;
            def->cache->item[def->cache->n++].file = *file;
        }
        pthread_mutex_unlock(&def->cache->mu);
        if (room)
            return;
    }
    item_free(def->type, p);
}
