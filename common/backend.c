/* backend: the registry of backends, the argument checks every backend shares, and the
 * conditional-update builder. */
#include "gas/backend.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"
#include "aws/aws.h"
#include "local/local.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------------------- registry */

static const struct {
    const char *name;
    int (*open)(const struct cfg *cfg, struct gas_backend **be);
    int (*exists)(const struct cfg *cfg, char **where); /* NULL: cannot tell without asking */
} registry[] = {
    {"local", local_backend_open, local_backend_exists},
    {"aws", aws_backend_open, NULL},
};

int backend_exists(const struct cfg *cfg, char **where)
{
    const char *name = cfg_str(cfg, CFG_BACKEND);
    if (where)
        *where = NULL;
    for (size_t i = 0; i < sizeof registry / sizeof *registry; i++)
        if (!strcmp(registry[i].name, name) && registry[i].exists)
            return registry[i].exists(cfg, where);
    return 1;
}

const char *const *backend_names(void)
{
    static const char *names[sizeof registry / sizeof *registry + 1];
    for (size_t i = 0; i < sizeof registry / sizeof *registry; i++)
        names[i] = registry[i].name;
    return names;
}

int backend_open(const struct cfg *cfg, struct gas_backend **be)
{
    const char *name = cfg_str(cfg, CFG_BACKEND);
    *be = NULL;
    for (size_t i = 0; i < sizeof registry / sizeof *registry; i++)
        if (!strcmp(registry[i].name, name))
            return registry[i].open(cfg, be);
    return gas_err_set(GAS_EUNSUPPORTED, "backend \"%s\" is not available in this build", name);
}

void backend_close(struct gas_backend *be)
{
    if (be)
        be->ops->close(be);
}

int backend_sync(struct gas_backend *be)
{
    return be->ops->sync ? be->ops->sync(be) : 0;
}

int backend_group_begin(struct gas_backend *be)
{
    return be->ops->group ? be->ops->group(be, 1) : 0;
}

int backend_group_end(struct gas_backend *be)
{
    return be->ops->group ? be->ops->group(be, 0) : 0;
}

int backend_groups(const struct gas_backend *be)
{
    return be->ops->group != NULL;
}

void backend_interrupt(struct gas_backend *be)
{
    atomic_store(&be->interrupted, 1);
}

static int name_valid(const char *what, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > 80)
        return gas_err_set(GAS_EINVAL, "%s name must be 1..80 characters", what);
    for (const char *p = name; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
            *p != '-' && *p != '_' && *p != '.')
            return gas_err_set(GAS_EINVAL,
                               "%s name \"%.80s\" has a character other than "
                               "letters, digits, '-', '_' and '.'",
                               what, name);
    return 0;
}

int be_table(struct gas_backend *be, const char *name, const char *key_attr, const char *index_attr,
             struct tbl **t)
{
    int rc = name_valid("table", name);
    return rc ? rc : be->ops->table(be, name, key_attr, index_attr, t);
}

int be_queue(struct gas_backend *be, const char *name, struct queue **q)
{
    int rc = name_valid("queue", name);
    return rc ? rc : be->ops->queue(be, name, q);
}

int be_topic(struct gas_backend *be, const char *name, struct topic **t)
{
    int rc = name_valid("topic", name);
    return rc ? rc : be->ops->topic(be, name, t);
}

int be_create_table(struct gas_backend *be, const char *name, const char *key_attr,
                    const char *index_attr)
{
    int rc = name_valid("table", name);
    return rc ? rc : be->ops->create_table(be, name, key_attr, index_attr);
}

int be_create_queue(struct gas_backend *be, struct queue_spec *spec)
{
    int rc = name_valid("queue", spec->name);
    if (!rc && spec->dlq)
        rc = name_valid("dead-letter queue", spec->dlq);
    if (!rc && (spec->visibility_s < 0 || spec->visibility_s > QUEUE_MAX_VISIBILITY ||
                spec->max_receives < 1))
        rc = gas_err_set(GAS_EINVAL, "queue %s: visibility or max_receives out of range",
                         spec->name);
    return rc ? rc : be->ops->create_queue(be, spec);
}

int be_create_topic(struct gas_backend *be, const char *name)
{
    int rc = name_valid("topic", name);
    return rc ? rc : be->ops->create_topic(be, name);
}

