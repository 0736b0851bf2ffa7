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

/* The job's fields, in one table: name (the item attribute), kind, required. It drives
 * struct job, job_from_json, job_to_json and job_release; every field is written back
 * when set (strings non-NULL, numbers non-zero; job_status and archive_state always). */
#define JOB_FIELDS(X)                                                                              \
    X(job_id, STR, 1)                                                                              \
    X(user_id, STR, 1)                                                                             \
    X(input_file_name, STR, 0)                                                                     \
    X(s3_inputs_bucket, STR, 0)                                                                    \
    X(s3_key_input_file, STR, 0)                                                                   \
    X(submit_time, NUM, 0)                                                                         \
    X(job_status, STATUS, 1)                                                                       \
    X(s3_results_bucket, STR, 0)                                                                   \
    X(s3_key_result_file, STR, 0)                                                                  \
    X(s3_key_log_file, STR, 0)                                                                     \
    X(complete_time, NUM, 0) /* 0: not completed */                                                \
    X(fail_time, NUM, 0)     /* when it ended FAILED (or was cancelled); gone on a retry */        \
    X(results_file_archive_id, STR, 0)                                                             \
    X(archive_state, ARCH, 0) /* absent: ARCHIVED if an archive id, else NONE */                   \
    X(retrieval_id, STR, 0)                                                                        \
    X(retrieval_tier, STR, 0)                                                                      \
    X(attempts, NUM, 0)                                                                            \
    X(error, STR, 0)                                                                               \
    X(worker_id, STR, 0)                                                                           \
    X(lease_until, NUM, 0)                                                                         \
    X(archive_time, NUM, 0) /* its result went to cold storage (ARCHIVED) */                       \
    X(restore_time, NUM, 0)                                                                        \
    X(notify_time, NUM, 0)        /* the email went out */                                         \
    X(cold_cleanup_id, STR, 0)    /* a thawed job's cold copy still to delete */                   \
    X(archive_pending_id, STR, 0) /* ARCHIVING: its cold copy, made; the hot one goes next */      \
    X(genome_build, STR, 0)       /* the build the user says the input is on, or absent */         \
    X(annotation_build, STR, 0)   /* the build the annotation used */                              \
    X(annotation_note, STR, 0)    /* why not annotated, or the first warning */                    \
    X(notify_error, STR, 0)       /* why the last email was refused or bounced (SES) */            \
    X(notify_message_id, STR, 0)  /* SES's MessageId of the email, to match its bounce */          \
    X(notify_claim, NUM, 0)       /* a worker sends the email until then (smtp, ses) */            \
    X(submit_ms, NUM, 0)          /* submit_time in ms (gas submit's): orders one second's jobs */

/* The fields by number (JF_job_id, ...), for job_attr. */
enum job_field {
#define JOB_ENUM(name, kind, required) JF_##name,
    JOB_FIELDS(JOB_ENUM)
#undef JOB_ENUM
        JF_COUNT
};

typedef char *job_kind_STR;
typedef int64_t job_kind_NUM;
typedef enum job_status job_kind_STATUS;
typedef enum archive_state job_kind_ARCH;

