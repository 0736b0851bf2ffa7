/* job: items as GAS writes them, transitions, display states, object keys. */
#include "../harness.h"

#include "gas/config.h"
#include "gas/job.h"
#include "gas/msg.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>

static cJSON *parse(const char *s)
{
    cJSON *j = NULL;
    if (json_parse_object(s, strlen(s), 100000, &j))
        t_fail(__FILE__, __LINE__, "parse: %s", gas_errmsg());
    return j;
}

/* An item exactly as GAS's Python web app writes it (no archive_state, strings for keys). */
static const char *gas_item =
    "{\"job_id\":\"5e1f0a0e-3d1c-4a8e-9f3b-0c2d1e4f5a6b\",\"user_id\":\"127d1b7a-u\","
    "\"input_file_name\":\"test.vcf\",\"s3_inputs_bucket\":\"gas-inputs\","
    "\"s3_key_input_file\":\"jrm/127d1b7a-u/5e1f0a0e-3d1c-4a8e-9f3b-0c2d1e4f5a6b~test.vcf\","
    "\"submit_time\":1700000000,\"job_status\":\"PENDING\"}";

static void gas_items_round_trip(void)
{
    cJSON *j = parse(gas_item);
    struct job job;
    CHECK_OK(job_from_json(j, &job));
    CHECK_STR(job.input_file_name, "test.vcf");
    CHECK_INT(job.submit_time, 1700000000);
    CHECK_INT(job.job_status, JOB_PENDING);
    CHECK_INT(job.archive_state, ARCH_NONE);
    CHECK_STR(job_display_state(&job), "not completed");
    cJSON *back = job_to_json(&job);
    CHECK_STR(json_str(back, "s3_key_input_file"), json_str(j, "s3_key_input_file"));
    CHECK_STR(json_str(back, "archive_state"), "NONE");
    CHECK(cJSON_GetObjectItem(back, "complete_time") == NULL);
    struct job again;
    CHECK_OK(job_from_json(back, &again));
    CHECK_STR(again.job_id, job.job_id);
    job_release(&again);
    cJSON_Delete(back);
    job_release(&job);
    cJSON_Delete(j);
}

static void legacy_archived_item(void)
{
    cJSON *j = parse("{\"job_id\":\"a\",\"user_id\":\"u\",\"job_status\":\"COMPLETED\","
                     "\"complete_time\":\"1700000100\",\"results_file_archive_id\":\"arch-1\"}");
    struct job job;
    CHECK_OK(job_from_json(j, &job));
    CHECK_INT(job.archive_state, ARCH_ARCHIVED);
    CHECK_INT(job.complete_time, 1700000100);
    CHECK_STR(job_display_state(&job), "archived: upgrade to premium");
    job_release(&job);
    cJSON_Delete(j);
}

