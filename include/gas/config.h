/* config: one declarative table of keys drives the file parser, the GAS_* environment
 * overrides, the help text and the dump of the effective configuration.
 *
 * File format: one "key = value" per line; blank lines and lines starting with '#' are
 * ignored; a value may be wrapped in double quotes. A bad line is reported as
 * "FILE:LINE: reason". Precedence: defaults < file < environment (GAS_<KEY>, upper case)
 * < explicit cfg_set() calls (command-line flags).
 *
 * The file (cfg_load): the path given (--config), else $GAS_CONFIG, else the first that
 * exists of ./gas.conf, ${XDG_CONFIG_HOME:-~/.config}/gas/gas.conf, /etc/gas/gas.conf;
 * none at all is fine (defaults and environment). cfg_file and cfg_looked say which. */
#ifndef GAS_CONFIG_H
#define GAS_CONFIG_H

#include <stdint.h>
#include <stdio.h>

/* CFG_PATH: a file or directory; a relative one in a config file is relative to that file's
 * directory (in the environment: to the current directory). */
enum cfg_type { CFG_STR, CFG_INT, CFG_BOOL, CFG_ENUM, CFG_SECRET, CFG_PATH };

/* X(ID, name, type, default, min, max, choices, help) */
// clang-format off
#define GAS_CONFIG_KEYS(X)                                                                        \
    X(BACKEND, "backend", CFG_ENUM, "local", 0, 0, "local|aws", "where state lives: local (SQLite + files) or aws") \
    X(AWS_REGION, "aws_region", CFG_STR, "us-east-1", 0, 0, NULL, "aws backend: region of every service") \
    X(AWS_ENDPOINT, "aws_endpoint", CFG_STR, "", 0, 0, NULL, "aws backend: one endpoint for every service, e.g. http://127.0.0.1:5000 for moto (empty: AWS's own)") \
    X(AWS_ACCOUNT_ID, "aws_account_id", CFG_STR, "", 0, 0, NULL, "aws backend: account of the topics and queues (empty: asked from STS)") \
    X(COLD_MODE, "cold_mode", CFG_ENUM, "s3", 0, 0, "s3|glacier", "aws backend: cold storage as an S3 storage class in archive_vault (a bucket) or as a legacy Glacier vault") \
    X(COLD_STORAGE_CLASS, "cold_storage_class", CFG_ENUM, "GLACIER", 0, 0, "GLACIER|DEEP_ARCHIVE", "aws backend, cold_mode s3: storage class of archived results") \
    X(COLD_RESTORE_DAYS, "cold_restore_days", CFG_INT, "1", 1, 30, NULL, "aws backend, cold_mode s3: days a restored copy stays readable (it is copied back to hot storage at once)") \
    X(S3_MULTIPART_THRESHOLD, "s3_multipart_threshold", CFG_INT, "67108864", 5242880, 5368709120, NULL, "aws backend: uploads of at least this many bytes go in parts") \
    X(S3_PART_SIZE, "s3_part_size", CFG_INT, "16777216", 5242880, 5368709120, NULL, "aws backend: part size of multipart uploads (also Glacier's, rounded to a power-of-two MiB)") \
    X(PRESIGN_EXPIRES, "presign_expires", CFG_INT, "3600", 1, 604800, NULL, "aws backend: seconds a download link from gas show stays valid") \
    X(DATA_DIR, "data_dir", CFG_PATH, "gas-data", 0, 0, NULL, "local backend: directory for the database, objects and cold archives") \
    X(LOG_LEVEL, "log_level", CFG_ENUM, "info", 0, 0, "debug|info|warn|error", "least severe level that is logged") \
    X(LOG_JSON, "log_json", CFG_BOOL, "false", 0, 0, NULL, "log JSON lines instead of text") \
    X(DB_BUSY_TIMEOUT_MS, "db_busy_timeout_ms", CFG_INT, "10000", 10, 600000, NULL, "local backend: how long to wait for a database lock") \
    X(KEY_PREFIX, "key_prefix", CFG_STR, "gas", 0, 0, NULL, "first part of every object key: <prefix>/<user_id>/<job_id>~<file>") \
    X(INPUTS_BUCKET, "inputs_bucket", CFG_STR, "gas-inputs", 0, 0, NULL, "bucket for uploaded input files") \
    X(RESULTS_BUCKET, "results_bucket", CFG_STR, "gas-results", 0, 0, NULL, "bucket for annotated results and count logs") \
    X(ARCHIVE_VAULT, "archive_vault", CFG_STR, "gas-archive", 0, 0, NULL, "cold storage: vault (or archive bucket) name") \
    X(JOBS_TABLE, "jobs_table", CFG_STR, "gas_annotations", 0, 0, NULL, "table of jobs, keyed by job_id, index user_id_index") \
    X(JOBS_INDEX, "jobs_index", CFG_STR, "user_id_index", 0, 0, NULL, "name of the jobs table's index on user_id (some GAS deployments: user_id-index)") \
    X(JOB_STATUS_NAMES, "job_status_names", CFG_STR, "", 0, 0, NULL, "job_status values the deployment writes otherwise: STATUS=value, comma separated, e.g. COMPLETED=COMPLETE (gasd reads both and writes the deployment's)") \
    X(JOB_ATTRIBUTES, "job_attributes", CFG_STR, "", 0, 0, NULL, "jobs table attributes named otherwise by the deployment: field=attribute, comma separated, e.g. results_file_archive_id=result_archive_id (fields: the GAS framework's names)") \
    X(JOB_ARCHIVED_FLAG, "job_archived_flag", CFG_STR, "", 0, 0, NULL, "boolean attribute of a job item that the deployment's job page reads (e.g. archived): kept true while the result is archived, false once it is back (empty: none)") \
    X(USERS_TABLE, "users_table", CFG_STR, "gas_users", 0, 0, NULL, "table of users, keyed by user_id") \
    X(REQUESTS_TOPIC, "requests_topic", CFG_STR, "gas_job_requests", 0, 0, NULL, "topic for new job requests") \
    X(RESULTS_TOPIC, "results_topic", CFG_STR, "gas_job_results", 0, 0, NULL, "topic for completed jobs") \
    X(RESTORE_TOPIC, "restore_topic", CFG_STR, "gas_restore", 0, 0, NULL, "topic for user upgrades") \
    X(THAW_TOPIC, "thaw_topic", CFG_STR, "gas_thaw", 0, 0, NULL, "topic for finished retrievals") \
    X(REQUESTS_QUEUE, "requests_queue", CFG_STR, "gas_job_requests", 0, 0, NULL, "queue the annotate pipeline reads") \
    X(NOTIFY_QUEUE, "notify_queue", CFG_STR, "gas_notify", 0, 0, NULL, "queue the notify pipeline reads") \
    X(ARCHIVE_QUEUE, "archive_queue", CFG_STR, "gas_archive", 0, 0, NULL, "queue the archive pipeline reads (delayed by archive_grace)") \
    X(RESTORE_QUEUE, "restore_queue", CFG_STR, "gas_restore", 0, 0, NULL, "queue the restore pipeline reads") \
    X(THAW_QUEUE, "thaw_queue", CFG_STR, "gas_thaw", 0, 0, NULL, "queue the thaw pipeline reads") \
    X(SES_EVENTS_TOPIC, "ses_events_topic", CFG_STR, "gas_ses_events", 0, 0, NULL, "topic SES publishes bounces and complaints to (SetIdentityNotificationTopic)") \
    X(SES_EVENTS_QUEUE, "ses_events_queue", CFG_STR, "gas_ses_events", 0, 0, NULL, "queue the ses_events pipeline reads") \
    X(WORKERS_TABLE, "workers_table", CFG_STR, "gas_workers", 0, 0, NULL, "table where each gasd records itself and its heartbeat") \
    X(QUEUE_VISIBILITY, "queue_visibility", CFG_INT, "60", 1, 43200, NULL, "seconds a received message stays hidden (a queue takes it when gas setup makes it; run gas setup again after a change)") \
    X(QUEUE_WAIT, "queue_wait", CFG_INT, "10", 0, 20, NULL, "long-poll wait of a receive, seconds") \
    X(QUEUE_MAX_RECEIVES, "queue_max_receives", CFG_INT, "5", 1, 1000, NULL, "receives before a message goes to the dead-letter queue (taken by gas setup, as queue_visibility)") \
    X(ARCHIVE_GRACE, "archive_grace", CFG_INT, "300", 0, 31536000, NULL, "seconds after completion before a free user's result is archived") \
    X(COLD_EXPEDITED_DELAY, "cold_expedited_delay", CFG_INT, "5", 0, 86400, NULL, "local cold store: seconds until an Expedited retrieval is ready") \
    X(COLD_STANDARD_DELAY, "cold_standard_delay", CFG_INT, "30", 0, 604800, NULL, "local cold store: seconds until a Standard retrieval is ready") \
    X(COLD_BULK_DELAY, "cold_bulk_delay", CFG_INT, "120", 0, 604800, NULL, "local cold store: seconds until a Bulk retrieval is ready") \
    X(COLD_EXPEDITED_UNAVAILABLE, "cold_expedited_unavailable", CFG_BOOL, "false", 0, 0, NULL, "local cold store: refuse Expedited retrievals for lack of capacity") \
    X(COLD_DELETE_AFTER_THAW, "cold_delete_after_thaw", CFG_BOOL, "true", 0, 0, NULL, "delete the cold copy once a result is back in hot storage") \
    X(MAX_INPUT_BYTES, "max_input_bytes", CFG_INT, "1073741824", 1, 1099511627776, NULL, "largest accepted input file, bytes") \
    X(MAX_INPUT_EXPANDED_BYTES, "max_input_expanded_bytes", CFG_INT, "17179869184", 0, 4503599627370496, NULL, "largest input once decompressed, bytes: a small .gz can expand without bound, and its result with it (0: no limit)") \
    X(MIN_FREE_BYTES, "min_free_bytes", CFG_INT, "67108864", 0, 1099511627776, NULL, "a job stops (FAILED, saying why) when the disk its result is written to has less free, bytes (0: never look)") \
    X(MAX_MESSAGE_BYTES, "max_message_bytes", CFG_INT, "262144", 1024, 1048576, NULL, "largest accepted queue message body, bytes") \
    X(ANNOT_SOURCES, "annot_sources", CFG_PATH, "", 0, 0, NULL, "one annotation sources file, for the build it declares (empty: annot_sources_dir)") \
    X(ANNOT_SOURCES_DIR, "annot_sources_dir", CFG_PATH, "", 0, 0, NULL, "directory with <build>/sources.conf per genome build (empty: the sources built with GAS)") \
    X(DEFAULT_BUILD, "default_build", CFG_ENUM, "GRCh37", 0, 0, "GRCh37|GRCh38", "genome build of inputs whose header does not say (GAS: GRCh37)") \
    X(ANNOT_THREADS, "annot_threads", CFG_INT, "2", 0, 64, NULL, "threads per annotation: record workers (inputs over 1 MB of text) and (de)compression") \
    X(MAX_LINE_BYTES, "max_line_bytes", CFG_INT, "4194304", 1024, 1073741824, NULL, "longest accepted VCF line, bytes") \
    X(ANNOTATE_THREADS, "annotate_threads", CFG_INT, "2", 0, 64, NULL, "gasd: threads of the annotate pipeline (0: off)") \
    X(NOTIFY_THREADS, "notify_threads", CFG_INT, "1", 0, 64, NULL, "gasd: threads of the notify pipeline (0: off)") \
    X(ARCHIVE_THREADS, "archive_threads", CFG_INT, "1", 0, 64, NULL, "gasd: threads of the archive pipeline (0: off)") \
    X(RESTORE_THREADS, "restore_threads", CFG_INT, "1", 0, 64, NULL, "gasd: threads of the restore pipeline (0: off)") \
    X(THAW_THREADS, "thaw_threads", CFG_INT, "1", 0, 64, NULL, "gasd: threads of the thaw pipeline (0: off)") \
    X(SES_EVENTS_THREADS, "ses_events_threads", CFG_INT, "0", 0, 64, NULL, "gasd: threads of the ses_events pipeline, SES bounces and complaints (0: off; 1 with notify_via = ses)") \
    X(JOB_LEASE, "job_lease", CFG_INT, "120", 5, 86400, NULL, "gasd: seconds a claimed job is held without renewal before another worker may take it") \
    X(MAX_ATTEMPTS, "max_attempts", CFG_INT, "3", 1, 100, NULL, "gasd: annotation attempts before a job is FAILED") \
    X(HEARTBEAT_INTERVAL, "heartbeat_interval", CFG_INT, "5", 1, 3600, NULL, "gasd: seconds between worker heartbeats") \
    X(WORKER_FORGET, "worker_forget", CFG_INT, "86400", 0, 31536000, NULL, "seconds after its last heartbeat that a stopped or lost worker drops off gas status and the console (gas workers --all still lists it)") \
    X(SHUTDOWN_DEADLINE, "shutdown_deadline", CFG_INT, "30", 1, 3600, NULL, "gasd: seconds in-flight work may take to finish after SIGTERM") \
    X(THAW_POLL_INTERVAL, "thaw_poll_interval", CFG_INT, "60", 1, 900, NULL, "gasd: seconds between checks of a retrieval that is not ready") \
    X(WORK_DIR, "work_dir", CFG_PATH, "", 0, 0, NULL, "gasd: scratch directory for jobs (empty: <data_dir>/work, or /tmp on aws)") \
    X(RECONCILE_INTERVAL, "reconcile_interval", CFG_INT, "60", 1, 3600, NULL, "gasd: seconds between reconciler passes (jobs RUNNING, ARCHIVING or RESTORING past their deadline get their work sent again)") \
    X(SCRATCH_MAX_AGE, "scratch_max_age", CFG_INT, "86400", 60, 31536000, NULL, "gasd: at start, scratch and temporary files older than this many seconds are removed (those of dead workers at once)") \
    X(OUTBOX_DIR, "outbox_dir", CFG_PATH, "", 0, 0, NULL, "notify: directory for .eml files when no SMTP server is set (empty: <data_dir>/outbox)") \
    X(SMTP_URL, "smtp_url", CFG_STR, "", 0, 0, NULL, "notify: SMTP server, e.g. smtps://mail.example.org:465 (empty: write .eml files)") \
    X(SMTP_FROM, "smtp_from", CFG_STR, "gas@localhost", 0, 0, NULL, "notify: sender address") \
    X(SMTP_USER, "smtp_user", CFG_STR, "", 0, 0, NULL, "notify: SMTP user name") \
    X(USER_SOURCE, "user_source", CFG_ENUM, "table", 0, 0, "table|postgres", "where users come from: table (users_table in the backend) or postgres (a GAS deployment's accounts database, table profiles)") \
    X(ACCOUNTS_SECRET, "accounts_secret", CFG_STR, "", 0, 0, NULL, "user_source postgres: Secrets Manager secret with username, password, host, port (e.g. rds/accounts_database; used when accounts_dsn is empty)") \
    X(ACCOUNTS_DBNAME, "accounts_dbname", CFG_STR, "accounts", 0, 0, NULL, "user_source postgres, with accounts_secret: the database name") \
    X(ACCOUNTS_SSLROOTCERT, "accounts_sslrootcert", CFG_PATH, "", 0, 0, NULL, "user_source postgres: CA bundle that verifies the server (sslmode verify-full off the local machine), e.g. the RDS global bundle") \
    X(ACCOUNTS_CONNECT_TIMEOUT, "accounts_connect_timeout", CFG_INT, "5", 2, 300, NULL, "user_source postgres: seconds to connect before the attempt fails (retryable)") \
    X(ACCOUNTS_STATEMENT_TIMEOUT_MS, "accounts_statement_timeout_ms", CFG_INT, "5000", 100, 600000, NULL, "user_source postgres: longest a query may run, milliseconds") \
    X(NOTIFY_VIA, "notify_via", CFG_ENUM, "auto", 0, 0, "auto|outbox|smtp|ses", "notify: how emails go out: outbox (.eml files), smtp (smtp_url), ses (Amazon SES SendEmail), auto (smtp if smtp_url is set, else outbox)") \
    X(NOTIFY_JOB_URL, "notify_job_url", CFG_STR, "", 0, 0, NULL, "notify: the job's page in the web app, {job_id} replaced, e.g. https://gas.example.org/annotations/{job_id} (empty: the email names the result's bucket and key)") \
    X(SES_SENDER, "ses_sender", CFG_STR, "", 0, 0, NULL, "notify via ses: the verified sender address (empty: smtp_from)") \
    X(CONSOLE_LOG, "console_log", CFG_PATH, "", 0, 0, NULL, "console: file that log lines go to while it runs (empty: none; backend errors show on screen)") \
    X(METRICS_ADDR, "metrics_addr", CFG_STR, "", 0, 0, NULL, "gasd: serve Prometheus metrics at http://ADDR/metrics; ADDR is [HOST:]PORT, HOST 127.0.0.1 when left out (empty: off; gasd --metrics)") \
    X(CLOUDWATCH_INTERVAL, "cloudwatch_interval", CFG_INT, "60", 0, 3600, NULL, "gasd on aws: seconds between CloudWatch datapoints (BacklogPerInstance, RequestsVisible, JobsDonePerMinute, JobsFailedPerMinute; 0: off)") \
    X(CLOUDWATCH_NAMESPACE, "cloudwatch_namespace", CFG_STR, "GAS", 0, 0, NULL, "gasd on aws: CloudWatch namespace of those metrics") \
    X(CONSOLE_REFRESH, "console_refresh", CFG_INT, "2", 1, 3600, NULL, "console: seconds between refreshes") \
    X(ACCOUNTS_DSN, "accounts_dsn", CFG_SECRET, "", 0, 0, NULL, "user_source postgres: libpq connection string, e.g. \"host=/run/postgresql dbname=accounts\" (may hold a password: never shown; empty: use accounts_secret)") \
    X(SMTP_PASSWORD, "smtp_password", CFG_SECRET, "", 0, 0, NULL, "password for the SMTP server (never logged)")

