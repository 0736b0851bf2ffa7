/* sigv4: every case of AWS's SigV4 test suite (../shared/testdata/sigv4, from
 * awslabs/aws-c-auth), in header mode and presigned-query mode: canonical request, string
 * to sign, signature and the Authorization value must match the suite byte for byte. */
#include "../harness.h"

#include "gas/json.h"
#include "gas/sigv4.h"
#include "gas/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SUITE "../shared/testdata/sigv4"

static char *slurp(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s/%s", SUITE, dir, name), *data = NULL;
    size_t n;
    if (gas_read_file(path, 1 << 20, &data, &n))
        data = NULL;
    free(path);
    return data;
}

struct parsed {
    char *method, *path, *query, *body;
    struct sigv4_header h[32];
    int nh;
    char *buf;
};

/* request.txt: "METHOD TARGET HTTP/1.1", "Name:value" lines (continuations start with
 * whitespace), a blank line, then the body. */
static int parse_request(char *text, struct parsed *r)
{
    memset(r, 0, sizeof *r);
    r->buf = text;
    char *eol = strchr(text, '\n');
    if (!eol)
        return -1;
    *eol = 0;
    char *sp = strchr(text, ' '), *http = strstr(text, " HTTP/");
    if (!sp || !http)
        return -1;
    *sp = 0;
    *http = 0;
    r->method = text;
    r->path = sp + 1;
    char *q = strchr(r->path, '?');
    if (q) {
        *q = 0;
        r->query = q + 1;
    }
    char *line = eol + 1;
    while (line && *line && *line != '\n') {
        char *next = strchr(line, '\n');
        if (next)
            *next = 0;
        if ((*line == ' ' || *line == '\t') && r->nh) { /* a continuation: keep it folded */
            struct sigv4_header *h = &r->h[r->nh - 1];
            char *joined = xasprintf("%s\n%s", h->value, line);
            free((char *)h->value);
            h->value = joined;
        } else {
            char *colon = strchr(line, ':');
            if (!colon || r->nh == 32)
                return -1;
            *colon = 0;
            r->h[r->nh].name = line;
            r->h[r->nh++].value = xstrdup(colon + 1);
        }
        line = next ? next + 1 : NULL;
    }
    r->body = line && *line == '\n' ? line + 1 : (char *)"";
    return 0;
}

static void parsed_release(struct parsed *r)
{
    for (int i = 0; i < r->nh; i++)
        free((char *)r->h[i].value);
    free(r->buf);
}

static time_t parse_time(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return timegm(&tm);
}

static int same(const char *what, const char *dir, const char *got, const char *want)
{
    if (want && got && !strcmp(got, want))
        return 1;
    t_fail(__FILE__, __LINE__, "%s %s:\n--- got\n%s\n--- want\n%s", dir, what, got ? got : "(null)",
           want ? want : "(missing)");
    return 0;
}

