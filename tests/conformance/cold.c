/* conformance: cold storage. Archive a hot object, retrieve it with a tier, wait for it
 * to be ready, fetch it back byte for byte, delete it; Expedited refused for capacity;
 * a completion notice on a topic. Tier delays are set short by main.c. */
#include "conformance.h"

#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>

static char *hot_object(struct objs *o, const char *key, const char *text)
{
    char *b = cf_bucket();
    const char *src = t_write_file("hot", text, strlen(text));
    CHECK_OK(objs_put_file(o, b, key, src));
    return b;
}

static int wait_ready(struct cold *c, const char *rid, double max_s)
{
    enum cold_status st = COLD_IN_PROGRESS;
    double t0 = gas_mono();
    while (gas_mono() - t0 < max_s) {
        int rc = cold_status(c, rid, &st);
        if (rc) { /* an error ends the wait and fails the case with its message */
            t_fail(__FILE__, __LINE__, "cold_status %s: %s: %s", rid, gas_err_name(rc),
                   gas_errmsg());
            return 0;
        }
        if (st != COLD_IN_PROGRESS)
            break;
        gas_sleep(0.25);
    }
    return st == COLD_READY;
}

static void archive_retrieve_fetch_delete(void)
{
    struct gas_backend *be = cf_be();
    const char *text = "##fileformat=VCFv4.2\n#CHROM\tPOS\n1\t100\n";
    char *b = hot_object(be->objs, "gas/u/j~x.annot.vcf", text);
    char *aid = NULL, *aid2 = NULL, *rid = NULL;
    CHECK_OK(cold_archive(be->cold, b, "gas/u/j~x.annot.vcf", "{\"job_id\":\"j\"}", &aid));
    CHECK(aid && *aid);
    /* archiving the same object again (a retry after a crash) gives the same archive */
    CHECK_OK(cold_archive(be->cold, b, "gas/u/j~x.annot.vcf", "{\"job_id\":\"j\"}", &aid2));
    CHECK_STR(aid2, aid);
    CHECK_OK(objs_delete(be->objs, b, "gas/u/j~x.annot.vcf")); /* the hot copy goes */
    CHECK_OK(cold_retrieve(be->cold, aid, COLD_STANDARD, NULL, NULL, &rid));
    enum cold_status st;
    CHECK_OK(cold_status(be->cold, rid, &st));
    if (st == COLD_IN_PROGRESS) /* moto restores at once; AWS and the local store take time */
        CHECK_RC(cold_fetch(be->cold, rid, b, "gas/u/j~x.annot.vcf"), GAS_ENOTREADY);
    else
        CHECK_INT(st, COLD_READY);
    CHECK(wait_ready(be->cold, rid, 30));
    CHECK_OK(cold_fetch(be->cold, rid, b, "gas/u/j~x.annot.vcf"));
    char *out = xasprintf("%s/back", t_tmpdir()), *data = NULL;
    size_t n = 0;
    CHECK_OK(objs_get_file(be->objs, b, "gas/u/j~x.annot.vcf", out));
    CHECK_OK(gas_read_file(out, 1 << 20, &data, &n));
    CHECK_STR(data, text);
    CHECK_OK(cold_delete(be->cold, aid));
    free(aid2);
    CHECK_RC(cold_archive(be->cold, b, "gas/u/missing", "", &aid2), GAS_ENOTFOUND);
    CHECK(aid2 == NULL);
    free(data);
    free(out);
    free(aid);
    free(aid2);
    free(rid);
    free(b);
}

/* What is gone is reported as gone: a deleted archive, an unknown retrieval. */
static void missing_archives_and_retrievals(void)
{
    struct gas_backend *be = cf_be();
    if (!strcmp(be->name, "aws") && !strcmp(cfg_str(cf_cfg(), CFG_COLD_MODE), "glacier") &&
        *cfg_str(cf_cfg(), CFG_AWS_ENDPOINT)) {
        t_skip("moto's Glacier answers HTTP 500 for unknown archives and jobs, and starts "
               "retrievals of deleted archives (AWS answers ResourceNotFoundException)");
        return;
    }
    char *b = hot_object(be->objs, "gas/u/j~gone.vcf", "data");
    char *aid = NULL, *rid = NULL;
    CHECK_OK(cold_archive(be->cold, b, "gas/u/j~gone.vcf", "", &aid));
    CHECK_OK(cold_delete(be->cold, aid ? aid : ""));
    CHECK_RC(cold_delete(be->cold, aid ? aid : ""), GAS_ENOTFOUND);
    CHECK_OK(cold_forget(be->cold, aid ? aid : "")); /* a cleanup finds its work done */
    CHECK_RC(cold_retrieve(be->cold, aid ? aid : "", COLD_BULK, NULL, NULL, &rid), GAS_ENOTFOUND);
    CHECK(rid == NULL);
    enum cold_status st;
    CHECK_RC(cold_status(be->cold, "no-such-retrieval", &st), GAS_ENOTFOUND);
    CHECK_RC(cold_status(be->cold, "../../etc/passwd", &st), GAS_ENOTFOUND);
    free(aid);
    free(b);
}