int be_create_bucket(struct gas_backend *be, const char *bucket, int *kept)
{
    if (kept)
        *kept = 0;
    if (!objs_bucket_valid(bucket))
        return gas_err_set(GAS_EINVAL, "invalid bucket name \"%.80s\"", bucket ? bucket : "");
    return be->ops->create_bucket(be, bucket, kept);
}

int be_create_cold(struct gas_backend *be, const char *thaw_topic)
{
    int rc = name_valid("topic", thaw_topic);
    return rc || !be->ops->create_cold ? rc : be->ops->create_cold(be, thaw_topic);
}

/* -------------------------------------------------------------------------------- table */

void tbl_update_init(struct tbl_update *u)
{
    u->set = cJSON_CreateObject();
    u->remove = cJSON_CreateArray();
    u->conds = cJSON_CreateArray();
}

void tbl_update_release(struct tbl_update *u)
{
    cJSON_Delete(u->set);
    cJSON_Delete(u->remove);
    cJSON_Delete(u->conds);
    u->set = u->remove = u->conds = NULL;
}

void tbl_update_set_str(struct tbl_update *u, const char *attr, const char *value)
{
    json_set_str(u->set, attr, value);
}

void tbl_update_set_int(struct tbl_update *u, const char *attr, int64_t value)
{
    json_set_int(u->set, attr, value);
}

void tbl_update_remove(struct tbl_update *u, const char *attr)
{
    cJSON_AddItemToArray(u->remove, cJSON_CreateString(attr));
}

static void add_cond(struct tbl_update *u, const char *attr, enum tbl_op op, cJSON *value)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "attr", attr);
    cJSON_AddNumberToObject(c, "op", op);
    if (value)
        cJSON_AddItemToObject(c, "value", value);
    cJSON_AddItemToArray(u->conds, c);
}

void tbl_update_if_str(struct tbl_update *u, const char *attr, enum tbl_op op, const char *v)
{
    add_cond(u, attr, op, cJSON_CreateString(v));
}

void tbl_update_if_int(struct tbl_update *u, const char *attr, enum tbl_op op, int64_t v)
{
    add_cond(u, attr, op, cJSON_CreateNumber((double)v));
}

void tbl_update_if_exists(struct tbl_update *u, const char *attr)
{
    add_cond(u, attr, TBL_EXISTS, NULL);
}

void tbl_update_if_absent(struct tbl_update *u, const char *attr)
{
    add_cond(u, attr, TBL_ABSENT, NULL);
}

/* <0, 0, >0 like strcmp; 2 when the two values cannot be compared (types differ). */
static int compare(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return a->valuedouble < b->valuedouble ? -1 : a->valuedouble > b->valuedouble;
    if (cJSON_IsString(a) && cJSON_IsString(b)) {
        int c = strcmp(a->valuestring, b->valuestring);
        return c < 0 ? -1 : c > 0;
    }
    if (cJSON_IsBool(a) && cJSON_IsBool(b))
        return cJSON_IsTrue(a) != cJSON_IsTrue(b);
    return 2;
}

int tbl_update_check(const struct tbl_update *u, const cJSON *item)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, u->conds)
    {
        const char *attr = json_str(c, "attr");
        int op = cJSON_GetObjectItemCaseSensitive(c, "op")->valueint;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "value");
        const cJSON *have = cJSON_GetObjectItemCaseSensitive(item, attr);
        if (have && cJSON_IsNull(have))
            have = NULL;
        int ok;
        if (op == TBL_EXISTS || op == TBL_ABSENT) {
            ok = (have != NULL) == (op == TBL_EXISTS);
        } else if (!have) {
            ok = op == TBL_NE; /* a missing attribute differs from any value (as DynamoDB) */
        } else {
            int r = compare(have, v);
            switch (op) {
            case TBL_EQ: ok = r == 0; break;
            case TBL_NE: ok = r != 0; break;
            case TBL_LT: ok = r == -1; break;
            case TBL_LE: ok = r == -1 || r == 0; break;
            case TBL_GT: ok = r == 1; break;
            case TBL_GE: ok = r == 1 || r == 0; break;
            default: ok = 0;
            }
        }
        if (!ok)
            return 0;
    }
    return 1;
}

