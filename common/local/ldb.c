/* ldb: the SQLite connection pool and schema of the local backend (design in local.h). */
#include "local.h"

#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ldb {
    char *path;
    int busy_ms;
    pthread_mutex_t lock;
    sqlite3 **free_conns;
    int nfree, cap;
    /* group commit (ldb_sync): commits are numbered as they ask for a sync; one thread at a
     * time syncs the WAL for every commit numbered before it started */
    pthread_mutex_t sync_lock;
    pthread_cond_t synced_cv, commit_cv; /* commit_cv: a commit here released the lock */
    struct gas_sync_group wal_sync;
    uint64_t commits;
    int wal_fd;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS tables(name TEXT PRIMARY KEY, key_attr TEXT NOT NULL,"
    "  index_attr TEXT);"
    "CREATE TABLE IF NOT EXISTS items(tbl TEXT NOT NULL, k TEXT NOT NULL, idx TEXT,"
    "  body TEXT NOT NULL, w TEXT, wu INTEGER, UNIQUE(tbl, k));"
    "CREATE INDEX IF NOT EXISTS items_by_idx ON items(tbl, idx, k);"
    "CREATE TABLE IF NOT EXISTS queues(name TEXT PRIMARY KEY, dlq TEXT,"
    "  visibility INTEGER NOT NULL, max_receives INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS messages(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body TEXT NOT NULL,"
    "  sent_at REAL NOT NULL, visible_at REAL NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0,"
    "  receipt TEXT UNIQUE, dead_from TEXT, dead_reason TEXT);"
    "CREATE INDEX IF NOT EXISTS messages_by_queue ON messages(queue, visible_at, seq);"
    "CREATE TABLE IF NOT EXISTS topics(name TEXT PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS subscriptions(topic TEXT NOT NULL, queue TEXT NOT NULL,"
    "  delay INTEGER NOT NULL, raw INTEGER NOT NULL, PRIMARY KEY(topic, queue));"
    "CREATE TABLE IF NOT EXISTS objects(bucket TEXT NOT NULL, k TEXT NOT NULL,"
    "  size INTEGER NOT NULL, etag TEXT NOT NULL, PRIMARY KEY(bucket, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS archives(vault TEXT NOT NULL, id TEXT NOT NULL,"
    "  size INTEGER NOT NULL, sha256 TEXT NOT NULL, description TEXT, created REAL NOT NULL,"
    "  PRIMARY KEY(vault, id));"
    "CREATE TABLE IF NOT EXISTS retrievals(id TEXT PRIMARY KEY, vault TEXT NOT NULL,"
    "  archive_id TEXT NOT NULL, tier TEXT NOT NULL, requested REAL NOT NULL,"
    "  ready_at REAL NOT NULL);";

/* Columns added since the first schema, for databases made before them. */
static int migrate(sqlite3 *conn)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn,
                           "SELECT 1 FROM pragma_table_info('messages') WHERE name = 'dead_reason'",
                           -1, &st, NULL) != SQLITE_OK)
        return ldb_fail(conn, sqlite3_errcode(conn), "read the schema");
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r == SQLITE_ROW)
        return 0;
    return ldb_exec(conn, "ALTER TABLE messages ADD COLUMN dead_reason TEXT");
}

/* Who holds the database's write lock, for the message of a wait that timed out: the
 * process holding the WAL write lock (a byte of the -shm file that SQLite's unix VFS locks
 * with fcntl: WALINDEX_LOCK_OFFSET 120 + WAL_WRITE_LOCK 0), its name and state from /proc
 * ("pid 1234 (gasd, stopped)": a gasd frozen by SIGSTOP holds everyone up). Empty when
 * it cannot be told (another thread of this process, or no -shm). */
