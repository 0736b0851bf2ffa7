/* aws table: DynamoDB over JSON 1.0. Items convert between plain JSON and DynamoDB's
 * typed attribute values (S, N, BOOL, NULL, L, M; SS/NS/BS read as arrays), so an item
 * written by GAS's Python code (boto3) reads the same as one written here. Conditional
 * updates become one UpdateItem with a ConditionExpression; TBL_NE is
 * "attribute_not_exists(a) OR a <> :v" to keep the interface's meaning (a missing
 * attribute is not equal). Reads are strongly consistent. */
#include "aws.h"

#include "gas/err.h"
#include "gas/job.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CURSOR (4 * 1024)

static struct aws_be *ab_of(struct tbl *t)
{
    return aws_of(t->be);
}

/* ----------------------------------------------------------------- attribute values */

static cJSON *to_av(const cJSON *v)
{
    cJSON *av = cJSON_CreateObject();
    if (cJSON_IsString(v)) {
        cJSON_AddStringToObject(av, "S", v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        char num[40];
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            snprintf(num, sizeof num, "%.0f", d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        cJSON_AddStringToObject(av, "N", num);
    } else if (cJSON_IsBool(v)) {
        cJSON_AddBoolToObject(av, "BOOL", cJSON_IsTrue(v));
    } else if (cJSON_IsArray(v)) {
        cJSON *l = cJSON_AddArrayToObject(av, "L");
        const cJSON *e;
        cJSON_ArrayForEach(e, v) cJSON_AddItemToArray(l, to_av(e));
    } else if (cJSON_IsObject(v)) {
        cJSON *m = cJSON_AddObjectToObject(av, "M");
        const cJSON *e;
        cJSON_ArrayForEach(e, v) cJSON_AddItemToObject(m, e->string, to_av(e));
    } else {
        cJSON_AddBoolToObject(av, "NULL", 1);
    }
    return av;
}

static cJSON *item_to_av(const cJSON *item)
{
    cJSON *m = cJSON_CreateObject();
    const cJSON *e;
    cJSON_ArrayForEach(e, item) cJSON_AddItemToObject(m, e->string, to_av(e));
    return m;
}

static cJSON *from_av(const cJSON *av)
{
    const cJSON *x = av ? av->child : NULL;
    if (!x || !x->string)
        return cJSON_CreateNull();
    const char *t = x->string;
    if (!strcmp(t, "S") || !strcmp(t, "B"))
        return cJSON_CreateString(cJSON_IsString(x) ? x->valuestring : "");
    if (!strcmp(t, "N"))
        return cJSON_CreateNumber(cJSON_IsString(x) ? strtod(x->valuestring, NULL) : 0);
    if (!strcmp(t, "BOOL"))
        return cJSON_CreateBool(cJSON_IsTrue(x));
    if (!strcmp(t, "L") || !strcmp(t, "SS") || !strcmp(t, "NS") || !strcmp(t, "BS")) {
        cJSON *a = cJSON_CreateArray();
        const cJSON *e;
        cJSON_ArrayForEach(e, x)
        {
            if (!strcmp(t, "L"))
                cJSON_AddItemToArray(a, from_av(e));
            else if (!strcmp(t, "NS"))
                cJSON_AddItemToArray(a, cJSON_CreateNumber(strtod(e->valuestring, NULL)));
            else
                cJSON_AddItemToArray(a, cJSON_CreateString(e->valuestring));
        }
        return a;
    }
    if (!strcmp(t, "M")) {
        cJSON *o = cJSON_CreateObject();
        const cJSON *e;
        cJSON_ArrayForEach(e, x) cJSON_AddItemToObject(o, e->string, from_av(e));
        return o;
    }
    return cJSON_CreateNull();
}

static cJSON *item_from_av(const cJSON *m)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *e;
    cJSON_ArrayForEach(e, m) cJSON_AddItemToObject(o, e->string, from_av(e));
    return o;
}

static cJSON *key_av(struct tbl *t, const char *key)
{
    cJSON *k = cJSON_CreateObject();
    cJSON *v = cJSON_AddObjectToObject(k, t->key_attr);
    cJSON_AddStringToObject(v, "S", key);
    return k;
}

static cJSON *request(struct tbl *t)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", t->name);
    return in;
}

