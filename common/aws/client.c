/* AWS calls beside the backend: Secrets Manager (JSON 1.1) and SES (query protocol); see
 * include/gas/awsapi.h. */
#include "aws.h"

#include "gas/awsapi.h"
#include "gas/awscreds.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

struct aws_client {
    struct aws_creds_provider *creds;
    char *region, *endpoint;
};

static void client_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
}

int aws_client_new(const struct cfg *cfg, struct aws_client **out)
{
    *out = NULL;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, client_once);
    const char *ep = cfg_str(cfg, CFG_AWS_ENDPOINT), *region = cfg_str(cfg, CFG_AWS_REGION);
    size_t rn = strlen(region);
    if (rn < 1 || rn > 32 || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != rn)
        return gas_err_set(GAS_EINVAL, "aws_region \"%.40s\" is not a region name (e.g. us-east-1)",
                           region);
    if (*ep &&
        ((strncmp(ep, "http://", 7) && strncmp(ep, "https://", 8)) || ep[strlen(ep) - 1] == '/'))
        return gas_err_set(GAS_EINVAL,
                           "aws_endpoint \"%.100s\" must start with http:// or https:// and "
                           "not end with '/'",
                           ep);
    struct aws_client *c = xcalloc(1, sizeof *c);
    c->creds = aws_creds_new();
    c->region = xstrdup(region);
    c->endpoint = xstrdup(ep);
    *out = c;
    return 0;
}

void aws_client_free(struct aws_client *c)
{
    if (!c)
        return;
    aws_creds_free(c->creds);
    free(c->region);
    free(c->endpoint);
    free(c);
}

/* POST body to a service's endpoint (host prefix: AWS's DNS name; signing name: service). */
static int client_post(struct aws_client *c, const char *service, const char *host_prefix,
                       const char *content_type, const char *const *headers, const char *body,
                       struct aws_resp *r)
{
    char *ep = *c->endpoint
                   ? xstrdup(c->endpoint)
                   : xasprintf("https://%s.%s.%s", host_prefix, c->region, aws_domain(c->region));
    struct aws_req q = {.method = "POST",
                        .endpoint = ep,
                        .path = "/",
                        .service = service,
                        .region = c->region,
                        .content_type = content_type,
                        .headers = headers,
                        .body = body,
                        .body_len = strlen(body),
                        .max_response = 1 << 20};
    struct aws_http *h = aws_http_new(c->creds);
    int rc = aws_http_do(h, &q, r);
    aws_http_free(h);
    free(ep);
    return rc;
}

int aws_secret_get(struct aws_client *c, const char *secret_id, char **value)
{
    *value = NULL;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "SecretId", secret_id);
    char *body = cJSON_PrintUnformatted(in);
    cJSON_Delete(in);
    static const char *const hdrs[] = {"X-Amz-Target: secretsmanager.GetSecretValue", NULL};
    struct aws_resp r;
    int rc = client_post(c, "secretsmanager", "secretsmanager", "application/x-amz-json-1.1", hdrs,
                         body, &r);
    cJSON_free(body);
    if (!rc) {
        cJSON *ans = cJSON_ParseWithLength(r.body, r.len);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(ans, "SecretString");
        if (cJSON_IsString(s) && s->valuestring) {
            *value = xstrdup(s->valuestring);
            log_add_secret(*value);
        } else {
            rc = gas_err_set(GAS_EINVAL,
                             "secret %s has no SecretString (binary secrets are "
                             "not supported)",
                             secret_id);
        }
        cJSON_Delete(ans);
    }
    aws_resp_release(&r);
    return rc ? gas_err_wrap(rc, "secret %s", secret_id) : 0;
}

/* A query-protocol call (name/value pairs in f, NULL-ended); SES's or STS's answer in r. */
static int client_query(struct aws_client *c, const char *service, const char *host_prefix,
                        const char *const *f, struct aws_resp *r)
{
    struct strbuf sb;
    sb_init(&sb, 0);
    for (int i = 0; f[i]; i += 2) {
        char *v = aws_form_encode(f[i + 1]);
        sb_addf(&sb, "%s%s=%s", i ? "&" : "", f[i], v);
        free(v);
    }
    char *body = sb_detach(&sb);
    int rc = client_post(c, service, host_prefix,
                         "application/x-www-form-urlencoded; charset=utf-8", NULL, body, r);
    free(body);
    return rc;
}

int aws_ses_notify_to(struct aws_client *c, const char *identity, const char *account,
                      const char *topic)
{
    struct aws_resp r;
    char *acct = account && *account ? xstrdup(account) : NULL;
    int rc = 0;
    if (!acct) {
        const char *f[] = {"Action", "GetCallerIdentity", "Version", "2011-06-15", NULL};
        rc = client_query(c, "sts", "sts", f, &r);
        acct = rc ? NULL : aws_xml_text(r.body, "Account");
        aws_resp_release(&r);
        if (!rc && !acct)
            rc = gas_err_set(GAS_EINVAL, "STS GetCallerIdentity gave no Account");
    }
    char *arn =
        rc ? NULL
           : xasprintf("arn:%s:sns:%s:%s:%s", aws_partition(c->region), c->region, acct, topic);
    static const char *const types[] = {"Bounce", "Complaint"};
    for (size_t i = 0; !rc && i < sizeof types / sizeof *types; i++) {
        const char *f[] = {"Action",
                           "SetIdentityNotificationTopic",
                           "Version",
                           "2010-12-01",
                           "Identity",
                           identity,
                           "NotificationType",
                           types[i],
                           "SnsTopic",
                           arn,
                           NULL};
        rc = client_query(c, "ses", "email", f, &r);
        aws_resp_release(&r);
    }
    free(arn);
    free(acct);
    return rc ? gas_err_wrap(rc, "ses: notifications of %s", identity) : 0;
}

int aws_ses_send(struct aws_client *c, const char *from, const char *to, const char *subject,
                 const char *text, const char *job_id, char **message_id)
{
    if (message_id)
        *message_id = NULL;
    const char *f[] = {"Action", "SendEmail", "Version", "2010-12-01", "Source", from,
                       "Destination.ToAddresses.member.1", to, "Message.Subject.Data", subject,
                       "Message.Subject.Charset", "UTF-8", "Message.Body.Text.Data", text,
                       "Message.Body.Text.Charset", "UTF-8",
                       /* the tag a bounce notification carries back (mail.tags) */
                       job_id ? "Tags.member.1.Name" : NULL, "gas_job_id", "Tags.member.1.Value",
                       job_id, NULL};
    struct aws_resp r;
    int rc = client_query(c, "ses", "email", f, &r);
    if (!rc && message_id)
        *message_id = aws_xml_text(r.body, "MessageId");
    aws_resp_release(&r);
    return rc;
}
