/* backend: the five small interfaces every backend implements (table, queue, topic,
 * objects, cold) and the registry that opens a backend by name from config.
 *
 * Each interface is a struct of function pointers; an implementation embeds the public
 * struct (struct tbl, struct queue, ...) as its first member. Callers use the wrapper
 * functions below (tbl_get, queue_send, ...), which validate arguments the same way for
 * every backend before calling the implementation.
 *
 * Ownership: handles from backend_open/be_table/be_queue/be_topic are the caller's and
 * are freed with the matching *_close (the backend itself with backend_close, after all
 * of its handles). A returned cJSON * or char * is the caller's; const char * is borrowed.
 *
 * Threads: a backend and its handles may be used from several threads at once; handles
 * are stateless apart from their names. Several processes may open the same local
 * backend at once. */
#ifndef GAS_BACKEND_H
#define GAS_BACKEND_H

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdint.h>

struct cfg;
struct gas_backend;

/* ------------------------------------------------------------------------------- table */

/* A conditional update: conditions (all must hold) and the changes to make.
 * Built with the tbl_update_* functions; maps one to one onto DynamoDB's
 * ConditionExpression and UpdateExpression (SET / REMOVE). */
enum tbl_op { TBL_EQ, TBL_NE, TBL_LT, TBL_LE, TBL_GT, TBL_GE, TBL_EXISTS, TBL_ABSENT };
struct tbl_update {
    cJSON *set;    /* object: attribute -> new value */
    cJSON *remove; /* array of attribute names */
    cJSON *conds;  /* array of {"attr": name, "op": n, "value": v} */
};
void tbl_update_init(struct tbl_update *u);
void tbl_update_release(struct tbl_update *u);
void tbl_update_set_str(struct tbl_update *u, const char *attr, const char *value);
void tbl_update_set_int(struct tbl_update *u, const char *attr, int64_t value);
void tbl_update_remove(struct tbl_update *u, const char *attr);
void tbl_update_if_str(struct tbl_update *u, const char *attr, enum tbl_op op, const char *v);
void tbl_update_if_int(struct tbl_update *u, const char *attr, enum tbl_op op, int64_t v);
void tbl_update_if_exists(struct tbl_update *u, const char *attr);
void tbl_update_if_absent(struct tbl_update *u, const char *attr);
/* Shared evaluation: 1 if every condition holds on item. */
int tbl_update_check(const struct tbl_update *u, const cJSON *item);
/* Applies the SET and REMOVE parts to item in place. */
void tbl_update_apply(const struct tbl_update *u, cJSON *item);

/* A page of results: items is a cJSON array (owned by the page); next is the cursor for
 * the following page, NULL when this was the last. */
struct tbl_page {
    cJSON *items;
    char *next;
};
void tbl_page_release(struct tbl_page *pg);

struct tbl;
struct tbl_ops {
    int (*get)(struct tbl *t, const char *key, cJSON **item);
    int (*put)(struct tbl *t, const cJSON *item, int if_absent);
    int (*update)(struct tbl *t, const char *key, const struct tbl_update *u, cJSON **item);
    int (*del)(struct tbl *t, const char *key);
    int (*query)(struct tbl *t, const char *index_value, const char *cursor, int limit,
                 struct tbl_page *pg);
    int (*scan)(struct tbl *t, const char *cursor, int limit, struct tbl_page *pg);
    int (*query_due)(struct tbl *t, const char *state, int64_t before, int limit,
                     struct tbl_page *pg);
    void (*close)(struct tbl *t);
    /* optional (NULL: GAS_EUNSUPPORTED); see tbl_changes */
    int (*changes)(struct tbl *t, int64_t *mark, int limit, struct tbl_page *pg);
};
struct tbl {
    const struct tbl_ops *ops;
    struct gas_backend *be;
    char *name;       /* table name */
    char *key_attr;   /* partition key attribute, e.g. "job_id" */
    char *index_attr; /* attribute of the secondary index, e.g. "user_id", or NULL */
};

