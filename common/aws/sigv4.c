/* sigv4: AWS Signature Version 4 (see include/gas/sigv4.h). */
#include "gas/sigv4.h"

#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char EMPTY_SHA256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

void sigv4_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char d[32];
    unsigned dl = 0;
    EVP_Digest(data, n, d, &dl, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void hmac(const void *key, size_t kl, const char *msg, unsigned char out[32])
{
    size_t ol = 0;
    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, kl, (const unsigned char *)msg, strlen(msg),
              out, 32, &ol);
}

char *sigv4_uri_encode(const char *s, size_t n, int keep_slash)
{
    struct strbuf sb;
    sb_init(&sb, 0);
    sb_add(&sb, "", 0);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/'))
            sb_add(&sb, (const char *)&c, 1);
        else
            sb_addf(&sb, "%%%02X", c);
    }
    return sb_detach(&sb);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* %XX decoding (a '%' not followed by two hex digits stays as it is). */
static char *uri_decode(const char *s, size_t n, size_t *len)
{
    char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
    *len = k;
    return out;
}

/* Removes "." and ".." segments and empty segments (RFC 3986 5.2.4, plus AWS's slash
 * collapsing); keeps a trailing slash. */
static char *normalize_path(const char *p)
{
    size_t n = strlen(p);
    char **segs = xcalloc(n + 2, sizeof *segs);
    int ns = 0, trailing = n > 0 && p[n - 1] == '/';
    char *copy = xstrdup(p);
    for (char *save = NULL, *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..")) {
            if (ns)
                ns--;
            continue;
        }
        segs[ns++] = t;
    }
    struct strbuf sb;
    sb_init(&sb, 0);
    sb_adds(&sb, "/");
    for (int i = 0; i < ns; i++) {
        sb_adds(&sb, segs[i]);
        if (i < ns - 1 || trailing)
            sb_adds(&sb, "/");
    }
    free(copy);
    free(segs);
    return sb_detach(&sb);
}

static char *canonical_path(const char *path, const struct sigv4_opts *o)
{
    char *p = o->normalize_path ? normalize_path(path && *path ? path : "/")
                                : xstrdup(path && *path ? path : "/");
    char *e = sigv4_uri_encode(p, strlen(p), 1);
    free(p);
    if (o->double_encode) {
        char *e2 = sigv4_uri_encode(e, strlen(e), 1);
        free(e);
        e = e2;
    }
    return e;
}

struct param {
    char *k, *v;
};

static int cmp_param(const void *a, const void *b)
{
    const struct param *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

static void add_param(struct param **ps, int *n, int *cap, const char *k, size_t kl, const char *v,
                      size_t vl)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *ps = xrealloc(*ps, (size_t)*cap * sizeof **ps);
    }
    size_t dk, dv;
    char *rk = uri_decode(k, kl, &dk), *rv = uri_decode(v, vl, &dv);
    (*ps)[*n].k = sigv4_uri_encode(rk, dk, 0);
    (*ps)[*n].v = sigv4_uri_encode(rv, dv, 0);
    (*n)++;
    free(rk);
    free(rv);
}

/* The canonical query of the request's query plus extra params (already raw). */
static char *canonical_query(const char *query, const char *const *extra, int nextra)
{
    struct param *ps = NULL;
    int n = 0, cap = 0;
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t kl = eq ? (size_t)(eq - p) : len;
            add_param(&ps, &n, &cap, p, kl, eq ? eq + 1 : "", eq ? len - kl - 1 : 0);
        }
        p = amp ? amp + 1 : p + len;
    }
    for (int i = 0; i + 1 < 2 * nextra; i += 2)
        add_param(&ps, &n, &cap, extra[i], strlen(extra[i]), extra[i + 1], strlen(extra[i + 1]));
    if (n)
        qsort(ps, (size_t)n, sizeof *ps, cmp_param);
    struct strbuf sb;
    sb_init(&sb, 0);
    sb_add(&sb, "", 0);
    for (int i = 0; i < n; i++) {
        sb_addf(&sb, "%s%s=%s", i ? "&" : "", ps[i].k, ps[i].v);
        free(ps[i].k);
        free(ps[i].v);
    }
    free(ps);
    return sb_detach(&sb);
}

struct hdr {
    char *name;
    struct strbuf value;
};

static int cmp_hdr(const void *a, const void *b)
{
    return strcmp(((const struct hdr *)a)->name, ((const struct hdr *)b)->name);
}

/* Trims a value and folds runs of whitespace (including line breaks) into one space. */
static void fold_value(struct strbuf *sb, const char *v)
{
    while (isspace((unsigned char)*v))
        v++;
    int space = 0;
    for (; *v; v++) {
        if (isspace((unsigned char)*v)) {
            space = 1;
            continue;
        }
        if (space && sb->len)
            sb_add(sb, " ", 1);
        space = 0;
        sb_add(sb, v, 1);
    }
}

