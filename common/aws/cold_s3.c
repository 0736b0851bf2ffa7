/* aws cold store, S3 storage-class mode (the default): an archive is a copy of the hot
 * object in the archive bucket (archive_vault) under the same key, in storage class
 * cold_storage_class (GLACIER or DEEP_ARCHIVE); the archive id is that key, so archiving
 * the same object twice makes one archive. A retrieval is RestoreObject with the tier
 * (503 GlacierExpeditedRetrievalNotAvailable becomes GAS_ECAPACITY); its id is the key
 * too, its status is HeadObject's x-amz-restore, and fetch copies the restored object back
 * to hot storage in STANDARD. Completion events: the archive bucket sends
 * s3:ObjectRestore:Completed to the thaw topic (set up by gas aws bootstrap). */
#include "aws.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *bucket_of(struct cold *c)
{
    return c->vault;
}

static int c_archive(struct cold *c, const char *bucket, const char *key, const char *desc,
                     char **archive_id)
{
    *archive_id = NULL;
    int rc = aws_s3_copy(aws_of(c->be), bucket, key, bucket_of(c), key,
                         cfg_str(c->be->cfg, CFG_COLD_STORAGE_CLASS));
    if (!rc)
        *archive_id = xstrdup(key);
    return rc;
}

static int c_retrieve(struct cold *c, const char *archive_id, enum cold_tier tier, const char *desc,
                      const char *notify_topic, char **retrieval_id)
{
    *retrieval_id = NULL;
    if (!objs_key_valid(archive_id))
        return gas_err_set(GAS_EINVAL, "archive id \"%.100s\" is not an object key", archive_id);
    char *xml =
        xasprintf("<RestoreRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                  "<Days>%lld</Days><GlacierJobParameters><Tier>%s</Tier>"
                  "</GlacierJobParameters></RestoreRequest>",
                  (long long)cfg_int(c->be->cfg, CFG_COLD_RESTORE_DAYS), cold_tier_name(tier));
    struct aws_req q = {.method = "POST",
                        .query = "restore=",
                        .body = xml,
                        .body_len = strlen(xml),
                        .content_type = "application/xml"};
    struct aws_resp r;
    int rc = aws_s3(aws_of(c->be), &q, bucket_of(c), archive_id, &r);
    aws_resp_release(&r);
    free(xml);
    if (rc == GAS_ECONFLICT && gas_err_code_has("RestoreAlreadyInProgress"))
        rc = 0; /* one retrieval at a time per object: this one is it */
    if (rc == GAS_ENOTFOUND)
        rc = gas_err_set(rc, "no archive %s in %s", archive_id, bucket_of(c));
    if (!rc)
        *retrieval_id = xstrdup(archive_id);
    return rc;
}

static int c_status(struct cold *c, const char *retrieval_id, enum cold_status *st)
{
    if (!objs_key_valid(retrieval_id))
        return gas_err_set(GAS_ENOTFOUND, "no retrieval \"%.100s\"", retrieval_id);
    struct aws_req q = {.method = "HEAD"};
    struct aws_resp r;
    int rc = aws_s3(aws_of(c->be), &q, bucket_of(c), retrieval_id, &r);
    if (!rc) {
        if (strstr(r.restore, "ongoing-request=\"true\""))
            *st = COLD_IN_PROGRESS;
        else if (strstr(r.restore, "ongoing-request=\"false\""))
            *st = COLD_READY;
        else if (!r.storage_class[0] || !strcmp(r.storage_class, "STANDARD"))
            *st = COLD_READY; /* not in an archive class (any more): readable as it is */
        else
            *st = COLD_FAILED; /* archived, no retrieval asked for (or it expired) */
    } else if (rc == GAS_ENOTFOUND) {
        rc = gas_err_set(rc, "no retrieval %s in %s", retrieval_id, bucket_of(c));
    }
    aws_resp_release(&r);
    return rc;
}

/* One request: S3 refuses to copy an archived object that is not restored (403
 * InvalidObjectState; moto says ObjectNotInActiveTierError), which is GAS_ENOTREADY, so no
 * HeadObject is needed first (the caller asks for the status when it needs to know
 * whether the retrieval is still running or failed). */
