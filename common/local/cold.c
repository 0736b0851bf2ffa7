/* local cold store: archives are files under data_dir/cold/<vault>/<archive id>, with
 * their size and SHA-256 in the database. A retrieval is a row with the time it becomes
 * ready (now + the tier's configured delay); when a notify topic is given, a completion
 * notice shaped like Glacier's is published to it, delayed until that time. The archive
 * id is the SHA-256 of "bucket/key", so archiving the same object twice (a retry after a
 * crash) overwrites one archive instead of leaving two. */
#include "local.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int no_conn(void)
{
    return gas_err_set(GAS_EBUSY, "no database connection");
}

static char *archive_path(struct cold *c, const char *id)
{
    return xasprintf("%s/%s/%s", local_of(c->be)->coldroot, c->vault, id);
}

static int archive_id_valid(const char *id)
{
    if (strlen(id) != 64)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static void derive_id(const char *bucket, const char *key, char out[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    char *name = xasprintf("%s/%s", bucket, key);
    EVP_Digest(name, strlen(name), d, &dl, EVP_sha256(), NULL);
    free(name);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int record_archive(struct cold *c, const char *id, int64_t size, const char *sha,
                          const char *desc)
{
    struct ldb *db = local_of(c->be)->db;
    sqlite3 *conn = ldb_get(db);
    if (!conn)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(conn, "INSERT OR REPLACE INTO archives(vault, id, size, sha256, "
                                      "description, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, c->vault, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, size);
        sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, desc, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 6, gas_now());
        int r = sqlite3_step(st);
        rc = r == SQLITE_DONE ? 0 : ldb_fail(conn, r, "record archive");
        ldb_done(st);
    }
    ldb_put(db, conn);
    return rc;
}

static int c_archive(struct cold *c, const char *bucket, const char *key, const char *desc,
                     char **archive_id)
{
    struct local_be *lb = local_of(c->be);
    char id[65], sha[129];
    derive_id(bucket, key, id);
    char *src = local_obj_path(lb, bucket, key);
    char *tmp = local_tmp_path(lb);
    char *dst = archive_path(c, id);
    char *dir = xasprintf("%s/%s", lb->coldroot, c->vault);
    int64_t size = 0;
    int rc = 0, out = -1, in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        rc = gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "archive %s/%s: %s", bucket,
                         key, strerror(errno));
        goto out;
    }
    out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        rc = gas_err_set(GAS_EIO, "create %s: %s", tmp, strerror(errno));
        goto out;
    }
    rc = local_copy_hash(in, out, 1, sha, &size);
    if (!rc && fsync(out) < 0)
        rc = gas_err_set(GAS_EIO, "fsync %s: %s", tmp, strerror(errno));
    if (!rc && rename(tmp, dst) < 0)
        rc = gas_err_set(GAS_EIO, "rename to %s: %s", dst, strerror(errno));
    if (!rc)
        rc = gas_fsync_dir(dir);
    if (!rc)
        rc = record_archive(c, id, size, sha, desc);
    if (!rc)
        *archive_id = xstrdup(id);
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (rc)
        unlink(tmp);
    free(src);
    free(tmp);
    free(dst);
    free(dir);
    return rc;
}

static int archive_exists(sqlite3 *conn, struct cold *c, const char *id)
{
    sqlite3_stmt *st = ldb_prep(conn, "SELECT 1 FROM archives WHERE vault = ?1 AND id = ?2");
    if (!st)
        return GAS_EIO;
    sqlite3_bind_text(st, 1, c->vault, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    ldb_done(st);
    if (r == SQLITE_ROW)
        return 0;
    return r == SQLITE_DONE ? gas_err_set(GAS_ENOTFOUND, "no archive %s in %s", id, c->vault)
                            : ldb_fail(conn, r, "find archive");
}

static int tier_delay(struct cold *c, enum cold_tier tier)
{
    static const enum cfg_key keys[] = {CFG_COLD_EXPEDITED_DELAY, CFG_COLD_STANDARD_DELAY,
                                        CFG_COLD_BULK_DELAY};
    return (int)cfg_int(c->be->cfg, keys[tier]);
}

static char *notice(struct cold *c, const char *rid, const char *aid, enum cold_tier tier,
                    const char *desc)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "Action", "ArchiveRetrieval");
    cJSON_AddStringToObject(j, "JobId", rid);
    cJSON_AddStringToObject(j, "ArchiveId", aid);
    if (desc)
        cJSON_AddStringToObject(j, "JobDescription", desc);
    cJSON_AddStringToObject(j, "StatusCode", "Succeeded");
    cJSON_AddBoolToObject(j, "Completed", 1);
    cJSON_AddStringToObject(j, "Tier", cold_tier_name(tier));
    char *arn = xasprintf("arn:aws:glacier:local:000000000000:vaults/%s", c->vault);
    cJSON_AddStringToObject(j, "VaultARN", arn);
    free(arn);
    char *s = json_print(j);
    cJSON_Delete(j);
    return s;
}

