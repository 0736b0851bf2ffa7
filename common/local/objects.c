/* local objects: buckets are directories under data_dir/objects; an object is a file at
 * its key's path. Writes are staged in data_dir/tmp (same file system), fsynced and
 * renamed into place, so an object appears whole or not at all. Size and MD5 etag are
 * kept in the database; a missing or mismatched row is recomputed from the file. */
#include "local.h"

#include "gas/err.h"
#include "gas/fault.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lobjs {
    struct objs pub;
};

static int no_conn(void)
{
    return gas_err_set(GAS_EBUSY, "no database connection");
}

char *local_obj_path(struct local_be *lb, const char *bucket, const char *key)
{
    return xasprintf("%s/%s/%s", lb->objroot, bucket, key);
}

static void hexify(const unsigned char *d, unsigned n, char *out)
{
    for (unsigned i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Copies fd in to fd out (out may be -1 to only hash), hashing with md; size in *size. */
/* Copies in to out (out < 0: only hashes); ends with GAS_ETIMEOUT between chunks once
 * *cancel is set (SIGTERM in gasd aborts a transfer in progress). */
static int copy_hash(int in, int out, const EVP_MD *md, char *hex, int64_t *size,
                     const atomic_int *cancel)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, md, NULL);
    static _Thread_local char buf[1 << 17];
    int64_t total = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = gas_err_set(GAS_EIO, "read: %s", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (cancel)                           /* a store (upload), not a hash or archive copy */
            fault_point("objects.put_chunk"); /* tests: GAS_FAULT=...:sleep=S slows it */
        if (cancel && atomic_load(cancel)) {
            rc = gas_err_set(GAS_ETIMEOUT, "copy interrupted");
            break;
        }
        EVP_DigestUpdate(ctx, buf, (size_t)n);
        for (ssize_t off = 0; out >= 0 && off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = gas_err_set(GAS_EIO, "write: %s", strerror(errno));
                goto done;
            }
            off += w;
        }
        total += n;
    }
done:;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    EVP_DigestFinal_ex(ctx, d, &dl);
    EVP_MD_CTX_free(ctx);
    if (!rc) {
        hexify(d, dl, hex);
        *size = total;
    }
    return rc;
}

/* Runs one statement on the object's row: 0, or 1 for a row returned. */
static int meta_step(sqlite3 *c, const char *sql, const char *bucket, const char *key, int64_t size,
                     const char *etag)
{
    sqlite3_stmt *st = ldb_prep(c, sql);
    if (!st)
        return GAS_EIO;
    sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (etag) {
        sqlite3_bind_int64(st, 3, size);
        sqlite3_bind_text(st, 4, etag, -1, SQLITE_STATIC);
    }
    int r = sqlite3_step(st);
    int rc = r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : ldb_fail(c, r, "object metadata");
    ldb_done(st);
    return rc;
}

/* The objects table is a cache of sizes and MD5s (o_head recomputes a missing row): a new
 * row (etag) is written lazily, as its loss costs only a recomputation; dropping the row
 * (etag NULL) before a new file replaces the old is synced, and only done when there is
 * one, so that a crash never pairs the old ETag with the new file. */
static int meta_write(struct local_be *lb, const char *bucket, const char *key, int64_t size,
                      const char *etag)
{
    sqlite3 *c = ldb_get(lb->db);
    if (!c)
        return no_conn();
    int rc;
    if (etag) {
        backend_lazy(1);
        rc = meta_step(c,
                       "INSERT OR REPLACE INTO objects(bucket, k, size, etag) "
                       "VALUES(?1, ?2, ?3, ?4)",
                       bucket, key, size, etag);
        backend_lazy(0);
    } else {
        rc = meta_step(c, "SELECT 1 FROM objects WHERE bucket = ?1 AND k = ?2", bucket, key, 0,
                       NULL);
        if (rc == 1)
            rc = meta_step(c, "DELETE FROM objects WHERE bucket = ?1 AND k = ?2", bucket, key, 0,
                           NULL);
    }
    ldb_put(lb->db, c);
    return rc < 0 ? rc : rc > 0 ? 0 : rc;
}

static int bucket_exists(struct local_be *lb, const char *bucket)
{
    char *dir = xasprintf("%s/%s", lb->objroot, bucket);
    struct stat st;
    int ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    free(dir);
    return ok ? 0 : gas_err_set(GAS_ENOTFOUND, "bucket %s does not exist", bucket);
}

/* One file of a store on its way: staged (a synced copy in data_dir/tmp, or the caller's
 * file itself when it is moved), then renamed to dst. */
struct staged {
    char *from, *dst, *dir;
    int own; /* from is our temporary (removed on failure), not the caller's file */
    int64_t size;
    char etag[2 * EVP_MAX_MD_SIZE + 1];
};