static void bad_items_name_the_attribute(void)
{
    const struct {
        const char *item, *want;
    } cases[] = {
        {"{\"user_id\":\"u\",\"job_status\":\"PENDING\"}", "no job_id"},
        {"{\"job_id\":\"\",\"user_id\":\"u\",\"job_status\":\"PENDING\"}", "job_id is empty"},
        {"{\"job_id\":\"a\",\"user_id\":\"u\",\"job_status\":\"DONE\"}", "job_status \"DONE\""},
        {"{\"job_id\":\"a\",\"user_id\":7,\"job_status\":\"PENDING\"}", "user_id is not a string"},
        {"{\"job_id\":\"a\",\"user_id\":\"u\",\"job_status\":\"PENDING\",\"submit_time\":\"x\"}",
         "submit_time \"x\" is not a number"},
        {"{\"job_id\":\"a\",\"user_id\":\"u\",\"job_status\":\"PENDING\",\"archive_state\":"
         "\"GONE\"}",
         "archive_state \"GONE\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *j = parse(cases[i].item);
        struct job job;
        CHECK_RC(job_from_json(j, &job), GAS_EINVAL);
        if (!strstr(gas_errmsg(), cases[i].want))
            t_fail(__FILE__, __LINE__, "case %zu: \"%s\" lacks \"%s\"", i, gas_errmsg(),
                   cases[i].want);
        cJSON_Delete(j);
    }
}

static void transitions(void)
{
    CHECK(job_status_allowed(JOB_PENDING, JOB_RUNNING));
    CHECK(job_status_allowed(JOB_RUNNING, JOB_COMPLETED));
    CHECK(job_status_allowed(JOB_FAILED, JOB_PENDING));
    CHECK(!job_status_allowed(JOB_COMPLETED, JOB_PENDING));
    CHECK(!job_status_allowed(JOB_PENDING, JOB_COMPLETED));
    CHECK(archive_state_allowed(ARCH_NONE, ARCH_ARCHIVING));
    CHECK(archive_state_allowed(ARCH_ARCHIVED, ARCH_RESTORING));
    CHECK(archive_state_allowed(ARCH_RESTORING, ARCH_NONE));
    CHECK(!archive_state_allowed(ARCH_NONE, ARCH_ARCHIVED));
    CHECK(!archive_state_allowed(ARCH_ARCHIVING, ARCH_RESTORING));

    struct tbl_update u;
    tbl_update_init(&u);
    CHECK_RC(job_update_status(&u, JOB_COMPLETED, JOB_RUNNING), GAS_EINTERNAL);
    CHECK_INT(cJSON_GetArraySize(u.conds), 0); /* refused: nothing added */
    CHECK_OK(job_update_archive(&u, ARCH_NONE, ARCH_ARCHIVING));
    /* absent archive_state (GAS's own items) counts as NONE, unless an archive id exists */
    cJSON *plain = parse("{\"job_id\":\"a\",\"job_status\":\"COMPLETED\"}");
    cJSON *legacy = parse("{\"job_id\":\"a\",\"results_file_archive_id\":\"x\"}");
    cJSON *arch = parse("{\"job_id\":\"a\",\"archive_state\":\"ARCHIVED\"}");
    cJSON *ours = parse("{\"job_id\":\"a\",\"archive_state\":\"ARCHIVED\","
                        "\"results_file_archive_id\":\"x\"}");
    cJSON *busy = parse("{\"job_id\":\"a\",\"archive_state\":\"RESTORING\"}");
    CHECK(tbl_update_check(&u, plain));
    CHECK(!tbl_update_check(&u, legacy));
    CHECK(!tbl_update_check(&u, ours));
    CHECK(!tbl_update_check(&u, busy));
    /* ARCHIVED with the archive id gone: restored by another tool, repaired by the update */
    CHECK(tbl_update_check(&u, arch));
    cJSON_Delete(ours);
    cJSON_Delete(busy);
    tbl_update_apply(&u, plain);
    CHECK_STR(json_str(plain, "archive_state"), "ARCHIVING");
    cJSON_Delete(plain);
    cJSON_Delete(legacy);
    cJSON_Delete(arch);
    tbl_update_release(&u);
}

static void object_keys(void)
{
    char *k = job_object_key("gas", "u1", "j1", "test.vcf");
    CHECK_STR(k, "gas/u1/j1~test.vcf");
    free(k);
    CHECK(job_object_key("gas", "../u", "j", "f") == NULL);
    CHECK(job_object_key("gas", "u", "j", "a/b.vcf") == NULL);
    CHECK(job_object_key("gas", "u", "j", "..") == NULL);
    CHECK(job_object_key("gas", "", "j", "f") == NULL);
    CHECK(job_object_key("gas", "u", "j", "x\ny") == NULL);
    k = job_object_key("course/gas", "u1", "j1", "f.vcf"); /* a deployment's two-part prefix */
    CHECK_STR(k, "course/gas/u1/j1~f.vcf");
    free(k);
    CHECK(job_object_key("a/../b", "u", "j", "f") == NULL);
    CHECK(job_object_key("/a", "u", "j", "f") == NULL);
    CHECK(job_object_key("a//b", "u", "j", "f") == NULL);
    char *r = job_result_name("free_1.vcf"), *l = job_log_name("free_1.vcf");
    CHECK_STR(r, "free_1.annot.vcf");
    CHECK_STR(l, "free_1.vcf.count.log");
    free(r);
    free(l);
    /* compressed and BCF inputs: named as their VCF would be, not x.vcf.gz.annot.vcf */
    static const char *const in[] = {"hc.vcf.gz", "hc.vcf.bgz", "hc.bcf", "hc.txt"};
    static const char *const want[] = {"hc.annot.vcf", "hc.annot.vcf", "hc.annot.vcf",
                                       "hc.txt.annot.vcf"};
    for (int i = 0; i < 4; i++) {
        r = job_result_name(in[i]);
        l = job_log_name(in[i]);
        CHECK_STR(r, want[i]);
        if (i < 3)
            CHECK_STR(l, "hc.vcf.count.log");
        free(r);
        free(l);
    }
}

/* The typed transitions on a real jobs table (local backend, SQLite in a temporary
 * directory): each moves only from its state, and the due index follows the job. */
static int job_from_json_get(struct tbl *t, const char *id, struct job *j)
{
    cJSON *it = NULL;
    int rc = tbl_get(t, id, &it);
    if (!rc)
        rc = job_from_json(it, j);
    cJSON_Delete(it);
    return rc;
}

static struct tbl *jobs_table(struct gas_backend **be, struct cfg **cfg)
{
    *cfg = cfg_new();
    cfg_set(*cfg, "data_dir", t_tmpdir(), "test");
    struct tbl *t = NULL;
    if (backend_open(*cfg, be) || be_create_table(*be, "jobs", "job_id", "user_id") ||
        be_table(*be, "jobs", "job_id", "user_id", &t))
        t_fail(__FILE__, __LINE__, "jobs table: %s", gas_errmsg());
    return t;
}

static const char *attr(struct tbl *t, const char *id, const char *name)
{
    static char buf[128];
    cJSON *it = NULL;
    buf[0] = 0;
    if (tbl_get(t, id, &it) == 0) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, name);
        if (cJSON_IsString(v))
            snprintf(buf, sizeof buf, "%s", v->valuestring);
        else if (cJSON_IsNumber(v))
            snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
    }
    cJSON_Delete(it);
    return buf;
}

