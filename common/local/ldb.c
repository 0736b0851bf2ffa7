/* ldb: the SQLite connection pool and schema of the local backend (design in local.h). */
#include "local.h"

#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
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
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS tables(name TEXT PRIMARY KEY, key_attr TEXT NOT NULL,"
    "  index_attr TEXT);"
    "CREATE TABLE IF NOT EXISTS items(tbl TEXT NOT NULL, k TEXT NOT NULL, idx TEXT,"
    "  body TEXT NOT NULL, w TEXT, wu INTEGER, PRIMARY KEY(tbl, k)) WITHOUT ROWID;"
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

int ldb_fail(sqlite3 *conn, int rc, const char *what)
{
    int primary = rc & 0xff;
    int err = primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? GAS_EBUSY
              : primary == SQLITE_CONSTRAINT                     ? GAS_ECONFLICT
              : primary == SQLITE_TOOBIG                         ? GAS_ETOOBIG
                                                                 : GAS_EIO;
    return gas_err_set(err, "%s: %s", what, conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
}

int ldb_exec(sqlite3 *conn, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : ldb_fail(conn, rc, "database");
}

int ldb_begin(sqlite3 *conn)
{
    return ldb_exec(conn, "BEGIN IMMEDIATE");
}

int ldb_commit(sqlite3 *conn)
{
    int rc = ldb_exec(conn, "COMMIT");
    if (rc)
        ldb_rollback(conn);
    return rc;
}

int ldb_lazy(sqlite3 *conn, int lazy)
{
    return ldb_exec(conn, lazy ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
}

void ldb_rollback(sqlite3 *conn)
{
    if (!sqlite3_get_autocommit(conn))
        sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *ldb_prep(sqlite3 *conn, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(conn, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        ldb_fail(conn, rc, "prepare");
        return NULL;
    }
    return st;
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
    sqlite3_busy_timeout(conn, db->busy_ms);
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
        err = ldb_exec(conn, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;");
    if (err) {
        sqlite3_close(conn);
        return err;
    }
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

int ldb_open(const char *path, int busy_ms, struct ldb **out)
{
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
    pthread_mutex_init(&db->lock, NULL);
    sqlite3 *conn;
    int rc = connect(db, &conn);
    if (!rc) {
        rc = ldb_begin(conn);
        if (!rc) {
            rc = ldb_exec(conn, schema);
            if (!rc)
                rc = migrate(conn);
            if (!rc)
                rc = add_due_index(conn);
            if (!rc)
                rc = add_change_numbers(conn);
            rc = rc ? (ldb_rollback(conn), rc) : ldb_commit(conn);
        }
        if (rc)
            sqlite3_close(conn);
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
        sqlite3_close(db->free_conns[i]);
    free(db->free_conns);
    pthread_mutex_destroy(&db->lock);
    free(db->path);
    free(db);
}

sqlite3 *ldb_get(struct ldb *db)
{
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
    pthread_mutex_lock(&db->lock);
    if (db->nfree == db->cap) {
        db->cap = db->cap ? db->cap * 2 : 8;
        db->free_conns = xrealloc(db->free_conns, (size_t)db->cap * sizeof *db->free_conns);
    }
    db->free_conns[db->nfree++] = conn;
    pthread_mutex_unlock(&db->lock);
}
