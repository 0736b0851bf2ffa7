/* awshttp: signed requests with retries (see include/gas/awshttp.h). */
#include "gas/awshttp.h"

#include "gas/awscreds.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/sigv4.h"
#include "gas/util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define MAX_ATTEMPTS         3
#define DEFAULT_MAX_RESPONSE (4u << 20)
#define MAX_EXTRA_HEADERS    8

struct aws_http {
    CURL *curl;
    struct aws_creds_provider *creds;
};

/* ------------------------------------------------------------------ request counts */

/* Every attempt sent, by service and operation, for this process (one lock: a request
 * costs far more than the count). */
#define MAX_COUNTED 128
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static struct aws_request_count counted[MAX_COUNTED];
static int ncounted;

/* The operation a request is: X-Amz-Target's (JSON protocols), Action= (query), else the
 * method with what its query or headers say (S3, Glacier: "PUT copy", "POST ?restore"). */
static void operation_of(const struct aws_req *q, char *op, size_t n)
{
    for (int i = 0; q->headers && q->headers[i]; i++) {
        const char *t = q->headers[i];
        if (!strncasecmp(t, "X-Amz-Target: ", 14)) {
            const char *dot = strrchr(t + 14, '.');
            snprintf(op, n, "%s", dot ? dot + 1 : t + 14);
            return;
        }
    }
    if (q->body && q->body_len > 7 && !strncmp(q->body, "Action=", 7)) {
        size_t l = strcspn(q->body + 7, "&");
        snprintf(op, n, "%.*s", (int)(l < 60 ? l : 60), q->body + 7);
        return;
    }
    int copy = 0;
    for (int i = 0; q->headers && q->headers[i]; i++)
        copy |= !strncasecmp(q->headers[i], "x-amz-copy-source:", 18);
    size_t ql = q->query ? strcspn(q->query, "=&") : 0;
    snprintf(op, n, "%s%s%s%.*s", q->method, copy ? " copy" : "", ql ? " ?" : "",
             (int)(ql < 40 ? ql : 40), ql ? q->query : "");
}

static void count_request(const struct aws_req *q)
{
    char op[72];
    operation_of(q, op, sizeof op);
    const char *svc = q->service ? q->service : "?";
    pthread_mutex_lock(&count_lock);
    int i = 0;
    while (i < ncounted && (strcmp(counted[i].service, svc) || strcmp(counted[i].operation, op)))
        i++;
    if (i == ncounted && ncounted < MAX_COUNTED) {
        snprintf(counted[i].service, sizeof counted[i].service, "%s", svc);
        snprintf(counted[i].operation, sizeof counted[i].operation, "%s", op);
        ncounted++;
    }
    if (i < ncounted)
        counted[i].count++;
    pthread_mutex_unlock(&count_lock);
}

int aws_request_counts(struct aws_request_count *out, int max)
{
    pthread_mutex_lock(&count_lock);
    int n = ncounted < max ? ncounted : max;
    memcpy(out, counted, (size_t)n * sizeof *out);
    pthread_mutex_unlock(&count_lock);
    return n;
}

/* GAS_REQUEST_COUNTS=FILE: at exit, "service operation count" lines appended to FILE (one
 * write, so that the processes of a benchmark can share it). */
static void dump_counts(void)
{
    const char *path = getenv("GAS_REQUEST_COUNTS");
    struct aws_request_count v[MAX_COUNTED];
    int n = aws_request_counts(v, MAX_COUNTED);
    if (!path || !*path || !n)
        return;
    struct strbuf sb;
    sb_init(&sb, 0);
    for (int i = 0; i < n; i++)
        sb_addf(&sb, "%s\t%s\t%lld\n", v[i].service, v[i].operation, v[i].count);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        if (write(fd, sb.buf, sb.len) < 0)
            log_warn("aws", "GAS_REQUEST_COUNTS %s: %s", path, strerror(errno));
        close(fd);
    }
    sb_release(&sb);
}

static pthread_once_t dump_once = PTHREAD_ONCE_INIT;
static void register_dump(void)
{
    if (getenv("GAS_REQUEST_COUNTS"))
        atexit(dump_counts);
}

struct aws_http *aws_http_new(struct aws_creds_provider *creds)
{
    struct aws_http *h = xcalloc(1, sizeof *h);
    pthread_once(&dump_once, register_dump);
    h->curl = curl_easy_init();
    h->creds = creds;
    return h;
}

void aws_http_free(struct aws_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h);
}