static void typed_transitions(void)
{
    struct gas_backend *be = NULL;
    struct cfg *cfg = NULL;
    struct tbl *t = jobs_table(&be, &cfg);
    if (!t)
        return;
    struct job j = {.job_id = "j1", .user_id = "u1", .job_status = JOB_PENDING};
    CHECK_OK(job_submit(t, &j));
    CHECK_RC(job_submit(t, &j), GAS_ECONFLICT);
    CHECK_OK(job_claim(t, &j, "w1", 60));
    CHECK_STR(attr(t, "j1", "job_status"), "RUNNING");
    CHECK_STR(attr(t, "j1", TBL_WATCH), "RUNNING");        /* watched while running */
    CHECK_RC(job_claim(t, &j, "w2", 60), GAS_ECONFLICT);   /* PENDING no more */
    CHECK_RC(job_renew(t, "j1", "w2", 60), GAS_ECONFLICT); /* not w2's */
    CHECK_OK(job_renew(t, "j1", "w1", 60));
    CHECK_OK(job_requeue(t, "j1", "w1", "disk full", -1));
    CHECK_STR(attr(t, "j1", "error"), "disk full");
    CHECK_STR(attr(t, "j1", TBL_WATCH), ""); /* out of the due index */
    j.attempts = 1;
    CHECK_OK(job_claim(t, &j, "w1", 60));
    /* RUNNING under GAS's Python annotator (no worker, no lease) is taken over; one under
     * a live lease is not */
    struct job py = {.job_id = "py", .user_id = "u1", .job_status = JOB_PENDING};
    CHECK_OK(job_submit(t, &py));
    struct tbl_update pu;
    tbl_update_init(&pu);
    tbl_update_set_str(&pu, "job_status", "RUNNING");
    CHECK_OK(tbl_update(t, "py", &pu, NULL));
    tbl_update_release(&pu);
    py.job_status = JOB_RUNNING;
    CHECK_OK(job_claim(t, &py, "w1", 60));
    CHECK_STR(attr(t, "py", "worker_id"), "w1");
    py.worker_id = "w1";
    py.lease_until = gas_now_s() + 60;
    py.attempts = 1;
    CHECK_RC(job_claim(t, &py, "w2", 60), GAS_ECONFLICT);
    /* w1 lost: its job is taken over before the lease passes, only as it was seen */
    py.lease_until = atoll(attr(t, "py", "lease_until"));
    struct job stale = py;
    stale.lease_until--;
    CHECK_RC(job_take_over(t, &stale, "w2", 60), GAS_ECONFLICT); /* renewed since it was seen */
    CHECK_OK(job_take_over(t, &py, "w2", 60));
    CHECK_STR(attr(t, "py", "worker_id"), "w2");
    CHECK_STR(attr(t, "py", "attempts"), "2");
    CHECK_RC(job_renew(t, "py", "w1", 60), GAS_ECONFLICT);    /* w1 back: no longer its own */
    CHECK_RC(job_take_over(t, &py, "w3", 60), GAS_ECONFLICT); /* w2's now, not as seen */
    struct job_result r = {"b", "k.annot.vcf", "k.count.log", 1700000000, NULL, NULL};
    CHECK_RC(job_complete(t, "j1", "w2", &r), GAS_ECONFLICT);
    CHECK_OK(job_complete(t, "j1", "w1", &r));
    CHECK_STR(attr(t, "j1", "error"), ""); /* the cause goes with success */
    CHECK_RC(job_fail(t, "j1", "w1", "late"), GAS_ECONFLICT);
    CHECK_RC(job_cancel(t, "j1", NULL), GAS_ECONFLICT);
    CHECK_OK(job_archive_begin(t, "j1", 1700000100));
    CHECK_STR(attr(t, "j1", TBL_WATCH), "ARCHIVING");
    CHECK_RC(job_archive_begin(t, "j1", 1700000100), GAS_ECONFLICT);
    /* abandoned (the user upgraded) before the cold copy is recorded: NONE, and again */
    CHECK_OK(job_archive_abandon(t, "j1", "a0"));
    CHECK_STR(attr(t, "j1", "archive_state"), "NONE");
    CHECK_STR(attr(t, "j1", "cold_cleanup_id"), "a0"); /* parked for the delete */
    CHECK_STR(attr(t, "j1", TBL_WATCH), "");
    CHECK_RC(job_archive_abandon(t, "j1", "a0"), GAS_ECONFLICT);
    CHECK_RC(job_archive_pending(t, "j1", "a1"), GAS_ECONFLICT); /* not ARCHIVING */
    /* no new archive while a copy waits to be deleted: its id may be the new copy's */
    CHECK_RC(job_archive_begin(t, "j1", 1700000100), GAS_ECONFLICT);
    CHECK_RC(job_cleanup_done(t, "j1", "a9"), GAS_ECONFLICT); /* not the copy parked */
    CHECK_OK(job_cleanup_done(t, "j1", "a0"));
    CHECK_OK(job_archive_begin(t, "j1", 1700000100));
    CHECK_RC(job_archive_record(t, "j1", "a1"), GAS_ECONFLICT); /* no cold copy recorded */
    CHECK_OK(job_archive_pending(t, "j1", "a1"));
    CHECK_STR(attr(t, "j1", "archive_pending_id"), "a1");
    CHECK_RC(job_archive_pending(t, "j1", "a2"), GAS_ECONFLICT); /* one copy, recorded once */
    CHECK_RC(job_archive_abandon(t, "j1", "a1"), GAS_ECONFLICT); /* recorded: never abandoned */
    CHECK_RC(job_archive_record(t, "j1", "a2"), GAS_ECONFLICT);  /* not the copy recorded */
    CHECK_OK(job_archive_record(t, "j1", "a1"));
    CHECK_STR(attr(t, "j1", "archive_pending_id"), "");
    CHECK_STR(attr(t, "j1", "results_file_archive_id"), "a1");
    CHECK_STR(attr(t, "j1", TBL_WATCH), "");
    struct job cur;
    CHECK_OK(job_from_json_get(t, "j1", &cur));
    CHECK_OK(job_restore_start(t, &cur, "r1", "Expedited", 1700000200));
    CHECK_STR(attr(t, "j1", TBL_WATCH), "RESTORING");
    CHECK_RC(job_thawed(t, &(struct job){.job_id = "j1", .retrieval_id = "r0"}, 1), GAS_ECONFLICT);
    job_release(&cur);
    CHECK_OK(job_from_json_get(t, "j1", &cur));
    CHECK_OK(job_thawed(t, &cur, 1));
    CHECK_STR(attr(t, "j1", "archive_state"), "NONE");
    CHECK_STR(attr(t, "j1", "cold_cleanup_id"), "a1");
    CHECK_OK(job_cleanup_done(t, "j1", "a1"));
    CHECK_OK(job_notified(t, "j1", "mid-1"));
    CHECK_RC(job_notified(t, "j1", NULL), GAS_ECONFLICT); /* once */
    CHECK_STR(attr(t, "j1", "notify_message_id"), "mid-1");
    CHECK_OK(job_notify_bounced(t, "j1", "bounced (Permanent/General): 550"));
    CHECK_STR(attr(t, "j1", "notify_error"), "bounced (Permanent/General): 550");
    int rc = job_notify_bounced(t, "nope", "x");
    CHECK(rc == GAS_ENOTFOUND || rc == GAS_ECONFLICT);
    cJSON *none = NULL;
    CHECK_RC(tbl_get(t, "nope", &none), GAS_ENOTFOUND); /* not created by the update */
    cJSON_Delete(none);
    job_release(&cur);
    CHECK_OK(job_from_json_get(t, "j1", &cur));
    CHECK(cur.notify_time > 0 && cur.restore_time > 0 && !cur.cold_cleanup_id);
    job_release(&cur);
    CHECK_RC(job_retry(t, "nope", NULL), GAS_ENOTFOUND);
    tbl_close(t);
    backend_close(be);
    cfg_free(cfg);
}

