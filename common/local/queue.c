/* local queue and topic: messages are rows of one SQLite table.
 *
 * A message is visible when visible_at <= now. Receiving one, inside BEGIN IMMEDIATE,
 * gives it a fresh receipt handle, bumps receive_count and hides it until now +
 * visibility; so two receivers (threads or processes) can never hold the same message at
 * once, and a receiver that dies leaves it to reappear when its visibility runs out. A
 * message already received max_receives times moves to the dead-letter queue instead of
 * being returned. Deleting or extending needs the current receipt: an older one is stale.
 * A long poll re-checks every 50..200 ms with a cheap read before taking the write lock,
 * and gives up at once when the backend is interrupted. */
#include "local.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lqueue {
    struct queue pub;
    char *dlq;
    int visibility;
    int max_receives;
};

struct ltopic {
    struct topic pub;
};

static int no_conn(void)
{
    return gas_err_set(GAS_EBUSY, "no database connection");
}

static int step_done(sqlite3 *c, sqlite3_stmt *st, const char *what)
{
    int r = sqlite3_step(st);
    int rc = r == SQLITE_DONE ? 0 : ldb_fail(c, r, what);
    ldb_done(st);
    return rc;
}

/* Inserts a message into queue; visible after delay seconds. */
static int insert_msg(sqlite3 *c, const char *queue, const char *body, double delay, char **id)
{
    char uuid[37];
    gas_uuid7(uuid); /* time-ordered: see gas_uuid7 */
    sqlite3_stmt *st = ldb_prep(c, "INSERT INTO messages(id, queue, body, sent_at, visible_at) "
                                   "VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return GAS_EIO;
    double now = gas_now();
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, queue, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, now);
    sqlite3_bind_double(st, 5, now + delay);
    int rc = step_done(c, st, "send message");
    if (!rc && id)
        *id = xstrdup(uuid);
    return rc;
}

static int q_send(struct queue *q, const char *body, int delay_s, char **msg_id)
{
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    int rc = insert_msg(c, q->name, body, delay_s, msg_id);
    ldb_put(db, c);
    return rc;
}

/* 1 if anything may be visible now (a read that takes no write lock). */
static int anything_visible(sqlite3 *c, const char *queue, double now)
{
    sqlite3_stmt *st = ldb_prep(c, "SELECT 1 FROM messages WHERE queue = ?1 AND visible_at <= ?2 "
                                   "LIMIT 1");
    if (!st)
        return 1; /* let the real attempt report the error */
    sqlite3_bind_text(st, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, now);
    int r = sqlite3_step(st);
    ldb_done(st);
    return r != SQLITE_DONE;
}

static int move_to_dlq(sqlite3 *c, struct lqueue *lq, sqlite3_int64 seq, double now)
{
    sqlite3_stmt *st = ldb_prep(c, "UPDATE messages SET queue = ?1, dead_from = ?2, receipt = NULL,"
                                   " visible_at = ?3, dead_reason = ?5 WHERE seq = ?4");
    if (!st)
        return GAS_EIO;
    char why[64];
    snprintf(why, sizeof why, "exceeded %d receives", lq->max_receives);
    sqlite3_bind_text(st, 1, lq->dlq, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lq->pub.name, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, now);
    sqlite3_bind_int64(st, 4, seq);
    sqlite3_bind_text(st, 5, why, -1, SQLITE_TRANSIENT);
    return step_done(c, st, "dead-letter message");
}

static int hand_out(sqlite3 *c, sqlite3_int64 seq, const char *receipt, double until)
{
    sqlite3_stmt *st = ldb_prep(c, "UPDATE messages SET receipt = ?1, visible_at = ?2, "
                                   "receive_count = receive_count + 1 WHERE seq = ?3");
    if (!st)
        return GAS_EIO;
    sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, until);
    sqlite3_bind_int64(st, 3, seq);
    return step_done(c, st, "receive message");
}