static int call(struct tbl *t, const char *op, cJSON *in, cJSON **out)
{
    char target[64];
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    char index[256] = "";
    snprintf(index, sizeof index, "%s", json_str(in, "IndexName") ? json_str(in, "IndexName") : "");
    int rc = aws_json(ab_of(t), "dynamodb", target, in, out, NULL);
    cJSON_Delete(in);
    /* a query of an index the table lacks, or one DynamoDB is still building (backfilling):
     * DynamoDB says ValidationException, moto ResourceNotFoundException "Invalid index" */
    if (rc && *index && strcasestr(gas_errmsg(), "index"))
        gas_err_wrap(rc,
                     "table %s has no index %s, or DynamoDB is still building it (gas aws "
                     "bootstrap adds it)",
                     t->name, index);
    /* the table itself is missing (a lazily opened handle finds out here): say which; the
     * service code stays, so that no caller takes it for a missing item */
    else if (rc && gas_err_code_has("ResourceNotFound"))
        aws_missing(ab_of(t), rc, "table", t->name);
    return rc;
}

/* ----------------------------------------------------------------------- operations */

static int d_get(struct tbl *t, const char *key, cJSON **item)
{
    cJSON *in = request(t), *out = NULL;
    cJSON_AddItemToObject(in, "Key", key_av(t, key));
    cJSON_AddBoolToObject(in, "ConsistentRead", 1);
    int rc = call(t, "GetItem", in, &out);
    const cJSON *it = out ? cJSON_GetObjectItemCaseSensitive(out, "Item") : NULL;
    if (!rc && !cJSON_IsObject(it))
        rc = gas_err_set(GAS_ENOTFOUND, "%s: no item with %s %s", t->name, t->key_attr, key);
    if (!rc)
        *item = item_from_av(it);
    cJSON_Delete(out);
    return rc;
}

static int d_put(struct tbl *t, const cJSON *item, int if_absent)
{
    cJSON *in = request(t);
    cJSON_AddItemToObject(in, "Item", item_to_av(item));
    if (if_absent) {
        cJSON_AddStringToObject(in, "ConditionExpression", "attribute_not_exists(#k)");
        cJSON *names = cJSON_AddObjectToObject(in, "ExpressionAttributeNames");
        cJSON_AddStringToObject(names, "#k", t->key_attr);
    }
    int rc = call(t, "PutItem", in, NULL);
    if (rc == GAS_ECONFLICT)
        rc = gas_err_set(GAS_ECONFLICT, "%s: %s %s exists already", t->name, t->key_attr,
                         json_str(item, t->key_attr));
    return rc;
}

/* Placeholders #aN for names and :vN for values, one per use. */
struct expr {
    cJSON *names, *values;
    int n;
};

static const char *name_ref(struct expr *e, const char *attr, char *buf, size_t bn)
{
    snprintf(buf, bn, "#a%d", e->n++);
    cJSON_AddStringToObject(e->names, buf, attr);
    return buf;
}

static const char *value_ref(struct expr *e, const cJSON *v, char *buf, size_t bn)
{
    snprintf(buf, bn, ":v%d", e->n++);
    cJSON_AddItemToObject(e->values, buf, to_av(v));
    return buf;
}

