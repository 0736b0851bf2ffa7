/* aws cold store, legacy Glacier vault mode (existing GAS deployments): archives live in
 * the vault archive_vault. Archiving downloads the hot object to a scratch file, computes
 * its SHA-256 tree hash and uploads it (in one request, or as a multipart upload of
 * power-of-two-MiB parts above s3_multipart_threshold); the archive id is Glacier's. A
 * retrieval is an archive-retrieval job with the tier, its description (the job id) and
 * the thaw topic for the completion notice; its status is DescribeJob; fetch reads the
 * job output into a scratch file, checks its tree hash and uploads it to hot storage. */
#include "aws.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024 * 1024)

/* ------------------------------------------------------------------------ tree hash */

static void sha256(const void *a, size_t n, unsigned char out[32])
{
    unsigned dl = 0;
    EVP_Digest(a, n, out, &dl, EVP_sha256(), NULL);
}

int glacier_tree_hash(int fd, int64_t off, int64_t len, char out[65])
{
    int64_t chunks = len ? (len + MIB - 1) / MIB : 1;
    unsigned char(*h)[32] = xmalloc((size_t)chunks * 32);
    char *buf = xmalloc(MIB);
    int rc = 0;
    for (int64_t i = 0; i < chunks && !rc; i++) {
        size_t want = (size_t)(len - i * MIB < MIB ? len - i * MIB : MIB), got = 0;
        while (got < want) {
            ssize_t k = pread(fd, buf + got, want - got, (off_t)(off + i * MIB + (int64_t)got));
            if (k <= 0) {
                rc = gas_err_set(GAS_EIO, "read for tree hash: %s", k ? strerror(errno) : "short");
                break;
            }
            got += (size_t)k;
        }
        sha256(buf, want, h[i]);
    }
    /* combine pairs level by level; an odd one out moves up unchanged */
    for (int64_t n = chunks; n > 1 && !rc;) {
        int64_t m = 0;
        for (int64_t i = 0; i < n; i += 2, m++) {
            if (i + 1 < n) {
                unsigned char pair[64];
                memcpy(pair, h[i], 32);
                memcpy(pair + 32, h[i + 1], 32);
                sha256(pair, 64, h[m]);
            } else {
                memmove(h[m], h[i], 32);
            }
        }
        n = m;
    }
    for (int i = 0; i < 32 && !rc; i++)
        snprintf(out + 2 * i, 3, "%02x", h[0][i]);
    free(buf);
    free(h);
    return rc;
}

/* ----------------------------------------------------------------------- requests */

static int glacier(struct aws_be *ab, struct aws_req *q, const char *path, struct aws_resp *r)
{
    char *ep = aws_endpoint(ab, "glacier");
    q->endpoint = ep;
    q->path = path;
    q->service = "glacier";
    q->region = ab->region;
    if (!q->content_type)
        q->content_type = "application/json";
    int rc = aws_http_do(aws_http_of(ab), q, r);
    free(ep);
    return rc;
}

/* Headers of a request: the API version plus up to 5 more (NULL-terminated list). */
#define GLACIER_VERSION "x-amz-glacier-version: 2012-06-01"

static char *scratch(const struct cfg *cfg)
{
    const char *d = cfg_str(cfg, CFG_WORK_DIR);
    char owner[96]; /* "<name>.<owner>": removed by a starting gasd once its owner is gone */
    gas_owner_id(owner, sizeof owner);
    char *p = xasprintf("%s/gas-glacier-XXXXXX.%s", *d ? d : "/tmp", owner);
    if (*d && gas_mkdirs(d, 0700)) { /* an archive or thaw can be a new gasd's first work */
        free(p);
        return NULL;
    }
    int fd = mkstemps(p, (int)strlen(owner) + 1);
    if (fd < 0) {
        gas_err_set(GAS_EIO, "scratch file %s: %s", p, strerror(errno));
        free(p);
        return NULL;
    }
    fchmod(fd, 0600);
    close(fd);
    return p;
}

