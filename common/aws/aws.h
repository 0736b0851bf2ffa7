/* aws backend internals: the backend struct, per-thread HTTP handles, endpoints and the
 * request helpers each service file uses (JSON 1.0 for SQS and DynamoDB, query for SNS
 * and STS, REST for S3 and Glacier). Private to common/aws/. */
#ifndef GAS_AWS_H
#define GAS_AWS_H

#include "gas/awshttp.h"
#include "gas/backend.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdint.h>

struct cfg;
struct aws_creds_provider;

struct aws_be {
    struct gas_backend pub;
    struct aws_creds_provider *creds;
    const char *region;
    const char *endpoint; /* override for every service ("" for AWS's own) */
    char account[32];     /* account id (config, or STS on first need) */
    pthread_mutex_t mu;   /* guards account and the list of HTTP handles */
    pthread_key_t key;    /* this thread's struct aws_thread */
    struct aws_thread *threads;
    struct aws_qinfo *queues; /* queues opened so far (URL, dead-letter URL), under mu */
};

static inline struct aws_be *aws_of(struct gas_backend *be)
{
    return (struct aws_be *)be;
}

int aws_backend_open(const struct cfg *cfg, struct gas_backend **be);
/* Frees what aws_queue_open remembered of the queues it opened (at backend close). */
void aws_queue_cache_free(struct aws_be *ab);

/* This thread's HTTP handle for be (made on first use, freed when the thread ends or the
 * backend closes). */
struct aws_http *aws_http_of(struct aws_be *ab);
/* The ARN partition ("aws", "aws-cn", "aws-us-gov") and DNS domain of a region. */
const char *aws_partition(const char *region);
const char *aws_domain(const char *region);
/* scheme://host of a service: the override, or https://<service>.<region>.amazonaws.com. */
char *aws_endpoint(struct aws_be *ab, const char *service);
/* The account id (config, else STS GetCallerIdentity once), copied into out. */
int aws_account(struct aws_be *ab, char out[32]);
/* The error for a table, queue or topic (what) named name that is not there, saying where
 * it was looked for (the region, and the endpoint when overridden) and what may be wrong:
 * a mistyped region or name, or a deployment not bootstrapped yet. */
int aws_missing(struct aws_be *ab, int rc, const char *what, const char *name);
/* arn:<partition>:<service>:<region>:<account>:<name> */
int aws_arn(struct aws_be *ab, const char *service, const char *name, char **arn);

/* A JSON 1.0 call (SQS, DynamoDB): X-Amz-Target prefix.op, body in, parsed answer out
 * (optional; an empty object when the answer is empty). cancel (optional): a long poll
 * ends early when it becomes non-zero (GAS_ETIMEOUT). */
int aws_json(struct aws_be *ab, const char *service, const char *target, const cJSON *in,
             cJSON **out, const atomic_int *cancel);
/* The same; *error (the caller's) gets a failed call's answer when it is JSON (e.g. the
 * Item of DynamoDB's ConditionalCheckFailedException with ReturnValuesOnConditionCheck-
 * Failure), else NULL. */
int aws_json_error(struct aws_be *ab, const char *service, const char *target, const cJSON *in,
                   cJSON **out, cJSON **error);
/* A query-protocol call (SNS, STS): form fields as name, value pairs (NULL-terminated;
 * values are encoded here); *xml (optional) gets the answer's body. */
int aws_query(struct aws_be *ab, const char *service, const char *const *fields, char **xml);
/* The text of the first <tag>...</tag> in xml (entities decoded), or NULL (the caller's). */
char *aws_xml_text(const char *xml, const char *tag);
/* Form/query encoding of one value (the caller's). */
char *aws_form_encode(const char *s);

/* The service pieces (one file each). */
int aws_table_open(struct gas_backend *be, const char *name, const char *key_attr,
                   const char *index_attr, struct tbl **t);
int aws_table_create(struct gas_backend *be, const char *name, const char *key_attr,
                     const char *index_attr);
int aws_queue_open(struct gas_backend *be, const char *name, struct queue **q);
int aws_queue_create(struct gas_backend *be, struct queue_spec *spec);
/* A queue's URL and ARN (the caller's). */
int aws_queue_url(struct aws_be *ab, const char *name, char **url);
int aws_queue_set_attr(struct aws_be *ab, const char *url, const char *attr, const char *value);
int aws_topic_open(struct gas_backend *be, const char *name, struct topic **t);
int aws_topic_create(struct gas_backend *be, const char *name);
int aws_objs_new(struct gas_backend *be, struct objs **o);
int aws_bucket_create(struct gas_backend *be, const char *bucket, int *kept);
/* S3 requests shared by the objects and the S3 cold store. */
int aws_s3(struct aws_be *ab, struct aws_req *q, const char *bucket, const char *key,
           struct aws_resp *r);
int aws_s3_copy(struct aws_be *ab, const char *sbucket, const char *skey, const char *dbucket,
                const char *dkey, const char *storage_class);
int aws_cold_s3_new(struct gas_backend *be, struct cold **c);
int aws_cold_s3_create(struct gas_backend *be, const char *thaw_topic);
int aws_cold_glacier_create(struct gas_backend *be, const char *thaw_topic);
/* Glacier's SHA-256 tree hash of len bytes of fd from off (hex into out). */
int glacier_tree_hash(int fd, int64_t off, int64_t len, char out[65]);
int aws_cold_glacier_new(struct gas_backend *be, struct cold **c);
/* Creates the cold store's container and wires its completion events to thaw_topic. */
int aws_cold_create(struct gas_backend *be, const char *thaw_topic);

#endif