static void expedited_refused_for_capacity(void)
{
    struct cfg *cfg = cf_cfg();
    if (strcmp(cfg_str(cfg, CFG_BACKEND), "local")) {
        t_skip("only the local cold store can be told to refuse Expedited (moto never does); "
               "the aws side's 503 mapping is in unit/test_awshttp");
        return;
    }
    CHECK_OK(cfg_set(cfg, "cold_expedited_unavailable", "true", "test"));
    struct gas_backend *be = cf_be();
    char *b = hot_object(be->objs, "k", "data");
    char *aid = NULL, *rid = NULL;
    CHECK_OK(cold_archive(be->cold, b, "k", "", &aid));
    CHECK_RC(cold_retrieve(be->cold, aid, COLD_EXPEDITED, NULL, NULL, &rid), GAS_ECAPACITY);
    CHECK(strstr(gas_errmsg(), "GlacierExpeditedRetrievalNotAvailable") != NULL);
    CHECK(gas_err_retryable(GAS_ECAPACITY));
    CHECK_OK(cold_retrieve(be->cold, aid, COLD_STANDARD, NULL, NULL, &rid)); /* the fallback */
    CHECK_OK(cfg_set(cfg, "cold_expedited_unavailable", "false", "test"));
    free(aid);
    free(rid);
    free(b);
}

static void completion_notice_on_topic(void)
{
    struct gas_backend *be = cf_be();
    if (!(be->caps & BE_COLD_NOTICES)) {
        t_skip("this cold store sends completions from its own set-up (S3 bucket "
               "notification), not per retrieval");
        return;
    }
    if (!strcmp(be->name, "aws") && *cfg_str(cf_cfg(), CFG_AWS_ENDPOINT)) {
        t_skip("moto does not publish Glacier job notices");
        return;
    }
    char *tname = cf_name("thaw");
    struct topic *t = NULL;
    struct queue *q = cf_queue(30, 5);
    CHECK_OK(be_create_topic(be, tname));
    CHECK_OK(be_topic(be, tname, &t));
    if (!t || !q)
        return;
    CHECK_OK(topic_subscribe(t, q->name, 0, 0));
    char *b = hot_object(be->objs, "k", "data");
    char *aid = NULL, *rid = NULL;
    CHECK_OK(cold_archive(be->cold, b, "k", "", &aid));
    CHECK_OK(cold_retrieve(be->cold, aid, COLD_EXPEDITED, "job-77", tname, &rid));
    struct queue_msg m;
    int n = 0;
    CHECK_OK(queue_receive(q, 1, 0, -1, &m, &n));
    CHECK_INT(n, 0); /* not before the retrieval is ready */
    for (int i = 0; i < 10 && !n; i++)
        CHECK_OK(queue_receive(q, 1, 2, -1, &m, &n));
    CHECK_INT(n, 1);
    if (n) {
        cJSON *env = NULL, *notice = NULL;
        char *inner = NULL;
        CHECK_OK(json_parse_object(m.body, strlen(m.body), 1 << 20, &env));
        CHECK_INT(env ? json_sns_unwrap(env, &inner) : -1, 1);
        CHECK_OK(
            json_parse_object(inner ? inner : "", inner ? strlen(inner) : 0, 1 << 20, &notice));
        CHECK_STR(json_str(notice, "JobId"), rid);
        CHECK_STR(json_str(notice, "ArchiveId"), aid);
        CHECK_STR(json_str(notice, "StatusCode"), "Succeeded");
        CHECK_STR(json_str(notice, "JobDescription"), "job-77");
        enum cold_status st;
        CHECK_OK(cold_status(be->cold, rid, &st));
        CHECK_INT(st, COLD_READY);
        cJSON_Delete(env);
        cJSON_Delete(notice);
        free(inner);
        queue_msg_release(&m);
    }
    topic_close(t);
    queue_close(q);
    free(tname);
    free(aid);
    free(rid);
    free(b);
}

const struct t_case cf_cold_cases[] = {
    T(archive_retrieve_fetch_delete),
    T(missing_archives_and_retrievals),
    T(expedited_refused_for_capacity),
    T(completion_notice_on_topic),
};
const int cf_cold_n = sizeof cf_cold_cases / sizeof *cf_cold_cases;