static void add_condition(struct expr *e, struct strbuf *sb, const cJSON *c)
{
    static const char *const ops[] = {[TBL_EQ] = "=",  [TBL_NE] = "<>", [TBL_LT] = "<",
                                      [TBL_LE] = "<=", [TBL_GT] = ">",  [TBL_GE] = ">="};
    const char *attr = json_str(c, "attr");
    const cJSON *opj = cJSON_GetObjectItemCaseSensitive(c, "op");
    int op = cJSON_IsNumber(opj) ? opj->valueint : -1;
    char nb[16], vb[16];
    const char *n = name_ref(e, attr ? attr : "", nb, sizeof nb);
    sb_adds(sb, " AND ");
    if (op == TBL_EXISTS) {
        sb_addf(sb, "attribute_exists(%s)", n);
    } else if (op == TBL_ABSENT) {
        sb_addf(sb, "attribute_not_exists(%s)", n);
    } else if (op >= TBL_EQ && op <= TBL_GE) {
        const char *v = value_ref(e, cJSON_GetObjectItemCaseSensitive(c, "value"), vb, sizeof vb);
        if (op == TBL_NE)
            sb_addf(sb, "(attribute_not_exists(%s) OR %s <> %s)", n, n, v);
        else
            sb_addf(sb, "%s %s %s", n, ops[op], v);
    }
}

static int d_update(struct tbl *t, const char *key, const struct tbl_update *u, cJSON **item)
{
    struct expr e = {cJSON_CreateObject(), cJSON_CreateObject(), 0};
    struct strbuf cond, upd;
    sb_init(&cond, 0);
    sb_init(&upd, 0);
    char nb[16], vb[16];
    sb_addf(&cond, "attribute_exists(%s)", name_ref(&e, t->key_attr, nb, sizeof nb));
    const cJSON *c;
    cJSON_ArrayForEach(c, u->conds) add_condition(&e, &cond, c);
    int k = 0;
    cJSON_ArrayForEach(c, u->set)
    {
        const char *n = name_ref(&e, c->string, nb, sizeof nb);
        sb_addf(&upd, "%s%s = ", k++ ? ", " : "SET ", n);
        sb_adds(&upd, value_ref(&e, c, vb, sizeof vb));
    }
    k = 0;
    cJSON_ArrayForEach(c, u->remove)
    {
        if (!cJSON_IsString(c) || cJSON_GetObjectItemCaseSensitive(u->set, c->valuestring))
            continue; /* set and removed: the set wins, as in tbl_update_apply */
        sb_addf(&upd, "%s%s", k++ ? ", " : (upd.len ? " REMOVE " : "REMOVE "),
                name_ref(&e, c->valuestring, nb, sizeof nb));
    }
    cJSON *in = request(t), *out = NULL;
    cJSON_AddItemToObject(in, "Key", key_av(t, key));
    char *ce = sb_detach(&cond), *ue = sb_detach(&upd);
    cJSON_AddStringToObject(in, "ConditionExpression", ce);
    if (*ue)
        cJSON_AddStringToObject(in, "UpdateExpression", ue);
    cJSON_AddItemToObject(in, "ExpressionAttributeNames", e.names);
    if (e.values->child)
        cJSON_AddItemToObject(in, "ExpressionAttributeValues", e.values);
    else
        cJSON_Delete(e.values);
    cJSON_AddStringToObject(in, "ReturnValues", "ALL_NEW");
    /* a failed condition answers with the item as it is, if there is one: no GetItem is
     * needed to tell a missing item from a condition that does not hold */
    cJSON_AddStringToObject(in, "ReturnValuesOnConditionCheckFailure", "ALL_OLD");
    free(ce);
    free(ue);
    cJSON *err = NULL;
    int rc = aws_json_error(ab_of(t), "dynamodb", "DynamoDB_20120810.UpdateItem", in, &out, &err);
    cJSON_Delete(in);
    if (rc && gas_err_code_has("ResourceNotFound"))
        aws_missing(ab_of(t), rc, "table", t->name);
    if (rc == GAS_ECONFLICT) { /* no item, or a condition that does not hold? */
        int g = 0;
        if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(err, "Item"))) {
            /* no item, or a service that ignores the parameter: ask */
            cJSON *cur = NULL;
            g = d_get(t, key, &cur);
            cJSON_Delete(cur);
        }
        rc = g ? g : gas_err_set(GAS_ECONFLICT, "%s %s: condition does not hold", t->name, key);
    }
    cJSON_Delete(err);
    if (!rc && item) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(out, "Attributes");
        *item = item_from_av(a);
    }
    cJSON_Delete(out);
    return rc;
}