/* Returns GAS_ENOTFOUND when there is no such item. */
int tbl_get(struct tbl *t, const char *key, cJSON **item);
/* Writes item (which must hold the key attribute); if_absent: GAS_ECONFLICT if it exists. */
int tbl_put(struct tbl *t, const cJSON *item, int if_absent);
/* Compare-and-set on an existing item: GAS_ENOTFOUND if there is none, GAS_ECONFLICT if
 * a condition does not hold (nothing changed). *item (optional) gets the new item. */
int tbl_update(struct tbl *t, const char *key, const struct tbl_update *u, cJSON **item);
int tbl_delete(struct tbl *t, const char *key);
/* Items whose index attribute equals value, at most limit (1..1000): in key order on the
 * local backend, in no particular order on DynamoDB (the index has no sort key). */
int tbl_query(struct tbl *t, const char *value, const char *cursor, int limit, struct tbl_page *pg);
/* The due index of a table with a secondary index (the jobs table): an item is in it
 * while it holds both TBL_WATCH (a state name) and TBL_WATCH_UNTIL (epoch seconds); a
 * sparse index (local: a partial SQLite index; DynamoDB: the GSI TBL_DUE_INDEX), so that
 * finding overdue work reads only the watched items, never the table.
 * tbl_query_due: at most limit (1..1000) items with watch == state and watch_until <
 * before, oldest first. */
#define TBL_WATCH       "watch"
#define TBL_WATCH_UNTIL "watch_until"
#define TBL_DUE_INDEX   "watch_index"
int tbl_query_due(struct tbl *t, const char *state, int64_t before, int limit, struct tbl_page *pg);
/* Every item, in pages of at most limit (1..1000). */
int tbl_scan(struct tbl *t, const char *cursor, int limit, struct tbl_page *pg);
/* Items written after *mark, oldest change first, at most limit (1..1000); *mark becomes
 * the mark of the last one returned. *mark < 0: no items, *mark becomes the current mark
 * (take it before a full scan). For readers that keep a copy of a table (the console).
 * GAS_EUNSUPPORTED on backends that do not track changes (deleted items are not seen). */
int tbl_changes(struct tbl *t, int64_t *mark, int limit, struct tbl_page *pg);
void tbl_close(struct tbl *t);

/* ------------------------------------------------------------------------------- queue */

#define QUEUE_MAX_DELAY      900
#define QUEUE_MAX_VISIBILITY 43200
#define QUEUE_MAX_WAIT       20
#define QUEUE_MAX_BATCH      10

struct queue_msg {
    char *id;      /* message id, stable across receives */
    char *receipt; /* receipt handle of this receive */
    char *body;    /* as sent */
    int receive_count;
    double sent_at; /* epoch seconds */
    char *reason;   /* dead letters: why the message was dead-lettered (NULL: not known) */
};
void queue_msg_release(struct queue_msg *m);

struct queue_depths {
    int64_t visible;   /* ready to be received */
    int64_t in_flight; /* received, not yet deleted, hidden */
    int64_t delayed;   /* sent with a delay that has not passed */
    int64_t dead;      /* in this queue's dead-letter queue */
    double oldest;     /* when the oldest visible message was sent (epoch s); 0: none, or
                          not known (SQS tells it through CloudWatch only) */
    int delay_s;       /* the queue's own delay of every message (SQS DelaySeconds; local:
                          its topic subscription's); -1: none known */
};

struct queue;
struct queue_ops {
    int (*send)(struct queue *q, const char *body, int delay_s, char **msg_id);
    int (*receive)(struct queue *q, int max, int wait_s, int visibility_s, struct queue_msg *out,
                   int *n);
    int (*del)(struct queue *q, const char *receipt);
    int (*extend)(struct queue *q, const char *receipt, int visibility_s);
    int (*depths)(struct queue *q, struct queue_depths *d);
    int (*dead_list)(struct queue *q, int max, struct queue_msg *out, int *n);
    int (*redrive)(struct queue *q, const char *msg_id, int *moved);
    int (*dead_delete)(struct queue *q, const char *msg_id);
    int (*dead_letter)(struct queue *q, const struct queue_msg *m, const char *reason);
    void (*close)(struct queue *q);
    /* optional (NULL: one del per receipt); see queue_delete_batch */
    int (*del_batch)(struct queue *q, const char *const *receipts, int n, int *rcs);
};
struct queue {
    const struct queue_ops *ops;
    struct gas_backend *be;
    char *name;
};

