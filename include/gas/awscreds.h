/* awscreds: where AWS credentials come from, in the order the AWS SDKs use:
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *   2. shared files: AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and AWS_CONFIG_FILE
 *      (~/.aws/config, "[profile NAME]"), profile AWS_PROFILE (default "default")
 *   3. container endpoint: AWS_CONTAINER_CREDENTIALS_FULL_URI, or
 *      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN as the Authorization header
 *   4. EC2 instance metadata, IMDSv2: PUT a session token, GET the role, GET its credentials
 *      (endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT, default http://169.254.169.254;
 *      AWS_EC2_METADATA_DISABLED=true skips it)
 * Credentials that expire (3, 4) are fetched again when less than 5 minutes remain.
 *
 * Threads: a provider may be shared; its cache is guarded by a mutex, and a refresh
 * happens under it (one fetch at a time). Secrets never reach the log. */
#ifndef GAS_AWSCREDS_H
#define GAS_AWSCREDS_H

#include <stdint.h>

struct aws_creds {
    char access_key[128], secret_key[128], token[4096];
    int64_t expires; /* epoch seconds, 0: never */
    char source[16]; /* "env", "profile", "container", "imds" */
};

struct aws_creds_provider;
struct aws_creds_provider *aws_creds_new(void);
void aws_creds_free(struct aws_creds_provider *p);
/* Current credentials (copied into *out); GAS_EAUTH naming every source tried if none. */
int aws_creds_get(struct aws_creds_provider *p, struct aws_creds *out);
/* How many times credentials were fetched from a source (for tests and the console). */
int aws_creds_fetches(struct aws_creds_provider *p);

#endif