void aws_resp_release(struct aws_resp *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ response capture */

struct sink {
    struct aws_resp *resp;
    struct strbuf mem, hdrs;
    FILE *file;
    int over;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t k = size * n;
    if (s->file && s->resp->status / 100 == 2)
        return fwrite(data, 1, k, s->file);
    if (sb_add(&s->mem, data, k)) {
        s->over = 1;
        return 0;
    }
    return k;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t outn)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    size_t vl = n - nl - 1;
    while (vl && (*v == ' ' || *v == '\t'))
        v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    snprintf(out, outn, "%.*s", (int)vl, v);
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    struct aws_resp *r = s->resp;
    size_t k = size * n;
    if (k > 5 && !strncmp(line, "HTTP/", 5)) { /* a new status line (redirect, 100) */
        const char *sp = memchr(line, ' ', k);
        r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        s->hdrs.len = 0; /* keep only the final response's headers */
    }
    sb_add(&s->hdrs, line, k); /* bounded: headers past 64 kB are dropped */
    header_value(line, k, "x-amzn-RequestId", r->request_id, sizeof r->request_id);
    header_value(line, k, "x-amz-request-id", r->request_id, sizeof r->request_id);
    header_value(line, k, "ETag", r->etag, sizeof r->etag);
    header_value(line, k, "x-amz-restore", r->restore, sizeof r->restore);
    header_value(line, k, "x-amz-storage-class", r->storage_class, sizeof r->storage_class);
    char len[32] = "";
    header_value(line, k, "Content-Length", len, sizeof len);
    if (*len)
        r->content_length = atoll(len);
    return k;
}

/* The error code and message of a JSON ({"__type": "...#Code", "message"}) or XML
 * (<Code>, <Message>) error body. */
static void parse_error(struct aws_resp *r)
{
    const char *b = r->body ? r->body : "";
    const char *t = strstr(b, "\"__type\"");
    if (t && (t = strchr(t + 8, '"'))) {
        const char *end = strchr(t + 1, '"'), *hash = t;
        for (const char *p = t + 1; end && p < end; p++)
            if (*p == '#')
                hash = p;
        if (end)
            snprintf(r->error_code, sizeof r->error_code, "%.*s", (int)(end - hash - 1), hash + 1);
        const char *m = strstr(b, "\"message\"");
        if (!m)
            m = strstr(b, "\"Message\"");
        if (m && (m = strchr(m + 9, '"')) && (end = strchr(m + 1, '"')))
            snprintf(r->error_message, sizeof r->error_message, "%.*s", (int)(end - m - 1), m + 1);
        return;
    }
    const char *g = strstr(b, "\"code\""); /* Glacier: {"code": "...", "message": "..."} */
    if (g && (g = strchr(g + 6, '"'))) {
        const char *end = strchr(g + 1, '"');
        if (end)
            snprintf(r->error_code, sizeof r->error_code, "%.*s", (int)(end - g - 1), g + 1);
        const char *m = strstr(b, "\"message\"");
        if (m && (m = strchr(m + 9, '"')) && (end = strchr(m + 1, '"')))
            snprintf(r->error_message, sizeof r->error_message, "%.*s", (int)(end - m - 1), m + 1);
        return;
    }
    const char *c = strstr(b, "<Code>"), *ce = c ? strstr(c, "</Code>") : NULL;
    if (c && ce)
        snprintf(r->error_code, sizeof r->error_code, "%.*s", (int)(ce - c - 6), c + 6);
    const char *m = strstr(b, "<Message>"), *me = m ? strstr(m, "</Message>") : NULL;
    if (m && me)
        snprintf(r->error_message, sizeof r->error_message, "%.*s", (int)(me - m - 9), m + 9);
    const char *q = strstr(b, "<RequestId>"), *qe = q ? strstr(q, "</RequestId>") : NULL;
    if (q && qe && !r->request_id[0])
        snprintf(r->request_id, sizeof r->request_id, "%.*s", (int)(qe - q - 11), q + 11);
}

static int throttling(const char *code)
{
    static const char *codes[] = {"Throttling",
                                  "ThrottlingException",
                                  "ThrottledException",
                                  "RequestThrottledException",
                                  "TooManyRequestsException",
                                  "ProvisionedThroughputExceededException",
                                  "TransactionInProgressException",
                                  "RequestLimitExceeded",
                                  "BandwidthLimitExceeded",
                                  "LimitExceededException",
                                  "RequestThrottled",
                                  "SlowDown",
                                  "PriorRequestNotComplete",
                                  "EC2ThrottledException"};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        if (!strcmp(code, codes[i]))
            return 1;
    return 0;
}

