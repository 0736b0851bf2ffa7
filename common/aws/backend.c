/* aws backend: opens the credentials provider, keeps one HTTP handle per thread, and
 * carries the JSON 1.0 and query protocol helpers the services share. */
#include "aws.h"

#include "gas/awscreds.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/sigv4.h"
#include "gas/util.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

/* One HTTP handle per (backend, thread). */
struct aws_thread {
    struct aws_be *ab;
    struct aws_http *http;
    struct aws_thread *next;
};

static void unlink_thread(struct aws_be *ab, struct aws_thread *t)
{
    for (struct aws_thread **p = &ab->threads; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
}

static void thread_end(void *arg)
{
    struct aws_thread *t = arg;
    pthread_mutex_lock(&t->ab->mu);
    unlink_thread(t->ab, t);
    pthread_mutex_unlock(&t->ab->mu);
    aws_http_free(t->http);
    free(t);
}

struct aws_http *aws_http_of(struct aws_be *ab)
{
    struct aws_thread *t = pthread_getspecific(ab->key);
    if (t)
        return t->http;
    t = xcalloc(1, sizeof *t);
    t->ab = ab;
    t->http = aws_http_new(ab->creds);
    pthread_mutex_lock(&ab->mu);
    t->next = ab->threads;
    ab->threads = t;
    pthread_mutex_unlock(&ab->mu);
    pthread_setspecific(ab->key, t);
    return t->http;
}

const char *aws_partition(const char *region)
{
    return !strncmp(region, "cn-", 3)       ? "aws-cn"
           : !strncmp(region, "us-gov-", 7) ? "aws-us-gov"
                                            : "aws";
}

const char *aws_domain(const char *region)
{
    return !strncmp(region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com";
}

char *aws_endpoint(struct aws_be *ab, const char *service)
{
    if (*ab->endpoint)
        return xstrdup(ab->endpoint);
    return xasprintf("https://%s.%s.%s", service, ab->region, aws_domain(ab->region));
}

/* ------------------------------------------------------------------------- protocols */

static int json_call(struct aws_be *ab, const char *service, const char *target, const cJSON *in,
                     cJSON **out, const atomic_int *cancel, cJSON **error)
{
    if (out)
        *out = NULL;
    if (error)
        *error = NULL;
    char *body = cJSON_PrintUnformatted(in);
    char *ep = aws_endpoint(ab, service);
    char *th = xasprintf("X-Amz-Target: %s", target);
    const char *hdrs[] = {th, NULL};
    struct aws_req q = {.method = "POST",
                        .endpoint = ep,
                        .path = "/",
                        .service = service,
                        .region = ab->region,
                        .content_type = "application/x-amz-json-1.0",
                        .headers = hdrs,
                        .body = body,
                        .body_len = strlen(body),
                        .cancel = cancel};
    struct aws_resp r;
    int rc = aws_http_do(aws_http_of(ab), &q, &r);
    if (!rc && out) {
        *out = r.len ? cJSON_ParseWithLength(r.body, r.len) : cJSON_CreateObject();
        if (!*out)
            rc = gas_err_set(GAS_EINVAL, "%s %s: answer is not JSON", service, target);
    } else if (rc && error && r.body && r.len) {
        *error = cJSON_ParseWithLength(r.body, r.len);
    }
    aws_resp_release(&r);
    free(th);
    free(ep);
    cJSON_free(body);
    return rc;
}

int aws_json(struct aws_be *ab, const char *service, const char *target, const cJSON *in,
             cJSON **out, const atomic_int *cancel)
{
    return json_call(ab, service, target, in, out, cancel, NULL);
}

int aws_json_error(struct aws_be *ab, const char *service, const char *target, const cJSON *in,
                   cJSON **out, cJSON **error)
{
    return json_call(ab, service, target, in, out, NULL, error);
}

char *aws_form_encode(const char *s)
{
    return sigv4_uri_encode(s, strlen(s), 0);
}

int aws_query(struct aws_be *ab, const char *service, const char *const *fields, char **xml)
{
    if (xml)
        *xml = NULL;
    struct strbuf sb;
    sb_init(&sb, 0);
    for (int i = 0; fields[i] && fields[i + 1]; i += 2) {
        char *v = aws_form_encode(fields[i + 1]);
        sb_addf(&sb, "%s%s=%s", i ? "&" : "", fields[i], v);
        free(v);
    }
    char *body = sb_detach(&sb);
    char *ep = aws_endpoint(ab, service);
    struct aws_req q = {.method = "POST",
                        .endpoint = ep,
                        .path = "/",
                        .service = service,
                        .region = ab->region,
                        .content_type = "application/x-www-form-urlencoded; charset=utf-8",
                        .body = body,
                        .body_len = strlen(body)};
    struct aws_resp r;
    int rc = aws_http_do(aws_http_of(ab), &q, &r);
    if (!rc && xml) {
        *xml = r.body;
        r.body = NULL;
    }
    aws_resp_release(&r);
    free(ep);
    free(body);
    return rc;
}

/* First element named tag (any namespace), depth first. */
static xmlNode *find_element(xmlNode *n, const char *tag)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, tag))
            return n;
        xmlNode *c = find_element(n->children, tag);
        if (c)
            return c;
    }
    return NULL;
}