#define SHM_WRITE_LOCK_BYTE 120
static void lock_holder(sqlite3 *conn, char *buf, size_t n)
{
    buf[0] = 0;
    const char *db = conn ? sqlite3_db_filename(conn, "main") : NULL;
    if (!db || !*db)
        return;
    char *shm = xasprintf("%s-shm", db);
    int fd = open(shm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(shm);
    if (fd < 0)
        return;
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = SHM_WRITE_LOCK_BYTE, .l_len = 1};
    int got = fcntl(fd, F_GETLK, &fl);
    close(fd);
    if (got < 0 || fl.l_type == F_UNLCK || fl.l_pid <= 0)
        return;
    char path[64], stat[512] = "", name[64] = "?", st = '?';
    snprintf(path, sizeof path, "/proc/%d/stat", (int)fl.l_pid);
    FILE *f = fopen(path, "r");
    if (f) {
        size_t k = fread(stat, 1, sizeof stat - 1, f);
        stat[k] = 0;
        fclose(f);
        char *open_p = strchr(stat, '('), *close_p = strrchr(stat, ')');
        if (open_p && close_p && close_p > open_p) {
            snprintf(name, sizeof name, "%.*s", (int)(close_p - open_p - 1), open_p + 1);
            if (close_p[1] == ' ')
                st = close_p[2];
        }
    }
    const char *state = st == 'T' || st == 't'   ? "stopped: SIGSTOP or a debugger; kill -CONT it"
                        : st == 'D'              ? "waiting on the disk"
                        : st == 'Z'              ? "a zombie"
                        : st == 'R' || st == 'S' ? "running"
                                                 : "state unknown";
    snprintf(buf, n, "; its write lock is held by pid %d (%s, %s)", (int)fl.l_pid, name, state);
}

int ldb_fail(sqlite3 *conn, int rc, const char *what)
{
    int primary = rc & 0xff;
    int err = primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? GAS_EBUSY
              : primary == SQLITE_CONSTRAINT                     ? GAS_ECONFLICT
              : primary == SQLITE_TOOBIG                         ? GAS_ETOOBIG
                                                                 : GAS_EIO;
    char holder[256] = ""; /* a wait for the write lock that ran out: who holds it */
    if (primary == SQLITE_BUSY)
        lock_holder(conn, holder, sizeof holder);
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
        const char *file = conn ? sqlite3_db_filename(conn, "main") : NULL;
        gas_fatal_set("the database %s is damaged (%s, in %s): stop every gas and gasd on it, "
                      "keep a copy of it, then put back a backup or recover it (sqlite3 %s "
                      "'.recover' > dump.sql)",
                      file && *file ? file : "gas.db",
                      conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc), what,
                      file && *file ? file : "gas.db");
    }
    return gas_err_set(err, "%s: %s%s", what, conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc),
                       holder);
}

int ldb_exec(sqlite3 *conn, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : ldb_fail(conn, rc, "database");
}

/* This thread's group (ldb_group_begin): its database, the connection holding the group's
 * transaction, and whether an ldb_begin inside it has its savepoint open. */
static _Thread_local struct ldb *grp_db;
static _Thread_local sqlite3 *grp_conn;
static _Thread_local int grp_sp;

/* One statement without rows, kept prepared (the transactions' BEGIN, SAVEPOINT, RELEASE
 * and COMMIT run several times a job: parsed once per connection, not each time). */
static int ldb_run(sqlite3 *conn, const char *sql)
{
    sqlite3_stmt *st = ldb_prep(conn, sql);
    if (!st)
        return GAS_EIO;
    int rc = sqlite3_step(st);
    ldb_done(st);
    return rc == SQLITE_DONE ? 0 : ldb_fail(conn, rc, "database");
}

int ldb_begin(sqlite3 *conn)
{
    if (conn != grp_conn)
        return ldb_run(conn, "BEGIN IMMEDIATE");
    int rc = ldb_run(conn, "SAVEPOINT w");
    grp_sp = !rc;
    return rc;
}

int ldb_commit(sqlite3 *conn)
{
    int rc = ldb_run(conn, conn == grp_conn ? "RELEASE w" : "COMMIT");
    if (rc)
        ldb_rollback(conn);
    else if (conn == grp_conn)
        grp_sp = 0;
    return rc;
}

