/* local table: items as JSON text in one SQLite table, keyed by (table, key), with the
 * secondary index attribute copied into a column of its own. Conditional updates read,
 * check and write inside one BEGIN IMMEDIATE transaction, so they are atomic across
 * threads and processes. */
#include "local.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ITEM_BYTES (400 * 1024) /* DynamoDB's item size limit */

static int no_conn(void)
{
    return gas_err_set(GAS_EBUSY, "no database connection");
}

static struct ldb *db_of(struct tbl *t)
{
    return local_of(t->be)->db;
}

static int read_item(sqlite3 *c, struct tbl *t, const char *key, cJSON **item)
{
    *item = NULL;
    sqlite3_stmt *st = ldb_prep(c, "SELECT body FROM items WHERE tbl = ?1 AND k = ?2");
    if (!st)
        return GAS_EIO;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), err = 0;
    if (rc == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(st, 0);
        err = json_parse_object(body, (size_t)sqlite3_column_bytes(st, 0), MAX_ITEM_BYTES, item);
        if (err)
            err = gas_err_wrap(GAS_EIO, "%s item %s is corrupt", t->name, key);
    } else if (rc == SQLITE_DONE) {
        err = gas_err_set(GAS_ENOTFOUND, "%s: no item with %s %s", t->name, t->key_attr, key);
    } else {
        err = ldb_fail(c, rc, "read item");
    }
    ldb_done(st);
    return err;
}

/* How write_item writes: a new item only (if_absent), whatever is there replaced, or an
 * existing item's row updated in place, its index column too (UPDATE_IDX) or not: an
 * index whose column is left out of the UPDATE is not touched (one page write less). */
enum write_mode { PUT_NEW, PUT_ANY, UPDATE, UPDATE_IDX };

static const char *const write_sql[] = {
    [PUT_NEW] = "INSERT INTO items(tbl, k, idx, body, w, wu, mseq) VALUES(?1, ?2, ?3, ?4, "
                "?5, ?6, (SELECT coalesce(max(mseq), 0) + 1 FROM items WHERE tbl = ?1)) "
                "ON CONFLICT DO NOTHING",
    [PUT_ANY] = "INSERT OR REPLACE INTO items(tbl, k, idx, body, w, wu, mseq) VALUES(?1, "
                "?2, ?3, ?4, ?5, ?6, (SELECT coalesce(max(mseq), 0) + 1 FROM items "
                "WHERE tbl = ?1))",
    [UPDATE] = "UPDATE items SET body = ?4, w = ?5, wu = ?6, mseq = (SELECT coalesce(max(mseq), "
               "0) + 1 FROM items WHERE tbl = ?1) WHERE tbl = ?1 AND k = ?2",
    [UPDATE_IDX] = "UPDATE items SET idx = ?3, body = ?4, w = ?5, wu = ?6, mseq = (SELECT "
                   "coalesce(max(mseq), 0) + 1 FROM items WHERE tbl = ?1) WHERE tbl = ?1 AND "
                   "k = ?2",
};

static int write_item(sqlite3 *c, struct tbl *t, const cJSON *item, enum write_mode mode)
{
    char *body = json_print(item);
    if (strlen(body) > MAX_ITEM_BYTES) {
        free(body);
        return gas_err_set(GAS_ETOOBIG, "%s: item over %d bytes", t->name, MAX_ITEM_BYTES);
    }
    /* mseq: the table's next change number (see tbl_changes); w, wu: the due index */
    sqlite3_stmt *st = ldb_prep(c, write_sql[mode]);
    if (!st) {
        free(body);
        return GAS_EIO;
    }
    const char *idx = t->index_attr ? json_str(item, t->index_attr) : NULL;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, json_str(item, t->key_attr), -1, SQLITE_STATIC);
    if (idx && mode != UPDATE)
        sqlite3_bind_text(st, 3, idx, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
    const char *watch = json_str(item, TBL_WATCH);
    int64_t until = 0;
    if (watch && json_int(item, TBL_WATCH_UNTIL, &until) == 0) { /* both, or not in the index */
        sqlite3_bind_text(st, 5, watch, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, until);
    }
    int rc = sqlite3_step(st), err = 0;
    if (rc != SQLITE_DONE)
        err = ldb_fail(c, rc, "write item");
    else if (mode == PUT_NEW && sqlite3_changes(c) == 0)
        err = gas_err_set(GAS_ECONFLICT, "%s: an item with %s %s exists already", t->name,
                          t->key_attr, json_str(item, t->key_attr));
    else if (mode >= UPDATE && sqlite3_changes(c) != 1)
        err = gas_err_set(GAS_EIO, "%s: item %s vanished while being updated", t->name,
                          json_str(item, t->key_attr));
    ldb_done(st);
    free(body);
    return err;
}