static int c_retrieve(struct cold *c, const char *archive_id, enum cold_tier tier, const char *desc,
                      const char *notify_topic, char **retrieval_id)
{
    if (tier == COLD_EXPEDITED && cfg_bool(c->be->cfg, CFG_COLD_EXPEDITED_UNAVAILABLE))
        return gas_err_set(GAS_ECAPACITY, "GlacierExpeditedRetrievalNotAvailable: no capacity "
                                          "for Expedited retrievals right now");
    struct ldb *db = local_of(c->be)->db;
    sqlite3 *conn = ldb_get(db);
    if (!conn)
        return no_conn();
    char rid[37];
    gas_uuid4(rid);
    int delay = tier_delay(c, tier);
    int rc = archive_exists(conn, c, archive_id);
    if (!rc) {
        sqlite3_stmt *st = ldb_prep(conn, "INSERT INTO retrievals(id, vault, archive_id, tier, "
                                          "requested, ready_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        rc = GAS_EIO;
        if (st) {
            double now = gas_now();
            sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, c->vault, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, archive_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, cold_tier_name(tier), -1, SQLITE_STATIC);
            sqlite3_bind_double(st, 5, now);
            sqlite3_bind_double(st, 6, now + delay);
            int r = sqlite3_step(st);
            rc = r == SQLITE_DONE ? 0 : ldb_fail(conn, r, "start retrieval");
            ldb_done(st);
        }
    }
    ldb_put(db, conn);
    if (!rc && notify_topic) {
        char *body = notice(c, rid, archive_id, tier, desc);
        rc = local_topic_publish_delayed(c->be, notify_topic, body, delay);
        free(body);
    }
    if (!rc)
        *retrieval_id = xstrdup(rid);
    return rc;
}

/* Looks up a retrieval: its archive id (caller's) and status. */
static int lookup(struct cold *c, const char *rid, char **aid, enum cold_status *stp)
{
    struct ldb *db = local_of(c->be)->db;
    sqlite3 *conn = ldb_get(db);
    if (!conn)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(conn, "SELECT r.archive_id, r.ready_at, a.id FROM retrievals r "
                                      "LEFT JOIN archives a ON a.vault = r.vault AND "
                                      "a.id = r.archive_id WHERE r.id = ?1 AND r.vault = ?2");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->vault, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            if (sqlite3_column_type(st, 2) == SQLITE_NULL)
                *stp = COLD_FAILED; /* the archive was deleted meanwhile */
            else
                *stp = gas_now() >= sqlite3_column_double(st, 1) ? COLD_READY : COLD_IN_PROGRESS;
            if (aid)
                *aid = xstrdup((const char *)sqlite3_column_text(st, 0));
            rc = 0;
        } else {
            rc = r == SQLITE_DONE ? gas_err_set(GAS_ENOTFOUND, "no retrieval %s", rid)
                                  : ldb_fail(conn, r, "retrieval status");
        }
        ldb_done(st);
    }
    ldb_put(db, conn);
    return rc;
}

static int c_status(struct cold *c, const char *rid, enum cold_status *st)
{
    return lookup(c, rid, NULL, st);
}

static int c_fetch(struct cold *c, const char *rid, const char *bucket, const char *key)
{
    char *aid = NULL;
    enum cold_status st;
    int rc = lookup(c, rid, &aid, &st);
    if (!rc && st == COLD_IN_PROGRESS)
        rc = gas_err_set(GAS_ENOTREADY, "retrieval %s is still in progress", rid);
    else if (!rc && st == COLD_FAILED)
        rc = gas_err_set(GAS_ENOTFOUND, "retrieval %s failed: archive %s is gone", rid, aid);
    if (!rc) {
        char *path = archive_path(c, aid);
        rc = local_obj_store(local_of(c->be), bucket, key, path);
        free(path);
    }
    free(aid);
    return rc;
}

static int c_del(struct cold *c, const char *archive_id)
{
    if (!archive_id_valid(archive_id))
        return gas_err_set(GAS_ENOTFOUND, "no archive %s in %s", archive_id, c->vault);
    struct ldb *db = local_of(c->be)->db;
    sqlite3 *conn = ldb_get(db);
    if (!conn)
        return no_conn();
    int rc = archive_exists(conn, c, archive_id);
    if (!rc) {
        sqlite3_stmt *st = ldb_prep(conn, "DELETE FROM archives WHERE vault = ?1 AND id = ?2");
        rc = GAS_EIO;
        if (st) {
            sqlite3_bind_text(st, 1, c->vault, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, archive_id, -1, SQLITE_STATIC);
            int r = sqlite3_step(st);
            rc = r == SQLITE_DONE ? 0 : ldb_fail(conn, r, "delete archive");
            ldb_done(st);
        }
    }
    ldb_put(db, conn);
    if (!rc) {
        char *path = archive_path(c, archive_id);
        if (unlink(path) < 0 && errno != ENOENT)
            rc = gas_err_set(GAS_EIO, "delete %s: %s", path, strerror(errno));
        free(path);
    }
    return rc;
}

static void c_close(struct cold *c)
{
    free(c->vault);
    free(c);
}

static const struct cold_ops local_cold_ops = {
    .archive = c_archive,
    .retrieve = c_retrieve,
    .status = c_status,
    .fetch = c_fetch,
    .del = c_del,
    .close = c_close,
};

int local_cold_new(struct gas_backend *be, struct cold **out)
{
    *out = NULL;
    const char *vault = cfg_str(be->cfg, CFG_ARCHIVE_VAULT);
    if (!objs_bucket_valid(vault))
        return gas_err_set(GAS_EINVAL, "invalid archive_vault name \"%.80s\"", vault);
    char *dir = xasprintf("%s/%s", local_of(be)->coldroot, vault);
    int rc = gas_mkdirs(dir, 0700);
    free(dir);
    if (rc)
        return rc;
    struct cold *c = xcalloc(1, sizeof *c);
    c->ops = &local_cold_ops;
    c->be = be;
    c->vault = xstrdup(vault);
    *out = c;
    return 0;
}