static void users(void)
{
    cJSON *j = parse("{\"user_id\":\"u1\",\"name\":\"Ada\",\"email\":\"ada@example.org\","
                     "\"role\":\"premium_user\",\"created\":1}");
    struct user u;
    CHECK_OK(user_from_json(j, &u));
    CHECK_INT(u.role, ROLE_PREMIUM);
    cJSON *back = user_to_json(&u);
    CHECK_STR(json_str(back, "role"), "premium_user");
    cJSON_Delete(back);
    user_release(&u);
    cJSON_Delete(j);
    j = parse("{\"user_id\":\"u1\",\"role\":\"admin\"}");
    CHECK_RC(user_from_json(j, &u), GAS_EINVAL);
    cJSON_Delete(j);
}

static void thaw_targets(void)
{
    static const struct {
        const char *body, *job, *rid;
        int rc;
    } cases[] = {
        {"{\"job_id\":\"j1\",\"retrieval_id\":\"r1\"}", "j1", "r1", 0},
        /* a Glacier job notification: the job id is the description */
        {"{\"Action\":\"ArchiveRetrieval\",\"JobId\":\"GJ\",\"JobDescription\":\"j2\","
         "\"StatusCode\":\"Succeeded\"}",
         "j2", "GJ", 0},
        /* an S3 event as S3 sends it: the key URL-encoded */
        {"{\"Records\":[{\"eventName\":\"ObjectRestore:Completed\",\"s3\":{\"object\":"
         "{\"key\":\"gas%2Fann%2F3f1c~my+file%7E1.annot.vcf\"}}}]}",
         "3f1c", NULL, 0},
        {"{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}", NULL, NULL,
         MSG_IGNORE},
        {"{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":"
         "\"a/b/c~d\"}}}]}",
         NULL, NULL, GAS_EINVAL},
        {"{\"Records\":[{\"eventName\":\"ObjectRestore:Completed\",\"s3\":{\"object\":"
         "{\"key\":\"no-job-here\"}}}]}",
         NULL, NULL, GAS_EINVAL},
        {"{\"x\":1}", NULL, NULL, GAS_EINVAL},
        /* descriptions other GAS deployments write: the S3 result key, a JSON object */
        {"{\"JobId\":\"GK\",\"JobDescription\":\"gas/u7/5d2e-11~a b.annot.vcf\"}", "5d2e-11", "GK",
         0},
        {"{\"JobId\":\"GO\",\"JobDescription\":\"{\\\"job_id\\\": \\\"77ab\\\"}\"}", "77ab", "GO",
         0},
        {"{\"JobId\":\"GP\",\"JobDescription\":\"9f~x.vcf\"}", "9f", "GP", 0},
        {"{\"JobId\":\"GQ\",\"JobDescription\":\"gas/u7/~x.vcf\"}", NULL, NULL, GAS_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *m = cJSON_Parse(cases[i].body);
        char *job = NULL, *rid = NULL;
        CHECK_INT(msg_thaw_target(m, &job, &rid), cases[i].rc);
        if (cases[i].job)
            CHECK_STR(job, cases[i].job);
        if (cases[i].rid)
            CHECK_STR(rid, cases[i].rid);
        else
            CHECK(rid == NULL);
        free(job);
        free(rid);
        cJSON_Delete(m);
    }
}

/* Bodies that GAS web apps publish with str(dict): read, nothing evaluated. */
static void python_literal_bodies(void)
{
    cJSON *m = NULL;
    CHECK_RC(msg_parse("{'job_id': 'j1', 'user_id': \"o'brien\", 'ok': True, 'no': False, "
                       "'x': None, 'submit_time': Decimal('1700000000.5'), 'n': -3, "
                       "'t': ('a', 1.5e3), 'u': '\\u00e9\\x41\\n'}",
                       4096, &m),
             0);
    CHECK_STR(json_str(m, "job_id"), "j1");
    CHECK_STR(json_str(m, "user_id"), "o'brien");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(m, "ok")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(m, "no")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(m, "x")));
    CHECK(cJSON_GetObjectItem(m, "submit_time")->valuedouble == 1700000000.5);
    CHECK(cJSON_GetObjectItem(m, "n")->valuedouble == -3);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(m, "t")), 2);
    CHECK_STR(json_str(m, "u"), "\xc3\xa9"
                                "A\n");
    cJSON_Delete(m);
    /* an SNS envelope whose Message is a python literal */
    CHECK_RC(
        msg_parse(
            "{\"Type\":\"Notification\",\"TopicArn\":\"arn:t\",\"MessageId\":\"m\",\"Message\":"
            "\"{'job_id': 'j2'}\"}",
            4096, &m),
        0);
    CHECK_STR(json_str(m, "job_id"), "j2");
    cJSON_Delete(m);
    static const char *bad[] = {
        "{'a': __import__('os')}",
        "{'a': 1",
        "{'a' 1}",
        "{1: 'a'}",
        "{'a': '\\q'}",
        "{'a': 'unterminated}",
        "{'a': Decimal('x')}",
        "{'a': 1} tail",
        "not a body",
        "{'a': [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_RC(msg_parse(bad[i], 4096, &m), GAS_EINVAL);
        CHECK(m == NULL);
    }
    /* the reason says what the body looked like */
    msg_parse("{'a': eval('1')}", 4096, &m);
    CHECK(strstr(gas_errmsg(), "python dict") != NULL);
    CHECK(strstr(gas_errmsg(), "{'a': eval") != NULL);
    msg_parse("<xml/>", 4096, &m);
    CHECK(strstr(gas_errmsg(), "starts: <xml/>") != NULL);
    CHECK_RC(msg_parse("{'a': 'xxxxxxxxxxxxxxxx'}", 10, &m), GAS_ETOOBIG);
}