/* body: at most max_message_bytes; delay 0..900 s. *msg_id (optional) is the caller's. */
int queue_send(struct queue *q, const char *body, int delay_s, char **msg_id);
/* Like queue_send, bounded by the service's hard limit (QUEUE_HARD_MAX_BYTES) instead of
 * max_message_bytes: for moving a message already in the system (to a dead-letter queue)
 * whatever the local limit says. */
#define QUEUE_HARD_MAX_BYTES (1024 * 1024)
int queue_send_raw(struct queue *q, const char *body, int delay_s, char **msg_id);
/* Up to max (1..10) messages into out[]; waits up to wait_s (0..20) for the first one,
 * returning early with *n = 0 when the backend is interrupted. visibility_s < 0 uses the
 * queue's default. A message received more than the queue's max_receives times goes to
 * the dead-letter queue instead of being returned. */
int queue_receive(struct queue *q, int max, int wait_s, int visibility_s, struct queue_msg *out,
                  int *n);
/* Deletes the message this receipt was issued for; GAS_ESTALE if it has been received
 * again since (or deleted) - on the local backend. SQS accepts any receipt a message was
 * ever given, so there a stale receipt may still delete it: handlers are idempotent and
 * must not rely on GAS_ESTALE for correctness. */
int queue_delete(struct queue *q, const char *receipt);
/* Deletes n (1..10) messages by their receipts in one request where the backend allows it
 * (SQS DeleteMessageBatch); rcs[i] (optional) gets what queue_delete would have returned
 * for receipts[i]. Returns 0 when every one was deleted, else the first failure's code. */
int queue_delete_batch(struct queue *q, const char *const *receipts, int n, int *rcs);
/* Hides the message for visibility_s more seconds from now (0 makes it visible). */
int queue_extend(struct queue *q, const char *receipt, int visibility_s);
int queue_depths(struct queue *q, struct queue_depths *d);
/* Moves a received message (m, with its current receipt) to the dead-letter queue at once,
 * keeping its id and recording reason (at most QUEUE_MAX_REASON bytes are kept): what
 * queue_dead_list shows. A message the queue itself dead-letters after max_receives
 * receives gets "exceeded N receives". GAS_ESTALE if the receipt is no longer current (local). */
#define QUEUE_MAX_REASON 1024
int queue_dead_letter(struct queue *q, const struct queue_msg *m, const char *reason);
/* Peeks at up to max (1..100) dead letters, oldest first, without changing them; each has
 * the id it was sent with (the one gas send printed and the logs use) and its reason. */
int queue_dead_list(struct queue *q, int max, struct queue_msg *out, int *n);
/* Moves one dead letter (msg_id) or all (NULL) back to the queue; *moved (optional). */
int queue_redrive(struct queue *q, const char *msg_id, int *moved);
/* Deletes one dead letter (msg_id, the id queue_dead_list gives) for good: a message no
 * retry can help (a malformed body, a request for a job long gone). GAS_ENOTFOUND when the
 * queue's dead letters have no such message (redriven or deleted meanwhile). */
int queue_dead_delete(struct queue *q, const char *msg_id);
void queue_close(struct queue *q);

/* ------------------------------------------------------------------------------- topic */

struct topic;
struct topic_ops {
    int (*publish)(struct topic *t, const char *body, char **msg_id);
    int (*subscribe)(struct topic *t, const char *queue, int delay_s, int raw);
    void (*close)(struct topic *t);
};
struct topic {
    const struct topic_ops *ops;
    struct gas_backend *be;
    char *name;
};

/* Delivers body to every subscribed queue, all or none. Raw subscriptions get the body
 * itself; the others an SNS envelope whose "Message" is the body. */
int topic_publish(struct topic *t, const char *body, char **msg_id);
/* Subscribes a queue (idempotent; updates delay and raw). delay_s 0..900. */
int topic_subscribe(struct topic *t, const char *queue, int delay_s, int raw);
void topic_close(struct topic *t);

