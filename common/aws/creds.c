/* awscreds: the credentials chain (see include/gas/awscreds.h). */
#include "gas/awscreds.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define REFRESH_MARGIN 300 /* refresh when less than 5 minutes remain */
#define MAX_RESPONSE   65536

struct aws_creds_provider {
    pthread_mutex_t lock;
    struct aws_creds cached;
    int have, fetches;
};

struct aws_creds_provider *aws_creds_new(void)
{
    struct aws_creds_provider *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void aws_creds_free(struct aws_creds_provider *p)
{
    if (!p)
        return;
    memset(&p->cached, 0, sizeof p->cached);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

int aws_creds_fetches(struct aws_creds_provider *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->fetches;
    pthread_mutex_unlock(&p->lock);
    return n;
}

static int fill(struct aws_creds *c, const char *ak, const char *sk, const char *tok,
                int64_t expires, const char *source)
{
    if (!ak || !sk || !*ak || !*sk || strlen(ak) >= sizeof c->access_key ||
        strlen(sk) >= sizeof c->secret_key || (tok && strlen(tok) >= sizeof c->token))
        return GAS_ENOTFOUND;
    memset(c, 0, sizeof *c);
    snprintf(c->access_key, sizeof c->access_key, "%s", ak);
    snprintf(c->secret_key, sizeof c->secret_key, "%s", sk);
    snprintf(c->token, sizeof c->token, "%s", tok ? tok : "");
    snprintf(c->source, sizeof c->source, "%s", source);
    c->expires = expires;
    log_add_secret(sk);
    if (tok && *tok)
        log_add_secret(tok);
    return 0;
}

/* ------------------------------------------------------------------ environment */

static int from_env(struct aws_creds *c)
{
    return fill(c, getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"),
                getenv("AWS_SESSION_TOKEN"), 0, "env");
}

/* ------------------------------------------------------------------ shared files */

/* Reads key = value pairs of section `section` of an INI file into the three fields. */
static void ini_section(const char *path, const char *section, char *ak, char *sk, char *tok,
                        size_t n)
{
    char *text = NULL;
    size_t len;
    if (!path || gas_read_file(path, 1 << 20, &text, &len))
        return;
    int in = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *t = gas_trim(line);
        if (*t == '#' || *t == ';' || !*t)
            continue;
        if (*t == '[') {
            char *close = strchr(t, ']');
            if (close)
                *close = 0;
            in = !strcmp(gas_trim(t + 1), section);
            continue;
        }
        char *eq = strchr(t, '=');
        if (!in || !eq)
            continue;
        *eq = 0;
        char *k = gas_trim(t), *v = gas_trim(eq + 1);
        if (!strcmp(k, "aws_access_key_id"))
            snprintf(ak, n, "%s", v);
        else if (!strcmp(k, "aws_secret_access_key"))
            snprintf(sk, n, "%s", v);
        else if (!strcmp(k, "aws_session_token"))
            snprintf(tok, 4096, "%s", v);
    }
    free(text);
}

static int from_profile(struct aws_creds *c)
{
    const char *profile = getenv("AWS_PROFILE") ? getenv("AWS_PROFILE") : "default";
    const char *home = getenv("HOME") ? getenv("HOME") : "/";
    char *cred = getenv("AWS_SHARED_CREDENTIALS_FILE")
                     ? xstrdup(getenv("AWS_SHARED_CREDENTIALS_FILE"))
                     : xasprintf("%s/.aws/credentials", home);
    char *conf = getenv("AWS_CONFIG_FILE") ? xstrdup(getenv("AWS_CONFIG_FILE"))
                                           : xasprintf("%s/.aws/config", home);
    char ak[128] = "", sk[128] = "", *tok = xcalloc(1, 4096);
    /* the config file names sections "profile NAME" (but "default" as is) */
    char *csec = strcmp(profile, "default") ? xasprintf("profile %s", profile) : xstrdup(profile);
    ini_section(conf, csec, ak, sk, tok, sizeof ak);
    ini_section(cred, profile, ak, sk, tok, sizeof ak); /* the credentials file wins */
    int rc = fill(c, ak, sk, tok, 0, "profile");
    if (rc && getenv("AWS_PROFILE"))
        gas_err_set(GAS_ENOTFOUND, "profile %s has no credentials in %s or %s", profile, cred,
                    conf);
    memset(sk, 0, sizeof sk);
    memset(tok, 0, 4096);
    free(tok);
    free(csec);
    free(cred);
    free(conf);
    return rc;
}

/* ------------------------------------------------------------------ HTTP sources */

struct body {
    char buf[MAX_RESPONSE];
    size_t len;
    int over;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
    struct body *b = arg;
    size_t k = size * n;
    if (b->len + k >= sizeof b->buf) {
        b->over = 1;
        return 0;
    }
    memcpy(b->buf + b->len, data, k);
    b->len += k;
    b->buf[b->len] = 0;
    return k;
}

/* One small request to a metadata endpoint: 200 and the body, or an error. */
static int http(const char *method, const char *url, struct curl_slist *headers, struct body *b)
{
    CURL *c = curl_easy_init();
    if (!c)
        return gas_err_set(GAS_EINTERNAL, "curl_easy_init failed");
    b->len = 0;
    b->over = 0;
    b->buf[0] = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* metadata is never fetched through a proxy */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode res = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (b->over)
        return gas_err_set(GAS_ETOOBIG, "%s: response over %d bytes", url, MAX_RESPONSE);
    if (res != CURLE_OK)
        return gas_err_set(GAS_ENET, "%s: %s", url, curl_easy_strerror(res));
    if (status != 200)
        return gas_err_set(status == 401 || status == 403 ? GAS_EAUTH : GAS_ENET, "%s: HTTP %ld",
                           url, status);
    return 0;
}

static int64_t parse_expiration(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

/* {AccessKeyId, SecretAccessKey, Token, Expiration} as both endpoints answer. */
static int from_json(struct aws_creds *c, const char *text, const char *source)
{
    cJSON *j = NULL;
    int rc = json_parse_object(text, strlen(text), MAX_RESPONSE, &j);
    if (rc)
        return gas_err_wrap(rc, "%s credentials", source);
    rc = fill(c, json_str(j, "AccessKeyId"), json_str(j, "SecretAccessKey"), json_str(j, "Token"),
              parse_expiration(json_str(j, "Expiration")), source);
    if (rc)
        rc = gas_err_set(GAS_EAUTH, "%s credentials lack AccessKeyId or SecretAccessKey", source);
    cJSON_Delete(j);
    return rc;
}

static int from_container(struct aws_creds *c)
{
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (!full && !rel)
        return GAS_ENOTFOUND;
    char *url = full ? xstrdup(full) : xasprintf("http://169.254.170.2%s", rel);
    struct curl_slist *h = NULL;
    const char *auth = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    char *line = auth ? xasprintf("Authorization: %s", auth) : NULL;
    if (line)
        h = curl_slist_append(h, line);
    struct body *b = xmalloc(sizeof *b);
    int rc = http("GET", url, h, b);
    if (!rc)
        rc = from_json(c, b->buf, "container");
    curl_slist_free_all(h);
    free(line);
    free(url);
    free(b);
    return rc;
}

static int from_imds(struct aws_creds *c)
{
    const char *dis = getenv("AWS_EC2_METADATA_DISABLED");
    if (dis && !strcasecmp(dis, "true"))
        return GAS_ENOTFOUND;
    const char *base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!base || !*base)
        base = "http://169.254.169.254";
    struct body *b = xmalloc(sizeof *b);
    char *url = xasprintf("%s/latest/api/token", base), *hdr = NULL;
    struct curl_slist *h = curl_slist_append(NULL, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
    int rc = http("PUT", url, h, b);
    curl_slist_free_all(h);
    h = NULL;
    if (!rc) {
        hdr = xasprintf("X-aws-ec2-metadata-token: %s", gas_trim(b->buf));
        h = curl_slist_append(NULL, hdr);
        free(url);
        url = xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
        rc = http("GET", url, h, b);
    }
    if (!rc) {
        char *role = gas_trim(b->buf), *nl = strchr(role, '\n');
        if (nl)
            *nl = 0;
        if (!*role || strchr(role, '/'))
            rc = gas_err_set(GAS_EAUTH, "instance metadata: no IAM role attached");
        free(url);
        url = xasprintf("%s/latest/meta-data/iam/security-credentials/%s", base, role);
    }
    if (!rc)
        rc = http("GET", url, h, b);
    if (!rc)
        rc = from_json(c, b->buf, "imds");
    curl_slist_free_all(h);
    free(hdr);
    free(url);
    memset(b, 0, sizeof *b);
    free(b);
    return rc;
}

/* ------------------------------------------------------------------ the chain */

int aws_creds_get(struct aws_creds_provider *p, struct aws_creds *out)
{
    pthread_mutex_lock(&p->lock);
    int64_t now = gas_now_s();
    if (p->have && (!p->cached.expires || p->cached.expires - now > REFRESH_MARGIN)) {
        *out = p->cached;
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(struct aws_creds *c);
    } chain[] = {{"environment", from_env},
                 {"shared profile", from_profile},
                 {"container endpoint", from_container},
                 {"instance metadata", from_imds}};
    char tried[1024] = "";
    int rc = GAS_EAUTH, had = p->have;
    struct aws_creds old = p->cached;
    for (size_t i = 0; i < sizeof chain / sizeof *chain; i++) {
        gas_err_set(GAS_ENOTFOUND, "not configured");
        rc = chain[i].fn(&p->cached);
        if (!rc)
            break;
        snprintf(tried + strlen(tried), sizeof tried - strlen(tried), "%s%s (%s)",
                 tried[0] ? "; " : "", chain[i].name, gas_errmsg());
    }
    if (!rc) {
        p->have = 1;
        p->fetches++;
        *out = p->cached;
        log_debug("aws", "credentials from %s, %s", out->source,
                  out->expires ? "expiring" : "not expiring");
    } else if (had && old.expires > now) { /* refresh failed: the old ones still work */
        p->cached = old;
        *out = old;
        log_warn("aws", "credentials refresh failed, using the current ones until they expire: %s",
                 tried);
        rc = 0;
    } else {
        p->have = 0;
        rc = gas_err_set(GAS_EAUTH, "no AWS credentials: %s", tried);
    }
    memset(&old, 0, sizeof old);
    pthread_mutex_unlock(&p->lock);
    return rc;
}