static int run_case(const char *dir, int presign)
{
    char *ctx_text = slurp(dir, "context.json"), *req_text = slurp(dir, "request.txt");
    const char *pre = presign ? "query-" : "header-";
    char *names[3] = {xasprintf("%scanonical-request.txt", pre),
                      xasprintf("%sstring-to-sign.txt", pre), xasprintf("%ssignature.txt", pre)};
    char *want_creq = slurp(dir, names[0]), *want_sts = slurp(dir, names[1]);
    char *want_sig = slurp(dir, names[2]),
         *signed_req =
             slurp(dir, presign ? "query-signed-request.txt" : "header-signed-request.txt");
    cJSON *ctx = NULL;
    struct parsed r;
    int ok = 0;
    if (!ctx_text || !req_text || json_parse_object(ctx_text, strlen(ctx_text), 1 << 16, &ctx) ||
        parse_request(req_text, &r)) {
        t_fail(__FILE__, __LINE__, "%s: cannot read the case", dir);
        free(req_text);
        goto out;
    }
    const cJSON *cred = cJSON_GetObjectItem(ctx, "credentials");
    struct sigv4_creds cr = {json_str(cred, "access_key_id"), json_str(cred, "secret_access_key"),
                             json_str(cred, "token")};
    char body_hash[65];
    sigv4_sha256_hex(r.body, strlen(r.body), body_hash);
    int64_t expires = 3600;
    json_int(ctx, "expiration_in_seconds", &expires);
    struct sigv4_opts o = {json_str(ctx, "region"),
                           json_str(ctx, "service"),
                           parse_time(json_str(ctx, "timestamp")),
                           cJSON_IsTrue(cJSON_GetObjectItem(ctx, "normalize")),
                           0,
                           cJSON_IsTrue(cJSON_GetObjectItem(ctx, "sign_body")),
                           cJSON_IsTrue(cJSON_GetObjectItem(ctx, "omit_session_token")),
                           presign,
                           (int)expires};
    struct sigv4_request req = {r.method, r.path, r.query, r.h, r.nh, body_hash};
    struct sigv4_result res;
    if (sigv4_sign(&req, &cr, &o, &res)) {
        t_fail(__FILE__, __LINE__, "%s: %s", dir, gas_errmsg());
        parsed_release(&r);
        goto out;
    }
    ok = same("canonical request", dir, res.canonical_request, want_creq) &&
         same("string to sign", dir, res.string_to_sign, want_sts) &&
         same("signature", dir, res.signature, want_sig);
    if (ok && !presign) {
        char *auth = signed_req ? strstr(signed_req, "\nAuthorization:") : NULL;
        char *end = auth ? strchr(auth + 1, '\n') : NULL;
        if (end)
            *end = 0;
        ok = same("Authorization", dir, res.authorization, auth ? auth + 15 : NULL);
    } else if (ok) {
        char *want = xasprintf("X-Amz-Signature=%s", want_sig);
        ok = strstr(res.query, want) != NULL;
        if (!ok)
            t_fail(__FILE__, __LINE__, "%s: query %s lacks %s", dir, res.query, want);
        free(want);
    }
    sigv4_result_release(&res);
    parsed_release(&r);
out:
    cJSON_Delete(ctx);
    free(ctx_text);
    for (int i = 0; i < 3; i++)
        free(names[i]);
    free(want_creq);
    free(want_sts);
    free(want_sig);
    free(signed_req);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_suite(int presign)
{
    DIR *d = opendir(SUITE);
    if (!d) {
        t_fail(__FILE__, __LINE__, "%s not found: this test needs ../shared beside the project",
               SUITE);
        return;
    }
    char *names[128];
    int n = 0, passed = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 128)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "LICENSE") && strcmp(e->d_name, "NOTICE"))
            names[n++] = xstrdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        passed += run_case(names[i], presign);
        free(names[i]);
    }
    printf("    %s mode: %d of %d cases match\n", presign ? "presigned-query" : "header", passed,
           n);
    CHECK(n >= 38);
    CHECK_INT(passed, n);
}

static void header_signatures(void)
{
    run_suite(0);
}
static void presigned_queries(void)
{
    run_suite(1);
}

static void refuses_without_credentials(void)
{
    struct sigv4_creds cr = {"", "", NULL};
    struct sigv4_request req = {"GET", "/", NULL, NULL, 0, NULL};
    struct sigv4_opts o = {"us-east-1", "s3", 0, 0, 0, 0, 0, 0, 0};
    struct sigv4_result res;
    CHECK_RC(sigv4_sign(&req, &cr, &o, &res), GAS_EAUTH);
    cr = (struct sigv4_creds){"AK", "SK", NULL};
    o.presign = 1;
    o.expires = 604801;
    CHECK_RC(sigv4_sign(&req, &cr, &o, &res), GAS_EINVAL);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(header_signatures),
        T(presigned_queries),
        T(refuses_without_credentials),
    };
    return t_main("sigv4", cases, sizeof cases / sizeof *cases, argc, argv);
}