// clang-format on

enum cfg_key {
#define CFG_ENUM_ID(id, ...) CFG_##id,
    GAS_CONFIG_KEYS(CFG_ENUM_ID)
#undef CFG_ENUM_ID
        CFG__COUNT
};

struct cfg; /* opaque */

/* A configuration holding every key's default. Never NULL. */
struct cfg *cfg_new(void);
void cfg_free(struct cfg *cfg);
/* Reads a config file; on a bad line returns GAS_EINVAL with "FILE:LINE: reason". */
int cfg_load_file(struct cfg *cfg, const char *path);
/* Applies GAS_<KEY> environment variables; a bad value returns GAS_EINVAL naming it. */
int cfg_load_env(struct cfg *cfg);
/* Sets one key by name from text; source says where it came from (for the dump). */
int cfg_set(struct cfg *cfg, const char *name, const char *value, const char *source);

/* The usual start of a program: defaults, then the config file (path, or found as above
 * when path is NULL), then the environment. A named file that is missing is an error. */
int cfg_load(struct cfg *cfg, const char *path);
/* The file cfg_load read (absolute), or NULL when it found none. Borrowed. */
const char *cfg_file(const struct cfg *cfg);
/* 1 if the config file (not the environment) sets a secret (a password, a DSN, a URL with
 * credentials). */
int cfg_file_has_secret(const struct cfg *cfg);
/* Where cfg_load looked for a file, for messages: "./gas.conf, /root/.config/gas/gas.conf,
 * /etc/gas/gas.conf", or the one file it was given. Borrowed. */
const char *cfg_looked(const struct cfg *cfg);

/* Values (borrowed, valid until the key is set again). */
const char *cfg_str(const struct cfg *cfg, enum cfg_key key);
int64_t cfg_int(const struct cfg *cfg, enum cfg_key key);
int cfg_bool(const struct cfg *cfg, enum cfg_key key);
const char *cfg_name(enum cfg_key key);
/* Key by name, or -1. */
int cfg_lookup(const char *name);

/* "key = value  # source" for every key, secrets shown as [redacted]. */
void cfg_dump(const struct cfg *cfg, FILE *out);
/* One paragraph per key: name, type, default, bounds, help. */
void cfg_help(FILE *out);

#endif
