/* aws objects: S3 over REST-XML. Uploads stream from the file (payload hash signed);
 * files of s3_multipart_threshold bytes or more go up in parts of s3_part_size (one part
 * in memory at a time; the upload is aborted on failure, so nothing half-made stays).
 * Downloads stream into a temporary file beside the target, fsynced and renamed, so the
 * target appears whole or not at all. Addressing: path style on an endpoint override
 * (moto) and for bucket names with dots, virtual-hosted on AWS. */
#include "aws.h"

#include "gas/awscreds.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/sigv4.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Endpoint and path of bucket/key (key may be NULL: the bucket itself). */
static void address(struct aws_be *ab, const char *bucket, const char *key, char **ep, char **path)
{
    if (*ab->endpoint || strchr(bucket, '.')) {
        *ep = *ab->endpoint ? xstrdup(ab->endpoint)
                            : xasprintf("https://s3.%s.%s", ab->region, aws_domain(ab->region));
        *path = key ? xasprintf("/%s/%s", bucket, key) : xasprintf("/%s", bucket);
    } else {
        *ep = xasprintf("https://%s.s3.%s.%s", bucket, ab->region, aws_domain(ab->region));
        *path = xasprintf("/%s", key ? key : "");
    }
}

int aws_s3(struct aws_be *ab, struct aws_req *q, const char *bucket, const char *key,
           struct aws_resp *r)
{
    char *ep, *path;
    address(ab, bucket, key, &ep, &path);
    q->endpoint = ep;
    q->path = path;
    q->service = "s3";
    q->region = ab->region;
    q->sign_payload = 1;
    int rc = aws_http_do(aws_http_of(ab), q, r);
    free(ep);
    free(path);
    return rc;
}

/* A call whose answer body is not needed. */
static int s3_simple(struct aws_be *ab, struct aws_req *q, const char *bucket, const char *key)
{
    struct aws_resp r;
    int rc = aws_s3(ab, q, bucket, key, &r);
    aws_resp_release(&r);
    return rc;
}

static int not_found(int rc, const char *bucket, const char *key)
{
    return rc == GAS_ENOTFOUND ? gas_err_set(rc, "no object s3://%s/%s", bucket, key) : rc;
}

/* ------------------------------------------------------------------------ multipart */

static int multipart_put(struct aws_be *ab, const char *bucket, const char *key, const char *path,
                         int64_t size)
{
    int64_t part = cfg_int(ab->pub.cfg, CFG_S3_PART_SIZE);
    if ((size + part - 1) / part > 10000)
        part = (size + 9999) / 10000; /* S3 allows 10,000 parts */
    struct aws_req q = {
        .method = "POST", .query = "uploads=", .content_type = "application/octet-stream"};
    struct aws_resp r;
    int rc = aws_s3(ab, &q, bucket, key, &r);
    char *upload = rc ? NULL : aws_xml_text(r.body, "UploadId");
    aws_resp_release(&r);
    if (rc)
        return rc;
    if (!upload)
        return gas_err_set(GAS_EINVAL, "s3: CreateMultipartUpload answer without UploadId");
    char *uid = aws_form_encode(upload);
    struct strbuf done;
    sb_init(&done, 0);
    sb_adds(&done, "<CompleteMultipartUpload>");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        rc = gas_err_set(GAS_EIO, "open %s: %s", path, strerror(errno));
    char *buf = rc ? NULL : xmalloc((size_t)part);
    for (int64_t off = 0, n = 1; !rc && off < size; off += part, n++) {
        size_t want = (size_t)(size - off < part ? size - off : part), got = 0;
        while (got < want) {
            ssize_t k = pread(fd, buf + got, want - got, (off_t)(off + (int64_t)got));
            if (k <= 0) {
                rc = gas_err_set(GAS_EIO, "read %s: %s", path, k ? strerror(errno) : "short");
                break;
            }
            got += (size_t)k;
        }
        if (rc)
            break;
        char *query = xasprintf("partNumber=%lld&uploadId=%s", (long long)n, uid);
        struct aws_req pq = {.method = "PUT",
                             .query = query,
                             .body = buf,
                             .body_len = want,
                             .content_type = "application/octet-stream",
                             .cancel = &ab->pub.interrupted};
        rc = aws_s3(ab, &pq, bucket, key, &r);
        if (!rc)
            sb_addf(&done, "<Part><PartNumber>%lld</PartNumber><ETag>%s</ETag></Part>",
                    (long long)n, r.etag);
        aws_resp_release(&r);
        free(query);
    }
    free(buf);
    if (fd >= 0)
        close(fd);
    sb_adds(&done, "</CompleteMultipartUpload>");
    char *xml = sb_detach(&done), *query = xasprintf("uploadId=%s", uid);
    if (!rc) {
        struct aws_req cq = {.method = "POST",
                             .query = query,
                             .body = xml,
                             .body_len = strlen(xml),
                             .content_type = "application/xml"};
        rc = aws_s3(ab, &cq, bucket, key, &r);
        /* a 200 can still carry an error in its body */
        if (!rc && r.body && strstr(r.body, "<Error>"))
            rc = gas_err_set(GAS_ENET, "s3: CompleteMultipartUpload failed: %.200s", r.body);
        aws_resp_release(&r);
    }
    if (rc) {
        struct aws_req aq = {.method = "DELETE", .query = query};
        s3_simple(ab, &aq, bucket, key); /* abort: the parts go, best effort */
    }
    free(query);
    free(xml);
    free(uid);
    free(upload);
    return rc;
}

