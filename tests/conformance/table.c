/* conformance: tables (get, put-if-absent, compare-and-set, query by index, scan pages). */
#include "conformance.h"

#include "gas/json.h"
#include "gas/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tbl *fresh_table(void)
{
    char *name = cf_name("jobs");
    struct tbl *t = NULL;
    CHECK_OK(be_create_table(cf_be(), name, "job_id", "user_id"));
    CHECK_OK(be_table(cf_be(), name, "job_id", "user_id", &t));
    free(name);
    return t;
}

static cJSON *item(const char *id, const char *user, const char *status)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "job_id", id);
    cJSON_AddStringToObject(j, "user_id", user);
    cJSON_AddStringToObject(j, "job_status", status);
    cJSON_AddNumberToObject(j, "submit_time", 1700000000);
    return j;
}

static void put_get_conflict(void)
{
    struct tbl *t = fresh_table();
    if (!t)
        return;
    cJSON *a = item("j1", "u1", "PENDING"), *got = NULL;
    CHECK_OK(tbl_put(t, a, 1));
    CHECK_OK(tbl_get(t, "j1", &got));
    CHECK(got && cJSON_Compare(a, got, 1));
    cJSON_Delete(got);
    cJSON *b = item("j1", "u2", "RUNNING");
    CHECK_RC(tbl_put(t, b, 1), GAS_ECONFLICT);
    CHECK_OK(tbl_get(t, "j1", &got)); /* the refused put changed nothing */
    CHECK_STR(json_str(got, "user_id"), "u1");
    cJSON_Delete(got);
    CHECK_OK(tbl_put(t, b, 0)); /* an unconditional put replaces */
    CHECK_OK(tbl_get(t, "j1", &got));
    CHECK_STR(json_str(got, "user_id"), "u2");
    cJSON_Delete(got);
    CHECK_RC(tbl_get(t, "nope", &got), GAS_ENOTFOUND);
    CHECK(got == NULL);
    CHECK_OK(tbl_delete(t, "j1"));
    CHECK_RC(tbl_get(t, "j1", &got), GAS_ENOTFOUND);
    cJSON *nokey = cJSON_CreateObject();
    CHECK_RC(tbl_put(t, nokey, 1), GAS_EINVAL);
    cJSON_Delete(nokey);
    cJSON_Delete(a);
    cJSON_Delete(b);
    tbl_close(t);
}

static void conditional_update(void)
{
    struct tbl *t = fresh_table();
    if (!t)
        return;
    cJSON *a = item("j1", "u1", "PENDING"), *got = NULL;
    cJSON_AddStringToObject(a, "error", "old");
    CHECK_OK(tbl_put(t, a, 1));
    cJSON_Delete(a);

    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, "job_status", TBL_EQ, "PENDING");
    tbl_update_set_str(&u, "job_status", "RUNNING");
    tbl_update_set_int(&u, "lease_until", 2000);
    tbl_update_remove(&u, "error");
    CHECK_OK(tbl_update(t, "j1", &u, &got));
    CHECK_STR(json_str(got, "job_status"), "RUNNING");
    CHECK(cJSON_GetObjectItem(got, "error") == NULL);
    cJSON_Delete(got);
    /* the same claim again must fail: the state moved on */
    CHECK_RC(tbl_update(t, "j1", &u, NULL), GAS_ECONFLICT);
    tbl_update_release(&u);

    /* lease takeover: only when lease_until < now */
    tbl_update_init(&u);
    tbl_update_if_str(&u, "job_status", TBL_EQ, "RUNNING");
    tbl_update_if_int(&u, "lease_until", TBL_LT, 1000);
    tbl_update_set_str(&u, "worker_id", "w2");
    CHECK_RC(tbl_update(t, "j1", &u, NULL), GAS_ECONFLICT);
    tbl_update_release(&u);
    tbl_update_init(&u);
    tbl_update_if_int(&u, "lease_until", TBL_LT, 3000);
    tbl_update_if_int(&u, "lease_until", TBL_GE, 2000);
    tbl_update_if_absent(&u, "worker_id");
    tbl_update_if_exists(&u, "submit_time");
    tbl_update_if_str(&u, "retrieval_id", TBL_NE, "r1"); /* missing attribute: holds */
    tbl_update_set_str(&u, "worker_id", "w2");
    CHECK_OK(tbl_update(t, "j1", &u, NULL));
    CHECK_RC(tbl_update(t, "j1", &u, NULL), GAS_ECONFLICT); /* worker_id exists now */
    CHECK_RC(tbl_update(t, "missing", &u, NULL), GAS_ENOTFOUND);
    tbl_update_release(&u);

    CHECK_OK(tbl_get(t, "j1", &got));
    CHECK_STR(json_str(got, "worker_id"), "w2");
    CHECK_STR(json_str(got, "user_id"), "u1"); /* untouched attributes stay */
    cJSON_Delete(got);

    tbl_update_init(&u);
    tbl_update_set_str(&u, "job_id", "other");
    CHECK_RC(tbl_update(t, "j1", &u, NULL), GAS_EINVAL);
    tbl_update_release(&u);
    tbl_close(t);
}