/* Printable ASCII only (Glacier's rule for descriptions); other bytes become '?'. */
static char *description(const char *desc)
{
    char *d = xstrndup(desc ? desc : "", 1024);
    for (char *p = d; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
    return d;
}

static int upload_single(struct aws_be *ab, const char *vault, const char *path, const char *th,
                         const char *desc, char **aid)
{
    char *pth = xasprintf("/-/vaults/%s/archives", vault);
    char *h1 = xasprintf("x-amz-sha256-tree-hash: %s", th);
    char *h2 = xasprintf("x-amz-archive-description: %s", desc);
    const char *hdrs[] = {GLACIER_VERSION, h1, *desc ? h2 : NULL, NULL};
    struct aws_req q = {.method = "POST",
                        .headers = hdrs,
                        .body_file = path,
                        .content_type = "application/octet-stream"};
    struct aws_resp r;
    int rc = glacier(ab, &q, pth, &r);
    char id[256];
    if (!rc && !aws_resp_header(&r, "x-amz-archive-id", id, sizeof id))
        rc = gas_err_set(GAS_EINVAL, "glacier: upload answer without x-amz-archive-id");
    if (!rc)
        *aid = xstrdup(id);
    aws_resp_release(&r);
    free(h1);
    free(h2);
    free(pth);
    return rc;
}

static int upload_multipart(struct aws_be *ab, const char *vault, int fd, int64_t size,
                            const char *th, const char *desc, char **aid)
{
    int64_t part = MIB; /* a power of two MiB near s3_part_size, at most 4 GiB */
    while (part * 2 <= cfg_int(ab->pub.cfg, CFG_S3_PART_SIZE) && part < 4096LL * MIB)
        part *= 2;
    while ((size + part - 1) / part > 10000)
        part *= 2;
    char *pth = xasprintf("/-/vaults/%s/multipart-uploads", vault);
    char *hp = xasprintf("x-amz-part-size: %lld", (long long)part);
    char *hd = xasprintf("x-amz-archive-description: %s", desc);
    const char *hdrs[] = {GLACIER_VERSION, hp, *desc ? hd : NULL, NULL};
    struct aws_req q = {.method = "POST", .headers = hdrs};
    struct aws_resp r;
    int rc = glacier(ab, &q, pth, &r);
    char upload[256] = "";
    if (!rc && !aws_resp_header(&r, "x-amz-multipart-upload-id", upload, sizeof upload))
        rc = gas_err_set(GAS_EINVAL, "glacier: no x-amz-multipart-upload-id");
    aws_resp_release(&r);
    free(hp);
    free(hd);
    free(pth);
    if (rc)
        return rc;
    pth = xasprintf("/-/vaults/%s/multipart-uploads/%s", vault, upload);
    char *buf = xmalloc((size_t)part);
    for (int64_t off = 0; !rc && off < size; off += part) {
        size_t want = (size_t)(size - off < part ? size - off : part), got = 0;
        while (got < want) {
            ssize_t k = pread(fd, buf + got, want - got, (off_t)(off + (int64_t)got));
            if (k <= 0) {
                rc = gas_err_set(GAS_EIO, "read archive part: %s", k ? strerror(errno) : "short");
                break;
            }
            got += (size_t)k;
        }
        char pth_hash[65];
        if (!rc)
            rc = glacier_tree_hash(fd, off, (int64_t)want, pth_hash);
        if (rc)
            break;
        char *hr = xasprintf("Content-Range: bytes %lld-%lld/*", (long long)off,
                             (long long)(off + (int64_t)want - 1));
        char *hh = xasprintf("x-amz-sha256-tree-hash: %s", pth_hash);
        const char *ph[] = {GLACIER_VERSION, hr, hh, NULL};
        struct aws_req pq = {.method = "PUT",
                             .headers = ph,
                             .body = buf,
                             .body_len = want,
                             .content_type = "application/octet-stream"};
        rc = glacier(ab, &pq, pth, &r);
        aws_resp_release(&r);
        free(hr);
        free(hh);
    }
    free(buf);
    if (!rc) {
        char *hh = xasprintf("x-amz-sha256-tree-hash: %s", th);
        char *hs = xasprintf("x-amz-archive-size: %lld", (long long)size);
        const char *ch[] = {GLACIER_VERSION, hh, hs, NULL};
        struct aws_req cq = {.method = "POST", .headers = ch};
        rc = glacier(ab, &cq, pth, &r);
        char id[256];
        if (!rc && !aws_resp_header(&r, "x-amz-archive-id", id, sizeof id))
            rc = gas_err_set(GAS_EINVAL, "glacier: completion without x-amz-archive-id");
        if (!rc)
            *aid = xstrdup(id);
        aws_resp_release(&r);
        free(hh);
        free(hs);
    }
    if (rc) {
        const char *ah[] = {GLACIER_VERSION, NULL};
        struct aws_req aq = {.method = "DELETE", .headers = ah};
        glacier(ab, &aq, pth, &r); /* abort, best effort */
        aws_resp_release(&r);
    }
    free(pth);
    return rc;
}

static int archive_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > 200)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* ----------------------------------------------------------------------- operations */