/* ----------------------------------------------------------------------------- objects */

#define OBJ_MAX_KEY 1024
struct obj_info {
    int64_t size;
    char etag[40];          /* hex MD5 of the content for single-part objects */
    char storage_class[24]; /* "STANDARD", "GLACIER", ... */
};

struct objs;
struct objs_ops {
    int (*put_file)(struct objs *o, const char *bucket, const char *key, const char *path);
    int (*get_file)(struct objs *o, const char *bucket, const char *key, const char *path);
    int (*head)(struct objs *o, const char *bucket, const char *key, struct obj_info *info);
    int (*copy)(struct objs *o, const char *sbucket, const char *skey, const char *dbucket,
                const char *dkey);
    int (*del)(struct objs *o, const char *bucket, const char *key);
    /* optional: a time-limited download URL */
    int (*link)(struct objs *o, const char *bucket, const char *key, int expires_s, char **url);
    /* optional: objs_put_files at once (else put_file n times) */
    int (*put_files)(struct objs *o, const char *bucket, int n, const char *const *keys,
                     const char *const *paths, int move);
    /* optional: objs_local_path (else there is none) */
    char *(*local_path)(struct objs *o, const char *bucket, const char *key);
    void (*close)(struct objs *o);
};
struct objs {
    const struct objs_ops *ops;
    struct gas_backend *be;
};

/* 1 if bucket follows S3's rules (3..63 of [a-z0-9.-], starting and ending alphanumeric). */
int objs_bucket_valid(const char *bucket);
/* 1 if key is safe everywhere: 1..1024 bytes, no control characters or backslash, no
 * leading '/', no empty, "." or ".." path component. */
int objs_key_valid(const char *key);
/* Streams the file at path into bucket/key; the object appears whole or not at all. */
int objs_put_file(struct objs *o, const char *bucket, const char *key, const char *path);
/* n files into n objects of one bucket, each whole or not at all, as n objs_put_file
 * would, but at once where the backend can (the local one syncs their directory once).
 * move: the files are the caller's to give up, taken over without a copy where the backend
 * can (the local one renames them into place); the caller removes whatever is left. */
int objs_put_files(struct objs *o, const char *bucket, int n, const char *const *keys,
                   const char *const *paths, int move);
/* The file bucket/key is kept in, when the backend keeps objects as local files (the local
 * one), to be read in place instead of copied; NULL when there is none. The caller's. */
char *objs_local_path(struct objs *o, const char *bucket, const char *key);
/* Streams bucket/key into the file at path (written atomically); GAS_ENOTFOUND. */
int objs_get_file(struct objs *o, const char *bucket, const char *key, const char *path);
/* Downloads bucket/key to a user's path the way cp and curl -o write: a symlink is
 * followed (its target written, created if missing); a regular or missing file is
 * replaced atomically through a temporary file in the same directory, keeping an existing
 * file's mode (0666 & ~umask for a new one); a FIFO, device or other non-regular file is
 * opened and written in place (the object is fetched to a private temporary file first,
 * so nothing reaches it unless the whole object arrived). A directory is GAS_EIO. */
int objs_download(struct objs *o, const char *bucket, const char *key, const char *path);
int objs_head(struct objs *o, const char *bucket, const char *key, struct obj_info *info);
int objs_copy(struct objs *o, const char *sbucket, const char *skey, const char *dbucket,
              const char *dkey);
/* Deleting a missing object is not an error (as in S3). */
int objs_delete(struct objs *o, const char *bucket, const char *key);
/* A URL that downloads bucket/key for expires_s seconds (a presigned GET on S3);
 * GAS_EUNSUPPORTED where the store has none (local). *url is the caller's. */
int objs_link(struct objs *o, const char *bucket, const char *key, int expires_s, char **url);

/* -------------------------------------------------------------------------------- cold */