/* Every shape GAS's Python code writes: numbers as integers, fractions (time.time()) or
 * numeric strings, kept as written on the way back. */
static void python_numbers_kept_as_written(void)
{
    cJSON *j = parse("{\"job_id\":\"a\",\"user_id\":\"u\",\"job_status\":\"COMPLETED\","
                     "\"submit_time\":1700000000.6251234,\"complete_time\":\"1700000100.5\","
                     "\"restore_time\":\"1700000200\",\"attempts\":2}");
    struct job job;
    CHECK_OK(job_from_json(j, &job));
    CHECK_INT(job.submit_time, 1700000000);
    CHECK_INT(job.complete_time, 1700000100);
    CHECK_INT(job.restore_time, 1700000200);
    CHECK_INT(job.attempts, 2);
    cJSON *back = job_to_json(&job);
    const cJSON *st = cJSON_GetObjectItem(back, "submit_time");
    CHECK(cJSON_IsNumber(st) && st->valuedouble == 1700000000.6251234);
    CHECK_STR(json_str(back, "complete_time"), "1700000100.5");
    CHECK_STR(json_str(back, "restore_time"), "1700000200");
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(back, "attempts")));
    /* a value changed since is written as gasd writes numbers */
    job.complete_time = 1700000999;
    cJSON *changed = job_to_json(&job);
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(changed, "complete_time")));
    CHECK_INT((int64_t)cJSON_GetObjectItem(changed, "complete_time")->valuedouble, 1700000999);
    cJSON_Delete(changed);
    cJSON_Delete(back);
    job_release(&job);
    cJSON_Delete(j);
    int64_t n = 0;
    j = parse("{\"submit_time\":1700000000.9,\"complete_time\":\"12\"}");
    CHECK_OK(job_item_num(j, JF_submit_time, &n));
    CHECK_INT(n, 1700000000);
    CHECK_OK(job_item_num(j, JF_complete_time, &n));
    CHECK_INT(n, 12);
    CHECK_RC(job_item_num(j, JF_restore_time, &n), GAS_ENOTFOUND);
    cJSON_Delete(j);
    const char *bad[] = {"\"1e400\"", "\" 17\"", "\"17x\"", "true", "1e300", "\"\""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = xasprintf("{\"job_id\":\"a\",\"user_id\":\"u\",\"job_status\":\"PENDING\","
                               "\"submit_time\":%s}",
                               bad[i]);
        j = parse(text);
        CHECK_RC(job_from_json(j, &job), GAS_EINVAL);
        CHECK(strstr(gas_errmsg(), "submit_time") != NULL);
        cJSON_Delete(j);
        free(text);
    }
}