/* fdatasync of the WAL: the commits written to it before are durable after it (SQLite's
 * synchronous=FULL does the same per commit). The file is opened once and again when it
 * has been replaced (the last connection closing removes it, after a synced checkpoint:
 * then there is nothing of ours left in it to sync). */
static int sync_wal(struct ldb *db)
{
    struct stat sb;
    if (db->wal_fd >= 0 && (fstat(db->wal_fd, &sb) < 0 || sb.st_nlink == 0)) {
        close(db->wal_fd);
        db->wal_fd = -1;
    }
    if (db->wal_fd < 0) {
        char *wal = xasprintf("%s-wal", db->path);
        db->wal_fd = open(wal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        int err = errno;
        free(wal);
        if (db->wal_fd < 0)
            return err == ENOENT ? 0 : SQLITE_IOERR_FSYNC;
    }
    return fdatasync(db->wal_fd) < 0 ? SQLITE_IOERR_FSYNC : 0;
}

static int sync_wal_of(void *db)
{
    return sync_wal(db);
}

/* Group commit: waits until a WAL sync that started after this thread's commit has ended,
 * doing it when no other thread is; commits of several threads share one fdatasync. */
static int ldb_sync(struct ldb *db)
{
    return gas_group_sync(&db->wal_sync, &db->sync_lock, &db->synced_cv, sync_wal_of, db);
}

int ldb_sync_all(struct ldb *db)
{
    int rc = ldb_sync(db);
    return rc ? gas_err_set(GAS_EIO, "%s: its WAL cannot be synced (fdatasync failed)", db->path)
              : 0;
}

/* After every commit on a connection (SQLite calls it with the write lock released): the
 * automatic checkpoint SQLite's own hook would do, then the sync that makes the commit
 * durable, unless this thread's writes are lazy (backend_lazy). An error makes the
 * statement fail (the commit has happened; whether it is durable is not known). */
static int after_commit(void *arg, sqlite3 *conn, const char *name, int wal_pages)
{
    struct ldb *db = arg;
    pthread_mutex_lock(&db->sync_lock);
    db->commits++;
    pthread_cond_broadcast(&db->commit_cv);
    pthread_mutex_unlock(&db->sync_lock);
    if (wal_pages >= 1000)
        sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return backend_lazy_now() ? SQLITE_OK : ldb_sync(db);
}

/* Waiting for another writer's lock, up to busy_ms: until a commit of this process
 * releases it (the usual case: threads of one gasd take turns; SQLite's own handler
 * would sleep 1 ms and more each time), or a short while for one of another process. */
static int busy_wait(void *arg, int n)
{
    struct ldb *db = arg;
    static _Thread_local double since;
    static _Thread_local uint64_t seen;
    pthread_mutex_lock(&db->sync_lock);
    if (n == 0) {
        since = gas_mono();
        seen = db->commits;
    }
    int go_on = (gas_mono() - since) * 1000 < db->busy_ms;
    if (go_on && db->commits == seen) {
        long us = n < 3 ? 100L << n : 1000;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += us * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&db->commit_cv, &db->sync_lock, &until);
    }
    seen = db->commits;
    pthread_mutex_unlock(&db->sync_lock);
    return go_on;
}

void ldb_rollback(sqlite3 *conn)
{
    if (conn == grp_conn) { /* only what ldb_begin started: the group goes on */
        if (grp_sp)
            sqlite3_exec(conn, "ROLLBACK TO w; RELEASE w", NULL, NULL, NULL);
        grp_sp = 0;
        return;
    }
    if (!sqlite3_get_autocommit(conn))
        sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
}

int ldb_group_begin(struct ldb *db)
{
    if (grp_db)
        return gas_err_set(GAS_EINTERNAL, "a group of writes is open already on this thread");
    sqlite3 *conn = ldb_get(db);
    if (!conn)
        return gas_err_set(GAS_EBUSY, "no database connection");
    int rc = ldb_exec(conn, "BEGIN IMMEDIATE");
    if (rc) {
        ldb_put(db, conn);
        return rc;
    }
    grp_db = db;
    grp_conn = conn;
    grp_sp = 0;
    return 0;
}

