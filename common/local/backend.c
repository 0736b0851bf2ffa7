/* local backend: opens the data directory (0700), the database (0600) and wires the
 * five interfaces together. */
#include "local.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void l_close(struct gas_backend *be)
{
    struct local_be *lb = local_of(be);
    if (be->objs)
        be->objs->ops->close(be->objs);
    if (be->cold)
        be->cold->ops->close(be->cold);
    ldb_close(lb->db);
    free(lb->root);
    free(lb->objroot);
    free(lb->coldroot);
    free(lb->tmpdir);
    free(lb);
}

char *local_tmp_path(struct local_be *lb)
{
    char owner[96], uuid[37];
    gas_owner_id(owner, sizeof owner);
    gas_uuid4(uuid);
    return xasprintf("%s/%s.%s", lb->tmpdir, uuid, owner);
}

static int l_sync(struct gas_backend *be)
{
    return ldb_sync_all(local_of(be)->db);
}

static int l_group(struct gas_backend *be, int begin)
{
    struct ldb *db = local_of(be)->db;
    return begin ? ldb_group_begin(db) : ldb_group_end(db);
}

static const struct backend_ops local_ops = {
    .table = local_table_open,
    .queue = local_queue_open,
    .topic = local_topic_open,
    .create_table = local_table_create,
    .create_queue = local_queue_create,
    .create_topic = local_topic_create,
    .create_bucket = local_bucket_create,
    .sync = l_sync,
    .group = l_group,
    .close = l_close,
};

int local_backend_open(const struct cfg *cfg, struct gas_backend **out)
{
    *out = NULL;
    const char *root = cfg_str(cfg, CFG_DATA_DIR);
    if (!*root)
        return gas_err_set(GAS_EINVAL, "data_dir is empty");
    struct local_be *lb = xcalloc(1, sizeof *lb);
    lb->pub.ops = &local_ops;
    lb->pub.name = "local";
    lb->pub.caps = BE_EXACT_RECEIPTS | BE_COLD_NOTICES | BE_PEEK_DEAD;
    lb->pub.cfg = cfg;
    lb->root = xstrdup(root);
    lb->objroot = xasprintf("%s/objects", root);
    lb->coldroot = xasprintf("%s/cold", root);
    lb->tmpdir = xasprintf("%s/tmp", root);
    char *dbpath = xasprintf("%s/gas.db", root);
    int rc = gas_mkdirs(root, 0700);
    if (!rc)
        rc = gas_mkdirs(lb->objroot, 0700);
    if (!rc)
        rc = gas_mkdirs(lb->coldroot, 0700);
    if (!rc)
        rc = gas_mkdirs(lb->tmpdir, 0700);
    if (!rc)
        rc = ldb_open(dbpath, (int)cfg_int(cfg, CFG_DB_BUSY_TIMEOUT_MS), &lb->db);
    if (!rc)
        rc = local_objs_new(&lb->pub, &lb->pub.objs);
    if (!rc)
        rc = local_cold_new(&lb->pub, &lb->pub.cold);
    free(dbpath);
    if (rc) {
        l_close(&lb->pub);
        return rc;
    }
    *out = &lb->pub;
    return 0;
}

int local_backend_exists(const struct cfg *cfg, char **where)
{
    const char *root = cfg_str(cfg, CFG_DATA_DIR);
    char *db = xasprintf("%s/gas.db", root);
    struct stat st;
    int found = stat(db, &st) == 0;
    free(db);
    if (where) {
        char cwd[4096];
        *where = *root == '/' || !getcwd(cwd, sizeof cwd) ? xstrdup(root)
                                                          : xasprintf("%s/%s", cwd, root);
    }
    return found;
}