char *aws_xml_text(const char *xml, const char *tag)
{
    if (!xml || !*xml)
        return NULL;
    /* no network, no DTD loading, no entity substitution: an answer is data, not a program */
    xmlDoc *doc = xmlReadMemory(xml, (int)strnlen(xml, 16u << 20), "aws.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return NULL;
    xmlNode *n = find_element(xmlDocGetRootElement(doc), tag);
    char *out = NULL;
    if (n) {
        xmlChar *t = xmlNodeGetContent(n);
        out = xstrdup(t ? (const char *)t : "");
        xmlFree(t);
    }
    xmlFreeDoc(doc);
    return out;
}

int aws_account(struct aws_be *ab, char out[32])
{
    pthread_mutex_lock(&ab->mu);
    snprintf(out, 32, "%s", ab->account);
    pthread_mutex_unlock(&ab->mu);
    if (*out)
        return 0;
    static const char *const f[] = {"Action", "GetCallerIdentity", "Version", "2011-06-15", NULL};
    char *xml = NULL;
    int rc = aws_query(ab, "sts", f, &xml);
    char *acct = rc ? NULL : aws_xml_text(xml, "Account");
    free(xml);
    if (!rc && (!acct || !*acct || strlen(acct) >= 32))
        rc = gas_err_set(GAS_EINVAL, "sts: GetCallerIdentity without an account");
    if (rc) {
        free(acct);
        return gas_err_wrap(rc, "find the AWS account id (or set aws_account_id)");
    }
    pthread_mutex_lock(&ab->mu);
    snprintf(ab->account, sizeof ab->account, "%s", acct);
    pthread_mutex_unlock(&ab->mu);
    snprintf(out, 32, "%s", acct);
    free(acct);
    return 0;
}

int aws_arn(struct aws_be *ab, const char *service, const char *name, char **arn)
{
    char acct[32];
    int rc = aws_account(ab, acct);
    *arn = rc ? NULL
              : xasprintf("arn:%s:%s:%s:%s:%s", aws_partition(ab->region), service, ab->region,
                          acct, name);
    return rc;
}

/* --------------------------------------------------------------------------- backend */

static int a_create_cold(struct gas_backend *be, const char *thaw_topic)
{
    return aws_cold_create(be, thaw_topic);
}

static void a_close(struct gas_backend *be)
{
    struct aws_be *ab = aws_of(be);
    if (be->objs)
        be->objs->ops->close(be->objs);
    if (be->cold)
        be->cold->ops->close(be->cold);
    pthread_mutex_lock(&ab->mu);
    struct aws_thread *t = ab->threads;
    ab->threads = NULL;
    pthread_mutex_unlock(&ab->mu);
    /* this thread's key goes; other threads' handles are freed here (they have ended) */
    pthread_setspecific(ab->key, NULL);
    pthread_key_delete(ab->key);
    while (t) {
        struct aws_thread *next = t->next;
        aws_http_free(t->http);
        free(t);
        t = next;
    }
    aws_creds_free(ab->creds);
    aws_queue_cache_free(ab);
    pthread_mutex_destroy(&ab->mu);
    free(ab);
}

static void curl_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser(); /* once, before threads parse */
}

