/* core: errors, strbuf bounds, uuid, json helpers and the SNS envelope. */
#include "../harness.h"

#include <errno.h>

#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>

static void error_classes(void)
{
    CHECK_INT(gas_err_class(GAS_EBUSY), GAS_CLASS_RETRYABLE);
    CHECK_INT(gas_err_class(GAS_ENET), GAS_CLASS_RETRYABLE);
    CHECK_INT(gas_err_class(GAS_EINVAL), GAS_CLASS_BAD_INPUT);
    CHECK_INT(gas_err_class(GAS_ETOOBIG), GAS_CLASS_BAD_INPUT);
    CHECK_INT(gas_err_class(GAS_ENOTFOUND), GAS_CLASS_NOT_FOUND);
    CHECK_INT(gas_err_class(GAS_ECONFLICT), GAS_CLASS_CONFLICT);
    CHECK_INT(gas_err_class(GAS_EAUTH), GAS_CLASS_FATAL);
    CHECK_INT(gas_err_class(-999), GAS_CLASS_FATAL);
    CHECK_STR(gas_err_name(GAS_ESTALE), "ESTALE");
    gas_err_set(GAS_EIO, "read %s", "x.vcf");
    gas_err_wrap(GAS_EIO, "job %d", 7);
    CHECK_STR(gas_errmsg(), "job 7: read x.vcf");
}

/* A service's error code and request id travel beside the message, are set and cleared
 * with it, and never outlive the error they belong to. */
static void error_service_code(void)
{
    gas_err_set_service(GAS_ECONFLICT, "ConditionalCheckFailedException", "req-1",
                        "dynamodb POST: HTTP 400");
    CHECK_STR(gas_err_code(), "ConditionalCheckFailedException");
    CHECK_STR(gas_err_request_id(), "req-1");
    CHECK(gas_err_code_has("ConditionalCheckFailed"));
    gas_err_wrap(GAS_ECONFLICT, "claim job j1"); /* the same error, more context: kept */
    CHECK_STR(gas_err_code(), "ConditionalCheckFailedException");
    gas_err_set(GAS_EIO, "write x: No space left on device"); /* our own: no code */
    CHECK_STR(gas_err_code(), "");
    CHECK(!gas_err_code_has("ConditionalCheckFailed"));
    gas_err_set(GAS_EIO, "mentions NoSuchBucket in the text only");
    CHECK(!gas_err_code_has("NoSuchBucket")); /* codes are data, never read from text */
    gas_err_clear();
    CHECK_INT(gas_err_last(), 0);
    CHECK_STR(gas_err_request_id(), "");
    CHECK_INT(gas_errno_code(ENAMETOOLONG), GAS_EINVAL);
    CHECK_INT(gas_errno_code(ENOSPC), GAS_EIO);
    CHECK_INT(gas_errno_code(ENOENT), GAS_ENOTFOUND);
}

static void strbuf_bounded(void)
{
    struct strbuf sb;
    sb_init(&sb, 10);
    CHECK_OK(sb_adds(&sb, "0123456789"));
    CHECK_RC(sb_adds(&sb, "x"), GAS_ETOOBIG);
    CHECK_INT(sb.len, 10);
    CHECK_STR(sb.buf, "0123456789");
    sb_release(&sb);
    sb_init(&sb, 0);
    CHECK_OK(sb_addf(&sb, "%0300d", 1));
    CHECK_INT(sb.len, 300);
    char *s = sb_detach(&sb);
    CHECK_INT(strlen(s), 300);
    free(s);
}

static void uuid_v4(void)
{
    char a[37], b[37];
    gas_uuid4(a);
    gas_uuid4(b);
    CHECK(gas_is_uuid(a));
    CHECK(strcmp(a, b) != 0);
    CHECK(a[14] == '4');
    CHECK(strchr("89ab", a[19]) != NULL);
    CHECK(!gas_is_uuid("not-a-uuid"));
    CHECK(!gas_is_uuid("../../../etc/passwd-0000-0000-000000"));
}

