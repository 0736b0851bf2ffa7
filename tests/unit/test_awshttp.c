/* awshttp: signed requests, standard-mode retries, error codes and request ids, bounded
 * responses, streaming to and from files, and TLS verification always on - against a
 * local server (tests/unit/aws_server.py) on 127.0.0.1. */
#include "../harness.h"

#include "gas/awscreds.h"
#include "gas/awshttp.h"
#include "gas/backend.h"
#include "gas/config.h"
#include "../../common/aws/aws.h"
#include "gas/util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int port, tls_port, pid;
static FILE *pipe_;
static struct aws_creds_provider *creds;
static struct aws_http *h;
static char endpoint[64];

static int setup(void)
{
    const char *dir = t_tmpdir();
    char *cmd = xasprintf("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                          "-keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1",
                          dir, dir);
    int ok = system(cmd) == 0;
    free(cmd);
    if (!ok) {
        t_fail(__FILE__, __LINE__, "openssl could not make a test certificate");
        return 0;
    }
    cmd = xasprintf("exec python3 tests/unit/aws_server.py %s/cert.pem %s/key.pem", dir, dir);
    pipe_ = popen(cmd, "r");
    free(cmd);
    if (!pipe_ || fscanf(pipe_, "%d %d %d", &port, &tls_port, &pid) != 3) {
        t_fail(__FILE__, __LINE__, "cannot start the test server");
        return 0;
    }
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    setenv("AWS_ACCESS_KEY_ID", "AKTEST", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "test-secret", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("GAS_AWS_RETRY_BASE_MS", "20", 1);
    creds = aws_creds_new();
    h = aws_http_new(creds);
    return 1;
}

static int call(const char *method, const char *path, const char *body, struct aws_resp *r)
{
    struct aws_req q = {method,
                        endpoint,
                        path,
                        NULL,
                        "sqs",
                        "us-east-1",
                        "application/x-amz-json-1.0",
                        NULL,
                        body,
                        body ? strlen(body) : 0,
                        NULL,
                        NULL,
                        0,
                        0,
                        NULL};
    return aws_http_do(h, &q, r);
}

static void retries_throttling_then_succeeds(void)
{
    struct aws_resp r;
    CHECK_OK(call("POST", "/throttle", "{}", &r));
    CHECK_INT(r.status, 200);
    CHECK_INT(r.attempts, 3);
    CHECK(r.body && strstr(r.body, "\"attempt\":3"));
    CHECK_STR(r.request_id, "req-throttle-3");
    aws_resp_release(&r);
}

static void gives_up_after_three_with_code_and_request_id(void)
{
    struct aws_resp r;
    CHECK_RC(call("GET", "/fail500", NULL, &r), GAS_ENET);
    CHECK_INT(r.attempts, 3);
    CHECK(strstr(gas_errmsg(), "HTTP 500 InternalError: boom (request id rid-500)") != NULL);
    CHECK(gas_err_retryable(GAS_ENET)); /* the caller's message comes back later */
    aws_resp_release(&r);
}

static void errors_map_to_gas_errors(void)
{
    struct aws_resp r;
    CHECK_RC(call("GET", "/missing", NULL, &r), GAS_ENOTFOUND);
    CHECK_INT(r.attempts, 1); /* not retried */
    CHECK(strstr(gas_errmsg(), "NoSuchKey") != NULL);
    aws_resp_release(&r);
    CHECK_RC(call("POST", "/cond", "{}", &r), GAS_ECONFLICT);
    CHECK_STR(r.error_code, "ConditionalCheckFailedException");
    aws_resp_release(&r);
    setenv("AWS_ACCESS_KEY_ID", "AKOTHER", 1); /* the server only accepts AKTEST */
    struct aws_creds_provider *other = aws_creds_new();
    struct aws_http *h2 = aws_http_new(other);
    struct aws_req q = {"GET", endpoint, "/throttle", NULL, "sqs", "us-east-1", NULL, NULL,
                        NULL,  0,        NULL,        NULL, 0,     0,           NULL};
    CHECK_RC(aws_http_do(h2, &q, &r), GAS_EAUTH);
    aws_resp_release(&r);
    aws_http_free(h2);
    aws_creds_free(other);
    setenv("AWS_ACCESS_KEY_ID", "AKTEST", 1);
}

static void expedited_capacity_not_retried(void)
{
    struct aws_resp r;
    struct aws_req q = {.method = "POST",
                        .endpoint = endpoint,
                        .path = "/expedited",
                        .service = "s3",
                        .region = "us-east-1"};
    CHECK_RC(aws_http_do(h, &q, &r), GAS_ECAPACITY); /* GAS falls back to Standard */
    CHECK_INT(r.attempts, 1);
    CHECK(strstr(gas_errmsg(), "GlacierExpeditedRetrievalNotAvailable") != NULL);
    aws_resp_release(&r);
}

static void extra_headers_signed_and_answers_kept(void)
{
    struct aws_resp r;
    const char *hdrs[] = {"x-amz-meta-color: blue", "X-Amz-Target: AmazonSQS.SendMessage", NULL};
    struct aws_req q = {.method = "GET",
                        .endpoint = endpoint,
                        .path = "/headers",
                        .service = "s3",
                        .region = "us-east-1",
                        .headers = hdrs};
    CHECK_OK(aws_http_do(h, &q, &r));
    CHECK(r.body &&
          strstr(r.body, "\"signed\":\"host;x-amz-date;x-amz-meta-color;x-amz-target") != NULL);
    CHECK(r.body && strstr(r.body, "\"meta\":\"blue\"") != NULL);
    char v[64];
    CHECK_INT(aws_resp_header(&r, "X-AMZN-REQUESTID", v, sizeof v), 1);
    CHECK(!strncmp(v, "req-headers-", 12));
    CHECK_INT(aws_resp_header(&r, "x-no-such-header", v, sizeof v), 0);
    aws_resp_release(&r);
}

/* The Glacier vault store on this server (which checks every tree hash itself): a
 * 12 MiB + 3 byte result is archived as a multipart upload of 4 MiB parts (s3_part_size
 * 5 MiB rounds down to a power of two), and job output whose tree hash does not match is
 * refused before it reaches hot storage. */
static struct gas_backend *glacier_backend(struct cfg **cfg)
{
    *cfg = cfg_new();
    const char *set[][2] = {{"backend", "aws"},
                            {"aws_endpoint", endpoint},
                            {"aws_account_id", "123456789012"},
                            {"cold_mode", "glacier"},
                            {"archive_vault", "v"},
                            {"s3_multipart_threshold", "5242880"},
                            {"s3_part_size", "5242880"},
                            {"work_dir", t_tmpdir()}};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        CHECK_OK(cfg_set(*cfg, set[i][0], set[i][1], "test"));
    struct gas_backend *be = NULL;
    CHECK_OK(backend_open(*cfg, &be));
    return be;
}

static void glacier_multipart_archive(void)
{
    struct cfg *cfg;
    struct gas_backend *be = glacier_backend(&cfg);
    if (!be)
        return;
    char *aid = NULL;
    CHECK_OK(cold_archive(be->cold, "bkt", "big", "job 1", &aid));
    CHECK_STR(aid, "A1"); /* the server gives the id once parts and whole hash match */
    free(aid);
    CHECK_RC(cold_archive(be->cold, "bkt", "missing", "job 2", &aid), GAS_ENOTFOUND);
    free(aid);
    backend_close(be);
    cfg_free(cfg);
}

static void glacier_output_tree_hash_checked(void)
{
    struct cfg *cfg;
    struct gas_backend *be = glacier_backend(&cfg);
    if (!be)
        return;
    CHECK_OK(cfg_set(cfg, "s3_multipart_threshold", "67108864", "test")); /* one S3 PUT */
    CHECK_RC(cold_fetch(be->cold, "bad", "bkt", "restored-bad"), GAS_ENET);
    CHECK(strstr(gas_errmsg(), "tree hash") != NULL);
    struct obj_info info;
    CHECK_RC(objs_head(be->objs, "bkt", "restored-bad", &info), GAS_ENOTFOUND);
    CHECK_OK(cold_fetch(be->cold, "good", "bkt", "restored"));
    CHECK_OK(objs_head(be->objs, "bkt", "restored", &info));
    CHECK_INT(info.size, (12 << 20) + 3);
    CHECK_RC(cold_delete(be->cold, "../../x"), GAS_ENOTFOUND); /* ids are checked first */
    backend_close(be);
    cfg_free(cfg);
}

/* The S3 storage-class cold store reads x-amz-restore and RestoreObject's errors the way
 * S3 sends them (moto restores at once, so these states need this server). */
static void s3_cold_states(void)
{
    struct cfg *cfg;
    struct gas_backend *be = glacier_backend(&cfg);
    if (!be)
        return;
    backend_close(be);
    CHECK_OK(cfg_set(cfg, "cold_mode", "s3", "test"));
    CHECK_OK(cfg_set(cfg, "archive_vault", "bkt", "test"));
    be = NULL;
    CHECK_OK(backend_open(cfg, &be));
    if (!be)
        return;
    enum cold_status st = COLD_READY;
    CHECK_OK(cold_status(be->cold, "cold/inprogress", &st));
    CHECK_INT(st, COLD_IN_PROGRESS);
    /* fetch is one CopyObject: S3's 403 InvalidObjectState is "not ready" */
    CHECK_RC(cold_fetch(be->cold, "cold/inprogress", "bkt", "x"), GAS_ENOTREADY);
    CHECK_OK(cold_status(be->cold, "cold/ready", &st));
    CHECK_INT(st, COLD_READY);
    CHECK_OK(cold_fetch(be->cold, "cold/ready", "bkt", "x"));
    CHECK_OK(cold_status(be->cold, "cold/archived", &st)); /* no retrieval asked for */
    CHECK_INT(st, COLD_FAILED);
    CHECK_RC(cold_fetch(be->cold, "cold/archived", "bkt", "x"), GAS_ENOTREADY);
    CHECK_RC(cold_status(be->cold, "cold/none", &st), GAS_ENOTFOUND);
    CHECK_RC(cold_fetch(be->cold, "cold/none", "bkt", "x"), GAS_ENOTFOUND);
    CHECK_OK(cold_forget(be->cold, "cold/none")); /* gone already: a cleanup is done */
    char *rid = NULL;
    CHECK_RC(cold_retrieve(be->cold, "cold/busy", COLD_EXPEDITED, "j", NULL, &rid), GAS_ECAPACITY);
    CHECK(rid == NULL);
    CHECK_OK(cold_retrieve(be->cold, "cold/busy", COLD_STANDARD, "j", NULL, &rid)); /* fallback */
    CHECK_STR(rid, "cold/busy");
    free(rid);
    rid = NULL;
    CHECK_OK(cold_retrieve(be->cold, "cold/inprogress", COLD_EXPEDITED, "j", NULL, &rid));
    CHECK_STR(rid, "cold/inprogress"); /* RestoreAlreadyInProgress: that retrieval is this one */
    free(rid);
    backend_close(be);
    cfg_free(cfg);
}

static void xml_answers(void)
{
    char *t = aws_xml_text("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                           "<PublishResult><MessageId>a&amp;b&lt;c</MessageId></PublishResult>"
                           "</PublishResponse>",
                           "MessageId");
    CHECK_STR(t, "a&b<c");
    free(t);
    t = aws_xml_text("<R><UploadId><![CDATA[x<y]]></UploadId></R>", "UploadId");
    CHECK_STR(t, "x<y");
    free(t);
    CHECK(aws_xml_text("<R><Other>1</Other></R>", "UploadId") == NULL);
    CHECK(aws_xml_text("<R><UploadId>unclosed", "UploadId") == NULL);
    CHECK(aws_xml_text("", "UploadId") == NULL);
    /* an external entity is not fetched or expanded */
    t = aws_xml_text("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                     "\"file:///etc/passwd\">]><r><Code>&x;</Code></r>",
                     "Code");
    CHECK(t == NULL || strstr(t, "root:") == NULL);
    free(t);
}

static void regions_and_partitions(void)
{
    CHECK_STR(aws_partition("eu-west-1"), "aws");
    CHECK_STR(aws_partition("cn-north-1"), "aws-cn");
    CHECK_STR(aws_partition("us-gov-west-1"), "aws-us-gov");
    CHECK_STR(aws_domain("cn-northwest-1"), "amazonaws.com.cn");
    CHECK_STR(aws_domain("us-east-1"), "amazonaws.com");
    struct cfg *cfg = cfg_new();
    struct gas_backend *be = NULL;
    CHECK_OK(cfg_set(cfg, "backend", "aws", "test"));
    CHECK_OK(cfg_set(cfg, "aws_region", "us-east-1.evil.example/x", "test"));
    CHECK_RC(backend_open(cfg, &be), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "aws_region") != NULL);
    CHECK_OK(cfg_set(cfg, "aws_region", "eu-west-1", "test"));
    CHECK_OK(cfg_set(cfg, "aws_endpoint", "ftp://x", "test"));
    CHECK_RC(backend_open(cfg, &be), GAS_EINVAL);
    CHECK(be == NULL);
    cfg_free(cfg);
}