/* ------------------------------------------------------------------------ operations */

static int o_put_file(struct objs *o, const char *bucket, const char *key, const char *path)
{
    struct aws_be *ab = aws_of(o->be);
    struct stat st;
    if (stat(path, &st))
        return gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "stat %s: %s", path,
                           strerror(errno));
    if (st.st_size >= cfg_int(ab->pub.cfg, CFG_S3_MULTIPART_THRESHOLD))
        return multipart_put(ab, bucket, key, path, (int64_t)st.st_size);
    struct aws_req q = {.method = "PUT",
                        .body_file = path,
                        .content_type = "application/octet-stream",
                        .cancel = &ab->pub.interrupted}; /* SIGTERM aborts the transfer */
    return s3_simple(ab, &q, bucket, key);
}

static int o_get_file(struct objs *o, const char *bucket, const char *key, const char *path)
{
    char *dir = xstrdup(path);
    char *tmp = xasprintf("%s/.%s.XXXXXX", dirname(dir), "gas-download");
    free(dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = gas_err_set(GAS_EIO, "create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    struct aws_req q = {.method = "GET", .out_file = tmp, .cancel = &o->be->interrupted};
    int rc = not_found(s3_simple(aws_of(o->be), &q, bucket, key), bucket, key);
    if (!rc) {
        fd = open(tmp, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) || rename(tmp, path))
            rc = gas_err_set(GAS_EIO, "write %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int o_head(struct objs *o, const char *bucket, const char *key, struct obj_info *info)
{
    struct aws_req q = {.method = "HEAD"};
    struct aws_resp r;
    int rc = not_found(aws_s3(aws_of(o->be), &q, bucket, key, &r), bucket, key);
    if (!rc) {
        memset(info, 0, sizeof *info);
        info->size = r.content_length;
        const char *e = r.etag;
        size_t n = strlen(e);
        if (n >= 2 && e[0] == '"' && e[n - 1] == '"')
            snprintf(info->etag, sizeof info->etag, "%.*s", (int)(n - 2), e + 1);
        else
            snprintf(info->etag, sizeof info->etag, "%s", e);
        snprintf(info->storage_class, sizeof info->storage_class, "%s",
                 r.storage_class[0] ? r.storage_class : "STANDARD");
    }
    aws_resp_release(&r);
    return rc;
}

int aws_s3_copy(struct aws_be *ab, const char *sbucket, const char *skey, const char *dbucket,
                const char *dkey, const char *storage_class)
{
    char *src = xasprintf("/%s/%s", sbucket, skey);
    char *enc = sigv4_uri_encode(src, strlen(src), 1);
    char *h1 = xasprintf("x-amz-copy-source: %s", enc);
    char *h2 = xasprintf("x-amz-storage-class: %s", storage_class ? storage_class : "STANDARD");
    const char *hdrs[] = {h1, h2, NULL};
    struct aws_req q = {.method = "PUT", .headers = hdrs};
    struct aws_resp r;
    int rc = aws_s3(ab, &q, dbucket, dkey, &r);
    if (!rc && r.body && strstr(r.body, "<Error>")) /* a 200 with an error inside */
        rc = gas_err_set(GAS_ENET, "s3: copy to %s/%s failed: %.200s", dbucket, dkey, r.body);
    aws_resp_release(&r);
    free(h1);
    free(h2);
    free(enc);
    free(src);
    return not_found(rc, sbucket, skey);
}

static int o_copy(struct objs *o, const char *sbucket, const char *skey, const char *dbucket,
                  const char *dkey)
{
    return aws_s3_copy(aws_of(o->be), sbucket, skey, dbucket, dkey, NULL);
}

static int o_del(struct objs *o, const char *bucket, const char *key)
{
    struct aws_req q = {.method = "DELETE"};
    int rc = s3_simple(aws_of(o->be), &q, bucket, key);
    return rc == GAS_ENOTFOUND && !gas_err_code_has("NoSuchBucket") ? 0 : rc;
}

static int o_link(struct objs *o, const char *bucket, const char *key, int expires, char **url)
{
    struct aws_be *ab = aws_of(o->be);
    struct aws_creds cr;
    int rc = aws_creds_get(ab->creds, &cr);
    if (rc)
        return rc;
    char *ep, *path;
    address(ab, bucket, key, &ep, &path);
    const char *host = strstr(ep, "://") + 3;
    struct sigv4_header h = {"host", host};
    struct sigv4_request req = {"GET", path, NULL, &h, 1, "UNSIGNED-PAYLOAD"};
    struct sigv4_creds sc = {cr.access_key, cr.secret_key, cr.token[0] ? cr.token : NULL};
    struct sigv4_opts so = {.region = ab->region,
                            .service = "s3",
                            .when = time(NULL),
                            .presign = 1,
                            .expires = expires};
    struct sigv4_result sig;
    rc = sigv4_sign(&req, &sc, &so, &sig);
    if (!rc) {
        char *epath = sigv4_uri_encode(path, strlen(path), 1);
        *url = xasprintf("%s%s?%s", ep, epath, sig.query);
        free(epath);
        sigv4_result_release(&sig);
    }
    memset(&cr, 0, sizeof cr);
    free(ep);
    free(path);
    return rc;
}

static void o_close(struct objs *o)
{
    free(o);
}

static const struct objs_ops s3_ops = {
    .put_file = o_put_file,
    .get_file = o_get_file,
    .head = o_head,
    .copy = o_copy,
    .del = o_del,
    .link = o_link,
    .close = o_close,
};

int aws_objs_new(struct gas_backend *be, struct objs **out)
{
    struct objs *o = xcalloc(1, sizeof *o);
    o->ops = &s3_ops;
    o->be = be;
    *out = o;
    return 0;
}

/* A bucket that exists (a deployment's, shared with its web app) is left as it is: no
 * public access block put on it, nothing else changed. */
int aws_bucket_create(struct gas_backend *be, const char *bucket, int *kept)
{
    struct aws_be *ab = aws_of(be);
    struct aws_req hq = {.method = "HEAD"};
    struct aws_resp hr;
    int hrc = aws_s3(ab, &hq, bucket, NULL, &hr);
    aws_resp_release(&hr);
    if (!hrc) {
        if (kept)
            *kept = 1;
        return 0;
    }
    if (hrc != GAS_ENOTFOUND)
        return gas_err_wrap(hrc, "bucket %s", bucket);
    char *body = NULL;
    if (strcmp(ab->region, "us-east-1"))
        body = xasprintf("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/"
                         "2006-03-01/\"><LocationConstraint>%s</LocationConstraint>"
                         "</CreateBucketConfiguration>",
                         ab->region);
    struct aws_req q = {.method = "PUT",
                        .body = body,
                        .body_len = body ? strlen(body) : 0,
                        .content_type = body ? "application/xml" : NULL};
    int rc = s3_simple(ab, &q, bucket, NULL);
    free(body);
    if (rc && gas_err_code_has("BucketAlreadyOwnedByYou"))
        rc = 0;
    if (!rc) { /* results are private: no public access, whatever a later policy says */
        static const char *xml =
            "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
            "<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true"
            "</RestrictPublicBuckets></PublicAccessBlockConfiguration>";
        struct aws_req pq = {.method = "PUT",
                             .query = "publicAccessBlock=",
                             .body = xml,
                             .body_len = strlen(xml),
                             .content_type = "application/xml"};
        rc = s3_simple(ab, &pq, bucket, NULL);
    }
    return rc;
}