static const struct backend_ops aws_ops = {
    .table = aws_table_open,
    .queue = aws_queue_open,
    .topic = aws_topic_open,
    .create_table = aws_table_create,
    .create_queue = aws_queue_create,
    .create_topic = aws_topic_create,
    .create_bucket = aws_bucket_create,
    .create_cold = a_create_cold,
    .close = a_close,
};

int aws_backend_open(const struct cfg *cfg, struct gas_backend **out)
{
    *out = NULL;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, curl_once);
    const char *ep = cfg_str(cfg, CFG_AWS_ENDPOINT);
    if (*ep && strncmp(ep, "http://", 7) && strncmp(ep, "https://", 8))
        return gas_err_set(GAS_EINVAL,
                           "aws_endpoint \"%.100s\" must start with http:// or https://", ep);
    if (!strncmp(ep, "http://", 7) && strncmp(ep + 7, "127.", 4) &&
        strncmp(ep + 7, "localhost", 9) && strncmp(ep + 7, "[::1]", 5))
        log_warn("aws",
                 "aws_endpoint %.100s is plain HTTP to another machine: requests are "
                 "signed but not encrypted",
                 ep);
    if (*ep && ep[strlen(ep) - 1] == '/')
        return gas_err_set(GAS_EINVAL, "aws_endpoint \"%.100s\" must not end with '/'", ep);
    const char *region = cfg_str(cfg, CFG_AWS_REGION);
    size_t rn = strlen(region);
    if (rn < 1 || rn > 32 || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != rn)
        return gas_err_set(GAS_EINVAL, "aws_region \"%.40s\" is not a region name (e.g. us-east-1)",
                           region);
    struct aws_be *ab = xcalloc(1, sizeof *ab);
    ab->pub.ops = &aws_ops;
    ab->pub.name = "aws";
    /* Glacier publishes job notices to the SNSTopic of each retrieval; S3 sends restore
     * events from the archive bucket's own notification set-up instead */
    ab->pub.caps = !strcmp(cfg_str(cfg, CFG_COLD_MODE), "glacier") ? BE_COLD_NOTICES : 0;
    ab->pub.cfg = cfg;
    ab->region = cfg_str(cfg, CFG_AWS_REGION);
    ab->endpoint = ep;
    snprintf(ab->account, sizeof ab->account, "%s", cfg_str(cfg, CFG_AWS_ACCOUNT_ID));
    pthread_mutex_init(&ab->mu, NULL);
    pthread_key_create(&ab->key, thread_end);
    ab->creds = aws_creds_new();
    int rc = aws_objs_new(&ab->pub, &ab->pub.objs);
    if (!rc)
        rc = !strcmp(cfg_str(cfg, CFG_COLD_MODE), "glacier")
                 ? aws_cold_glacier_new(&ab->pub, &ab->pub.cold)
                 : aws_cold_s3_new(&ab->pub, &ab->pub.cold);
    if (rc) {
        a_close(&ab->pub);
        return rc;
    }
    *out = &ab->pub;
    return 0;
}

int aws_missing(struct aws_be *ab, int rc, const char *what, const char *name)
{
    return gas_err_wrap(rc,
                        "no %s %s in %s%s%s (a mistyped aws_region or name? a new deployment: "
                        "gas aws bootstrap makes it)",
                        what, name, ab->region, ab->endpoint[0] ? " at " : "",
                        ab->endpoint[0] ? ab->endpoint : "");
}