static int t_get(struct tbl *t, const char *key, cJSON **item)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    int rc = read_item(c, t, key, item);
    ldb_put(db_of(t), c);
    return rc;
}

static int t_put(struct tbl *t, const cJSON *item, int if_absent)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    int rc = write_item(c, t, item, if_absent ? PUT_NEW : PUT_ANY);
    ldb_put(db_of(t), c);
    return rc;
}

static int t_update(struct tbl *t, const char *key, const struct tbl_update *u, cJSON **out)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    cJSON *item = NULL;
    int rc = ldb_begin(c);
    if (rc)
        goto out;
    rc = read_item(c, t, key, &item);
    if (rc)
        goto out;
    if (!tbl_update_check(u, item)) {
        rc = gas_err_set(GAS_ECONFLICT, "%s %s: condition failed", t->name, key);
        goto out;
    }
    const char *idx = t->index_attr ? json_str(item, t->index_attr) : NULL;
    char *was_idx = idx ? xstrdup(idx) : NULL;
    tbl_update_apply(u, item);
    idx = t->index_attr ? json_str(item, t->index_attr) : NULL;
    int idx_same = (!idx && !was_idx) || (idx && was_idx && !strcmp(idx, was_idx));
    free(was_idx);
    rc = write_item(c, t, item, idx_same ? UPDATE : UPDATE_IDX);
    if (!rc)
        rc = ldb_commit(c);
out:
    ldb_rollback(c);
    ldb_put(db_of(t), c);
    if (!rc && out) {
        *out = item;
        item = NULL;
    }
    cJSON_Delete(item);
    return rc;
}

static int t_del(struct tbl *t, const char *key)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "DELETE FROM items WHERE tbl = ?1 AND k = ?2");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        rc = r == SQLITE_DONE ? 0 : ldb_fail(c, r, "delete item");
        ldb_done(st);
    }
    ldb_put(db_of(t), c);
    return rc;
}

/* One page of (k, body) rows from a prepared statement that selects limit + 1 rows. */
static int page(sqlite3 *c, sqlite3_stmt *st, struct tbl *t, int limit, struct tbl_page *pg)
{
    pg->items = cJSON_CreateArray();
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == limit) {
            /* there is more: the cursor is the last key returned */
            cJSON *last = cJSON_GetArrayItem(pg->items, n - 1);
            pg->next = xstrdup(json_str(last, t->key_attr));
            break;
        }
        cJSON *item;
        const char *body = (const char *)sqlite3_column_text(st, 1);
        if (json_parse_object(body, (size_t)sqlite3_column_bytes(st, 1), MAX_ITEM_BYTES, &item)) {
            tbl_page_release(pg);
            return gas_err_wrap(GAS_EIO, "%s item %s is corrupt", t->name,
                                (const char *)sqlite3_column_text(st, 0));
        }
        cJSON_AddItemToArray(pg->items, item);
        n++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        tbl_page_release(pg);
        return ldb_fail(c, rc, "read items");
    }
    return 0;
}

static int t_due(struct tbl *t, const char *state, int64_t before, int limit, struct tbl_page *pg)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "SELECT k, body FROM items WHERE tbl = ?1 AND w = ?2 "
                                   "AND wu < ?3 ORDER BY wu LIMIT ?4");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, before);
        sqlite3_bind_int(st, 4, limit);
        rc = page(c, st, t, limit, pg);
        ldb_done(st);
    }
    ldb_put(db_of(t), c);
    return rc;
}

static int t_list(struct tbl *t, const char *index_value, const char *cursor, int limit,
                  struct tbl_page *pg)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    const char *sql = index_value ? "SELECT k, body FROM items WHERE tbl = ?1 AND idx = ?4 "
                                    "AND k > ?2 ORDER BY k LIMIT ?3"
                                  : "SELECT k, body FROM items WHERE tbl = ?1 AND k > ?2 "
                                    "ORDER BY k LIMIT ?3";
    sqlite3_stmt *st = ldb_prep(c, sql);
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, cursor ? cursor : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, limit + 1);
        if (index_value)
            sqlite3_bind_text(st, 4, index_value, -1, SQLITE_STATIC);
        rc = page(c, st, t, limit, pg);
        ldb_done(st);
    }
    ldb_put(db_of(t), c);
    return rc;
}