void tbl_update_apply(const struct tbl_update *u, cJSON *item)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, u->set)
    {
        cJSON *dup = cJSON_Duplicate(s, 1);
        if (cJSON_GetObjectItemCaseSensitive(item, s->string))
            cJSON_ReplaceItemInObjectCaseSensitive(item, s->string, dup);
        else
            cJSON_AddItemToObject(item, s->string, dup);
    }
    cJSON_ArrayForEach(s, u->remove) cJSON_DeleteItemFromObjectCaseSensitive(item, s->valuestring);
}

void tbl_page_release(struct tbl_page *pg)
{
    cJSON_Delete(pg->items);
    free(pg->next);
    pg->items = NULL;
    pg->next = NULL;
}

#define MAX_KEY_LEN 1024

static int key_ok(struct tbl *t, const char *key)
{
    if (!key || !*key || strlen(key) > MAX_KEY_LEN)
        return gas_err_set(GAS_EINVAL, "%s: %s must be 1..%d bytes", t->name, t->key_attr,
                           MAX_KEY_LEN);
    return 0;
}

int tbl_get(struct tbl *t, const char *key, cJSON **item)
{
    *item = NULL;
    int rc = key_ok(t, key);
    return rc ? rc : t->ops->get(t, key, item);
}

int tbl_put(struct tbl *t, const cJSON *item, int if_absent)
{
    int rc = key_ok(t, json_str(item, t->key_attr));
    return rc ? rc : t->ops->put(t, item, if_absent);
}

int tbl_update(struct tbl *t, const char *key, const struct tbl_update *u, cJSON **item)
{
    if (item)
        *item = NULL;
    int rc = key_ok(t, key);
    if (rc)
        return rc;
    if (cJSON_GetObjectItemCaseSensitive(u->set, t->key_attr))
        return gas_err_set(GAS_EINVAL, "%s: the key attribute cannot be updated", t->name);
    return t->ops->update(t, key, u, item);
}

int tbl_delete(struct tbl *t, const char *key)
{
    int rc = key_ok(t, key);
    return rc ? rc : t->ops->del(t, key);
}

int tbl_query(struct tbl *t, const char *value, const char *cursor, int limit, struct tbl_page *pg)
{
    pg->items = NULL;
    pg->next = NULL;
    if (!t->index_attr)
        return gas_err_set(GAS_EINVAL, "%s has no secondary index", t->name);
    if (!value || !*value || limit < 1 || limit > 1000)
        return gas_err_set(GAS_EINVAL, "%s: query needs a value and a limit of 1..1000", t->name);
    return t->ops->query(t, value, cursor, limit, pg);
}

int tbl_changes(struct tbl *t, int64_t *mark, int limit, struct tbl_page *pg)
{
    pg->items = NULL;
    pg->next = NULL;
    if (!t->ops->changes)
        return gas_err_set(GAS_EUNSUPPORTED, "%s: the backend does not track changes", t->name);
    if (limit < 1 || limit > 1000)
        return gas_err_set(GAS_EINVAL, "%s: changes needs a limit of 1..1000", t->name);
    return t->ops->changes(t, mark, limit, pg);
}

int tbl_query_due(struct tbl *t, const char *state, int64_t before, int limit, struct tbl_page *pg)
{
    pg->items = NULL;
    pg->next = NULL;
    if (!t->index_attr || !t->ops->query_due)
        return gas_err_set(GAS_EUNSUPPORTED, "%s has no due index", t->name);
    if (!state || !*state || limit < 1 || limit > 1000)
        return gas_err_set(GAS_EINVAL, "%s: due query needs a state and a limit of 1..1000",
                           t->name);
    return t->ops->query_due(t, state, before, limit, pg);
}

int tbl_scan(struct tbl *t, const char *cursor, int limit, struct tbl_page *pg)
{
    pg->items = NULL;
    pg->next = NULL;
    if (limit < 1 || limit > 1000)
        return gas_err_set(GAS_EINVAL, "%s: scan limit must be 1..1000", t->name);
    return t->ops->scan(t, cursor, limit, pg);
}

void tbl_close(struct tbl *t)
{
    if (t)
        t->ops->close(t);
}

/* -------------------------------------------------------------------------------- queue */

void queue_msg_release(struct queue_msg *m)
{
    free(m->id);
    free(m->receipt);
    free(m->body);
    free(m->reason);
    memset(m, 0, sizeof *m);
}