static int try_receive(sqlite3 *c, struct lqueue *lq, int max, int vis, struct queue_msg *out,
                       int *n)
{
    double now = gas_now();
    if (!anything_visible(c, lq->pub.name, now))
        return 0;
    int rc = ldb_begin(c);
    if (rc)
        return rc;
    sqlite3_stmt *st = ldb_prep(c, "SELECT seq, id, body, receive_count, sent_at FROM messages "
                                   "WHERE queue = ?1 AND visible_at <= ?2 "
                                   "ORDER BY visible_at, seq LIMIT ?3");
    if (!st) {
        ldb_rollback(c);
        return GAS_EIO;
    }
    sqlite3_bind_text(st, 1, lq->pub.name, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, now);
    sqlite3_bind_int(st, 3, max + 64); /* room for dead letters moved on the way */
    int r;
    while (!rc && *n < max && (r = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        int count = sqlite3_column_int(st, 3);
        if (lq->dlq && count >= lq->max_receives) {
            rc = move_to_dlq(c, lq, seq, now);
            continue;
        }
        char receipt[37];
        gas_uuid7(receipt);
        rc = hand_out(c, seq, receipt, now + vis);
        if (rc)
            break;
        struct queue_msg *m = &out[(*n)++];
        m->id = xstrdup((const char *)sqlite3_column_text(st, 1));
        m->body = xstrdup((const char *)sqlite3_column_text(st, 2));
        m->receipt = xstrdup(receipt);
        m->receive_count = count + 1;
        m->sent_at = sqlite3_column_double(st, 4);
    }
    ldb_done(st);
    if (!rc)
        rc = ldb_commit(c);
    if (rc) {
        ldb_rollback(c);
        for (int i = 0; i < *n; i++)
            queue_msg_release(&out[i]);
        *n = 0;
    }
    return rc;
}

static int q_receive(struct queue *q, int max, int wait_s, int visibility_s, struct queue_msg *out,
                     int *n)
{
    struct lqueue *lq = (struct lqueue *)q;
    struct ldb *db = local_of(q->be)->db;
    int vis = visibility_s < 0 ? lq->visibility : visibility_s;
    double deadline = gas_mono() + wait_s, pause = 0.05;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    backend_lazy(1); /* a receive undone by a power loss: the message comes back */
    int rc = 0;
    for (;;) {
        rc = try_receive(c, lq, max, vis, out, n);
        if (rc || *n > 0 || atomic_load(&q->be->interrupted))
            break;
        double left = deadline - gas_mono();
        if (left <= 0)
            break;
        gas_sleep(left < pause ? left : pause);
        if (pause < 0.2)
            pause *= 1.5;
    }
    backend_lazy(0);
    ldb_put(db, c);
    return rc;
}

/* One statement on the message with this receipt; GAS_ESTALE when there is none. */
/* A receipt that no longer names a received message (received again, or deleted). */
static int stale(const struct queue *q)
{
    return gas_err_set(GAS_ESTALE,
                       "%s: receipt handle is stale (message received again or deleted)", q->name);
}

static int receipt_step(sqlite3 *c, struct queue *q, const char *sql, const char *receipt,
                        double vis_until, const char *what)
{
    sqlite3_stmt *st = ldb_prep(c, sql);
    if (!st)
        return GAS_EIO;
    sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->name, -1, SQLITE_STATIC);
    if (vis_until >= 0)
        sqlite3_bind_double(st, 3, vis_until);
    int rc = step_done(c, st, what);
    if (!rc && sqlite3_changes(c) == 0)
        rc = stale(q);
    return rc;
}

/* Deleting or re-hiding a message is lazy (backend_lazy): undone by a power loss, the message
 * only comes back, which at-least-once delivery allows. */
static int by_receipt(struct queue *q, const char *sql, const char *receipt, double vis_until,
                      const char *what)
{
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    backend_lazy(1);
    int rc = receipt_step(c, q, sql, receipt, vis_until, what);
    backend_lazy(0);
    ldb_put(db, c);
    return rc;
}

static const char del_sql[] = "DELETE FROM messages WHERE receipt = ?1 AND queue = ?2";

