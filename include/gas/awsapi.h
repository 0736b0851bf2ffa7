/* awsapi: AWS calls made beside the backend, on any backend: Secrets Manager's
 * GetSecretValue (the accounts database's connection) and SES's SendEmail (notify).
 *
 * A client holds the region, the endpoint (aws_endpoint overrides every service, as for
 * the backend: moto in tests) and one credentials provider (the chain of awscreds.h),
 * shared by every thread (the provider has its own mutex). Each call uses a fresh HTTP
 * handle, signed with our SigV4 signer and retried as awshttp.h says; these calls are
 * rare (a secret once per process, an email per job). Errors are classified like every
 * AWS error: not found, auth, bad input (e.g. SES MessageRejected), retryable. */
#ifndef GAS_AWSAPI_H
#define GAS_AWSAPI_H

struct cfg;
struct aws_client;

/* GAS_EINVAL if aws_region or aws_endpoint is malformed. */
int aws_client_new(const struct cfg *cfg, struct aws_client **out);
void aws_client_free(struct aws_client *c);

/* SecretString of a secret (the caller's; registered with log_add_secret). */
int aws_secret_get(struct aws_client *c, const char *secret_id, char **value);

/* One plain-text email from a verified sender; *message_id (optional, the caller's) gets
 * SES's MessageId. An unverified sender or a rejected message is GAS_EINVAL with SES's
 * reason ("MessageRejected: Email address not verified ..."). job_id (optional; SES tag
 * values: letters, digits, '_', '-') is sent as the tag gas_job_id, for matching bounces. */
int aws_ses_send(struct aws_client *c, const char *from, const char *to, const char *subject,
                 const char *text, const char *job_id, char **message_id);
/* SES publishes identity's Bounce and Complaint notifications to the SNS topic (a name, in
 * account: empty asks STS) - SetIdentityNotificationTopic, for gasd's ses_events. */
int aws_ses_notify_to(struct aws_client *c, const char *identity, const char *account,
                      const char *topic);

#endif