/* Collects every key of every page of a query (user) or scan (user NULL). */
static int collect(struct tbl *t, const char *user, int limit, char seen[][8], int max)
{
    int n = 0, pages = 0;
    char *cursor = NULL;
    do {
        struct tbl_page pg;
        int rc = user ? tbl_query(t, user, cursor, limit, &pg) : tbl_scan(t, cursor, limit, &pg);
        free(cursor);
        cursor = NULL;
        if (rc) {
            t_fail(__FILE__, __LINE__, "page: %s", gas_errmsg());
            return -1;
        }
        CHECK(cJSON_GetArraySize(pg.items) <= limit);
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            if (n < max)
                snprintf(seen[n], 8, "%s", json_str(it, "job_id"));
            n++;
            if (user)
                CHECK_STR(json_str(it, "user_id"), user);
        }
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        tbl_page_release(&pg);
        pages++;
    } while (cursor && pages < 100);
    free(cursor);
    return n;
}

static void query_and_scan_pages(void)
{
    struct tbl *t = fresh_table();
    if (!t)
        return;
    for (int i = 0; i < 30; i++) {
        char id[8];
        snprintf(id, sizeof id, "j%02d", i);
        cJSON *a = item(id, i % 5 == 0 ? "bob" : "ann", "PENDING");
        CHECK_OK(tbl_put(t, a, 1));
        cJSON_Delete(a);
    }
    char seen[64][8];
    CHECK_INT(collect(t, "ann", 10, seen, 64), 24);
    for (int i = 0; i < 24; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(seen[i], seen[k]))
                t_fail(__FILE__, __LINE__, "query returned %s twice", seen[i]);
    CHECK_INT(collect(t, "bob", 4, seen, 64), 6);
    CHECK_INT(collect(t, "nobody", 10, seen, 64), 0);
    CHECK_INT(collect(t, NULL, 7, seen, 64), 30);
    struct tbl_page pg;
    CHECK_RC(tbl_scan(t, NULL, 0, &pg), GAS_EINVAL);
    tbl_close(t);
}

/* The due index: only items holding both watch attributes, with watch_until before the
 * bound, oldest first; updates move items in and out of it. */
static void due_index(void)
{
    struct tbl *t = fresh_table();
    if (!t)
        return;
    const struct {
        const char *id, *watch;
        int64_t until; /* 0: no watch_until */
    } items[] = {{"a", "RUNNING", 300},  {"b", "RUNNING", 100}, {"c", "RUNNING", 900},
                 {"d", "ARCHIVING", 50}, {"e", "RUNNING", 0},   {"f", NULL, 0},
                 {"g", "RUNNING", 200}};
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        cJSON *a = item(items[i].id, "u", "RUNNING");
        if (items[i].watch)
            cJSON_AddStringToObject(a, TBL_WATCH, items[i].watch);
        if (items[i].until)
            cJSON_AddNumberToObject(a, TBL_WATCH_UNTIL, (double)items[i].until);
        CHECK_OK(tbl_put(t, a, 1));
        cJSON_Delete(a);
    }
    struct tbl_page pg;
    CHECK_OK(tbl_query_due(t, "RUNNING", 500, 10, &pg));
    CHECK_INT(cJSON_GetArraySize(pg.items), 3); /* b, g, a: not c (later), d, e, f */
    const char *want[] = {"b", "g", "a"};
    for (int i = 0; i < 3 && i < cJSON_GetArraySize(pg.items); i++)
        CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, i), "job_id"), want[i]);
    tbl_page_release(&pg);
    CHECK_OK(tbl_query_due(t, "RUNNING", 500, 2, &pg));
    CHECK_INT(cJSON_GetArraySize(pg.items), 2);
    tbl_page_release(&pg);
    struct tbl_update u; /* out of the index: watch removed; later: watch_until moved on */
    tbl_update_init(&u);
    tbl_update_remove(&u, TBL_WATCH);
    tbl_update_remove(&u, TBL_WATCH_UNTIL);
    CHECK_OK(tbl_update(t, "b", &u, NULL));
    tbl_update_release(&u);
    tbl_update_init(&u);
    tbl_update_set_int(&u, TBL_WATCH_UNTIL, 1000);
    CHECK_OK(tbl_update(t, "g", &u, NULL));
    tbl_update_release(&u);
    tbl_update_init(&u); /* into it: f gets both attributes */
    tbl_update_set_str(&u, TBL_WATCH, "RUNNING");
    tbl_update_set_int(&u, TBL_WATCH_UNTIL, 10);
    CHECK_OK(tbl_update(t, "f", &u, NULL));
    tbl_update_release(&u);
    CHECK_OK(tbl_query_due(t, "RUNNING", 500, 10, &pg));
    CHECK_INT(cJSON_GetArraySize(pg.items), 2);
    CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, 0), "job_id"), "f");
    CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, 1), "job_id"), "a");
    tbl_page_release(&pg);
    CHECK_OK(tbl_query_due(t, "ARCHIVING", 500, 10, &pg));
    CHECK_INT(cJSON_GetArraySize(pg.items), 1);
    tbl_page_release(&pg);
    tbl_close(t);
}

