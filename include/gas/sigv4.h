/* sigv4: AWS Signature Version 4 on OpenSSL (our own; libcurl 7.88's signs unsorted
 * queries and unhashed bodies wrongly). Signs a request either with an Authorization
 * header or as a presigned URL (query parameters), and exposes the canonical request and
 * string to sign so that every step can be checked against AWS's test suite.
 *
 * The request's path is given unencoded (as the resource is named: "/my key/ሴ"); the
 * query as it will be sent (encoded or not: it is decoded and re-encoded canonically).
 * Secrets are never copied into anything but the HMAC chain; results hold no secret. */
#ifndef GAS_SIGV4_H
#define GAS_SIGV4_H

#include <stddef.h>
#include <time.h>

struct sigv4_creds {
    const char *access_key, *secret_key, *token; /* token: optional session token */
};

struct sigv4_header {
    const char *name, *value;
};

struct sigv4_request {
    const char *method;
    const char *path;  /* unencoded */
    const char *query; /* after '?', or NULL */
    const struct sigv4_header *headers;
    int nheaders;
    const char *payload_hash; /* hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"; NULL: empty */
};

struct sigv4_opts {
    const char *region, *service;
    time_t when;
    int normalize_path; /* remove "." and ".." segments and duplicate slashes (not S3) */
    int double_encode;  /* encode the path twice (AWS services other than S3) */
    int sign_payload;   /* add x-amz-content-sha256 (S3; the test suite's sign_body) */
    int omit_token;     /* add the session token after signing (STS "after" style) */
    int presign;        /* sign as query parameters instead of a header */
    int expires;        /* presign: seconds (1..604800) */
};

/* What to send: headers to add (name and value each), and for presign the full query. */
struct sigv4_result {
    char *canonical_request, *string_to_sign;
    char signature[65];
    char *authorization;  /* header mode: the Authorization value */
    char *query;          /* presign mode: the query string to send, signature included */
    char amz_date[17];    /* x-amz-date to send (header mode) */
    char *content_sha256; /* x-amz-content-sha256 to send, or NULL */
    const char *token;    /* x-amz-security-token to send (header mode), or NULL (borrowed) */
};

int sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
               const struct sigv4_opts *opts, struct sigv4_result *out);
void sigv4_result_release(struct sigv4_result *r);
/* hex SHA-256 of data (out: 65 bytes). */
void sigv4_sha256_hex(const void *data, size_t n, char out[65]);
/* AWS's URI encoding: everything but A-Z a-z 0-9 - . _ ~ (and '/' if keep_slash). */
char *sigv4_uri_encode(const char *s, size_t n, int keep_slash);

#endif
