/* awshttp: signed HTTPS requests to AWS services on libcurl.
 *
 * One struct aws_http per thread: it keeps a curl easy handle, so connections are reused.
 * Every request is signed with SigV4 (fresh credentials from the provider each time) and
 * retried in AWS's standard mode: up to max_attempts (3) on network errors, HTTP 5xx, 429
 * and throttling error codes, sleeping a random time in [0, min(20 s, base * 2^attempt))
 * (full jitter; base 1 s, GAS_AWS_RETRY_BASE_MS overrides it for tests;
 * GAS_AWS_MAX_BYTES_PER_S caps transfer speed, for tests of aborts). TLS peers are
 * always verified. Failures carry the service's error code, message and request id, and
 * map to gas_err: not found, conflict (ConditionalCheckFailed), auth, capacity (Glacier
 * Expedited), bad input (4xx), retryable (what is left after the retries). */
#ifndef GAS_AWSHTTP_H
#define GAS_AWSHTTP_H

#include <stdatomic.h>
#include <stddef.h>

struct aws_creds_provider;

struct aws_req {
    const char *method;   /* GET, PUT, POST, HEAD, DELETE */
    const char *endpoint; /* scheme://host[:port], no path */
    const char *path;     /* unencoded, "/" if NULL */
    const char *query;    /* encoded, or NULL */
    const char *service, *region;
    const char *content_type;
    const char *const *headers; /* extra "Name: value" lines (signed; at most 8),
                                   NULL-terminated, or NULL */
    const char *body;           /* in memory, or NULL */
    size_t body_len;
    const char *body_file;    /* or streamed from this file (size known, hashed first) */
    const char *out_file;     /* stream a 2xx response body here instead of memory */
    size_t max_response;      /* for in-memory responses (default 4 MiB) */
    int sign_payload;         /* S3: send x-amz-content-sha256 */
    const atomic_int *cancel; /* optional: the request ends (GAS_ETIMEOUT) once non-zero */
};

struct aws_resp {
    long status;
    char *body;    /* NUL-terminated, the caller's (NULL with out_file) */
    char *headers; /* the final response's header lines, raw */
    size_t len;
    char request_id[128], error_code[128], error_message[512];
    char etag[80], restore[256], storage_class[32];
    long long content_length;
    int attempts;
};

/* Requests sent by this process (every attempt), by service and operation: at most max
 * entries copied into out; the number. With GAS_REQUEST_COUNTS=FILE set, the counts are
 * appended to FILE at exit as "service<TAB>operation<TAB>count" lines. */
struct aws_request_count {
    char service[24], operation[72];
    long long count;
};
int aws_request_counts(struct aws_request_count *out, int max);

struct aws_http;
struct aws_http *aws_http_new(struct aws_creds_provider *creds);
void aws_http_free(struct aws_http *h);
/* 0 on a 2xx answer; else a gas_err with "service: Code: message (request id R)". */
int aws_http_do(struct aws_http *h, const struct aws_req *req, struct aws_resp *resp);
void aws_resp_release(struct aws_resp *r);
/* 1 and the value of response header name (case-insensitive) in out, or 0. */
int aws_resp_header(const struct aws_resp *r, const char *name, char *out, size_t n);

#endif