static int c_fetch(struct cold *c, const char *retrieval_id, const char *bucket, const char *key)
{
    if (!objs_key_valid(retrieval_id))
        return gas_err_set(GAS_ENOTFOUND, "no retrieval \"%.100s\"", retrieval_id);
    int rc = aws_s3_copy(aws_of(c->be), bucket_of(c), retrieval_id, bucket, key, "STANDARD");
    if (rc && (gas_err_code_has("InvalidObjectState") || gas_err_code_has("NotInActiveTier")))
        rc = gas_err_set(GAS_ENOTREADY, "%s is archived and not restored (yet)", retrieval_id);
    else if (rc == GAS_ENOTFOUND && !gas_err_code_has("NoSuchBucket"))
        rc = gas_err_set(rc, "no retrieval %s in %s", retrieval_id, bucket_of(c));
    return rc;
}

static int c_del(struct cold *c, const char *archive_id)
{
    if (!objs_key_valid(archive_id))
        return gas_err_set(GAS_ENOTFOUND, "no archive \"%.100s\"", archive_id);
    struct obj_info info;
    int rc = objs_head(c->be->objs, bucket_of(c), archive_id, &info); /* S3 deletes silently */
    if (!rc)
        rc = objs_delete(c->be->objs, bucket_of(c), archive_id);
    return rc;
}

/* A cleanup: S3 deletes a missing key silently, which is what is wanted here. */
static int c_forget(struct cold *c, const char *archive_id)
{
    if (!objs_key_valid(archive_id))
        return 0;
    return objs_delete(c->be->objs, bucket_of(c), archive_id);
}

static void c_close(struct cold *c)
{
    free(c->vault);
    free(c);
}

static const struct cold_ops s3_cold_ops = {
    .archive = c_archive,
    .retrieve = c_retrieve,
    .status = c_status,
    .fetch = c_fetch,
    .del = c_del,
    .forget = c_forget,
    .close = c_close,
};

int aws_cold_s3_new(struct gas_backend *be, struct cold **out)
{
    const char *b = cfg_str(be->cfg, CFG_ARCHIVE_VAULT);
    if (!objs_bucket_valid(b))
        return gas_err_set(GAS_EINVAL,
                           "archive_vault \"%.80s\" is not a valid bucket name "
                           "(cold_mode s3 keeps archives in that bucket)",
                           b);
    struct cold *c = xcalloc(1, sizeof *c);
    c->ops = &s3_cold_ops;
    c->be = be;
    c->vault = xstrdup(b);
    *out = c;
    return 0;
}

/* The archive bucket, and its restore completions sent to the thaw topic. */
int aws_cold_s3_create(struct gas_backend *be, const char *thaw_topic)
{
    struct aws_be *ab = aws_of(be);
    const char *b = cfg_str(be->cfg, CFG_ARCHIVE_VAULT);
    char *arn = NULL;
    int rc = aws_bucket_create(be, b, NULL);
    if (!rc)
        rc = aws_arn(ab, "sns", thaw_topic, &arn);
    if (rc)
        return rc;
    char *xml = xasprintf("<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/"
                          "2006-03-01/\"><TopicConfiguration><Id>gas-thaw</Id><Topic>%s</Topic>"
                          "<Event>s3:ObjectRestore:Completed</Event></TopicConfiguration>"
                          "</NotificationConfiguration>",
                          arn);
    struct aws_req q = {.method = "PUT",
                        .query = "notification=",
                        .body = xml,
                        .body_len = strlen(xml),
                        .content_type = "application/xml"};
    struct aws_resp r;
    rc = aws_s3(ab, &q, b, NULL, &r);
    aws_resp_release(&r);
    free(xml);
    free(arn);
    return rc;
}

int aws_cold_create(struct gas_backend *be, const char *thaw_topic)
{
    return strcmp(cfg_str(be->cfg, CFG_COLD_MODE), "glacier")
               ? aws_cold_s3_create(be, thaw_topic)
               : aws_cold_glacier_create(be, thaw_topic);
}