int ldb_group_end(struct ldb *db)
{
    if (grp_db != db)
        return gas_err_set(GAS_EINTERNAL, "no group of writes is open on this thread");
    sqlite3 *conn = grp_conn;
    grp_db = NULL;
    grp_conn = NULL;
    grp_sp = 0;
    int rc = sqlite3_get_autocommit(conn) /* SQLite rolled it back (an I/O error, full) */
                 ? gas_err_set(GAS_EIO, "the group of writes was rolled back by the database")
                 : ldb_commit(conn);
    ldb_put(db, conn);
    return rc;
}

/* Prepared statements are kept per connection and SQL text (preparing costs more than
 * running most of ours): ldb_prep hands out a kept one not in use, ldb_done resets it
 * for the next. One table for the process; a connection's go when it closes. */
struct kept {
    sqlite3 *conn;
    sqlite3_stmt *st;
    int in_use;
    struct kept *next;
};
#define KEPT_BUCKETS 256
static struct kept *kept[KEPT_BUCKETS];
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned kept_bucket(const sqlite3 *conn, const char *sql)
{
    unsigned h = (unsigned)((uintptr_t)conn >> 4);
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = h * 31 + *p;
    return h % KEPT_BUCKETS;
}

sqlite3_stmt *ldb_prep(sqlite3 *conn, const char *sql)
{
    unsigned b = kept_bucket(conn, sql);
    pthread_mutex_lock(&kept_lock);
    for (struct kept *k = kept[b]; k; k = k->next)
        if (k->conn == conn && !k->in_use && !strcmp(sqlite3_sql(k->st), sql)) {
            k->in_use = 1;
            pthread_mutex_unlock(&kept_lock);
            return k->st;
        }
    pthread_mutex_unlock(&kept_lock);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        ldb_fail(conn, rc, "prepare");
        return NULL;
    }
    struct kept *k = xcalloc(1, sizeof *k);
    k->conn = conn;
    k->st = st;
    k->in_use = 1;
    pthread_mutex_lock(&kept_lock);
    k->next = kept[b];
    kept[b] = k;
    pthread_mutex_unlock(&kept_lock);
    return st;
}

void ldb_done(sqlite3_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    unsigned b = kept_bucket(sqlite3_db_handle(st), sqlite3_sql(st));
    pthread_mutex_lock(&kept_lock);
    for (struct kept *k = kept[b]; k; k = k->next)
        if (k->st == st)
            k->in_use = 0;
    pthread_mutex_unlock(&kept_lock);
}

/* Finalizes a connection's kept statements (before it closes). */
static void kept_drop(sqlite3 *conn)
{
    pthread_mutex_lock(&kept_lock);
    for (int b = 0; b < KEPT_BUCKETS; b++)
        for (struct kept **pp = &kept[b]; *pp;) {
            struct kept *k = *pp;
            if (k->conn != conn) {
                pp = &k->next;
                continue;
            }
            *pp = k->next;
            sqlite3_finalize(k->st);
            free(k);
        }
    pthread_mutex_unlock(&kept_lock);
}

static void conn_close(sqlite3 *conn)
{
    kept_drop(conn);
    sqlite3_close(conn);
}