enum cold_tier { COLD_EXPEDITED, COLD_STANDARD, COLD_BULK };
enum cold_status { COLD_IN_PROGRESS, COLD_READY, COLD_FAILED };
const char *cold_tier_name(enum cold_tier tier); /* "Expedited", "Standard", "Bulk" */
int cold_tier_parse(const char *name);           /* or -1 */
const char *cold_status_name(enum cold_status st);

struct cold;
struct cold_ops {
    int (*archive)(struct cold *c, const char *bucket, const char *key, const char *desc,
                   char **archive_id);
    int (*retrieve)(struct cold *c, const char *archive_id, enum cold_tier tier, const char *desc,
                    const char *notify_topic, char **retrieval_id);
    int (*status)(struct cold *c, const char *retrieval_id, enum cold_status *st);
    int (*fetch)(struct cold *c, const char *retrieval_id, const char *bucket, const char *key);
    int (*del)(struct cold *c, const char *archive_id);
    void (*close)(struct cold *c);
    /* optional: del without telling a missing archive apart (cold_forget); NULL: del */
    int (*forget)(struct cold *c, const char *archive_id);
};
struct cold {
    const struct cold_ops *ops;
    struct gas_backend *be;
    char *vault;
};

/* Copies hot object bucket/key into cold storage; *archive_id is the caller's. The id is
 * deterministic for a given bucket/key where the store allows it, so a repeated archive
 * after a crash does not leave a second copy. */
int cold_archive(struct cold *c, const char *bucket, const char *key, const char *desc,
                 char **archive_id);
/* Starts a retrieval. GAS_ECAPACITY: the tier (Expedited) is refused for lack of capacity,
 * try Standard. desc (optional, <= 1024 bytes) comes back in the completion notice as
 * JobDescription; notify_topic (optional): where that notice is published. */
int cold_retrieve(struct cold *c, const char *archive_id, enum cold_tier tier, const char *desc,
                  const char *notify_topic, char **retrieval_id);
int cold_status(struct cold *c, const char *retrieval_id, enum cold_status *st);
/* Puts a ready retrieval's data at hot bucket/key; GAS_ENOTREADY while in progress. */
int cold_fetch(struct cold *c, const char *retrieval_id, const char *bucket, const char *key);
/* Deletes an archive; GAS_ENOTFOUND if it does not exist. */
int cold_delete(struct cold *c, const char *archive_id);
/* Deletes an archive that may be gone already (a cleanup): 0 then too, without asking
 * first where the store deletes a missing one silently (S3: one request, not two). */
int cold_forget(struct cold *c, const char *archive_id);

/* ----------------------------------------------------------------------------- backend */

/* What a queue is made with (bootstrap). */
struct queue_spec {
    const char *name;
    const char *dlq;  /* dead-letter queue name */
    int visibility_s; /* default visibility timeout */
    int max_receives; /* receives before dead-lettering */
    /* out (AWS): the queue existed and was kept as it was (a deployment's: its visibility,
     * delay, retention and access policy untouched), a redrive policy added if it had none */
    int kept;
};

struct backend_ops {
    int (*table)(struct gas_backend *be, const char *name, const char *key_attr,
                 const char *index_attr, struct tbl **t);
    int (*queue)(struct gas_backend *be, const char *name, struct queue **q);
    int (*topic)(struct gas_backend *be, const char *name, struct topic **t);
    /* Creates a table, queue (with its dead-letter queue) or topic if missing. */
    int (*create_table)(struct gas_backend *be, const char *name, const char *key_attr,
                        const char *index_attr);
    int (*create_queue)(struct gas_backend *be, struct queue_spec *spec);
    int (*create_topic)(struct gas_backend *be, const char *name);
    /* *kept (may be NULL): 1 when the bucket existed and was left as it was */
    int (*create_bucket)(struct gas_backend *be, const char *bucket, int *kept);
    /* Creates the cold store (vault or archive bucket) and sends its completion events to
     * thaw_topic; NULL when there is nothing to make. */
    int (*create_cold)(struct gas_backend *be, const char *thaw_topic);
    /* optional: makes this process's lazy writes so far durable (backend_sync) */
    int (*sync)(struct gas_backend *be);
    /* optional: opens (begin 1) or commits (begin 0) this thread's group of writes */
    int (*group)(struct gas_backend *be, int begin);
    void (*close)(struct gas_backend *be);
};