static void json_objects_only(void)
{
    cJSON *j;
    CHECK_OK(json_parse_object("{\"a\":1}", 7, 100, &j));
    int64_t v;
    CHECK_OK(json_int(j, "a", &v));
    CHECK_INT(v, 1);
    CHECK_RC(json_int(j, "b", &v), GAS_ENOTFOUND);
    cJSON_Delete(j);
    CHECK_RC(json_parse_object("[1,2]", 5, 100, &j), GAS_EINVAL);
    CHECK_RC(json_parse_object("{\"a\":", 5, 100, &j), GAS_EINVAL);
    CHECK_RC(json_parse_object("{} junk", 7, 100, &j), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "trailing") != NULL);
    CHECK_RC(json_parse_object("{\"a\":\"xxxxxxxx\"}", 16, 10, &j), GAS_ETOOBIG);
    CHECK(j == NULL);
}

static void json_numbers_as_gas_writes_them(void)
{
    cJSON *j;
    const char *t = "{\"n\":\"1700000000\",\"f\":\"1700000000.75\",\"x\":\"abc\",\"d\":1.5}";
    CHECK_OK(json_parse_object(t, strlen(t), 1000, &j));
    int64_t v;
    CHECK_OK(json_int(j, "n", &v));
    CHECK_INT(v, 1700000000);
    CHECK_OK(json_int(j, "f", &v));
    CHECK_INT(v, 1700000000);
    CHECK_RC(json_int(j, "x", &v), GAS_EINVAL);
    CHECK_RC(json_int(j, "d", &v), GAS_EINVAL);
    cJSON_Delete(j);
}

static void sns_envelope(void)
{
    const char *body = "{\"job_id\":\"x\",\"quote\":\"a\\\"b\"}";
    char *env = json_sns_wrap("gas_job_results", "mid-1", body);
    cJSON *j, *raw;
    CHECK_OK(json_parse_object(env, strlen(env), 10000, &j));
    CHECK_STR(json_str(j, "Type"), "Notification");
    char *inner;
    CHECK_INT(json_sns_unwrap(j, &inner), 1);
    CHECK_STR(inner, body);
    free(inner);
    cJSON_Delete(j);
    free(env);
    CHECK_OK(json_parse_object(body, strlen(body), 1000, &raw));
    CHECK_INT(json_sns_unwrap(raw, &inner), 0); /* raw delivery: not an envelope */
    CHECK(inner == NULL);
    cJSON_Delete(raw);
    const char *bad = "{\"Type\":\"Notification\",\"TopicArn\":\"arn:x\"}";
    CHECK_OK(json_parse_object(bad, strlen(bad), 1000, &j));
    CHECK_RC(json_sns_unwrap(j, &inner), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "without a Message") != NULL);
    cJSON_Delete(j);
}

static void files(void)
{
    const char *p = t_write_file("f.txt", "hello", 5);
    char *data;
    size_t n;
    CHECK_OK(gas_read_file(p, 100, &data, &n));
    CHECK_INT(n, 5);
    CHECK_STR(data, "hello");
    free(data);
    CHECK_RC(gas_read_file(p, 4, &data, &n), GAS_ETOOBIG);
    char *dst = xasprintf("%s/copy", t_tmpdir());
    CHECK_OK(gas_copy_file(p, dst, 0600));
    CHECK_OK(gas_read_file(dst, 100, &data, &n));
    CHECK_STR(data, "hello");
    free(data);
    free(dst);
    CHECK_RC(gas_copy_file("/nonexistent", "/tmp/x", 0600), GAS_ENOTFOUND);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(error_classes),     T(error_service_code),
        T(strbuf_bounded),    T(uuid_v4),
        T(json_objects_only), T(json_numbers_as_gas_writes_them),
        T(sns_envelope),      T(files),
    };
    return t_main("core", cases, sizeof cases / sizeof *cases, argc, argv);
}