static int g_archive(struct cold *c, const char *bucket, const char *key, const char *desc,
                     char **archive_id)
{
    struct aws_be *ab = aws_of(c->be);
    *archive_id = NULL;
    char *tmp = scratch(c->be->cfg);
    if (!tmp)
        return GAS_EIO;
    int rc = objs_get_file(c->be->objs, bucket, key, tmp);
    int fd = rc ? -1 : open(tmp, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (!rc && (fd < 0 || fstat(fd, &st)))
        rc = gas_err_set(GAS_EIO, "open %s: %s", tmp, strerror(errno));
    char th[65], *d = description(desc);
    if (!rc)
        rc = glacier_tree_hash(fd, 0, (int64_t)st.st_size, th);
    if (!rc && st.st_size >= cfg_int(c->be->cfg, CFG_S3_MULTIPART_THRESHOLD))
        rc = upload_multipart(ab, c->vault, fd, (int64_t)st.st_size, th, d, archive_id);
    else if (!rc)
        rc = upload_single(ab, c->vault, tmp, th, d, archive_id);
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    free(d);
    return rc;
}

static int g_retrieve(struct cold *c, const char *archive_id, enum cold_tier tier, const char *desc,
                      const char *notify_topic, char **retrieval_id)
{
    struct aws_be *ab = aws_of(c->be);
    *retrieval_id = NULL;
    if (!archive_id_ok(archive_id))
        return gas_err_set(GAS_ENOTFOUND, "no archive \"%.100s\"", archive_id);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "Type", "archive-retrieval");
    cJSON_AddStringToObject(in, "ArchiveId", archive_id);
    cJSON_AddStringToObject(in, "Tier", cold_tier_name(tier));
    if (desc) {
        char *d = description(desc);
        cJSON_AddStringToObject(in, "Description", d);
        free(d);
    }
    char *arn = NULL;
    int rc = notify_topic ? aws_arn(ab, "sns", notify_topic, &arn) : 0;
    if (arn)
        cJSON_AddStringToObject(in, "SNSTopic", arn);
    char *body = cJSON_PrintUnformatted(in);
    char *pth = xasprintf("/-/vaults/%s/jobs", c->vault);
    const char *hdrs[] = {GLACIER_VERSION, NULL};
    struct aws_req q = {.method = "POST", .headers = hdrs, .body = body, .body_len = strlen(body)};
    struct aws_resp r = {0};
    if (!rc)
        rc = glacier(ab, &q, pth, &r);
    char id[256];
    if (!rc && !aws_resp_header(&r, "x-amz-job-id", id, sizeof id))
        rc = gas_err_set(GAS_EINVAL, "glacier: InitiateJob answer without x-amz-job-id");
    if (!rc)
        *retrieval_id = xstrdup(id);
    if (rc == GAS_ENOTFOUND)
        rc = gas_err_set(rc, "no archive %s in vault %s", archive_id, c->vault);
    aws_resp_release(&r);
    free(pth);
    cJSON_free(body);
    cJSON_Delete(in);
    free(arn);
    return rc;
}

static int g_status(struct cold *c, const char *retrieval_id, enum cold_status *st)
{
    if (!archive_id_ok(retrieval_id))
        return gas_err_set(GAS_ENOTFOUND, "no retrieval \"%.100s\"", retrieval_id);
    char *pth = xasprintf("/-/vaults/%s/jobs/%s", c->vault, retrieval_id);
    const char *hdrs[] = {GLACIER_VERSION, NULL};
    struct aws_req q = {.method = "GET", .headers = hdrs};
    struct aws_resp r;
    int rc = glacier(aws_of(c->be), &q, pth, &r);
    cJSON *job = NULL;
    if (!rc && json_parse_object(r.body, r.len, 1 << 20, &job))
        rc = gas_err_set(GAS_EINVAL, "glacier: DescribeJob answer is not JSON");
    if (!rc) {
        const char *s = json_str(job, "StatusCode");
        *st = s && !strcmp(s, "Succeeded") ? COLD_READY
              : s && !strcmp(s, "Failed")  ? COLD_FAILED
                                           : COLD_IN_PROGRESS;
    }
    if (rc == GAS_ENOTFOUND)
        rc = gas_err_set(rc, "no retrieval %s in vault %s", retrieval_id, c->vault);
    cJSON_Delete(job);
    aws_resp_release(&r);
    free(pth);
    return rc;
}