/* Result keys and bucket missing (a deployment's archive script removes them): rebuilt
 * from the key layout and the configured bucket; input_file_name from the input key. */
static void missing_keys_rebuilt(void)
{
    cJSON *j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\","
                     "\"s3_key_input_file\":\"jrm/u1/j1~free 1.vcf\",\"complete_time\":5,"
                     "\"results_file_archive_id\":\"arch-9\"}");
    struct job job;
    CHECK_OK(job_from_json(j, &job));
    CHECK_STR(job.input_file_name, "free 1.vcf");
    CHECK_STR(job.s3_results_bucket, "gas-results");
    CHECK_STR(job.s3_key_result_file, "gas/u1/j1~free 1.annot.vcf");
    CHECK_STR(job.s3_key_log_file, "gas/u1/j1~free 1.vcf.count.log");
    CHECK_INT(job.archive_state, ARCH_ARCHIVED);
    CHECK(!job.restored_elsewhere);
    job_release(&job);
    /* with the deployment's prefix and bucket */
    struct cfg *cfg = cfg_new();
    cfg_set(cfg, "key_prefix", "jrm", "test");
    cfg_set(cfg, "results_bucket", "gas-results-jrm", "test");
    CHECK_OK(job_model_configure(cfg));
    CHECK_OK(job_from_json(j, &job));
    CHECK_STR(job.s3_results_bucket, "gas-results-jrm");
    CHECK_STR(job.s3_key_result_file, "jrm/u1/j1~free 1.annot.vcf");
    job_release(&job);
    cJSON_Delete(j);
    /* not completed: nothing made up; an unsafe part: no key */
    j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"RUNNING\","
              "\"input_file_name\":\"a.vcf\"}");
    CHECK_OK(job_from_json(j, &job));
    CHECK(job.s3_key_result_file == NULL && job.s3_results_bucket == NULL);
    job_release(&job);
    cJSON_Delete(j);
    j = parse("{\"job_id\":\"..\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\","
              "\"input_file_name\":\"a.vcf\"}");
    CHECK_OK(job_from_json(j, &job));
    CHECK(job.s3_key_result_file == NULL);
    job_release(&job);
    cJSON_Delete(j);
    CHECK_OK(job_model_configure(NULL));
    cfg_free(cfg);
}

/* ARCHIVED, archive id gone, result key there: restored by another tool, shown as NONE. */
static void restored_elsewhere_reads_none(void)
{
    cJSON *j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\","
                     "\"archive_state\":\"ARCHIVED\",\"input_file_name\":\"a.vcf\"}");
    struct job job;
    CHECK_OK(job_from_json(j, &job));
    CHECK_INT(job.archive_state, ARCH_NONE);
    CHECK(job.restored_elsewhere);
    CHECK_STR(job_display_state(&job), "download");
    CHECK_INT(job_item_archive(j), ARCH_NONE); /* lists read raw items the same way */
    job_release(&job);
    cJSON_Delete(j);
    j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\","
              "\"results_file_archive_id\":\"x\",\"input_file_name\":\"a.vcf\"}");
    CHECK_INT(job_item_archive(j), ARCH_ARCHIVED);
    cJSON_Delete(j);
    j = parse("{\"job_id\":\"j1\",\"archive_state\":\"LOST\"}");
    CHECK_INT(job_item_archive(j), -1);
    cJSON_Delete(j);
    /* no result key to show: still ARCHIVED (nothing to download) */
    j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"FAILED\","
              "\"archive_state\":\"ARCHIVED\"}");
    CHECK_OK(job_from_json(j, &job));
    CHECK_INT(job.archive_state, ARCH_ARCHIVED);
    job_release(&job);
    cJSON_Delete(j);
}

/* Another deployment's names: the archive id in result_archive_id, an archived flag its
 * job page reads, the user index user_id-index. */