static void responses_are_bounded(void)
{
    struct aws_resp r;
    struct aws_req q = {"GET", endpoint, "/big", NULL, "s3",    "us-east-1", NULL, NULL,
                        NULL,  0,        NULL,   NULL, 1 << 20, 0,           NULL};
    CHECK_RC(aws_http_do(h, &q, &r), GAS_ETOOBIG);
    aws_resp_release(&r);
}

static void streams_files_with_payload_hash(void)
{
    char *data = xmalloc(300000);
    for (int i = 0; i < 300000; i++)
        data[i] = (char)('a' + i % 26);
    const char *src = t_write_file("up.bin", data, 300000);
    char *dst = xasprintf("%s/down.bin", t_tmpdir());
    struct aws_resp r;
    struct aws_req up = {"PUT", endpoint, "/upload", NULL, "s3", "us-east-1", NULL, NULL,
                         NULL,  0,        src,       NULL, 0,    1,           NULL};
    CHECK_OK(aws_http_do(h, &up, &r));
    CHECK(r.etag[0] == '"');
    aws_resp_release(&r);
    struct aws_req down = {"GET", endpoint, "/download", NULL, "s3", "us-east-1", NULL, NULL,
                           NULL,  0,        NULL,        dst,  0,    0,           NULL};
    CHECK_OK(aws_http_do(h, &down, &r));
    CHECK(strstr(r.restore, "ongoing-request=\"false\"") != NULL);
    char *back = NULL;
    size_t n = 0;
    CHECK_OK(gas_read_file(dst, 1 << 20, &back, &n));
    CHECK(n == 300000 && back && !memcmp(back, data, n));
    aws_resp_release(&r);
    free(back);
    free(dst);
    free(data);
}

