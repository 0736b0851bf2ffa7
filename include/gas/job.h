/* job: GAS's job and user items (attribute names as in GAS's DynamoDB tables), to and
 * from JSON, and the one place where job_status and archive_state transitions are
 * checked and turned into conditional updates.
 *
 *   job_status:    PENDING -> RUNNING -> COMPLETED | FAILED;  FAILED -> PENDING (retry);
 *                  RUNNING -> RUNNING (lease taken over);     RUNNING -> PENDING (released);
 *                  PENDING -> FAILED (cancelled, or bad input found before the claim)
 *   archive_state: NONE -> ARCHIVING -> ARCHIVED -> RESTORING -> NONE;
 *                  ARCHIVING -> NONE and ARCHIVED -> NONE (the user upgraded meanwhile),
 *                  RESTORING -> ARCHIVED (the retrieval failed) */
#ifndef GAS_JOB_H
#define GAS_JOB_H

#include "gas/backend.h"

#include <cjson/cJSON.h>
#include <stdint.h>

enum job_status { JOB_PENDING, JOB_RUNNING, JOB_COMPLETED, JOB_FAILED };
enum archive_state { ARCH_NONE, ARCH_ARCHIVING, ARCH_ARCHIVED, ARCH_RESTORING };
enum user_role { ROLE_FREE, ROLE_PREMIUM };

struct job {
    char *job_id, *user_id, *input_file_name;
    char *s3_inputs_bucket, *s3_key_input_file;
    int64_t submit_time;
    enum job_status job_status;
    char *s3_results_bucket, *s3_key_result_file, *s3_key_log_file;
    int64_t complete_time; /* 0: not completed */
    char *results_file_archive_id;
    enum archive_state archive_state;
    char *retrieval_id, *retrieval_tier;
    int64_t attempts;
    char *error, *worker_id;
    int64_t lease_until, restore_time;
    char *genome_build; /* the build the user says the input is on (GRCh37, hg38, ...), or NULL:
                           detected from its header */
};

struct user {
    char *user_id, *name, *email;
    enum user_role role;
    int64_t created, updated;
};

const char *job_status_name(enum job_status s); /* "PENDING", ... */
int job_status_parse(const char *name);         /* or -1 */
const char *archive_state_name(enum archive_state s);
int archive_state_parse(const char *name);
const char *user_role_name(enum user_role r); /* "free_user", "premium_user" */
int user_role_parse(const char *name);

/* Reads an item. Missing required attributes (job_id, user_id, job_status) or values of
 * the wrong type are GAS_EINVAL naming the attribute. An item written by GAS's Python
 * code has no archive_state: it is ARCHIVED when results_file_archive_id is present,
 * else NONE. */
int job_from_json(const cJSON *item, struct job *job);
/* The item for job (the caller's). Absent optional fields are left out. */
cJSON *job_to_json(const struct job *job);
void job_release(struct job *job);
/* What a user is shown: "not completed", "failed", "download",
 * "archived: upgrade to premium", "being archived", "being restored". */
const char *job_display_state(const struct job *job);

int user_from_json(const cJSON *item, struct user *user);
cJSON *user_to_json(const struct user *user);
void user_release(struct user *user);

/* 1 if the transition is allowed. */
int job_status_allowed(enum job_status from, enum job_status to);
int archive_state_allowed(enum archive_state from, enum archive_state to);
/* Adds "job_status = from" to u's conditions and "job_status = to" to its changes;
 * GAS_EINTERNAL (and u unchanged) if the transition is not allowed. */
int job_update_status(struct tbl_update *u, enum job_status from, enum job_status to);
/* The same for archive_state. A missing archive_state counts as NONE for from = NONE. */
int job_update_archive(struct tbl_update *u, enum archive_state from, enum archive_state to);
/* Both put a job into the due index while RUNNING, ARCHIVING or RESTORING (TBL_WATCH =
 * the state) and take it out otherwise; job_watch_until sets the deadline after which
 * gasd's reconciler puts its work back (RUNNING: the lease). */
void job_watch_until(struct tbl_update *u, int64_t deadline);

/* Object keys: <prefix>/<user_id>/<job_id>~<file>. The caller's; NULL if a part is unsafe
 * (empty, or holding '/', "..", or control characters). */
char *job_object_key(const char *prefix, const char *user_id, const char *job_id, const char *file);
/* "<name>.annot.vcf" and "<name>.vcf.count.log" from an input file name "<name>.vcf". */
char *job_result_name(const char *input_file_name);
char *job_log_name(const char *input_file_name);

#endif