/* What a final answer means, as a gas_err (the message names service, code and request). */
static int classify(const struct aws_req *q, const struct aws_resp *r)
{
    const char *c = r->error_code;
    int err = GAS_EINVAL;
    if (r->status == 404 || strstr(c, "NotFound") || strstr(c, "NoSuch") ||
        strstr(c, "NonExistentQueue") || strstr(c, "DoesNotExist"))
        err = GAS_ENOTFOUND;
    else if (strstr(c, "ConditionalCheckFailed") || !strcmp(c, "PreconditionFailed") ||
             r->status == 409 || r->status == 412)
        err = GAS_ECONFLICT;
    else if (!strcmp(c, "GlacierExpeditedRetrievalNotAvailable") ||
             !strcmp(c, "InsufficientCapacityException"))
        err = GAS_ECAPACITY;
    else if (r->status == 401 || r->status == 403 || strstr(c, "Signature") ||
             strstr(c, "AccessDenied") || strstr(c, "InvalidClientTokenId") ||
             strstr(c, "ExpiredToken") || strstr(c, "UnrecognizedClient"))
        err = GAS_EAUTH;
    else if (r->status >= 500 || r->status == 429 || throttling(c))
        err = r->status == 503 || throttling(c) ? GAS_EBUSY : GAS_ENET;
    return gas_err_set_service(err, c, r->request_id, "%s %s: HTTP %ld %s%s%s (request id %s)",
                               q->service, q->method, r->status, c[0] ? c : "error",
                               r->error_message[0] ? ": " : "", r->error_message,
                               r->request_id[0] ? r->request_id : "none");
}

static double retry_base(void)
{
    const char *e = getenv("GAS_AWS_RETRY_BASE_MS");
    return e ? atof(e) / 1000.0 : 1.0;
}

/* Full jitter: a random time in [0, min(20 s, base * 2^attempt)). */
static void backoff(int attempt)
{
    unsigned r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = (unsigned)time(NULL);
    double cap = retry_base() * (double)(1u << attempt);
    if (cap > 20)
        cap = 20;
    gas_sleep(cap * (r / 4294967296.0));
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const atomic_int *cancel = arg;
    return atomic_load(cancel) ? 1 : 0;
}

static int file_sha256(const char *path, char out[65], long long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "open %s: %s", path,
                           strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    char buf[1 << 16];
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        *size += (long long)n;
    }
    unsigned char d[32];
    unsigned dl;
    EVP_DigestFinal_ex(ctx, d, &dl);
    EVP_MD_CTX_free(ctx);
    int bad = ferror(f);
    fclose(f);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return bad ? gas_err_set(GAS_EIO, "read %s", path) : 0;
}

/* ------------------------------------------------------------------ one attempt */