static int connect(struct ldb *db, sqlite3 **out)
{
    sqlite3 *conn = NULL;
    int rc = sqlite3_open_v2(
        db->path, &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        int err = ldb_fail(conn, rc, db->path);
        sqlite3_close(conn);
        return err;
    }
    sqlite3_busy_handler(conn, busy_wait, db);
    sqlite3_extended_result_codes(conn, 1);
    /* journal_mode=WAL can meet a lock while another process switches it: retry a bit */
    int err = 0;
    for (int i = 0; i < 50; i++) {
        err = ldb_exec(conn, "PRAGMA journal_mode=WAL");
        if (err != GAS_EBUSY)
            break;
        gas_sleep(0.05);
    }
    if (!err)
        err = ldb_exec(conn, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;");
    if (err) {
        sqlite3_close(conn);
        return err;
    }
    /* commits are synced by after_commit (group commit), not each by SQLite */
    sqlite3_wal_hook(conn, after_commit, db);
    *out = conn;
    return 0;
}

/* The due index (watch, watch_until of an item in w, wu): sparse, only items being
 * watched are in it. A database made before it gets the columns here. */
static int add_due_index(sqlite3 *conn)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn, "SELECT w, wu FROM items LIMIT 0", -1, &st, NULL) != SQLITE_OK) {
        int rc = ldb_exec(conn, "ALTER TABLE items ADD COLUMN w TEXT;"
                                "ALTER TABLE items ADD COLUMN wu INTEGER;");
        if (rc)
            return rc;
    }
    sqlite3_finalize(st);
    return ldb_exec(conn, "CREATE INDEX IF NOT EXISTS items_by_due ON items(tbl, w, wu) "
                          "WHERE w IS NOT NULL;");
}

/* Items carry a change number (mseq: per table, the highest + 1 at each write) so that a
 * reader can ask for what changed since it last looked (tbl_changes). Databases made
 * before it get the column here; their rows have none until they are written again. */
static int add_change_numbers(sqlite3 *conn)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn, "SELECT mseq FROM items LIMIT 0", -1, &st, NULL) == SQLITE_OK)
        sqlite3_finalize(st);
    else if (ldb_exec(conn, "ALTER TABLE items ADD COLUMN mseq INTEGER"))
        return GAS_EIO;
    return ldb_exec(conn, "CREATE INDEX IF NOT EXISTS items_by_mseq ON items(tbl, mseq)");
}

/* Items in a table with rowids (schema 2; schema 1 kept them WITHOUT ROWID, in the order
 * of their keys). A job's item (about 1 KB once COMPLETED) spilled out of its page into an
 * overflow page of its own there, and the items of a batch, under random keys, sat on a
 * page each: every write of a job wrote two pages of 4 KB to the WAL. With rowids an item
 * lives whole in its page, next to the items written just before it (a batch's jobs share
 * a few pages), and (tbl, k) is a unique index that updates do not touch. Moved in order
 * of change, so that recent items stay together; the indexes are made again after. */
static int items_with_rowid(sqlite3 *conn)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn, "SELECT rowid FROM items LIMIT 0", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_finalize(st);
        return 0;
    }
    return ldb_exec(conn,
                    "ALTER TABLE items RENAME TO items_v1;"
                    "DROP INDEX IF EXISTS items_by_idx; DROP INDEX IF EXISTS items_by_due;"
                    "DROP INDEX IF EXISTS items_by_mseq;"
                    "CREATE TABLE items(tbl TEXT NOT NULL, k TEXT NOT NULL, idx TEXT,"
                    "  body TEXT NOT NULL, w TEXT, wu INTEGER, mseq INTEGER, UNIQUE(tbl, k));"
                    "INSERT INTO items(tbl, k, idx, body, w, wu, mseq)"
                    "  SELECT tbl, k, idx, body, w, wu, mseq FROM items_v1 ORDER BY mseq, tbl, k;"
                    "DROP TABLE items_v1;"
                    "CREATE INDEX items_by_idx ON items(tbl, idx, k);"
                    "CREATE INDEX items_by_due ON items(tbl, w, wu) WHERE w IS NOT NULL;"
                    "CREATE INDEX items_by_mseq ON items(tbl, mseq);");
}

/* The schema's version, in the database's user_version once the schema and every
 * migration above are in: a process opening a database that has it (or a later one)
 * writes nothing (no write lock taken by each gas command). Raise it with each schema
 * change. (gas 0.1.0, schema 1, does not know later schemas: run against a schema-2
 * database it sets user_version back to 1, harmlessly: it reads and writes schema-2 items
 * as they are, and the next command of a later gas finds them moved already.) */
#define LDB_SCHEMA_VERSION "2"

static int schema_current(sqlite3 *conn)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    /* a newer gas's schema is left as it is (no downgrade of its version): a release reads
     * the schemas after its own as long as they only add (a newer one that does not says
     * so when it changes user_version's meaning) */
    return v >= atoi(LDB_SCHEMA_VERSION);
}

