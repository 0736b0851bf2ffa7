/* json: cJSON helpers and the SNS envelope. */
#include "gas/json.h"

#include "gas/err.h"
#include "gas/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int json_parse_object(const char *text, size_t len, size_t max, cJSON **out)
{
    *out = NULL;
    if (len > max)
        return gas_err_set(GAS_ETOOBIG, "json document of %zu bytes is over the %zu byte limit",
                           len, max);
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!j) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        return gas_err_set(GAS_EINVAL, "malformed json at byte %zu", off);
    }
    while (end && (size_t)(end - text) < len && strchr(" \t\r\n", *end))
        end++;
    if (end && (size_t)(end - text) < len && *end) {
        cJSON_Delete(j);
        return gas_err_set(GAS_EINVAL, "trailing data after json at byte %zu",
                           (size_t)(end - text));
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return gas_err_set(GAS_EINVAL, "json document is not an object");
    }
    *out = j;
    return 0;
}

const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int json_int(const cJSON *obj, const char *name, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v || cJSON_IsNull(v))
        return GAS_ENOTFOUND;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!isfinite(d) || d != floor(d) || fabs(d) > 9.007199254740992e15)
            return gas_err_set(GAS_EINVAL, "%s is not a whole number", name);
        *out = (int64_t)d;
        return 0;
    }
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        char *end;
        long long n = strtoll(s, &end, 10);
        if (*s && !*end && strlen(s) < 19) {
            *out = n;
            return 0;
        }
        /* Python's str(time.time()) may give "1700000000.123": take the whole seconds */
        double d = strtod(s, &end);
        if (*s && !*end && isfinite(d) && fabs(d) < 9.007199254740992e15) {
            *out = (int64_t)d;
            return 0;
        }
    }
    return gas_err_set(GAS_EINVAL, "%s is not a number", name);
}

void json_set_str(cJSON *obj, const char *name, const char *value)
{
    cJSON *n = cJSON_CreateString(value);
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, n);
    else
        cJSON_AddItemToObject(obj, name, n);
}

void json_set_int(cJSON *obj, const char *name, int64_t value)
{
    cJSON *n = cJSON_CreateNumber((double)value);
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, n);
    else
        cJSON_AddItemToObject(obj, name, n);
}

char *json_print(const cJSON *obj)
{
    char *s = cJSON_PrintUnformatted(obj);
    if (!s) {
        fprintf(stderr, "gas: out of memory printing json\n");
        abort();
    }
    return s;
}

char *json_sns_wrap(const char *topic, const char *msg_id, const char *body)
{
    char ts[32], arn[512];
    gas_iso8601(gas_now_s(), ts, sizeof ts);
    snprintf(arn, sizeof arn, "arn:aws:sns:local:000000000000:%s", topic);
    cJSON *env = cJSON_CreateObject();
    cJSON_AddStringToObject(env, "Type", "Notification");
    cJSON_AddStringToObject(env, "MessageId", msg_id);
    cJSON_AddStringToObject(env, "TopicArn", arn);
    cJSON_AddStringToObject(env, "Message", body);
    cJSON_AddStringToObject(env, "Timestamp", ts);
    cJSON_AddStringToObject(env, "SignatureVersion", "1");
    char *s = json_print(env);
    cJSON_Delete(env);
    return s;
}

int json_sns_unwrap(const cJSON *body, char **inner)
{
    *inner = NULL;
    const char *type = json_str(body, "Type");
    if (!type || !cJSON_GetObjectItemCaseSensitive(body, "TopicArn"))
        return 0;
    const char *msg = json_str(body, "Message");
    if (!msg)
        return gas_err_set(GAS_EINVAL, "sns envelope (%.40s) without a Message string", type);
    *inner = xstrdup(msg);
    return 1;
}