static int t_query(struct tbl *t, const char *value, const char *cursor, int limit,
                   struct tbl_page *pg)
{
    return t_list(t, value, cursor, limit, pg);
}

static int t_scan(struct tbl *t, const char *cursor, int limit, struct tbl_page *pg)
{
    return t_list(t, NULL, cursor, limit, pg);
}

/* Items written after *mark, in change order (see tbl_changes in backend.h). */
static int t_changes(struct tbl *t, int64_t *mark, int limit, struct tbl_page *pg)
{
    sqlite3 *c = ldb_get(db_of(t));
    if (!c)
        return no_conn();
    int want_mark = *mark < 0;
    sqlite3_stmt *st = ldb_prep(c, want_mark ? "SELECT coalesce(max(mseq), 0) FROM items "
                                               "WHERE tbl = ?1"
                                             : "SELECT k, body, mseq FROM items WHERE tbl = ?1 "
                                               "AND mseq > ?2 ORDER BY mseq LIMIT ?3");
    int rc = GAS_EIO, r;
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, *mark);
        sqlite3_bind_int(st, 3, limit);
        pg->items = cJSON_CreateArray();
        rc = 0;
        while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
            if (want_mark) {
                *mark = sqlite3_column_int64(st, 0);
                continue;
            }
            cJSON *item;
            const char *body = (const char *)sqlite3_column_text(st, 1);
            if (json_parse_object(body, (size_t)sqlite3_column_bytes(st, 1), MAX_ITEM_BYTES, &item))
                rc = gas_err_wrap(GAS_EIO, "%s item %s is corrupt", t->name,
                                  (const char *)sqlite3_column_text(st, 0));
            else
                cJSON_AddItemToArray(pg->items, item);
            *mark = sqlite3_column_int64(st, 2);
        }
        if (!rc && r != SQLITE_DONE)
            rc = ldb_fail(c, r, "read changes");
        if (rc)
            tbl_page_release(pg);
        ldb_done(st);
    }
    ldb_put(db_of(t), c);
    return rc;
}

static void t_close(struct tbl *t)
{
    free(t->name);
    free(t->key_attr);
    free(t->index_attr);
    free(t);
}

static const struct tbl_ops local_tbl_ops = {
    .get = t_get,
    .put = t_put,
    .update = t_update,
    .del = t_del,
    .query = t_query,
    .scan = t_scan,
    .query_due = t_due,
    .close = t_close,
    .changes = t_changes,
};

int local_table_create(struct gas_backend *be, const char *name, const char *key_attr,
                       const char *index_attr)
{
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "INSERT INTO tables(name, key_attr, index_attr) "
                                   "VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key_attr, -1, SQLITE_STATIC);
        if (index_attr)
            sqlite3_bind_text(st, 3, index_attr, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        rc = r == SQLITE_DONE ? 0 : ldb_fail(c, r, "create table");
        ldb_done(st);
    }
    ldb_put(db, c);
    return rc;
}

int local_table_open(struct gas_backend *be, const char *name, const char *key_attr,
                     const char *index_attr, struct tbl **out)
{
    *out = NULL;
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "SELECT key_attr, index_attr FROM tables WHERE name = ?1");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            const char *k = (const char *)sqlite3_column_text(st, 0);
            const char *ix = (const char *)sqlite3_column_text(st, 1);
            if (strcmp(k, key_attr) || (index_attr && (!ix || strcmp(ix, index_attr)))) {
                rc = gas_err_set(GAS_EINVAL, "table %s is keyed by %s (index %s), not %s", name, k,
                                 ix ? ix : "none", key_attr);
            } else {
                struct tbl *t = xcalloc(1, sizeof *t);
                t->ops = &local_tbl_ops;
                t->be = be;
                t->name = xstrdup(name);
                t->key_attr = xstrdup(k);
                t->index_attr = xstrdup(ix);
                *out = t;
                rc = 0;
            }
        } else if (r == SQLITE_DONE) {
            rc = gas_err_set(GAS_ENOTFOUND, "table %s does not exist", name);
        } else {
            rc = ldb_fail(c, r, "open table");
        }
        ldb_done(st);
    }
    ldb_put(db, c);
    return rc;
}
