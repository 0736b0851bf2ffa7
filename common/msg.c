/* msg: message bodies (see include/gas/msg.h). */
#include "gas/msg.h"

#include "gas/err.h"
#include "gas/job.h"
#include "gas/json.h"
#include "gas/pylit.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a body looked like, for the dead-letter reason: its first bytes, printable. */
static void body_preview(const char *body, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = body; *p && o + 5 < n; p++) {
        unsigned char c = (unsigned char)*p;
        if (p - body >= 48) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[o] = 0;
}

/* One object from text: JSON, else the Python literal str(dict) prints. */
static int parse_object(const char *text, size_t max, cJSON **out)
{
    size_t len = strlen(text);
    int rc = json_parse_object(text, len, max, out);
    if (rc != GAS_EINVAL)
        return rc;
    char why[160];
    snprintf(why, sizeof why, "%s", gas_errmsg());
    const char *p = text + strspn(text, " \t\r\n");
    if (*p == '{' && pylit_parse_object(text, len, max, out) == 0)
        return 0;
    char preview[64];
    body_preview(text, preview, sizeof preview);
    if (*p == '{' && p[1 + strspn(p + 1, " \t\r\n")] == '\'') {
        char pywhy[160];
        snprintf(pywhy, sizeof pywhy, "%s", gas_errmsg());
        return gas_err_set(GAS_EINVAL, "%s (body is neither JSON nor a python dict: %s)", pywhy,
                           preview);
    }
    return gas_err_set(GAS_EINVAL, "%s (%zu bytes, starts: %s)", why, len, preview);
}

int msg_parse(const char *body, size_t max, cJSON **out)
{
    *out = NULL;
    cJSON *j = NULL;
    int rc = parse_object(body, max, &j);
    if (rc)
        return gas_err_wrap(rc, "message body");
    char *inner = NULL;
    rc = json_sns_unwrap(j, &inner);
    if (rc < 0) {
        cJSON_Delete(j);
        return rc;
    }
    if (rc == 1) {
        cJSON_Delete(j);
        rc = parse_object(inner, max, &j);
        free(inner);
        if (rc)
            return gas_err_wrap(rc, "SNS Message");
    }
    *out = j;
    return 0;
}

const char *msg_job_id(const cJSON *m)
{
    const char *id = json_str(m, "job_id");
    if (!id) /* a deployment that names the item's key otherwise publishes the item */
        id = json_str(m, job_attr(JF_job_id));
    if (!id || !*id || strlen(id) > 128) {
        gas_err_set(GAS_EINVAL, "message has no usable job_id");
        return NULL;
    }
    return id;
}

char *msg_request(const struct job *job)
{
    cJSON *j = job_to_json(job);
    char *s = json_print(j);
    cJSON_Delete(j);
    return s;
}

char *msg_result(const struct job *job)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "job_id", job->job_id);
    cJSON_AddStringToObject(j, "user_id", job->user_id);
    if (job->input_file_name)
        cJSON_AddStringToObject(j, "input_file_name", job->input_file_name);
    if (job->s3_key_result_file)
        cJSON_AddStringToObject(j, "results_file", job->s3_key_result_file);
    cJSON_AddNumberToObject(j, "complete_time", (double)job->complete_time);
    char *s = json_print(j);
    cJSON_Delete(j);
    return s;
}

int msg_reason_is_body(const char *reason)
{
    static const char *const shapes[] = {
        "message body",                /* msg_parse: malformed, too big, not an object */
        "sns envelope",                /* an envelope without its Message */
        "SNS Message",                 /* an envelope whose Message is malformed */
        "message has no job_id",       /* pipe_load_job */
        "no job ",                     /* ... or names a job that does not exist */
        "thaw message is neither",     /* msg_thaw_target */
        "restore message has neither", /* restore.c */
    };
    for (size_t i = 0; reason && i < sizeof shapes / sizeof *shapes; i++)
        if (!strncmp(reason, shapes[i], strlen(shapes[i])))
            return 1;
    return 0;
}

char *msg_failed(const char *job_id, const char *user_id)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "job_id", job_id);
    if (user_id)
        cJSON_AddStringToObject(j, "user_id", user_id);
    cJSON_AddStringToObject(j, "job_status", "FAILED");
    char *s = json_print(j);
    cJSON_Delete(j);
    return s;
}

char *msg_restore(const char *user_id)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "user_id", user_id);
    char *s = json_print(j);
    cJSON_Delete(j);
    return s;
}