/* n deletes in one transaction (one commit instead of n). */
static int q_del_batch(struct queue *q, const char *const *receipts, int n, int *rcs)
{
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    backend_lazy(1);
    int first = 0, rc = ldb_begin(c);
    for (int i = 0; i < n; i++) {
        rcs[i] = rc ? rc : receipt_step(c, q, del_sql, receipts[i], -1, "delete message");
        if (rcs[i] && !first)
            first = rcs[i];
    }
    if (!rc && (rc = ldb_commit(c)) != 0)
        for (int i = 0; i < n; i++)
            rcs[i] = first = rc;
    backend_lazy(0);
    ldb_put(db, c);
    return first;
}

static int q_del(struct queue *q, const char *receipt)
{
    return by_receipt(q, del_sql, receipt, -1, "delete message");
}

/* The message keeps its row, so its id; only its queue changes. */
static int q_dead_letter(struct queue *q, const struct queue_msg *m, const char *reason)
{
    struct lqueue *lq = (struct lqueue *)q;
    if (!lq->dlq)
        return gas_err_set(GAS_EINVAL, "%s has no dead-letter queue", q->name);
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st =
        ldb_prep(c, "UPDATE messages SET queue = ?3, dead_from = ?2, receipt = NULL, "
                    "visible_at = ?4, dead_reason = ?5 "
                    "WHERE receipt = ?1 AND queue = ?2");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, m->receipt, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, q->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, lq->dlq, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, gas_now());
        sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
        rc = step_done(c, st, "dead-letter message");
        if (!rc && sqlite3_changes(c) == 0)
            rc = stale(q);
    }
    ldb_put(db, c);
    return rc;
}

static int q_extend(struct queue *q, const char *receipt, int visibility_s)
{
    return by_receipt(q, "UPDATE messages SET visible_at = ?3 WHERE receipt = ?1 AND queue = ?2",
                      receipt, gas_now() + visibility_s, "change visibility");
}

static int q_depths(struct queue *q, struct queue_depths *d)
{
    struct lqueue *lq = (struct lqueue *)q;
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st =
        ldb_prep(c, "SELECT coalesce(sum(queue = ?1 AND visible_at <= ?3), 0),"
                    " coalesce(sum(queue = ?1 AND visible_at > ?3 AND receipt IS NOT NULL), 0),"
                    " coalesce(sum(queue = ?1 AND visible_at > ?3 AND receipt IS NULL), 0),"
                    " coalesce(sum(queue = ?2), 0),"
                    " coalesce(min(CASE WHEN queue = ?1 AND visible_at <= ?3 THEN sent_at END), 0),"
                    " (SELECT coalesce(max(delay), -1) FROM subscriptions WHERE queue = ?1)"
                    " FROM messages WHERE queue IN (?1, ?2)");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, q->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lq->dlq ? lq->dlq : "", -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, gas_now());
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            d->visible = sqlite3_column_int64(st, 0);
            d->in_flight = sqlite3_column_int64(st, 1);
            d->delayed = sqlite3_column_int64(st, 2);
            d->dead = sqlite3_column_int64(st, 3);
            d->oldest = sqlite3_column_double(st, 4);
            d->delay_s = sqlite3_column_int(st, 5); /* its subscriptions' (-1: none) */
            rc = 0;
        } else {
            rc = ldb_fail(c, r, "queue depths");
        }
        ldb_done(st);
    }
    ldb_put(db, c);
    return rc;
}

static int q_dead_list(struct queue *q, int max, struct queue_msg *out, int *n)
{
    struct lqueue *lq = (struct lqueue *)q;
    if (!lq->dlq)
        return 0;
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "SELECT id, body, receive_count, sent_at, dead_reason "
                                   "FROM messages WHERE queue = ?1 ORDER BY seq LIMIT ?2");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, lq->dlq, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, max);
        int r;
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            struct queue_msg *m = &out[(*n)++];
            memset(m, 0, sizeof *m);
            m->id = xstrdup((const char *)sqlite3_column_text(st, 0));
            m->body = xstrdup((const char *)sqlite3_column_text(st, 1));
            m->receive_count = sqlite3_column_int(st, 2);
            m->sent_at = sqlite3_column_double(st, 3);
            if (sqlite3_column_type(st, 4) != SQLITE_NULL)
                m->reason = xstrdup((const char *)sqlite3_column_text(st, 4));
        }
        rc = r == SQLITE_DONE ? 0 : ldb_fail(c, r, "list dead letters");
        ldb_done(st);
    }
    ldb_put(db, c);
    return rc;
}