static void missing_table(void)
{
    struct tbl *t = NULL;
    CHECK_RC(be_table(cf_be(), "no-such-table-x", "job_id", NULL, &t), GAS_ENOTFOUND);
    CHECK_RC(be_table(cf_be(), "bad/name", "job_id", NULL, &t), GAS_EINVAL);
}

/* Two threads each add 1 to a counter 100 times through read + compare-and-set: no
 * update may be lost. Every error other than a conflict is counted and reported with
 * its message, so that a short count tells a lost update from a failed call. */
struct racer {
    int done, errors, exhausted;
    char first_error[512];
};
static struct tbl *race_t;
static void race_error(struct racer *r, const char *what, int rc)
{
    if (!r->errors++)
        snprintf(r->first_error, sizeof r->first_error, "%s: %s: %s", what, gas_err_name(rc),
                 gas_errmsg());
}
static int incr_once(struct racer *r)
{
    for (int tries = 0; tries < 1000; tries++) {
        cJSON *got;
        int rc = tbl_get(race_t, "ctr", &got);
        if (rc) {
            race_error(r, "get", rc);
            continue;
        }
        int64_t v = 0;
        json_int(got, "attempts", &v);
        cJSON_Delete(got);
        struct tbl_update u;
        tbl_update_init(&u);
        tbl_update_if_int(&u, "attempts", TBL_EQ, v);
        tbl_update_set_int(&u, "attempts", v + 1);
        rc = tbl_update(race_t, "ctr", &u, NULL);
        tbl_update_release(&u);
        if (!rc)
            return 1;
        if (rc != GAS_ECONFLICT)
            race_error(r, "update", rc);
    }
    r->exhausted++;
    return 0;
}
static void *incr(void *arg)
{
    struct racer *r = arg;
    for (int i = 0; i < 100; i++)
        r->done += incr_once(r);
    return NULL;
}

static void concurrent_compare_and_set(void)
{
    race_t = fresh_table();
    if (!race_t)
        return;
    cJSON *a = item("ctr", "u", "PENDING");
    cJSON_AddNumberToObject(a, "attempts", 0);
    CHECK_OK(tbl_put(race_t, a, 1));
    cJSON_Delete(a);
    pthread_t th[2];
    struct racer r[2] = {{0}};
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, incr, &r[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        if (r[i].errors)
            t_fail(__FILE__, __LINE__, "thread %d: %d errors, first: %s", i, r[i].errors,
                   r[i].first_error);
        CHECK_INT(r[i].exhausted, 0);
    }
    cJSON *got;
    CHECK_OK(tbl_get(race_t, "ctr", &got));
    int64_t v = -1;
    json_int(got, "attempts", &v);
    /* each reported success added exactly 1: a lower value is a lost update (two
     * compare-and-sets on the same value both succeeded), a higher one an update that
     * was applied but reported as failed (e.g. a retry after a lost answer) */
    CHECK_INT(r[0].done + r[1].done, 200);
    CHECK_INT(v, r[0].done + r[1].done);
    cJSON_Delete(got);
    tbl_close(race_t);
}

/* tbl_changes: a mark taken first, then only what was written after it, in write order,
 * in pages; a table reader (the console) keeps its copy current with it. */