static int send_bounded(struct queue *q, const char *body, int delay_s, char **msg_id, size_t max)
{
    if (msg_id)
        *msg_id = NULL;
    if (!body || !*body)
        return gas_err_set(GAS_EINVAL, "%s: empty message body", q->name);
    if (strlen(body) > max)
        return gas_err_set(GAS_ETOOBIG, "%s: message of %zu bytes is over the %zu byte limit",
                           q->name, strlen(body), max);
    if (delay_s < 0 || delay_s > QUEUE_MAX_DELAY)
        return gas_err_set(GAS_EINVAL, "%s: delay %d is outside 0..%d seconds", q->name, delay_s,
                           QUEUE_MAX_DELAY);
    return q->ops->send(q, body, delay_s, msg_id);
}

int queue_send(struct queue *q, const char *body, int delay_s, char **msg_id)
{
    return send_bounded(q, body, delay_s, msg_id,
                        (size_t)cfg_int(q->be->cfg, CFG_MAX_MESSAGE_BYTES));
}

int queue_send_raw(struct queue *q, const char *body, int delay_s, char **msg_id)
{
    return send_bounded(q, body, delay_s, msg_id, QUEUE_HARD_MAX_BYTES);
}

int queue_receive(struct queue *q, int max, int wait_s, int visibility_s, struct queue_msg *out,
                  int *n)
{
    *n = 0;
    if (max < 1 || max > QUEUE_MAX_BATCH || wait_s < 0 || wait_s > QUEUE_MAX_WAIT ||
        visibility_s > QUEUE_MAX_VISIBILITY)
        return gas_err_set(GAS_EINVAL,
                           "%s: receive of %d messages, wait %d s, visibility %d s "
                           "is out of range",
                           q->name, max, wait_s, visibility_s);
    memset(out, 0, (size_t)max * sizeof *out); /* fields a backend does not fill are NULL */
    return q->ops->receive(q, max, wait_s, visibility_s, out, n);
}

int queue_delete(struct queue *q, const char *receipt)
{
    if (!receipt || !*receipt || strlen(receipt) > 1024)
        return gas_err_set(GAS_EINVAL, "%s: bad receipt handle", q->name);
    return q->ops->del(q, receipt);
}

int queue_delete_batch(struct queue *q, const char *const *receipts, int n, int *rcs)
{
    if (n < 1 || n > QUEUE_MAX_BATCH)
        return gas_err_set(GAS_EINVAL, "%s: a batch of %d deletes is out of range 1..%d", q->name,
                           n, QUEUE_MAX_BATCH);
    int own[QUEUE_MAX_BATCH], first = 0;
    if (!rcs)
        rcs = own;
    for (int i = 0; i < n; i++)
        if (!receipts[i] || !*receipts[i] || strlen(receipts[i]) > 1024)
            return gas_err_set(GAS_EINVAL, "%s: bad receipt handle", q->name);
    if (q->ops->del_batch)
        return q->ops->del_batch(q, receipts, n, rcs);
    for (int i = 0; i < n; i++)
        if ((rcs[i] = q->ops->del(q, receipts[i])) != 0 && !first)
            first = rcs[i];
    return first;
}

int queue_extend(struct queue *q, const char *receipt, int visibility_s)
{
    if (!receipt || !*receipt || strlen(receipt) > 1024)
        return gas_err_set(GAS_EINVAL, "%s: bad receipt handle", q->name);
    if (visibility_s < 0 || visibility_s > QUEUE_MAX_VISIBILITY)
        return gas_err_set(GAS_EINVAL, "%s: visibility %d is outside 0..%d seconds", q->name,
                           visibility_s, QUEUE_MAX_VISIBILITY);
    return q->ops->extend(q, receipt, visibility_s);
}

int queue_depths(struct queue *q, struct queue_depths *d)
{
    memset(d, 0, sizeof *d);
    return q->ops->depths(q, d);
}

int queue_dead_list(struct queue *q, int max, struct queue_msg *out, int *n)
{
    *n = 0;
    if (max < 1 || max > 100)
        return gas_err_set(GAS_EINVAL, "%s: dead letters are listed 1..100 at a time", q->name);
    memset(out, 0, (size_t)max * sizeof *out);
    return q->ops->dead_list(q, max, out, n);
}

int queue_dead_letter(struct queue *q, const struct queue_msg *m, const char *reason)
{
    if (!m || !m->receipt || !m->id)
        return gas_err_set(GAS_EINVAL, "%s: dead-lettering needs a received message", q->name);
    char why[QUEUE_MAX_REASON + 1];
    snprintf(why, sizeof why, "%s", reason && *reason ? reason : "no reason given");
    return q->ops->dead_letter(q, m, why);
}