static int d_del(struct tbl *t, const char *key)
{
    cJSON *in = request(t);
    cJSON_AddItemToObject(in, "Key", key_av(t, key));
    return call(t, "DeleteItem", in, NULL);
}

static int page(struct tbl *t, const char *op, cJSON *in, const char *cursor, int limit,
                struct tbl_page *pg)
{
    if (cursor) {
        cJSON *start = NULL;
        if (json_parse_object(cursor, strlen(cursor), MAX_CURSOR, &start)) {
            cJSON_Delete(in);
            return gas_err_set(GAS_EINVAL, "%s: not a cursor of this table", t->name);
        }
        cJSON_AddItemToObject(in, "ExclusiveStartKey", start);
    }
    cJSON_AddNumberToObject(in, "Limit", limit);
    cJSON *out = NULL;
    int rc = call(t, op, in, &out);
    if (rc)
        return rc;
    pg->items = cJSON_CreateArray();
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(out, "Items"))
        cJSON_AddItemToArray(pg->items, item_from_av(it));
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(out, "LastEvaluatedKey");
    if (cJSON_IsObject(last) && last->child)
        pg->next = cJSON_PrintUnformatted(last);
    cJSON_Delete(out);
    return 0;
}

/* The name of the index on index_attr: the deployment's jobs_index for the jobs table's
 * user attribute, else "<attr>_index" (the caller's). */
static char *index_name(const char *index_attr)
{
    if (!strcmp(index_attr, job_attr(JF_user_id)))
        return xstrdup(job_model()->user_index);
    return xasprintf("%s_index", index_attr);
}

static int d_query(struct tbl *t, const char *value, const char *cursor, int limit,
                   struct tbl_page *pg)
{
    cJSON *in = request(t);
    char *index = index_name(t->index_attr);
    cJSON_AddStringToObject(in, "IndexName", index);
    free(index);
    cJSON_AddStringToObject(in, "KeyConditionExpression", "#i = :v");
    cJSON_AddObjectToObject(in, "ExpressionAttributeNames");
    cJSON_AddStringToObject(cJSON_GetObjectItem(in, "ExpressionAttributeNames"), "#i",
                            t->index_attr);
    cJSON *vals = cJSON_AddObjectToObject(in, "ExpressionAttributeValues");
    cJSON *v = cJSON_AddObjectToObject(vals, ":v");
    cJSON_AddStringToObject(v, "S", value);
    return page(t, "Query", in, cursor, limit, pg);
}

/* The due index: a sparse GSI (watch HASH, watch_until RANGE) that holds only the items
 * being watched, so that finding the overdue ones reads just those, never the table. */
static int d_due(struct tbl *t, const char *state, int64_t before, int limit, struct tbl_page *pg)
{
    cJSON *in = request(t);
    cJSON_AddStringToObject(in, "IndexName", TBL_DUE_INDEX);
    cJSON_AddStringToObject(in, "KeyConditionExpression", "#w = :s AND #u < :t");
    cJSON *names = cJSON_AddObjectToObject(in, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#w", TBL_WATCH);
    cJSON_AddStringToObject(names, "#u", TBL_WATCH_UNTIL);
    cJSON *vals = cJSON_AddObjectToObject(in, "ExpressionAttributeValues");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(vals, ":s"), "S", state);
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)before);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(vals, ":t"), "N", num);
    int rc = page(t, "Query", in, NULL, limit, pg);
    free(pg->next); /* the oldest first; the caller asks again after handling them */
    pg->next = NULL;
    return rc;
}

static int d_scan(struct tbl *t, const char *cursor, int limit, struct tbl_page *pg)
{
    cJSON *in = request(t);
    cJSON_AddBoolToObject(in, "ConsistentRead", 1);
    return page(t, "Scan", in, cursor, limit, pg);
}

static void d_close(struct tbl *t)
{
    free(t->name);
    free(t->key_attr);
    free(t->index_attr);
    free(t);
}

static const struct tbl_ops ddb_ops = {
    .get = d_get,
    .put = d_put,
    .update = d_update,
    .del = d_del,
    .query = d_query,
    .scan = d_scan,
    .query_due = d_due,
    .close = d_close,
};