/* The caller's file taken over as it is, when it can be: a regular file with no other link,
 * on the objects' file system (a rename). Made private and synced. Its MD5 is not read
 * here: its row is left out, so the first o_head computes and records it (a result file
 * moved in by a job is often never asked for its ETag; reading it back cost each job a
 * pass over its outputs). root: the objects' root's stat, NULL if unknown (copied). 1 when
 * taken, 0 when it must be copied instead, <0 on error. */
static int stage_move(struct local_be *lb, const char *src, struct staged *sg, int sync,
                      const struct stat *root)
{
    struct stat sb;
    if (!root || lstat(src, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1 ||
        sb.st_dev != root->st_dev || sb.st_uid != geteuid())
        return 0;
    fault_point("objects.put_chunk"); /* as a copied store's chunks (tests slow it) */
    if (atomic_load(&lb->pub.interrupted))
        return gas_err_set(GAS_ETIMEOUT, "store interrupted");
    /* opened only to make it private or to sync it: a gasd scratch file is made 0600 and
     * synced with its batch's syncfs (the lstat above is all it costs) */
    if ((sb.st_mode & 07777) != 0600 || sync) {
        int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 0;
        if (in < 0)
            return 0; /* gone meanwhile: the copy says why */
        if ((sb.st_mode & 07777) != 0600 && fchmod(in, 0600) < 0)
            rc = gas_err_set(GAS_EIO, "chmod %s: %s", src, strerror(errno));
        if (!rc && sync && fsync(in) < 0)
            rc = gas_err_set(GAS_EIO, "fsync %s: %s", src, strerror(errno));
        close(in);
        if (rc)
            return rc;
    }
    sg->size = sb.st_size;
    sg->etag[0] = 0; /* computed by the first o_head */
    sg->from = xstrdup(src);
    return 1;
}

/* A synced copy of src in data_dir/tmp, its MD5 computed on the way. */
static int stage_copy(struct local_be *lb, const char *src, struct staged *sg, int sync)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
    struct stat sb;
    if (in < 0)
        return gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "open %s: %s", src,
                           strerror(errno));
    if (fstat(in, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        close(in);
        return gas_err_set(GAS_EINVAL, "%s is not a regular file", src);
    }
    char *tmp = local_tmp_path(lb);
    out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0)
        rc = gas_err_set(gas_errno_code(errno), "create %s: %s", tmp, strerror(errno));
    else
        sg->from = tmp, sg->own = 1;
    if (!rc)
        rc = copy_hash(in, out, EVP_md5(), sg->etag, &sg->size, &lb->pub.interrupted);
    if (!rc && sync && fsync(out) < 0)
        rc = gas_err_set(GAS_EIO, "fsync %s: %s", tmp, strerror(errno));
    close(in);
    if (out >= 0)
        close(out);
    if (!sg->from)
        free(tmp);
    return rc;
}

/* Puts a staged file in place: its directory made, a key that is a prefix of others
 * refused, the old metadata dropped first (a crash before the new row leaves it to be
 * recomputed, never the old ETag with the new file). */
static int place(struct local_be *lb, const char *bucket, const char *key, struct staged *sg)
{
    struct stat sb;
    int rc = gas_mkdirs(sg->dir, 0700);
    if (rc)
        return rc;
    if (stat(sg->dst, &sb) == 0 && S_ISDIR(sb.st_mode))
        return gas_err_set(GAS_ECONFLICT, "key %s is a prefix of other keys in this store", key);
    if ((rc = meta_write(lb, bucket, key, 0, NULL)) != 0)
        return rc;
    if (rename(sg->from, sg->dst) < 0)
        return gas_err_set(errno == ENOTDIR ? GAS_ECONFLICT : gas_errno_code(errno),
                           "store %s/%s: %s", bucket, key, strerror(errno));
    sg->own = 0; /* in place: nothing to remove */
    return 0;
}

/* The new rows of several objects (meta_write with an etag each) in one transaction; a
 * staged file without its MD5 (stage_move) gets none. */
static int meta_write_many(struct local_be *lb, const char *bucket, int n, const char *const *keys,
                           const struct staged *sg)
{
    int with = 0;
    for (int i = 0; i < n; i++)
        with += sg[i].etag[0] != 0;
    if (!with)
        return 0;
    if (n == 1)
        return meta_write(lb, bucket, keys[0], sg[0].size, sg[0].etag);
    sqlite3 *c = ldb_get(lb->db);
    if (!c)
        return no_conn();
    backend_lazy(1);
    int rc = ldb_begin(c);
    for (int i = 0; !rc && i < n; i++) {
        if (!sg[i].etag[0])
            continue;
        rc = meta_step(c,
                       "INSERT OR REPLACE INTO objects(bucket, k, size, etag) "
                       "VALUES(?1, ?2, ?3, ?4)",
                       bucket, keys[i], sg[i].size, sg[i].etag);
        rc = rc > 0 ? 0 : rc;
    }
    if (!rc)
        rc = ldb_commit(c);
    ldb_rollback(c);
    backend_lazy(0);
    ldb_put(lb->db, c);
    return rc;
}