int queue_redrive(struct queue *q, const char *msg_id, int *moved)
{
    int dummy;
    return q->ops->redrive(q, msg_id, moved ? moved : &dummy);
}

int queue_dead_delete(struct queue *q, const char *msg_id)
{
    if (!msg_id || !*msg_id)
        return gas_err_set(GAS_EINVAL, "%s: deleting a dead letter needs its id", q->name);
    return q->ops->dead_delete(q, msg_id);
}

void queue_close(struct queue *q)
{
    if (q)
        q->ops->close(q);
}

/* -------------------------------------------------------------------------------- topic */

int topic_publish(struct topic *t, const char *body, char **msg_id)
{
    if (msg_id)
        *msg_id = NULL;
    size_t max = (size_t)cfg_int(t->be->cfg, CFG_MAX_MESSAGE_BYTES);
    if (!body || !*body)
        return gas_err_set(GAS_EINVAL, "%s: empty message body", t->name);
    if (strlen(body) > max)
        return gas_err_set(GAS_ETOOBIG, "%s: message of %zu bytes is over the %zu byte limit",
                           t->name, strlen(body), max);
    return t->ops->publish(t, body, msg_id);
}

int topic_subscribe(struct topic *t, const char *queue, int delay_s, int raw)
{
    int rc = name_valid("queue", queue);
    if (rc)
        return rc;
    if (delay_s < 0 || delay_s > QUEUE_MAX_DELAY)
        return gas_err_set(GAS_EINVAL, "%s: subscription delay %d is outside 0..%d seconds",
                           t->name, delay_s, QUEUE_MAX_DELAY);
    return t->ops->subscribe(t, queue, delay_s, raw);
}

void topic_close(struct topic *t)
{
    if (t)
        t->ops->close(t);
}

/* ------------------------------------------------------------------------------ objects */

int objs_bucket_valid(const char *b)
{
    size_t n = b ? strlen(b) : 0;
    if (n < 3 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.')
            return 0;
        if ((i == 0 || i == n - 1) && !alnum)
            return 0;
        if (c == '.' && b[i + 1] == '.')
            return 0;
    }
    return 1;
}

int objs_key_valid(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n < 1 || n > OBJ_MAX_KEY || key[0] == '/')
        return 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return 0;
    /* every '/'-separated component must be non-empty and not "." or ".." */
    for (const char *c = key;;) {
        const char *slash = strchr(c, '/');
        size_t cl = slash ? (size_t)(slash - c) : strlen(c);
        if (cl == 0 || (cl == 1 && c[0] == '.') || (cl == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        if (!slash)
            break;
        c = slash + 1;
    }
    return 1;
}

static int obj_args(const char *bucket, const char *key)
{
    if (!objs_bucket_valid(bucket))
        return gas_err_set(GAS_EINVAL, "invalid bucket name \"%.80s\"", bucket ? bucket : "");
    if (!objs_key_valid(key))
        return gas_err_set(GAS_EINVAL, "invalid object key \"%.200s\"", key ? key : "");
    return 0;
}

int objs_put_file(struct objs *o, const char *bucket, const char *key, const char *path)
{
    int rc = obj_args(bucket, key);
    return rc ? rc : o->ops->put_file(o, bucket, key, path);
}

int objs_put_files(struct objs *o, const char *bucket, int n, const char *const *keys,
                   const char *const *paths, int move)
{
    int rc = 0;
    for (int i = 0; !rc && i < n; i++)
        rc = obj_args(bucket, keys[i]);
    if (rc || !o->ops->put_files)
        for (int i = 0; !rc && i < n; i++)
            rc = o->ops->put_file(o, bucket, keys[i], paths[i]);
    else
        rc = o->ops->put_files(o, bucket, n, keys, paths, move);
    return rc;
}

char *objs_local_path(struct objs *o, const char *bucket, const char *key)
{
    if (!o->ops->local_path || obj_args(bucket, key))
        return NULL;
    return o->ops->local_path(o, bucket, key);
}

int objs_get_file(struct objs *o, const char *bucket, const char *key, const char *path)
{
    int rc = obj_args(bucket, key);
    return rc ? rc : o->ops->get_file(o, bucket, key, path);
}

int objs_head(struct objs *o, const char *bucket, const char *key, struct obj_info *info)
{
    memset(info, 0, sizeof *info);
    int rc = obj_args(bucket, key);
    return rc ? rc : o->ops->head(o, bucket, key, info);
}

int objs_copy(struct objs *o, const char *sbucket, const char *skey, const char *dbucket,
              const char *dkey)
{
    int rc = obj_args(sbucket, skey);
    if (!rc)
        rc = obj_args(dbucket, dkey);
    return rc ? rc : o->ops->copy(o, sbucket, skey, dbucket, dkey);
}

int objs_delete(struct objs *o, const char *bucket, const char *key)
{
    int rc = obj_args(bucket, key);
    return rc ? rc : o->ops->del(o, bucket, key);
}

int objs_link(struct objs *o, const char *bucket, const char *key, int expires_s, char **url)
{
    *url = NULL;
    int rc = obj_args(bucket, key);
    if (!rc && (expires_s < 1 || expires_s > 604800))
        rc = gas_err_set(GAS_EINVAL, "link lifetime %d is outside 1..604800 seconds", expires_s);
    if (!rc && !o->ops->link)
        rc = gas_err_set(GAS_EUNSUPPORTED, "the %s backend has no download links", o->be->name);
    return rc ? rc : o->ops->link(o, bucket, key, expires_s, url);
}

/* --------------------------------------------------------------------------------- cold */

static const char *tier_names[] = {"Expedited", "Standard", "Bulk"};
static const char *status_names[] = {"InProgress", "Succeeded", "Failed"};

const char *cold_tier_name(enum cold_tier tier)
{
    return (unsigned)tier < 3 ? tier_names[tier] : "?";
}

int cold_tier_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, tier_names[i]))
            return i;
    return -1;
}