static int g_fetch(struct cold *c, const char *retrieval_id, const char *bucket, const char *key)
{
    enum cold_status st;
    int rc = g_status(c, retrieval_id, &st);
    if (rc)
        return rc;
    if (st != COLD_READY)
        return gas_err_set(GAS_ENOTREADY, "retrieval %s is %s", retrieval_id,
                           st == COLD_FAILED ? "failed" : "in progress");
    char *tmp = scratch(c->be->cfg);
    if (!tmp)
        return GAS_EIO;
    char *pth = xasprintf("/-/vaults/%s/jobs/%s/output", c->vault, retrieval_id);
    const char *hdrs[] = {GLACIER_VERSION, NULL};
    struct aws_req q = {.method = "GET", .headers = hdrs, .out_file = tmp};
    struct aws_resp r;
    rc = glacier(aws_of(c->be), &q, pth, &r);
    char want[80] = "", got[65];
    if (!rc && aws_resp_header(&r, "x-amz-sha256-tree-hash", want, sizeof want)) {
        int fd = open(tmp, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        rc = fd < 0 || fstat(fd, &sb) ? gas_err_set(GAS_EIO, "open %s", tmp)
                                      : glacier_tree_hash(fd, 0, (int64_t)sb.st_size, got);
        if (fd >= 0)
            close(fd);
        if (!rc && strcmp(want, got))
            rc = gas_err_set(GAS_ENET, "glacier: job output tree hash %s, expected %s", got, want);
    }
    aws_resp_release(&r);
    if (!rc)
        rc = objs_put_file(c->be->objs, bucket, key, tmp);
    unlink(tmp);
    free(tmp);
    free(pth);
    return rc;
}

static int g_del(struct cold *c, const char *archive_id)
{
    if (!archive_id_ok(archive_id))
        return gas_err_set(GAS_ENOTFOUND, "no archive \"%.100s\"", archive_id);
    char *pth = xasprintf("/-/vaults/%s/archives/%s", c->vault, archive_id);
    const char *hdrs[] = {GLACIER_VERSION, NULL};
    struct aws_req q = {.method = "DELETE", .headers = hdrs};
    struct aws_resp r;
    int rc = glacier(aws_of(c->be), &q, pth, &r);
    aws_resp_release(&r);
    free(pth);
    if (rc == GAS_ENOTFOUND)
        rc = gas_err_set(rc, "no archive %s in vault %s", archive_id, c->vault);
    return rc;
}

static void g_close(struct cold *c)
{
    free(c->vault);
    free(c);
}

static const struct cold_ops glacier_ops = {
    .archive = g_archive,
    .retrieve = g_retrieve,
    .status = g_status,
    .fetch = g_fetch,
    .del = g_del,
    .close = g_close,
};

int aws_cold_glacier_new(struct gas_backend *be, struct cold **out)
{
    const char *v = cfg_str(be->cfg, CFG_ARCHIVE_VAULT);
    size_t n = strlen(v);
    if (n < 1 || n > 255 ||
        strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789_-.") != n)
        return gas_err_set(GAS_EINVAL, "archive_vault \"%.80s\" is not a valid vault name", v);
    struct cold *c = xcalloc(1, sizeof *c);
    c->ops = &glacier_ops;
    c->be = be;
    c->vault = xstrdup(v);
    *out = c;
    return 0;
}

int aws_cold_glacier_create(struct gas_backend *be, const char *thaw_topic)
{
    char *pth = xasprintf("/-/vaults/%s", cfg_str(be->cfg, CFG_ARCHIVE_VAULT));
    const char *hdrs[] = {GLACIER_VERSION, NULL};
    struct aws_req q = {.method = "PUT", .headers = hdrs};
    struct aws_resp r;
    int rc = glacier(aws_of(be), &q, pth, &r); /* idempotent */
    aws_resp_release(&r);
    free(pth);
    return rc; /* completion notices name the topic per retrieval (InitiateJob's SNSTopic) */
}