/* A change to this queue's dead letters (of its dead-letter queue, only those it moved
 * there: a shared dead-letter queue keeps other queues'): sql with ?1 the queue, ?2 its
 * dead-letter queue, ?3 now, ?4 the one letter's id (NULL: every one). *n: letters changed;
 * GAS_ENOTFOUND when the one named is not there. */
static int dead_change(struct queue *q, const char *sql, const char *what, const char *msg_id,
                       int *n)
{
    struct lqueue *lq = (struct lqueue *)q;
    *n = 0;
    if (!lq->dlq)
        return gas_err_set(GAS_EINVAL, "%s has no dead-letter queue", q->name);
    struct ldb *db = local_of(q->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, sql);
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, q->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lq->dlq, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, gas_now());
        if (msg_id)
            sqlite3_bind_text(st, 4, msg_id, -1, SQLITE_STATIC);
        rc = step_done(c, st, what);
        if (!rc)
            *n = sqlite3_changes(c);
        if (!rc && msg_id && *n == 0)
            rc = gas_err_set(GAS_ENOTFOUND, "%s: no dead letter %s", q->name, msg_id);
    }
    ldb_put(db, c);
    return rc;
}

static int q_redrive(struct queue *q, const char *msg_id, int *moved)
{
    return dead_change(q,
                       "UPDATE messages SET queue = ?1, dead_from = NULL, "
                       "dead_reason = NULL, receipt = NULL, receive_count = 0, visible_at = ?3 "
                       "WHERE queue = ?2 AND (dead_from = ?1 OR dead_from IS NULL) "
                       "AND (?4 IS NULL OR id = ?4)",
                       "redrive", msg_id, moved);
}

static int q_dead_delete(struct queue *q, const char *msg_id)
{
    int n;
    return dead_change(q,
                       "DELETE FROM messages WHERE queue = ?2 AND (dead_from = ?1 OR dead_from "
                       "IS NULL) AND id = ?4", /* ?3 unused */
                       "delete a dead letter", msg_id, &n);
}

static void q_close(struct queue *q)
{
    struct lqueue *lq = (struct lqueue *)q;
    free(lq->dlq);
    free(q->name);
    free(lq);
}

static const struct queue_ops local_queue_ops = {
    .send = q_send,
    .receive = q_receive,
    .del = q_del,
    .extend = q_extend,
    .depths = q_depths,
    .dead_list = q_dead_list,
    .redrive = q_redrive,
    .dead_delete = q_dead_delete,
    .dead_letter = q_dead_letter,
    .close = q_close,
    .del_batch = q_del_batch,
};

static int upsert_queue(sqlite3 *c, const char *name, const char *dlq, int vis, int max_receives)
{
    sqlite3_stmt *st = ldb_prep(c, "INSERT INTO queues(name, dlq, visibility, max_receives) "
                                   "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE SET "
                                   "dlq = ?2, visibility = ?3, max_receives = ?4");
    if (!st)
        return GAS_EIO;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (dlq)
        sqlite3_bind_text(st, 2, dlq, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, vis);
    sqlite3_bind_int(st, 4, max_receives);
    return step_done(c, st, "create queue");
}

int local_queue_create(struct gas_backend *be, struct queue_spec *spec)
{
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    int rc = ldb_begin(c);
    if (!rc && spec->dlq) /* the dead-letter queue itself keeps its letters: no dlq of its own */
        rc = upsert_queue(c, spec->dlq, NULL, spec->visibility_s, 1000000);
    if (!rc)
        rc = upsert_queue(c, spec->name, spec->dlq, spec->visibility_s, spec->max_receives);
    rc = rc ? rc : ldb_commit(c);
    ldb_put(db, c);
    return rc;
}