const char *cold_status_name(enum cold_status st)
{
    return (unsigned)st < 3 ? status_names[st] : "?";
}

static int id_ok(const char *what, const char *id)
{
    if (!id || !*id || strlen(id) > 1024)
        return gas_err_set(GAS_EINVAL, "bad %s", what);
    return 0;
}

int cold_archive(struct cold *c, const char *bucket, const char *key, const char *desc,
                 char **archive_id)
{
    *archive_id = NULL;
    int rc = obj_args(bucket, key);
    if (!rc && desc && strlen(desc) > 1024)
        rc = gas_err_set(GAS_EINVAL, "archive description over 1024 bytes");
    return rc ? rc : c->ops->archive(c, bucket, key, desc ? desc : "", archive_id);
}

int cold_retrieve(struct cold *c, const char *archive_id, enum cold_tier tier, const char *desc,
                  const char *notify_topic, char **retrieval_id)
{
    *retrieval_id = NULL;
    int rc = id_ok("archive id", archive_id);
    if (!rc && (unsigned)tier > COLD_BULK)
        rc = gas_err_set(GAS_EINVAL, "bad retrieval tier %d", (int)tier);
    if (!rc && desc && strlen(desc) > 1024)
        rc = gas_err_set(GAS_EINVAL, "retrieval description over 1024 bytes");
    return rc ? rc : c->ops->retrieve(c, archive_id, tier, desc, notify_topic, retrieval_id);
}

int cold_status(struct cold *c, const char *retrieval_id, enum cold_status *st)
{
    int rc = id_ok("retrieval id", retrieval_id);
    return rc ? rc : c->ops->status(c, retrieval_id, st);
}

int cold_fetch(struct cold *c, const char *retrieval_id, const char *bucket, const char *key)
{
    int rc = id_ok("retrieval id", retrieval_id);
    if (!rc)
        rc = obj_args(bucket, key);
    return rc ? rc : c->ops->fetch(c, retrieval_id, bucket, key);
}

int cold_delete(struct cold *c, const char *archive_id)
{
    int rc = id_ok("archive id", archive_id);
    return rc ? rc : c->ops->del(c, archive_id);
}

int cold_forget(struct cold *c, const char *archive_id)
{
    int rc = id_ok("archive id", archive_id);
    if (!rc)
        rc = c->ops->forget ? c->ops->forget(c, archive_id) : c->ops->del(c, archive_id);
    return rc == GAS_ENOTFOUND ? 0 : rc;
}

static _Thread_local int lazy_depth;

void backend_lazy(int on)
{
    lazy_depth += on ? 1 : -1;
}

int backend_lazy_now(void)
{
    return lazy_depth > 0;
}