static void tls_is_always_verified(void)
{
    char tls[64];
    snprintf(tls, sizeof tls, "https://127.0.0.1:%d", tls_port);
    struct aws_resp r;
    struct aws_req q = {"GET", tls, "/throttle", NULL, "sqs", "us-east-1", NULL, NULL,
                        NULL,  0,   NULL,        NULL, 0,     0,           NULL};
    CHECK_RC(aws_http_do(h, &q, &r), GAS_EAUTH); /* a self-signed certificate is refused */
    CHECK_INT(r.attempts, 1);
    aws_resp_release(&r);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(retries_throttling_then_succeeds),
        T(gives_up_after_three_with_code_and_request_id),
        T(errors_map_to_gas_errors),
        T(responses_are_bounded),
        T(streams_files_with_payload_hash),
        T(tls_is_always_verified),
        T(expedited_capacity_not_retried),
        T(extra_headers_signed_and_answers_kept),
        T(glacier_multipart_archive),
        T(glacier_output_tree_hash_checked),
        T(s3_cold_states),
        T(regions_and_partitions),
        T(xml_answers),
    };
    int ok = setup(), rc = ok ? t_main("awshttp", cases, sizeof cases / sizeof *cases, argc, argv)
                              : (printf("awshttp: 0 passed, 1 failed\n"), 1);
    if (pid)
        kill(pid, SIGTERM);
    if (pipe_)
        pclose(pipe_);
    aws_http_free(h);
    aws_creds_free(creds);
    return rc;
}