/* Puts a staged file in place when its key has no object yet: renamed without replacing
 * (RENAME_NOREPLACE), its directory made only when missing: no stat and no mkdir per
 * object. 0: placed; 1: not (the key has an object or is a prefix of others, or the file
 * system cannot rename so): for place(); <0: an error. */
static int place_new(struct local_be *lb, const char *bucket, const char *key, struct staged *sg)
{
    int rc = meta_write(lb, bucket, key, 0, NULL); /* a deleted object's row, if left */
    if (rc)
        return rc;
    for (int tries = 0; tries < 4; tries++) {
        if (renameat2(AT_FDCWD, sg->from, AT_FDCWD, sg->dst, RENAME_NOREPLACE) == 0) {
            sg->own = 0; /* in place: nothing to remove */
            return 0;
        }
        if (errno != ENOENT || gas_mkdirs(sg->dir, 0700)) /* a missing directory: made */
            break;
    }
    gas_err_clear();
    return 1;
}

/* Stores n files as objects of bucket: all staged and synced, then renamed into place,
 * then each directory synced once (so a put of a job's result, log and JSON costs one
 * directory sync, not three), then the metadata rows written. Many files at once (several
 * jobs' results) are synced by two syncs of the file system instead, shared with other
 * threads: one for the contents before any is renamed (a put appears whole or not at all,
 * even after a power loss), one for the names after. */
#define STORE_SYNCFS_FROM 4
static int store_many(struct local_be *lb, const char *bucket, int n, const char *const *keys,
                      const char *const *srcs, int move)
{
    int rc = bucket_exists(lb, bucket);
    if (rc)
        return rc;
    struct staged *sg = xcalloc((size_t)n, sizeof *sg);
    int whole_fs = n >= STORE_SYNCFS_FROM;
    struct stat root; /* a file on its file system can be moved in */
    int root_known = move && stat(lb->objroot, &root) == 0;
    for (int i = 0; !rc && i < n; i++) {
        sg[i].dst = local_obj_path(lb, bucket, keys[i]);
        sg[i].dir = xstrdup(sg[i].dst);
        *strrchr(sg[i].dir, '/') = 0;
        int moved =
            move ? stage_move(lb, srcs[i], &sg[i], !whole_fs, root_known ? &root : NULL) : 0;
        rc = moved < 0 ? moved : moved ? 0 : stage_copy(lb, srcs[i], &sg[i], !whole_fs);
    }
    if (!rc && whole_fs) /* the contents durable before any name points at them */
        rc = gas_sync_fs(lb->objroot);
    fault_point("objects.staged"); /* crash tests: a staged file left in data_dir/tmp */
    for (int i = 0; !rc && i < n; i++) {
        int p = place_new(lb, bucket, keys[i], &sg[i]);
        rc = p < 0 ? p : p ? place(lb, bucket, keys[i], &sg[i]) : 0;
    }
    if (!rc && whole_fs)
        rc = gas_sync_fs(lb->objroot);
    for (int i = 0; !rc && !whole_fs && i < n; i++) {
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = !strcmp(sg[k].dir, sg[i].dir);
        if (!seen)
            rc = gas_fsync_dir(sg[i].dir);
    }
    if (!rc)
        rc = meta_write_many(lb, bucket, n, keys, sg);
    for (int i = 0; i < n; i++) {
        if (sg[i].own)
            unlink(sg[i].from);
        free(sg[i].from);
        free(sg[i].dst);
        free(sg[i].dir);
    }
    free(sg);
    return rc;
}

int local_obj_store(struct local_be *lb, const char *bucket, const char *key, const char *src)
{
    return store_many(lb, bucket, 1, &key, &src, 0);
}

static int o_put_files(struct objs *o, const char *bucket, int n, const char *const *keys,
                       const char *const *paths, int move)
{
    return store_many(local_of(o->be), bucket, n, keys, paths, move);
}

static int o_put_file(struct objs *o, const char *bucket, const char *key, const char *path)
{
    return local_obj_store(local_of(o->be), bucket, key, path);
}

static int missing(const char *bucket, const char *key)
{
    return gas_err_set(GAS_ENOTFOUND, "no object %s/%s", bucket, key);
}