int local_queue_open(struct gas_backend *be, const char *name, struct queue **out)
{
    *out = NULL;
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "SELECT dlq, visibility, max_receives FROM queues "
                                   "WHERE name = ?1");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            struct lqueue *lq = xcalloc(1, sizeof *lq);
            lq->pub.ops = &local_queue_ops;
            lq->pub.be = be;
            lq->pub.name = xstrdup(name);
            lq->dlq = xstrdup((const char *)sqlite3_column_text(st, 0));
            lq->visibility = sqlite3_column_int(st, 1);
            lq->max_receives = sqlite3_column_int(st, 2);
            *out = &lq->pub;
            rc = 0;
        } else if (r == SQLITE_DONE) {
            rc = gas_err_set(GAS_ENOTFOUND, "queue %s does not exist", name);
        } else {
            rc = ldb_fail(c, r, "open queue");
        }
        ldb_done(st);
    }
    ldb_put(db, c);
    return rc;
}

/* ------------------------------------------------------------------------------- topics */

static int publish(struct gas_backend *be, const char *topic, const char *body, int extra,
                   char **msg_id)
{
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    char id[37];
    gas_uuid4(id);
    int rc = ldb_begin(c);
    sqlite3_stmt *st = rc ? NULL
                          : ldb_prep(c, "SELECT queue, delay, raw FROM subscriptions "
                                        "WHERE topic = ?1 ORDER BY queue");
    if (!rc && !st)
        rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
        int r;
        char *env = NULL;
        while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
            const char *queue = (const char *)sqlite3_column_text(st, 0);
            int delay = sqlite3_column_int(st, 1), raw = sqlite3_column_int(st, 2);
            if (!raw && !env)
                env = json_sns_wrap(topic, id, body);
            rc = insert_msg(c, queue, raw ? body : env, delay + extra, NULL);
        }
        free(env);
        if (!rc && r != SQLITE_DONE)
            rc = ldb_fail(c, r, "publish");
        ldb_done(st);
    }
    rc = rc ? rc : ldb_commit(c);
    ldb_put(db, c);
    if (!rc && msg_id)
        *msg_id = xstrdup(id);
    return rc;
}

static int t_publish(struct topic *t, const char *body, char **msg_id)
{
    return publish(t->be, t->name, body, 0, msg_id);
}

int local_topic_publish_delayed(struct gas_backend *be, const char *topic, const char *body,
                                int extra_delay_s)
{
    return publish(be, topic, body, extra_delay_s, NULL);
}

static int t_subscribe(struct topic *t, const char *queue, int delay_s, int raw)
{
    struct queue *q;
    int rc = local_queue_open(t->be, queue, &q);
    if (rc)
        return rc;
    queue_close(q);
    struct ldb *db = local_of(t->be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "INSERT INTO subscriptions(topic, queue, delay, raw) "
                                   "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(topic, queue) DO UPDATE "
                                   "SET delay = ?3, raw = ?4");
    rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, queue, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, delay_s);
        sqlite3_bind_int(st, 4, raw != 0);
        rc = step_done(c, st, "subscribe");
    }
    ldb_put(db, c);
    return rc;
}

static void t_close(struct topic *t)
{
    free(t->name);
    free(t);
}

static const struct topic_ops local_topic_ops = {
    .publish = t_publish,
    .subscribe = t_subscribe,
    .close = t_close,
};

int local_topic_create(struct gas_backend *be, const char *name)
{
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "INSERT INTO topics(name) VALUES(?1) ON CONFLICT DO NOTHING");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = step_done(c, st, "create topic");
    }
    ldb_put(db, c);
    return rc;
}

int local_topic_open(struct gas_backend *be, const char *name, struct topic **out)
{
    *out = NULL;
    struct ldb *db = local_of(be)->db;
    sqlite3 *c = ldb_get(db);
    if (!c)
        return no_conn();
    sqlite3_stmt *st = ldb_prep(c, "SELECT 1 FROM topics WHERE name = ?1");
    int rc = GAS_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            struct ltopic *lt = xcalloc(1, sizeof *lt);
            lt->pub.ops = &local_topic_ops;
            lt->pub.be = be;
            lt->pub.name = xstrdup(name);
            *out = &lt->pub;
            rc = 0;
        } else {
            rc = r == SQLITE_DONE ? gas_err_set(GAS_ENOTFOUND, "topic %s does not exist", name)
                                  : ldb_fail(c, r, "open topic");
        }
        ldb_done(st);
    }
    ldb_put(db, c);
    return rc;
}
