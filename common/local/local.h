/* local backend internals: one SQLite database (WAL) shared by every process on the
 * machine for tables, queues and topics; a directory tree for hot objects and cold
 * archives. Private to common/local/. */
#ifndef GAS_LOCAL_H
#define GAS_LOCAL_H

#include "gas/backend.h"

#include <pthread.h>
#include <sqlite3.h>

struct cfg;

/* A pool of SQLite connections to one database file: a thread takes one with ldb_get and
 * gives it back with ldb_put, so no connection is ever used by two threads at once (the
 * pool's mutex guards only the free list). Cross-process safety comes from SQLite's file
 * locks: every write runs in BEGIN IMMEDIATE, waiting up to the busy timeout. */
struct ldb;
int ldb_open(const char *path, int busy_ms, struct ldb **out);
void ldb_close(struct ldb *db);
sqlite3 *ldb_get(struct ldb *db);
void ldb_put(struct ldb *db, sqlite3 *conn);
/* Runs SQL without results; 0 or a gas_err (GAS_EBUSY when locked past the timeout). */
int ldb_exec(sqlite3 *conn, const char *sql);
int ldb_begin(sqlite3 *conn);  /* BEGIN IMMEDIATE */
int ldb_commit(sqlite3 *conn); /* rolls back when the commit fails */
void ldb_rollback(sqlite3 *conn);
/* Durability: every commit is durable when it returns (its WAL frames fdatasync'ed, one
 * sync shared by the commits of every thread that asked meanwhile: group commit), unless
 * the thread's writes are lazy (backend_lazy): then it is synced by the next durable
 * commit of any connection (WAL order) or a checkpoint, and a power loss may undo it,
 * never tearing it and never keeping a later commit without it. */
/* Makes every commit so far durable, lazy ones included (one group sync); 0 or a gas_err. */
int ldb_sync_all(struct ldb *db);
/* A group of this thread's writes as one transaction (backend_group_begin): from
 * ldb_group_begin, ldb_get on this thread hands out the group's connection, holding the
 * write lock; ldb_begin/commit/rollback become a savepoint of it (a failed write undoes
 * only its own); ldb_group_end commits the lot (synced as any commit: unless lazy) or, on
 * an error, none of it. */
int ldb_group_begin(struct ldb *db);
int ldb_group_end(struct ldb *db);
/* Prepares sql (or hands out the one kept for this connection), or sets a gas_err message
 * and returns NULL; give it back with ldb_done (reset, kept for the next ldb_prep). */
sqlite3_stmt *ldb_prep(sqlite3 *conn, const char *sql);
void ldb_done(sqlite3_stmt *st);
/* Maps a SQLite result code to a gas_err and records "what: sqlite message". */
int ldb_fail(sqlite3 *conn, int rc, const char *what);

struct local_be {
    struct gas_backend pub;
    struct ldb *db;
    char *root;     /* data_dir */
    char *objroot;  /* data_dir/objects */
    char *coldroot; /* data_dir/cold */
    char *tmpdir;   /* data_dir/tmp: staging for atomic writes (same file system) */
};

/* A fresh staging path in data_dir/tmp named "<uuid>.<host>-<pid>" (the caller's): its
 * owner is the process that writes it, so a starting gasd can remove those of processes
 * that are gone (worker/scratch.c). */
char *local_tmp_path(struct local_be *lb);

static inline struct local_be *local_of(struct gas_backend *be)
{
    return (struct local_be *)be;
}

int local_backend_open(const struct cfg *cfg, struct gas_backend **be);
/* 1 if data_dir/gas.db exists; *where (optional, the caller's): data_dir, absolute. */
int local_backend_exists(const struct cfg *cfg, char **where);

int local_table_open(struct gas_backend *be, const char *name, const char *key_attr,
                     const char *index_attr, struct tbl **t);
int local_table_create(struct gas_backend *be, const char *name, const char *key_attr,
                       const char *index_attr);
int local_queue_open(struct gas_backend *be, const char *name, struct queue **q);
int local_queue_create(struct gas_backend *be, struct queue_spec *spec);
int local_topic_open(struct gas_backend *be, const char *name, struct topic **t);
int local_topic_create(struct gas_backend *be, const char *name);
/* Publishes with an extra delay added to every subscription's (used by the cold store
 * to deliver completion notices when a retrieval becomes ready). */
int local_topic_publish_delayed(struct gas_backend *be, const char *topic, const char *body,
                                int extra_delay_s);
int local_objs_new(struct gas_backend *be, struct objs **o);
int local_bucket_create(struct gas_backend *be, const char *bucket, int *kept);
/* Path of bucket/key under objroot (caller's); key must be valid. */
char *local_obj_path(struct local_be *lb, const char *bucket, const char *key);
/* Stages src into the object store durably, computing size and MD5 etag. */
int local_obj_store(struct local_be *lb, const char *bucket, const char *key, const char *src);
/* Copies fd in to fd out (-1: only hash), giving the hex MD5 (or SHA-256) and size;
 * hex must hold 129 bytes. */
int local_copy_hash(int in, int out, int sha256, char *hex, int64_t *size);
int local_cold_new(struct gas_backend *be, struct cold **c);

#endif