/* Canonical headers and the signed-header list, from the request's headers plus extras. */
static void canonical_headers(const struct sigv4_request *req, const struct sigv4_header *extra,
                              int nextra, char **canon, char **signed_list)
{
    int total = req->nheaders + nextra, n = 0;
    struct hdr *hs = xcalloc((size_t)total + 1, sizeof *hs);
    for (int i = 0; i < total; i++) {
        const struct sigv4_header *h =
            i < req->nheaders ? &req->headers[i] : &extra[i - req->nheaders];
        char *lower = xstrdup(h->name);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        struct hdr *found = NULL;
        for (int k = 0; k < n && !found; k++)
            if (!strcmp(hs[k].name, lower))
                found = &hs[k];
        if (found) { /* a repeated header: values joined with ',' in order */
            free(lower);
            sb_add(&found->value, ",", 1);
            fold_value(&found->value, h->value);
            continue;
        }
        hs[n].name = lower;
        sb_init(&hs[n].value, 0);
        sb_add(&hs[n].value, "", 0);
        fold_value(&hs[n].value, h->value);
        n++;
    }
    qsort(hs, (size_t)n, sizeof *hs, cmp_hdr);
    struct strbuf c, s;
    sb_init(&c, 0);
    sb_init(&s, 0);
    sb_add(&c, "", 0);
    sb_add(&s, "", 0);
    for (int i = 0; i < n; i++) {
        sb_addf(&c, "%s:%s\n", hs[i].name, hs[i].value.buf);
        sb_addf(&s, "%s%s", i ? ";" : "", hs[i].name);
        free(hs[i].name);
        sb_release(&hs[i].value);
    }
    free(hs);
    *canon = sb_detach(&c);
    *signed_list = sb_detach(&s);
}

int sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *cr,
               const struct sigv4_opts *o, struct sigv4_result *out)
{
    memset(out, 0, sizeof *out);
    if (!cr->access_key || !cr->secret_key || !*cr->access_key || !*cr->secret_key)
        return gas_err_set(GAS_EAUTH, "no AWS credentials to sign with");
    if (o->presign && (o->expires < 1 || o->expires > 604800))
        return gas_err_set(GAS_EINVAL, "presigned URL expiry must be 1..604800 seconds");
    struct tm tm;
    gmtime_r(&o->when, &tm);
    char date[9];
    strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ", &tm);
    strftime(date, sizeof date, "%Y%m%d", &tm);
    char *scope = xasprintf("%s/%s/%s/aws4_request", date, o->region, o->service);
    const char *payload = req->payload_hash ? req->payload_hash : EMPTY_SHA256;
    int sign_token = cr->token && *cr->token && !o->omit_token;

    struct sigv4_header extra[3] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
    int nextra = 0;
    char *cq, *ch, *sh;
    if (o->presign) {
        char *cred = xasprintf("%s/%s", cr->access_key, scope), expires[16];
        snprintf(expires, sizeof expires, "%d", o->expires);
        canonical_headers(req, extra, 0, &ch, &sh);
        const char *params[] = {"X-Amz-Algorithm",      "AWS4-HMAC-SHA256",
                                "X-Amz-Credential",     cred,
                                "X-Amz-Date",           out->amz_date,
                                "X-Amz-Expires",        expires,
                                "X-Amz-SignedHeaders",  sh,
                                "X-Amz-Security-Token", cr->token ? cr->token : ""};
        cq = canonical_query(req->query, params, sign_token ? 6 : 5);
        free(cred);
    } else {
        extra[nextra++] = (struct sigv4_header){"x-amz-date", out->amz_date};
        if (o->sign_payload) {
            out->content_sha256 = xstrdup(payload);
            extra[nextra++] = (struct sigv4_header){"x-amz-content-sha256", payload};
        }
        if (sign_token)
            extra[nextra++] = (struct sigv4_header){"x-amz-security-token", cr->token};
        canonical_headers(req, extra, nextra, &ch, &sh);
        cq = canonical_query(req->query, NULL, 0);
    }
    if (cr->token && *cr->token && !o->presign)
        out->token = cr->token;
    char *path = canonical_path(req->path, o);
    out->canonical_request =
        xasprintf("%s\n%s\n%s\n%s\n%s\n%s", req->method, path, cq, ch, sh, payload);
    char creq_hash[65];
    sigv4_sha256_hex(out->canonical_request, strlen(out->canonical_request), creq_hash);
    out->string_to_sign =
        xasprintf("AWS4-HMAC-SHA256\n%s\n%s\n%s", out->amz_date, scope, creq_hash);

    /* signing key: HMAC chain from "AWS4" + secret */
    unsigned char k[32], k2[32];
    char *seed = xasprintf("AWS4%s", cr->secret_key);
    hmac(seed, strlen(seed), date, k);
    memset(seed, 0, strlen(seed));
    free(seed);
    hmac(k, 32, o->region, k2);
    hmac(k2, 32, o->service, k);
    hmac(k, 32, "aws4_request", k2);
    hmac(k2, 32, out->string_to_sign, k);
    for (int i = 0; i < 32; i++)
        snprintf(out->signature + 2 * i, 3, "%02x", k[i]);
    memset(k2, 0, sizeof k2);

    if (o->presign) {
        /* what is sent: the canonical query plus the signature (and an unsigned token) */
        const char *tok = cr->token && *cr->token && o->omit_token ? cr->token : NULL;
        char *enc_tok = tok ? sigv4_uri_encode(tok, strlen(tok), 0) : NULL;
        out->query = xasprintf("%s%s%s&X-Amz-Signature=%s", cq, tok ? "&X-Amz-Security-Token=" : "",
                               tok ? enc_tok : "", out->signature);
        free(enc_tok);
    } else {
        out->authorization = xasprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                                       "Signature=%s",
                                       cr->access_key, scope, sh, out->signature);
    }
    free(scope);
    free(cq);
    free(ch);
    free(sh);
    free(path);
    return 0;
}

void sigv4_result_release(struct sigv4_result *r)
{
    free(r->canonical_request);
    free(r->string_to_sign);
    free(r->authorization);
    free(r->query);
    free(r->content_sha256);
    memset(r, 0, sizeof *r);
}