struct job {
#define JOB_MEMBER(name, kind, required) job_kind_##kind name;
    JOB_FIELDS(JOB_MEMBER)
#undef JOB_MEMBER
    /* How the item wrote a number that was not a plain integer ("n1700000000.25" for a
     * fraction, "s1700000000" for a string), kept so job_to_json writes it back as written. */
    char written[JF_COUNT][32];
    /* The item says ARCHIVED but the archive id is gone and the result is hot again
     * (restored by another tool): read as NONE, the next archive transition repairs it. */
    int restored_elsewhere;
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

/* The deployment's table shape (job_model_configure; defaults: the GAS framework's):
 * the item attribute of every field, the archived flag its job page reads (NULL: none),
 * the user index, and the key prefix and buckets a missing key is rebuilt from. */
struct job_model {
    const char *attr[JF_COUNT];
    const char *status[4]; /* job_status as written in items (job_status_names) */
    const char *archived_flag;
    const char *user_index;
    const char *key_prefix, *inputs_bucket, *results_bucket;
};
struct cfg;
/* Sets the model from cfg (job_attributes, job_archived_flag, jobs_index, key_prefix,
 * the buckets); GAS_EINVAL naming a bad job_attributes entry. Called once at start,
 * before any thread reads the model. NULL: back to the defaults. */
int job_model_configure(const struct cfg *cfg);
/* job_status as this deployment writes it in items (job_status_name: as gasd says it). */
const char *job_status_item(enum job_status s);
const struct job_model *job_model(void);
/* The item attribute of a field in this deployment ("results_file_archive_id", ...). */
const char *job_attr(enum job_field f);
/* How many of a job item's attribute's units make a second if it holds a time: 1 (epoch
 * seconds: submit_time, complete_time, ..., lease_until, watch_until), 1000 (submit_ms);
 * 0: not a time. gas show and the console show times as times. */
int job_attr_is_time(const char *attr);
/* 1 if a job in status with this error failed on its input, so that a retry fails again
 * unless the input changes (FAILED, with an error that is not "gave up after N attempts"
 * nor a cancel, or a cancel that kept such a reason: job_error_root). */
int job_error_permanent(int status, const char *error);
/* The error a cancel writes (gas cancel, the console's c): no failure of the job's own */
#define JOB_CANCEL_ERROR "cancelled by an administrator"
/* 1 if error is a cancel's (the job did not fail: it was stopped before a worker took it) */
int job_error_cancelled(const char *error);

/* Reads an item in any shape GAS's Python code writes, through the model's attribute
 * names. Missing required attributes (job_id, user_id, job_status) or values of the
 * wrong type are GAS_EINVAL naming the attribute. Numbers: integers, fractions
 * (time.time()) or numeric strings, whole seconds kept (and the text as written, for
 * job_to_json). archive_state absent: ARCHIVED when an archive id is present (or the
 * archived flag is true), else NONE; ARCHIVED without an archive id but with a result
 * key: NONE (restored_elsewhere). A COMPLETED item without result bucket or keys gets them
 * rebuilt from the key layout <prefix>/<user_id>/<job_id>~<file> and the configured
 * results bucket; input_file_name from the input key. */
int job_from_json(const cJSON *item, struct job *job);
/* One number field of a raw item (the deployment's attribute, any shape job_from_json
 * reads: whole seconds of a fraction or numeric string); GAS_ENOTFOUND if absent. For
 * readers of raw items (lists) that do not build a struct job. */
int job_item_num(const cJSON *item, enum job_field f, int64_t *out);
/* When the job was submitted, in ms since the epoch, to order one second's jobs: its
 * submit_ms (gas submit's), else a fractional submit_time's (a web app may write
 * time.time()), else submit_time's second; 0 when none. */
int64_t job_item_submit_ms(const cJSON *item);
/* The archive_state job_from_json would give a raw item (absent: derived; ARCHIVED with
 * the archive id gone on a completed job: NONE), or -1 if the attribute is not a state. */
int job_item_archive(const cJSON *item);
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

/* annotation_note's text before its first warning ("GRCh37, ...; 2 warnings in the count
 * log (gas log): <first>"): written by gasd's annotate pipeline, read by notify's email and
 * by gas jobs and the console (cli_note_unannotated). */
#define NOTE_FIRST_WARNING "in the count log (gas log): "

/* ------------------------------------------------------------- typed transitions
 * The only way pipelines, commands and the console change a job (common/job_change.c):
 * each is one conditional update on the jobs table whose conditions are the state it
 * leaves; GAS_ECONFLICT (nothing changed) when the job moved on, GAS_ENOTFOUND when
 * there is no such job. worker: the claiming gasd's id (conditions RUNNING under it). */
struct job_result {
    const char *bucket, *result_key, *log_key;
    int64_t complete_time;
    const char *annotation_build, *annotation_note; /* recorded when set */
};
int job_submit(struct tbl *jobs, const struct job *job); /* a new PENDING item */
/* PENDING (or RUNNING: our own, or a dead worker's with its lease passed) -> RUNNING,
 * leased for lease_s, attempts + 1 (seen->attempts must still hold). */
int job_claim(struct tbl *jobs, const struct job *seen, const char *worker, int64_t lease_s);
/* RUNNING under a lost worker (no heartbeat for WORKER_LOST_BEATS intervals) -> RUNNING
 * under worker, before its lease has passed: only while the job is as seen (the same
 * worker, lease and attempts: a worker that comes back and renews keeps it). */
int job_take_over(struct tbl *jobs, const struct job *seen, const char *worker, int64_t lease_s);
int job_renew(struct tbl *jobs, const char *job_id, const char *worker, int64_t lease_s);
int job_complete(struct tbl *jobs, const char *job_id, const char *worker,
                 const struct job_result *r);
int job_fail(struct tbl *jobs, const char *job_id, const char *worker, const char *why);
/* RUNNING -> PENDING: why (if set) becomes error; attempts > 0 sets it, 0 removes it, < 0
 * keeps it. */
int job_requeue(struct tbl *jobs, const char *job_id, const char *worker, const char *why,
                int64_t attempts);
/* admin: FAILED -> PENDING, and PENDING -> FAILED. was: the job's error before (or NULL):
 * its failure's reason is kept in the new error ("...; it had failed: line 3: ..."), so a
 * retry that is cancelled still says why it failed, and its next retry that it fails
 * again (job_error_permanent). */
int job_retry(struct tbl *jobs, const char *job_id, const char *was);
int job_cancel(struct tbl *jobs, const char *job_id, const char *was);
/* The reason a job failed, from its error: what follows the last JOB_HAD_FAILED, else
 * the whole error; NULL for none. */
#define JOB_HAD_FAILED "; it had failed: "
const char *job_error_root(const char *error);
/* NONE -> ARCHIVING; not while a cold copy waits to be deleted (cold_cleanup_id: its id may
 * be the one this archive makes), which goes first. */
int job_archive_begin(struct tbl *jobs, const char *job_id, int64_t deadline);
/* ARCHIVING, its cold copy made: archive_id kept in archive_pending_id (from here on the
 * archive is finished, never abandoned: the hot copy is deleted next). */
int job_archive_pending(struct tbl *jobs, const char *job_id, const char *archive_id);
/* ARCHIVING -> NONE before a cold copy was recorded (the user upgraded): hot copy kept; the
 * cold copy archive_id parked in cold_cleanup_id for the delete (job_cleanup_done after it). */
int job_archive_abandon(struct tbl *jobs, const char *job_id, const char *archive_id);
/* ARCHIVING (pending archive_id, the hot copy deleted) -> ARCHIVED. */
int job_archive_record(struct tbl *jobs, const char *job_id, const char *archive_id);
int job_adopt_archived(struct tbl *jobs, const char *job_id); /* legacy item -> ARCHIVED */
int job_restore_start(struct tbl *jobs, const struct job *job, const char *retrieval_id,
                      const char *tier, int64_t deadline);
/* A restore in two steps, so that of several workers asked at once exactly one starts a
 * (paid) retrieval: ARCHIVED -> RESTORING with retrieval_id = claim (JOB_CLAIM_PREFIX...)
 * before the retrieval is asked for, then the claim replaced by the retrieval's id and tier.
 * A claim left past its deadline (the worker died between) is put back by the reconciler. */
#define JOB_CLAIM_PREFIX "gas-claim-"
int job_restore_claim(struct tbl *jobs, const struct job *job, const char *claim, int64_t deadline);
int job_restore_started(struct tbl *jobs, const char *job_id, const char *claim,
                        const char *retrieval_id, const char *tier, int64_t deadline);
int job_restore_failed(struct tbl *jobs, const char *job_id, const char *retrieval_id);
int job_restore_poll(struct tbl *jobs, const char *job_id, const char *retrieval_id,
                     int64_t deadline);
/* RESTORING -> NONE, the result bucket and keys written (an archive script may have removed
 * them); park_cleanup keeps the archive id in cold_cleanup_id for the delete. */
int job_thawed(struct tbl *jobs, const struct job *job, int park_cleanup);
int job_cleanup_done(struct tbl *jobs, const char *job_id, const char *archive_id);
/* The email went out; message_id (SES's MessageId, or NULL) is kept to match a bounce. */
int job_notified(struct tbl *jobs, const char *job_id, const char *message_id);
/* The email was refused: why, for gas show and the console, until one goes out. */
int job_notify_failed(struct tbl *jobs, const char *job_id, const char *why);
/* Before an email goes out by SMTP or SES, whose sends cannot be undone or replaced: the
 * job's notify_claim moves from what seen has (absent or past) to until, if the email is
 * not out and nobody moved it meanwhile. GAS_ECONFLICT: another worker holds it (a copy of
 * the message), or the email went out. A crash while claimed delays a resend to until. */
int job_notify_claim(struct tbl *jobs, const struct job *seen, int64_t until);
/* SES reported a bounce or complaint after the email went out: why becomes notify_error
 * (notify_time stays: the email is not sent again). GAS_ENOTFOUND: no such job. */
int job_notify_bounced(struct tbl *jobs, const char *job_id, const char *why);
/* The reconciler's claim: watch_until moved from seen to until while watch == state. */
int job_watch_bump(struct tbl *jobs, const char *job_id, const char *state, int64_t seen,
                   int64_t until);

/* Object keys: <prefix>/<user_id>/<job_id>~<file>. The caller's; NULL if a part is unsafe
 * (empty, or holding '/', "..", or control characters). */
char *job_object_key(const char *prefix, const char *user_id, const char *job_id, const char *file);
/* "<name>.annot.vcf" and "<name>.vcf.count.log" from an input file name "<name>.vcf". */
char *job_result_name(const char *input_file_name);
char *job_log_name(const char *input_file_name);

#endif