static int describe(struct aws_be *ab, const char *name, cJSON **out)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", name);
    int rc = aws_json(ab, "dynamodb", "DynamoDB_20120810.DescribeTable", in, out, NULL);
    cJSON_Delete(in);
    return rc;
}

int aws_table_open(struct gas_backend *be, const char *name, const char *key_attr,
                   const char *index_attr, struct tbl **out)
{
    *out = NULL;
    cJSON *desc = NULL;
    int rc = be->lazy_open ? 0 : describe(aws_of(be), name, &desc);
    cJSON_Delete(desc);
    if (rc)
        return rc == GAS_ENOTFOUND ? aws_missing(aws_of(be), rc, "table", name)
                                   : gas_err_wrap(rc, "table %s: DescribeTable", name);
    struct tbl *t = xcalloc(1, sizeof *t);
    t->ops = &ddb_ops;
    t->be = be;
    t->name = xstrdup(name);
    t->key_attr = xstrdup(key_attr);
    t->index_attr = xstrdup(index_attr);
    *out = t;
    return 0;
}

static cJSON *attr_def_typed(const char *name, const char *type)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "AttributeName", name);
    cJSON_AddStringToObject(d, "AttributeType", type);
    return d;
}

static cJSON *attr_def(const char *name)
{
    return attr_def_typed(name, "S");
}

/* The due index of a table with a secondary index (the jobs table). */
static cJSON *due_gsi(cJSON *defs)
{
    cJSON_AddItemToArray(defs, attr_def_typed(TBL_WATCH, "S"));
    cJSON_AddItemToArray(defs, attr_def_typed(TBL_WATCH_UNTIL, "N"));
    cJSON *g = cJSON_CreateObject(), *ks = cJSON_AddArrayToObject(g, "KeySchema");
    cJSON_AddStringToObject(g, "IndexName", TBL_DUE_INDEX);
    const char *names[] = {TBL_WATCH, TBL_WATCH_UNTIL}, *types[] = {"HASH", "RANGE"};
    for (int i = 0; i < 2; i++) {
        cJSON *k = cJSON_CreateObject();
        cJSON_AddStringToObject(k, "AttributeName", names[i]);
        cJSON_AddStringToObject(k, "KeyType", types[i]);
        cJSON_AddItemToArray(ks, k);
    }
    cJSON_AddStringToObject(cJSON_AddObjectToObject(g, "Projection"), "ProjectionType", "ALL");
    return g;
}

static cJSON *hash_key(const char *name)
{
    cJSON *ks = cJSON_CreateArray(), *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "AttributeName", name);
    cJSON_AddStringToObject(k, "KeyType", "HASH");
    cJSON_AddItemToArray(ks, k);
    return ks;
}