static void deployment_names(void)
{
    struct cfg *cfg = cfg_new();
    cfg_set(cfg, "job_attributes",
            " results_file_archive_id = result_archive_id,"
            "submit_time=created_at",
            "test");
    cfg_set(cfg, "job_archived_flag", "archived", "test");
    cfg_set(cfg, "jobs_index", "user_id-index", "test");
    CHECK_OK(job_model_configure(cfg));
    CHECK_STR(job_attr(JF_results_file_archive_id), "result_archive_id");
    CHECK_STR(job_attr(JF_submit_time), "created_at");
    CHECK_STR(job_attr(JF_job_id), "job_id");
    CHECK_STR(job_model()->user_index, "user_id-index");
    cJSON *j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\","
                     "\"created_at\":1.5,\"result_archive_id\":\"x\",\"archived\":true,"
                     "\"input_file_name\":\"a.vcf\"}");
    struct job job;
    CHECK_OK(job_from_json(j, &job));
    CHECK_STR(job.results_file_archive_id, "x");
    CHECK_INT(job.archive_state, ARCH_ARCHIVED);
    CHECK_INT(job.submit_time, 1);
    CHECK_INT(job_item_archive(j), ARCH_ARCHIVED);
    cJSON *back = job_to_json(&job);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(back, "archived")));
    CHECK_STR(json_str(back, "result_archive_id"), "x");
    CHECK(cJSON_GetObjectItem(back, "results_file_archive_id") == NULL);
    cJSON_Delete(back);
    job_release(&job);
    cJSON_Delete(j);
    /* the flag alone (no archive_state) says archived; false with the id gone: NONE */
    j = parse("{\"job_id\":\"j1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\","
              "\"archived\":false,\"input_file_name\":\"a.vcf\"}");
    CHECK_OK(job_from_json(j, &job));
    CHECK_INT(job.archive_state, ARCH_NONE);
    job_release(&job);
    cJSON_Delete(j);
    /* transitions keep the flag in step */
    struct tbl_update u;
    tbl_update_init(&u);
    CHECK_OK(job_update_archive(&u, ARCH_ARCHIVING, ARCH_ARCHIVED));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(u.set, "archived")));
    tbl_update_release(&u);
    tbl_update_init(&u);
    CHECK_OK(job_update_archive(&u, ARCH_RESTORING, ARCH_NONE));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(u.set, "archived")));
    tbl_update_release(&u);
    tbl_update_init(&u);
    CHECK_OK(job_update_archive(&u, ARCH_NONE, ARCH_ARCHIVING));
    CHECK(cJSON_GetObjectItem(u.set, "archived") == NULL); /* the hot copy is still there */
    tbl_update_release(&u);
    /* a message published by a web app that names the key otherwise */
    cfg_set(cfg, "job_attributes", "job_id=annotation_id", "test");
    CHECK_OK(job_model_configure(cfg));
    cJSON *m = parse("{\"annotation_id\":\"j9\",\"user_id\":\"u\"}");
    CHECK_STR(msg_job_id(m), "j9");
    cJSON_Delete(m);
    /* bad mappings are named */
    cfg_set(cfg, "job_attributes", "no_such_field=x", "test");
    CHECK_RC(job_model_configure(cfg), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "no_such_field") != NULL);
    cfg_set(cfg, "job_attributes", "submit_time", "test");
    CHECK_RC(job_model_configure(cfg), GAS_EINVAL);
    cfg_set(cfg, "job_attributes", "submit_time=a b", "test");
    CHECK_RC(job_model_configure(cfg), GAS_EINVAL);
    CHECK_STR(job_attr(JF_submit_time), "submit_time"); /* a refused config: defaults */
    CHECK_OK(job_model_configure(NULL));
    cfg_free(cfg);
}