static int attempt(struct aws_http *h, const struct aws_req *q, const char *payload_hash,
                   long long file_size, struct aws_resp *r)
{
    struct aws_creds cr;
    int rc = aws_creds_get(h->creds, &cr);
    if (rc)
        return rc;
    const char *host = strstr(q->endpoint, "://") ? strstr(q->endpoint, "://") + 3 : q->endpoint;
    struct sigv4_header sh[4 + MAX_EXTRA_HEADERS];
    char names[MAX_EXTRA_HEADERS][64];
    int nsh = 0;
    sh[nsh++] = (struct sigv4_header){"host", host};
    if (q->content_type)
        sh[nsh++] = (struct sigv4_header){"content-type", q->content_type};
    for (int i = 0; q->headers && q->headers[i] && i < MAX_EXTRA_HEADERS; i++) {
        const char *colon = strchr(q->headers[i], ':');
        size_t nl = colon ? (size_t)(colon - q->headers[i]) : 0;
        if (!colon || nl >= sizeof names[i] || !colon[1])
            continue; /* "Name:" lines only remove a curl default; nothing to sign */
        for (size_t k = 0; k < nl; k++)
            names[i][k] = (char)tolower((unsigned char)q->headers[i][k]);
        names[i][nl] = 0;
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        sh[nsh++] = (struct sigv4_header){names[i], v};
    }
    struct sigv4_creds sc = {cr.access_key, cr.secret_key, cr.token[0] ? cr.token : NULL};
    struct sigv4_request sreq = {q->method,   q->path ? q->path : "/", q->query, sh, nsh,
                                 payload_hash};
    struct sigv4_opts so = {q->region, q->service, time(NULL), 0, 0, q->sign_payload, 0, 0, 0};
    struct sigv4_result sig;
    if ((rc = sigv4_sign(&sreq, &sc, &so, &sig)) != 0)
        return rc;
    char *path = sigv4_uri_encode(q->path ? q->path : "/", strlen(q->path ? q->path : "/"), 1);
    char *url = xasprintf("%s%s%s%s", q->endpoint, path, q->query && *q->query ? "?" : "",
                          q->query && *q->query ? q->query : "");
    struct curl_slist *hl = NULL;
    char *lines[8];
    int nl = 0;
    lines[nl++] = xasprintf("Authorization: %s", sig.authorization);
    lines[nl++] = xasprintf("x-amz-date: %s", sig.amz_date);
    if (sig.content_sha256)
        lines[nl++] = xasprintf("x-amz-content-sha256: %s", sig.content_sha256);
    if (sig.token)
        lines[nl++] = xasprintf("x-amz-security-token: %s", sig.token);
    lines[nl++] = xasprintf("Content-Type: %s", q->content_type ? q->content_type : "");
    lines[nl++] = xstrdup("Expect:");
    for (int i = 0; i < nl; i++)
        hl = curl_slist_append(hl, lines[i]);
    for (const char *const *x = q->headers; x && *x; x++)
        hl = curl_slist_append(hl, *x);

    struct sink s = {.resp = r};
    sb_init(&s.mem, q->max_response ? q->max_response : DEFAULT_MAX_RESPONSE);
    sb_init(&s.hdrs, 64 * 1024);
    FILE *in = NULL;
    CURL *c = h->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* send exactly the path that was signed */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L); /* a stalled transfer ends after 60 s */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    const char *cap = getenv("GAS_AWS_MAX_BYTES_PER_S"); /* tests: a slow transfer */
    if (cap && atoll(cap) > 0) {
        curl_easy_setopt(c, CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t)atoll(cap));
        curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)atoll(cap));
    }
    if (q->cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)q->cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    if (!strcmp(q->method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(q->method, "GET"))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    if (q->body_file) {
        in = fopen(q->body_file, "rb");
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READDATA, in);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)file_size);
    } else if (q->body || !strcmp(q->method, "POST") || !strcmp(q->method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
    }
    if (q->out_file)
        s.file = fopen(q->out_file, "wb");
    CURLcode res =
        (q->body_file && !in) || (q->out_file && !s.file) ? CURLE_READ_ERROR : curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (in)
        fclose(in);
    if (s.file && fclose(s.file) && res == CURLE_OK)
        res = CURLE_WRITE_ERROR;
    r->len = s.mem.len;
    r->body = sb_detach(&s.mem);
    r->headers = sb_detach(&s.hdrs);
    if (s.over)
        rc = gas_err_set(GAS_ETOOBIG, "%s: response over %zu bytes", q->service,
                         q->max_response ? q->max_response : DEFAULT_MAX_RESPONSE);
    else if (res == CURLE_ABORTED_BY_CALLBACK)
        rc = gas_err_set(GAS_ETIMEOUT, "%s: cancelled", q->service);
    else if (res != CURLE_OK)
        rc = gas_err_set(res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CONNECT_ERROR
                             ? GAS_EAUTH
                             : GAS_ENET,
                         "%s %s: %s", q->service, url, curl_easy_strerror(res));
    curl_slist_free_all(hl);
    for (int i = 0; i < nl; i++)
        free(lines[i]);
    free(url);
    free(path);
    sigv4_result_release(&sig);
    memset(&cr, 0, sizeof cr);
    return rc;
}

int aws_http_do(struct aws_http *h, const struct aws_req *q, struct aws_resp *r)
{
    memset(r, 0, sizeof *r);
    if (!h->curl)
        return gas_err_set(GAS_EINTERNAL, "no curl handle");
    char hash[65];
    long long size = 0;
    int rc = 0;
    if (q->body_file)
        rc = file_sha256(q->body_file, hash, &size);
    else
        sigv4_sha256_hex(q->body ? q->body : "", q->body ? q->body_len : 0, hash);
    if (rc)
        return rc;
    for (int i = 0;; i++) {
        aws_resp_release(r);
        r->attempts = i + 1;
        count_request(q);
        rc = attempt(h, q, hash, size, r);
        if (!rc && r->status / 100 == 2)
            return 0;
        if (!rc) {
            parse_error(r);
            rc = classify(q, r);
        }
        int cancelled = q->cancel && atomic_load(q->cancel);
        int again = !cancelled && (rc == GAS_ENET || rc == GAS_EBUSY || rc == GAS_ETIMEOUT);
        if (!again || i + 1 >= MAX_ATTEMPTS)
            return rc;
        log_info("aws", "%s (attempt %d of %d, retrying)", gas_errmsg(), i + 1, MAX_ATTEMPTS);
        backoff(i);
    }
}

int aws_resp_header(const struct aws_resp *r, const char *name, char *out, size_t n)
{
    out[0] = 0;
    size_t nl = strlen(name);
    for (const char *l = r->headers; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l + 1) : strlen(l);
        if (len > nl && !strncasecmp(l, name, nl) && l[nl] == ':') {
            header_value(l, len, name, out, n);
            return 1;
        }
        l += len;
    }
    return 0;
}