static double capacity(const cJSON *pt, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(pt, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A jobs table made before the due index (or by GAS's Python deployment) has none:
 * UpdateTable adds it. On a table with provisioned capacity (as the console makes them)
 * DynamoDB refuses an index without its own: it gets the table's, since writes throttled
 * on an index throttle the table's (the table's auto scaling, if any, does not cover it). */
static int add_due_index(struct aws_be *ab, const char *name)
{
    cJSON *d = NULL;
    int rc = describe(ab, name, &d);
    const cJSON *tbl = cJSON_GetObjectItemCaseSensitive(d, "Table");
    const cJSON *g, *gsis = cJSON_GetObjectItemCaseSensitive(tbl, "GlobalSecondaryIndexes");
    int have = 0;
    cJSON_ArrayForEach(g, gsis) have |=
        !strcmp(json_str(g, "IndexName") ? json_str(g, "IndexName") : "", TBL_DUE_INDEX);
    const char *billing =
        json_str(cJSON_GetObjectItemCaseSensitive(tbl, "BillingModeSummary"), "BillingMode");
    const cJSON *pt = cJSON_GetObjectItemCaseSensitive(tbl, "ProvisionedThroughput");
    double rcu = capacity(pt, "ReadCapacityUnits"), wcu = capacity(pt, "WriteCapacityUnits");
    /* an old table has no BillingModeSummary: provisioned when it has capacity */
    int provisioned = billing ? !strcmp(billing, "PROVISIONED") : wcu > 0;
    cJSON_Delete(d);
    if (rc || have)
        return rc;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", name);
    cJSON *defs = cJSON_AddArrayToObject(in, "AttributeDefinitions");
    cJSON *create = cJSON_CreateObject(), *gsi = due_gsi(defs);
    if (provisioned) {
        cJSON *c = cJSON_AddObjectToObject(gsi, "ProvisionedThroughput");
        cJSON_AddNumberToObject(c, "ReadCapacityUnits", rcu >= 1 ? rcu : 1);
        cJSON_AddNumberToObject(c, "WriteCapacityUnits", wcu >= 1 ? wcu : 1);
    }
    cJSON_AddItemToObject(create, "Create", gsi);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "GlobalSecondaryIndexUpdates"), create);
    rc = aws_json(ab, "dynamodb", "DynamoDB_20120810.UpdateTable", in, NULL, NULL);
    cJSON_Delete(in);
    if (!rc && provisioned)
        log_info("aws",
                 "table %s: due index %s added with the table's provisioned capacity (%.0f "
                 "read, %.0f write; the table's auto scaling does not cover it); DynamoDB "
                 "builds it from the table's items before gasd can read it",
                 name, TBL_DUE_INDEX, rcu >= 1 ? rcu : 1, wcu >= 1 ? wcu : 1);
    else if (!rc)
        log_info("aws", "table %s: due index %s added", name, TBL_DUE_INDEX);
    return rc ? gas_err_wrap(rc, "table %s: add the due index", name) : 0;
}

int aws_table_create(struct gas_backend *be, const char *name, const char *key_attr,
                     const char *index_attr)
{
    struct aws_be *ab = aws_of(be);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "TableName", name);
    cJSON *defs = cJSON_AddArrayToObject(in, "AttributeDefinitions");
    cJSON_AddItemToArray(defs, attr_def(key_attr));
    cJSON_AddItemToObject(in, "KeySchema", hash_key(key_attr));
    cJSON_AddStringToObject(in, "BillingMode", "PAY_PER_REQUEST");
    if (index_attr) {
        cJSON_AddItemToArray(defs, attr_def(index_attr));
        cJSON *gsis = cJSON_AddArrayToObject(in, "GlobalSecondaryIndexes"),
              *g = cJSON_CreateObject();
        char *iname = index_name(index_attr);
        cJSON_AddStringToObject(g, "IndexName", iname);
        free(iname);
        cJSON_AddItemToObject(g, "KeySchema", hash_key(index_attr));
        cJSON *proj = cJSON_AddObjectToObject(g, "Projection");
        cJSON_AddStringToObject(proj, "ProjectionType", "ALL");
        cJSON_AddItemToArray(gsis, g);
        cJSON_AddItemToArray(gsis, due_gsi(defs));
    }
    int rc = aws_json(ab, "dynamodb", "DynamoDB_20120810.CreateTable", in, NULL, NULL);
    cJSON_Delete(in);
    if (rc == GAS_ECONFLICT || (rc && gas_err_code_has("ResourceInUse")))
        rc = index_attr ? add_due_index(ab, name) : 0; /* exists already */
    /* wait (up to a minute) for it to become ACTIVE */
    for (int i = 0; !rc && i < 120; i++) {
        cJSON *d = NULL;
        rc = describe(ab, name, &d);
        const char *st = json_str(cJSON_GetObjectItemCaseSensitive(d, "Table"), "TableStatus");
        int active = st && !strcmp(st, "ACTIVE");
        cJSON_Delete(d);
        if (active)
            return 0;
        gas_sleep(0.5);
    }
    return rc ? rc
              : gas_err_set(GAS_ETIMEOUT,
                            "table %s did not become ACTIVE within a minute (DynamoDB builds a "
                            "new index from the table's items: on a large table that takes "
                            "longer; run gas aws bootstrap again later)",
                            name);
}