/* The archive a completion notice names, for adopting a retrieval gasd did not start. */
static void thaw_archive_of_notice(void)
{
    const struct {
        const char *body, *want;
    } cases[] = {
        {"{\"JobId\":\"r1\",\"ArchiveId\":\"a-1\",\"JobDescription\":\"gas/u/j~f.annot.vcf\"}",
         "a-1"},
        {"{\"JobId\":\"r1\",\"JobDescription\":\"j\"}", NULL},
        {"{\"Records\":[{\"eventName\":\"ObjectRestore:Completed\",\"s3\":{\"object\":"
         "{\"key\":\"gas/u/j%7Ef+1.annot.vcf\"}}}]}",
         "gas/u/j~f 1.annot.vcf"},
        {"{\"job_id\":\"j\",\"retrieval_id\":\"r\"}", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *m = parse(cases[i].body);
        char *a = msg_thaw_archive(m);
        if (cases[i].want)
            CHECK_STR(a, cases[i].want);
        else
            CHECK(a == NULL);
        free(a);
        cJSON_Delete(m);
    }
}

/* SES notifications as SES publishes them (identity notification and event publishing),
 * raw and SNS-wrapped: the job by tag or header, the notify_error to record. */
static void ses_events(void)
{
    static const char *bounce =
        "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
        "\"bounceSubType\":\"General\",\"bouncedRecipients\":[{\"emailAddress\":"
        "\"jane@example.com\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":"
        "\"smtp; 550 5.1.1 user unknown\"}],\"timestamp\":\"2016-01-27T14:59:38.237Z\","
        "\"feedbackId\":\"00000137860315fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000\"},"
        "\"mail\":{\"timestamp\":\"2016-01-27T14:59:38.237Z\",\"source\":\"gas@example.org\","
        "\"messageId\":\"0000014644fe5ef6-9a483358-0000\",\"destination\":[\"jane@example.com\"],"
        "\"tags\":{\"ses:configuration-set\":[\"c\"],\"gas_job_id\":[\"job-1\"]}}}";
    cJSON *m = parse(bounce);
    struct ses_event ev;
    CHECK_OK(msg_ses_event(m, &ev));
    CHECK_STR(ev.type, "Bounce");
    CHECK_STR(ev.message_id, "0000014644fe5ef6-9a483358-0000");
    CHECK_STR(ev.job_id, "job-1");
    CHECK_STR(ev.address, "jane@example.com");
    CHECK_STR(ev.what, "bounced (Permanent/General): smtp; 550 5.1.1 user unknown");
    /* the same, wrapped by SNS */
    char *wrapped =
        json_sns_wrap("arn:aws:sns:us-east-1:123456789012:gas_ses_events", "n-1", bounce);
    cJSON *w = NULL;
    CHECK_OK(msg_parse(wrapped, 100000, &w));
    CHECK_OK(msg_ses_event(w, &ev));
    CHECK_STR(ev.job_id, "job-1");
    cJSON_Delete(w);
    free(wrapped);
    cJSON_Delete(m);
    /* event publishing's complaint, the job in a header, no feedback type */
    m = parse("{\"eventType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":"
              "[{\"emailAddress\":\"bob@example.com\"}]},\"mail\":{\"messageId\":\"m2\","
              "\"headers\":[{\"name\":\"X-GAS-Job\",\"value\":\"job-2\"}]}}");
    CHECK_OK(msg_ses_event(m, &ev));
    CHECK_STR(ev.job_id, "job-2");
    CHECK_STR(ev.what, "complaint: bob@example.com marked the email as spam");
    cJSON_Delete(m);
    /* a delivery without tags: no job id, nothing to record */
    m = parse("{\"notificationType\":\"Delivery\",\"mail\":{\"messageId\":\"m3\"}}");
    CHECK_OK(msg_ses_event(m, &ev));
    CHECK(ev.job_id == NULL && !*ev.what);
    cJSON_Delete(m);
    /* not SES at all, or without a message id */
    m = parse("{\"job_id\":\"j\"}");
    CHECK_RC(msg_ses_event(m, &ev), GAS_EINVAL);
    cJSON_Delete(m);
    m = parse("{\"notificationType\":\"Bounce\",\"mail\":{}}");
    CHECK_RC(msg_ses_event(m, &ev), GAS_EINVAL);
    cJSON_Delete(m);
}

/* A deployment whose annotator writes "COMPLETE" (job_status_names = COMPLETED=COMPLETE):
 * its items are read, gasd's transitions condition on and write its name, and the
 * standard name is still read; a bad entry names itself. */
static void deployment_status_names(void)
{
    struct gas_backend *be = NULL;
    struct cfg *cfg = NULL;
    struct tbl *t = jobs_table(&be, &cfg);
    if (!t)
        return;
    cfg_set(cfg, "job_status_names", "COMPLETED=COMPLETE", "test");
    CHECK_OK(job_model_configure(cfg));
    cJSON *it = parse("{\"job_id\":\"c1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETE\","
                      "\"results_file_archive_id\":\"a1\",\"input_file_name\":\"f.vcf\"}");
    struct job job;
    CHECK_OK(job_from_json(it, &job));
    CHECK_INT(job.job_status, JOB_COMPLETED);
    CHECK_INT(job.archive_state, ARCH_ARCHIVED);
    cJSON *back = job_to_json(&job);
    CHECK_STR(json_str(back, "job_status"), "COMPLETE"); /* written back as the deployment does */
    cJSON_Delete(back);
    CHECK_OK(tbl_put(t, it, 0));
    CHECK_OK(job_adopt_archived(t, "c1"));
    CHECK_OK(job_restore_start(t, &job, "r1", "Expedited", gas_now_s() + 60));
    CHECK_STR(attr(t, "c1", "archive_state"), "RESTORING");
    CHECK_STR(attr(t, "c1", "job_status"), "COMPLETE");
    job_release(&job);
    cJSON_Delete(it);
    struct job p = {.job_id = "p1", .user_id = "u1", .job_status = JOB_PENDING};
    CHECK_OK(job_submit(t, &p));
    CHECK_OK(job_claim(t, &p, "w1", 60));
    struct job_result r = {.bucket = "b", .result_key = "k", .log_key = "l", .complete_time = 1};
    CHECK_OK(job_complete(t, "p1", "w1", &r));
    CHECK_STR(attr(t, "p1", "job_status"), "COMPLETE");
    it = parse("{\"job_id\":\"s1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETED\"}");
    CHECK_OK(job_from_json(it, &job)); /* the standard name still reads */
    CHECK_INT(job.job_status, JOB_COMPLETED);
    job_release(&job);
    cJSON_Delete(it);
    cfg_set(cfg, "job_status_names", "DONE=COMPLETE", "test");
    CHECK_RC(job_model_configure(cfg), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "\"DONE\" is not PENDING, RUNNING, COMPLETED or FAILED") != NULL);
    cfg_set(cfg, "job_status_names", "COMPLETED", "test");
    CHECK_RC(job_model_configure(cfg), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "job_status_names: \"COMPLETED\" is not STATUS=value") != NULL);
    cfg_set(cfg, "job_status_names", "", "test");
    cfg_set(cfg, "job_attributes", "no_such=x", "test");
    CHECK_RC(job_model_configure(cfg), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "job_attributes: no job field \"no_such\"") != NULL);
    cfg_set(cfg, "job_attributes", "", "test");
    CHECK_OK(job_model_configure(NULL));
    it = parse("{\"job_id\":\"c1\",\"user_id\":\"u1\",\"job_status\":\"COMPLETE\"}");
    CHECK_RC(job_from_json(it, &job), GAS_EINVAL); /* unconfigured: says what to set */
    CHECK(strstr(gas_errmsg(), "job_status_names, e.g. COMPLETED=COMPLETE") != NULL);
    cJSON_Delete(it);
    tbl_close(t);
    backend_close(be);
    cfg_free(cfg);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(gas_items_round_trip),
        T(legacy_archived_item),
        T(bad_items_name_the_attribute),
        T(transitions),
        T(object_keys),
        T(users),
        T(typed_transitions),
        T(thaw_targets),
        T(python_literal_bodies),
        T(python_numbers_kept_as_written),
        T(missing_keys_rebuilt),
        T(restored_elsewhere_reads_none),
        T(deployment_names),
        T(thaw_archive_of_notice),
        T(ses_events),
        T(deployment_status_names),
    };
    return t_main("job", cases, sizeof cases / sizeof *cases, argc, argv);
}