char *msg_thaw(const char *job_id, const char *retrieval_id)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "job_id", job_id);
    cJSON_AddStringToObject(j, "retrieval_id", retrieval_id);
    char *s = json_print(j);
    cJSON_Delete(j);
    return s;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* S3 event keys are URL-encoded, spaces as '+' (the caller's). */
static char *url_decode(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        int hi, lo;
        if (*s == '%' && (hi = hexval(s[1])) >= 0 && (lo = hexval(s[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            s += 2;
        } else {
            *o++ = *s == '+' ? ' ' : *s;
        }
    }
    *o = 0;
    return out;
}

/* The job id in an object key "<prefix>/<user>/<job_id>~<file>". */
static char *job_from_key(const char *key)
{
    const char *slash = strrchr(key, '/'), *tilde = slash ? strchr(slash, '~') : NULL;
    if (!tilde || tilde == slash + 1)
        return NULL;
    return xstrndup(slash + 1, (size_t)(tilde - slash - 1));
}

/* A retrieval's description as GAS deployments write it: the job id, the S3 result key
 * "<prefix>/<user>/<job_id>~<file>", or a JSON object with a job_id or a key. */
static char *job_from_description(const char *desc)
{
    if (*desc == '{') {
        cJSON *j = NULL;
        char *id = NULL;
        if (parse_object(desc, 64 * 1024, &j) == 0) {
            const char *v = json_str(j, "job_id");
            const char *k = json_str(j, "s3_key_result_file");
            if (!k)
                k = json_str(j, "key");
            id = v && *v ? xstrdup(v) : k ? job_from_key(k) : NULL;
            cJSON_Delete(j);
        }
        return id;
    }
    if (strchr(desc, '/'))
        return job_from_key(desc);
    const char *tilde = strchr(desc, '~');
    if (tilde)
        return tilde > desc ? xstrndup(desc, (size_t)(tilde - desc)) : NULL;
    return xstrdup(desc);
}

int msg_thaw_target(const cJSON *m, char **job_id, char **retrieval_id)
{
    *job_id = *retrieval_id = NULL;
    const char *jid = json_str(m, "job_id"), *rid = json_str(m, "retrieval_id");
    if (jid) { /* our own */
        *job_id = xstrdup(jid);
        *retrieval_id = xstrdup(rid);
        return 0;
    }
    if (json_str(m, "JobId")) { /* a Glacier job notification */
        const char *status = json_str(m, "StatusCode"), *desc = json_str(m, "JobDescription");
        if (!desc || !*desc)
            return gas_err_set(GAS_EINVAL, "Glacier notification without a JobDescription");
        *job_id = job_from_description(desc);
        if (!*job_id)
            return gas_err_set(GAS_EINVAL, "Glacier notification: no job id in description %.200s",
                               desc);
        *retrieval_id = xstrdup(json_str(m, "JobId"));
        (void)status;
        return 0;
    }
    const cJSON *recs = cJSON_GetObjectItemCaseSensitive(m, "Records");
    const cJSON *r0 = cJSON_IsArray(recs) ? cJSON_GetArrayItem(recs, 0) : NULL;
    if (r0) { /* an S3 event: s3:ObjectRestore:Completed */
        const char *ev = json_str(r0, "eventName");
        const cJSON *obj =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r0, "s3"), "object");
        const char *key = json_str(obj, "key");
        if (!ev || !strstr(ev, "ObjectRestore") || !key)
            return gas_err_set(GAS_EINVAL, "S3 event %s is not a restore completion",
                               ev ? ev : "(unnamed)");
        char *plain = url_decode(key);
        *job_id = job_from_key(plain);
        free(plain);
        if (!*job_id)
            return gas_err_set(GAS_EINVAL, "S3 event for key %.200s: no job id in it", key);
        return 0;
    }
    const char *event = json_str(m, "Event");
    if (event && !strcmp(event, "s3:TestEvent")) { /* sent once when notifications are set */
        return MSG_IGNORE;
    }
    return gas_err_set(GAS_EINVAL, "thaw message is neither {job_id, retrieval_id}, a Glacier "
                                   "notification nor an S3 event");
}

char *msg_thaw_archive(const cJSON *m)
{
    if (json_str(m, "JobId"))
        return json_str(m, "ArchiveId") ? xstrdup(json_str(m, "ArchiveId")) : NULL;
    const cJSON *recs = cJSON_GetObjectItemCaseSensitive(m, "Records");
    const cJSON *r0 = cJSON_IsArray(recs) ? cJSON_GetArrayItem(recs, 0) : NULL;
    const cJSON *obj =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r0, "s3"), "object");
    const char *key = json_str(obj, "key");
    return key ? url_decode(key) : NULL;
}

/* mail.tags.gas_job_id[0], else the X-GAS-Job header of mail.headers. */
static const char *ses_job_id(const cJSON *mail)
{
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(mail, "tags");
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(tags, MSG_SES_JOB_TAG), 0);
    if (cJSON_IsString(v) && *v->valuestring)
        return v->valuestring;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(mail, "headers"))
    {
        const char *name = json_str(h, "name"), *value = json_str(h, "value");
        if (name && value && *value && !strcasecmp(name, "X-GAS-Job"))
            return value;
    }
    return NULL;
}

/* The first recipient of list (bouncedRecipients, complainedRecipients). */
static const cJSON *ses_first(const cJSON *obj, const char *list)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(obj, list), 0);
}

int msg_ses_event(const cJSON *m, struct ses_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = json_str(m, "notificationType");
    if (!ev->type)
        ev->type = json_str(m, "eventType");
    const cJSON *mail = cJSON_GetObjectItemCaseSensitive(m, "mail");
    ev->message_id = json_str(mail, "messageId");
    if (!ev->type || !ev->message_id)
        return gas_err_set(GAS_EINVAL, "not an SES notification (no notificationType or "
                                       "mail.messageId)");
    ev->job_id = ses_job_id(mail);
    ev->address = "?";
    const char *a = NULL;
    if (!strcmp(ev->type, "Bounce")) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(m, "bounce");
        const cJSON *r = ses_first(b, "bouncedRecipients");
        const char *t = json_str(b, "bounceType"), *sub = json_str(b, "bounceSubType");
        const char *diag = json_str(r, "diagnosticCode");
        a = json_str(r, "emailAddress");
        snprintf(ev->what, sizeof ev->what, "bounced (%s/%s): %s", t ? t : "?", sub ? sub : "?",
                 diag ? diag : "no diagnostic code");
    } else if (!strcmp(ev->type, "Complaint")) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "complaint");
        const char *fb = json_str(c, "complaintFeedbackType");
        a = json_str(ses_first(c, "complainedRecipients"), "emailAddress");
        snprintf(ev->what, sizeof ev->what, "complaint: %s marked the email as %s",
                 a ? a : "the recipient", fb ? fb : "spam");
    }
    if (a)
        ev->address = a;
    return 0;
}