/* What a backend guarantees beyond the interface's common ground (gas_backend.caps). */
#define BE_EXACT_RECEIPTS 1u /* a stale receipt is always refused with GAS_ESTALE */
#define BE_COLD_NOTICES   2u /* cold_retrieve publishes its completion notice to notify_topic */
#define BE_PEEK_DEAD      4u /* queue_dead_list only reads (SQS's receives the letters) */

struct gas_backend {
    const struct backend_ops *ops;
    const char *name;       /* "local", "aws" */
    unsigned caps;          /* BE_* */
    const struct cfg *cfg;  /* borrowed: must outlive the backend */
    struct objs *objs;      /* owned by the backend */
    struct cold *cold;      /* owned by the backend */
    atomic_int interrupted; /* set by backend_interrupt: long polls return early */
    /* set before opening handles: tables and topics are opened without asking the service
     * (aws: no DescribeTable, no GetTopicAttributes); a missing one is then reported, by
     * name, by its first operation. Queues are always looked up (their URL is needed). */
    int lazy_open;
};

/* 1 if the state cfg points at exists already (local: data_dir/gas.db), 0 if not; a
 * backend that cannot tell without asking the service says 1 (its errors say what is
 * missing). *where (optional, the caller's) names what was looked for. */
int backend_exists(const struct cfg *cfg, char **where);
/* Opens the backend named by cfg's "backend" key (the local one creates its data_dir). */
int backend_open(const struct cfg *cfg, struct gas_backend **be);
void backend_close(struct gas_backend *be);
/* Makes every current and future long poll return at once (for shutdown). */
void backend_interrupt(struct gas_backend *be);

int be_table(struct gas_backend *be, const char *name, const char *key_attr, const char *index_attr,
             struct tbl **t);
int be_queue(struct gas_backend *be, const char *name, struct queue **q);
int be_topic(struct gas_backend *be, const char *name, struct topic **t);
int be_create_table(struct gas_backend *be, const char *name, const char *key_attr,
                    const char *index_attr);
int be_create_queue(struct gas_backend *be, struct queue_spec *spec);
int be_create_topic(struct gas_backend *be, const char *name);
int be_create_bucket(struct gas_backend *be, const char *bucket, int *kept);
int be_create_cold(struct gas_backend *be, const char *thaw_topic);

/* Durability of this thread's writes. A write returns once it is durable, except between
 * backend_lazy(1) and backend_lazy(0) (they nest): then it may be undone by a power loss -
 * whole, and only with every write after it - until the next durable write of any thread
 * or process. Only for writes whose loss is harmless because they are redone: a claim, a
 * received or deleted message coming back, a cache row recomputed. The local backend
 * skips their sync; AWS writes are durable either way. */
void backend_lazy(int on);
int backend_lazy_now(void);
/* Makes every write of this process so far durable (those made lazily too): the end of a
 * group of lazy writes, one sync for all of them. */
int backend_sync(struct gas_backend *be);

/* A group of this thread's table, queue and topic writes made as one (the local backend:
 * one transaction, one commit, so a batch of jobs costs one write of each page it touches
 * instead of one per job). Between backend_group_begin and backend_group_end, a write that
 * fails undoes only itself; the ones that succeed take effect only when backend_group_end
 * returns 0 (durable then, unless lazy); when it fails, none of them did. For short runs of
 * writes only: the group holds the database's write lock (other writers wait). A backend
 * without groups (AWS) makes each write as it comes, and both calls return 0. When
 * backend_group_begin fails, the writes are made one by one. */
int backend_group_begin(struct gas_backend *be);
int backend_group_end(struct gas_backend *be);
/* 1 if the backend groups writes (a group is one transaction and one sync: local), so that
 * a batch of many jobs costs the syncs of a few; 0 if each write goes out alone (AWS). */
int backend_groups(const struct gas_backend *be);

/* The backends this build knows, in registry order (NULL-terminated names). */
const char *const *backend_names(void);

#endif