static void changes_since_mark(void)
{
    struct tbl *t = fresh_table();
    if (!t)
        return;
    int64_t mark = -1;
    struct tbl_page pg;
    int rc = tbl_changes(t, &mark, 10, &pg);
    if (rc == GAS_EUNSUPPORTED) {
        t_skip("the %s backend does not track changes", cf_be()->name);
        tbl_close(t);
        return;
    }
    CHECK_OK(rc);
    tbl_page_release(&pg);
    CHECK(mark >= 0);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "c%d", i);
        cJSON *a = item(id, "u", "PENDING");
        CHECK_OK(tbl_put(t, a, 1));
        cJSON_Delete(a);
    }
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_set_str(&u, "job_status", "RUNNING");
    CHECK_OK(tbl_update(t, "c0", &u, NULL)); /* c0 changes again: it comes last */
    tbl_update_release(&u);
    int64_t m2 = mark;
    CHECK_OK(tbl_changes(t, &m2, 2, &pg)); /* a page of 2 */
    CHECK_INT(cJSON_GetArraySize(pg.items), 2);
    CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, 0), "job_id"), "c1");
    CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, 1), "job_id"), "c2");
    tbl_page_release(&pg);
    CHECK_OK(tbl_changes(t, &m2, 2, &pg)); /* the rest */
    CHECK_INT(cJSON_GetArraySize(pg.items), 1);
    CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, 0), "job_status"), "RUNNING");
    tbl_page_release(&pg);
    int64_t m3 = m2;
    CHECK_OK(tbl_changes(t, &m3, 10, &pg)); /* nothing new */
    CHECK_INT(cJSON_GetArraySize(pg.items), 0);
    CHECK(m3 == m2);
    tbl_page_release(&pg);
    CHECK_RC(tbl_changes(t, &m3, 0, &pg), GAS_EINVAL);
    tbl_close(t);
}

/* A group of writes (backend_group_begin/end, as a batch of jobs completes): a failed
 * conditional update inside it undoes only itself, the group's own writes are read back
 * inside it, and after its end every other write is there, an index change too. */
static void group_of_writes(void)
{
    struct tbl *t = fresh_table();
    struct queue *q = cf_queue(30, 5);
    if (!t || !q)
        return;
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "g%d", i);
        cJSON *a = item(id, "u1", "RUNNING");
        CHECK_OK(tbl_put(t, a, 1));
        cJSON_Delete(a);
    }
    struct gas_backend *be = cf_be();
    CHECK_OK(backend_group_begin(be));
    struct tbl_update u;
    tbl_update_init(&u); /* g0: done */
    tbl_update_if_str(&u, "job_status", TBL_EQ, "RUNNING");
    tbl_update_set_str(&u, "job_status", "COMPLETED");
    CHECK_OK(tbl_update(t, "g0", &u, NULL));
    tbl_update_release(&u);
    tbl_update_init(&u); /* g1: a condition that fails */
    tbl_update_if_str(&u, "job_status", TBL_EQ, "PENDING");
    tbl_update_set_str(&u, "job_status", "FAILED");
    CHECK_RC(tbl_update(t, "g1", &u, NULL), GAS_ECONFLICT);
    tbl_update_release(&u);
    tbl_update_init(&u); /* g2: moves to another user (the index attribute) */
    tbl_update_set_str(&u, "user_id", "u2");
    CHECK_OK(tbl_update(t, "g2", &u, NULL));
    tbl_update_release(&u);
    CHECK_OK(queue_send(q, "{\"job_id\":\"g0\"}", 0, NULL));
    cJSON *got = NULL;
    CHECK_OK(tbl_get(t, "g0", &got)); /* its own write, inside the group */
    CHECK_STR(json_str(got, "job_status"), "COMPLETED");
    cJSON_Delete(got);
    CHECK_OK(backend_group_end(be));

    CHECK_OK(tbl_get(t, "g0", &got));
    CHECK_STR(json_str(got, "job_status"), "COMPLETED");
    cJSON_Delete(got);
    CHECK_OK(tbl_get(t, "g1", &got));
    CHECK_STR(json_str(got, "job_status"), "RUNNING");
    cJSON_Delete(got);
    struct tbl_page pg = {0};
    CHECK_OK(tbl_query(t, "u2", NULL, 10, &pg));
    CHECK_INT(cJSON_GetArraySize(pg.items), 1);
    CHECK_STR(json_str(cJSON_GetArrayItem(pg.items, 0), "job_id"), "g2");
    tbl_page_release(&pg);
    CHECK_OK(tbl_query(t, "u1", NULL, 10, &pg));
    CHECK_INT(cJSON_GetArraySize(pg.items), 2);
    tbl_page_release(&pg);
    struct queue_msg m[1];
    int n = 0;
    CHECK_OK(queue_receive(q, 1, 5, -1, m, &n));
    CHECK_INT(n, 1);
    if (n)
        queue_msg_release(&m[0]);
    /* an end with no group open is refused (a backend without groups has nothing to end) */
    CHECK_RC(backend_group_end(be), strcmp(be->name, "local") ? 0 : GAS_EINTERNAL);
    queue_close(q);
    tbl_close(t);
}

const struct t_case cf_table_cases[] = {
    T(put_get_conflict),           T(conditional_update),
    T(query_and_scan_pages),       T(missing_table),
    T(concurrent_compare_and_set), T(due_index),
    T(changes_since_mark),         T(group_of_writes),
};
const int cf_table_n = sizeof cf_table_cases / sizeof *cf_table_cases;