/* SQLite's memory statistics off, before its first use: with them on, every allocation
 * and free of every connection takes one process-wide mutex, and gasd's threads queued
 * on it (a third of their waits in make bench-pipeline). No memory-mapped reads either
 * (mmap_size stays 0): each connection re-mapped the file whenever another one had grown
 * it, and each unmap stopped the other cores to flush their TLBs. */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* SQLITE_MISUSE if already started: fine */
}

int ldb_open(const char *path, int busy_ms, struct ldb **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    *out = NULL;
    /* create the file ourselves so that it (and SQLite's -wal, -shm beside it, which take
     * its mode) is private to this user */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return gas_err_set(GAS_EIO, "open %s: %s", path, strerror(errno));
    struct stat stb;
    if (fstat(fd, &stb) == 0 && stb.st_uid == geteuid() && (stb.st_mode & 077))
        fchmod(fd, 0600);
    close(fd);

    struct ldb *db = xcalloc(1, sizeof *db);
    db->path = xstrdup(path);
    db->busy_ms = busy_ms;
    db->wal_fd = -1;
    pthread_mutex_init(&db->lock, NULL);
    pthread_mutex_init(&db->sync_lock, NULL);
    pthread_cond_init(&db->synced_cv, NULL);
    pthread_cond_init(&db->commit_cv, NULL);
    sqlite3 *conn;
    int rc = connect(db, &conn);
    if (!rc) {
        rc = schema_current(conn) ? 0 : ldb_begin(conn);
        if (!rc && !schema_current(conn)) {
            rc = ldb_exec(conn, schema);
            if (!rc)
                rc = migrate(conn);
            if (!rc)
                rc = add_due_index(conn);
            if (!rc)
                rc = add_change_numbers(conn);
            if (!rc)
                rc = items_with_rowid(conn);
            if (!rc)
                rc = ldb_exec(conn, "PRAGMA user_version = " LDB_SCHEMA_VERSION);
            rc = rc ? (ldb_rollback(conn), rc) : ldb_commit(conn);
        }
        ldb_rollback(conn);
        if (rc)
            conn_close(conn);
        else
            ldb_put(db, conn);
    }
    if (rc) {
        gas_err_wrap(rc, "database %s", path);
        ldb_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

void ldb_close(struct ldb *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->nfree; i++)
        conn_close(db->free_conns[i]);
    free(db->free_conns);
    if (db->wal_fd >= 0)
        close(db->wal_fd);
    pthread_mutex_destroy(&db->lock);
    pthread_mutex_destroy(&db->sync_lock);
    pthread_cond_destroy(&db->synced_cv);
    pthread_cond_destroy(&db->commit_cv);
    free(db->path);
    free(db);
}

sqlite3 *ldb_get(struct ldb *db)
{
    if (db == grp_db)
        return grp_conn;
    pthread_mutex_lock(&db->lock);
    sqlite3 *conn = db->nfree ? db->free_conns[--db->nfree] : NULL;
    pthread_mutex_unlock(&db->lock);
    if (conn)
        return conn;
    /* opening can only fail for reasons the first connection would have hit already
     * (the file exists and was opened); retry briefly on a lock, then give up loudly */
    for (int i = 0; i < 100; i++) {
        if (connect(db, &conn) == 0)
            return conn;
        gas_sleep(0.05);
    }
    return NULL;
}

void ldb_put(struct ldb *db, sqlite3 *conn)
{
    if (!conn)
        return;
    ldb_rollback(conn);
    if (conn == grp_conn)
        return; /* the group's: kept until ldb_group_end */
    pthread_mutex_lock(&db->lock);
    if (db->nfree == db->cap) {
        db->cap = db->cap ? db->cap * 2 : 8;
        db->free_conns = xrealloc(db->free_conns, (size_t)db->cap * sizeof *db->free_conns);
    }
    db->free_conns[db->nfree++] = conn;
    pthread_mutex_unlock(&db->lock);
}
