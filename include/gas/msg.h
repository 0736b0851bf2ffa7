/* msg: the bodies of GAS's messages (design: "Messages"), read and written in one place.
 *   request: the job item as created          result:  {job_id, user_id, input_file_name,
 *   restore: {user_id}                                   results_file, complete_time}
 *   thaw:    {job_id, retrieval_id}, a Glacier job notification (JobId, JobDescription
 *            holding the job id), or an S3 event (s3:ObjectRestore:Completed)
 * Every body may arrive raw or wrapped in an SNS envelope. */
#ifndef GAS_MSG_H
#define GAS_MSG_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct job;

/* Parses a message body: at most max bytes, a JSON object, unwrapped from an SNS
 * envelope if it is one. GAS_EINVAL / GAS_ETOOBIG with the reason; *out is the caller's. */
int msg_parse(const char *body, size_t max, cJSON **out);
/* 1 when a dead letter's reason is its body's own (malformed, too big, without the fields
 * its queue needs, naming a job that does not exist): redriven unchanged, it is
 * dead-lettered again (gas dlq redrive and the console say so before they send it). */
int msg_reason_is_body(const char *reason);
/* The job_id of a request, result or {job_id} body (borrowed), or NULL (message set). */
const char *msg_job_id(const cJSON *m);
/* Bodies (the caller's). */
char *msg_request(const struct job *job);
char *msg_result(const struct job *job);
/* A FAILED job's notice for the notify queue: {job_id, user_id, job_status: "FAILED"} */
char *msg_failed(const char *job_id, const char *user_id);
char *msg_restore(const char *user_id);
char *msg_thaw(const char *job_id, const char *retrieval_id);
/* The job and retrieval a thaw message is about (the caller's; retrieval_id may be NULL
 * when the event names only the object). GAS_EINVAL if it is none of the known shapes;
 * MSG_IGNORE (> 0) for a message with nothing to do (S3's s3:TestEvent). */
#define MSG_IGNORE 1
int msg_thaw_target(const cJSON *m, char **job_id, char **retrieval_id);
/* The archive a completion notice is about (the caller's), or NULL: a Glacier
 * notification's ArchiveId, an S3 restore event's object key (in cold_mode s3 the archive
 * id is the key). For adopting a retrieval started outside gasd. */
char *msg_thaw_archive(const cJSON *m);

/* An SES notification (identity notification: notificationType; event publishing:
 * eventType), SNS-unwrapped by msg_parse. Strings borrowed from the message. */
#define MSG_SES_JOB_TAG "gas_job_id" /* the SendEmail tag (and X-GAS-Job header) */
struct ses_event {
    const char *type;       /* "Bounce", "Complaint", "Delivery", ... */
    const char *message_id; /* mail.messageId */
    const char *job_id;     /* mail.tags.gas_job_id[0], else header X-GAS-Job, or NULL */
    const char *address;    /* the first bounced or complaining recipient, or "?" */
    char what[512];         /* Bounce/Complaint: the notify_error to record */
};
/* GAS_EINVAL (message set) if m is not an SES notification or lacks mail.messageId. */
int msg_ses_event(const cJSON *m, struct ses_event *ev);

#endif