/* The file of an existing object (*path is the caller's): GAS_ENOTFOUND if none. */
static int existing(struct local_be *lb, const char *bucket, const char *key, char **path)
{
    *path = NULL;
    int rc = bucket_exists(lb, bucket);
    if (rc)
        return rc;
    char *p = local_obj_path(lb, bucket, key);
    struct stat sb;
    if (stat(p, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        free(p);
        return missing(bucket, key);
    }
    *path = p;
    return 0;
}

static int o_get_file(struct objs *o, const char *bucket, const char *key, const char *path)
{
    char *src;
    int rc = existing(local_of(o->be), bucket, key, &src);
    if (!rc)
        rc = gas_copy_file_as(src, path, 0600, &o->be->interrupted, 0); /* a reader's copy */
    free(src);
    return rc;
}

static char *o_local_path(struct objs *o, const char *bucket, const char *key)
{
    char *p = NULL;
    if (existing(local_of(o->be), bucket, key, &p))
        gas_err_clear();
    return p;
}

static int o_head(struct objs *o, const char *bucket, const char *key, struct obj_info *info)
{
    struct local_be *lb = local_of(o->be);
    int rc = bucket_exists(lb, bucket);
    if (rc)
        return rc;
    char *path = local_obj_path(lb, bucket, key);
    struct stat sb;
    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        free(path);
        return missing(bucket, key);
    }
    snprintf(info->storage_class, sizeof info->storage_class, "STANDARD");
    info->size = sb.st_size;
    info->etag[0] = 0;
    sqlite3 *c = ldb_get(lb->db);
    if (c) {
        sqlite3_stmt *st = ldb_prep(c, "SELECT size, etag FROM objects WHERE bucket = ?1 "
                                       "AND k = ?2");
        if (st) {
            sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == sb.st_size)
                snprintf(info->etag, sizeof info->etag, "%s", sqlite3_column_text(st, 1));
            ldb_done(st);
        }
        ldb_put(lb->db, c);
    }
    if (!info->etag[0]) { /* no metadata (crash between rename and row): recompute */
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char hex[2 * EVP_MAX_MD_SIZE + 1];
        int64_t size;
        rc = fd < 0 ? gas_err_set(GAS_EIO, "open %s: %s", path, strerror(errno))
                    : copy_hash(fd, -1, EVP_md5(), hex, &size, NULL);
        if (fd >= 0)
            close(fd);
        if (!rc) {
            snprintf(info->etag, sizeof info->etag, "%s", hex);
            info->size = size;
            meta_write(lb, bucket, key, size, hex);
        }
    }
    free(path);
    return rc;
}

static int o_copy(struct objs *o, const char *sbucket, const char *skey, const char *dbucket,
                  const char *dkey)
{
    char *src;
    int rc = existing(local_of(o->be), sbucket, skey, &src);
    if (!rc)
        rc = local_obj_store(local_of(o->be), dbucket, dkey, src);
    free(src);
    return rc;
}

static int o_del(struct objs *o, const char *bucket, const char *key)
{
    struct local_be *lb = local_of(o->be);
    int rc = bucket_exists(lb, bucket);
    if (rc)
        return rc;
    char *path = local_obj_path(lb, bucket, key);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        free(path);
        return 0; /* a prefix, not an object */
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        rc = gas_err_set(GAS_EIO, "delete %s/%s: %s", bucket, key, strerror(errno));
    } else {
        rc = meta_write(lb, bucket, key, 0, NULL);
        /* prune now-empty parent directories up to the bucket */
        char *bdir = xasprintf("%s/%s", lb->objroot, bucket);
        for (char *slash = strrchr(path, '/'); slash && strlen(path) > strlen(bdir);
             slash = strrchr(path, '/')) {
            *slash = 0;
            if (strlen(path) <= strlen(bdir) || rmdir(path) < 0)
                break;
        }
        free(bdir);
    }
    free(path);
    return rc;
}

static void o_close(struct objs *o)
{
    free(o);
}

static const struct objs_ops local_objs_ops = {
    .put_file = o_put_file,
    .get_file = o_get_file,
    .head = o_head,
    .copy = o_copy,
    .del = o_del,
    .put_files = o_put_files,
    .local_path = o_local_path,
    .close = o_close,
};

int local_objs_new(struct gas_backend *be, struct objs **out)
{
    struct lobjs *lo = xcalloc(1, sizeof *lo);
    lo->pub.ops = &local_objs_ops;
    lo->pub.be = be;
    *out = &lo->pub;
    return 0;
}

int local_bucket_create(struct gas_backend *be, const char *bucket, int *kept)
{
    (void)kept;
    char *dir = xasprintf("%s/%s", local_of(be)->objroot, bucket);
    int rc = gas_mkdirs(dir, 0700);
    free(dir);
    return rc;
}

int local_copy_hash(int in, int out, int sha256, char *hex, int64_t *size)
{
    return copy_hash(in, out, sha256 ? EVP_sha256() : EVP_md5(), hex, size, NULL);
}
