/* model: see model.h. */
#include "model.h"
#include "cli.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS    2000000
#define FULL_EVERY  30   /* a full read every N incremental ones (catches deleted items) */
#define MAX_CHANGED 2000 /* changed rows that a sorted view is patched with, at most */

/* A queue's dead letters as last read. On AWS reading them is a receive (SQS cannot peek):
 * it costs requests, a long poll, and raises each letter's receive count; they are read
 * again only when the queue's count of them changes, or after DEAD_REREAD_S. */
#define DEAD_REREAD_S 60
struct dead_cache {
    char queue[96];
    int64_t count;
    double at;
    struct dead_row *rows;
    int n;
};

struct model_source {
    struct dead_cache dead[SNAP_QUEUES];
    /* the last parts read whole, shown while their source fails (the accounts database
     * down need not freeze the queues and jobs) */
    struct snap_queue last_q[SNAP_QUEUES];
    struct snap_worker last_w[SNAP_WORKERS];
    int last_nworkers, have_workers;
    struct user_row *last_users;
    int last_nusers, have_users;
    double queues_at, workers_at, jobs_at, users_at; /* when each part was last read whole */
    struct job_rows *rows;    /* the last published rows (one reference held here) */
    struct long_names *names; /* every long file name seen (one reference held here) */
    unsigned version;
    int64_t mark; /* the backend's change mark after the last read */
    int since_full, unsupported;
    /* id -> row index, open addressing over the rows of `rows` */
    int *slots;
    size_t nslots;
};

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

/* ------------------------------------------------------------------ long file names */

/* File names longer than a row's 63 characters, whole, so that the filter finds a word
 * in the part the row cuts out: one entry ("<job id>\0<name>") per job, appended by the
 * collector and never moved or changed once written (the rows published after it point at
 * it), so the UI thread reads them without a lock; kept while the source or any rows
 * hold a reference. */
#define NAME_CHUNK  1024
#define NAME_CHUNKS (MAX_ROWS / NAME_CHUNK + 1)
struct long_names {
    int refs;
    char **chunk[NAME_CHUNKS];
    int n;
    int *slots; /* id -> index + 1 (0: empty), the collector's only */
    size_t nslots;
};

static struct long_names *names_ref(struct long_names *ln)
{
    __atomic_add_fetch(&ln->refs, 1, __ATOMIC_ACQ_REL);
    return ln;
}

static void names_unref(struct long_names *ln)
{
    if (!ln || __atomic_sub_fetch(&ln->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (int i = 0; i < ln->n; i++)
        free(ln->chunk[i / NAME_CHUNK][i % NAME_CHUNK]);
    for (int k = 0; k < NAME_CHUNKS && ln->chunk[k]; k++)
        free(ln->chunk[k]);
    free(ln->slots);
    free(ln);
}

static const char *names_entry(const struct long_names *ln, int index)
{
    return ln->chunk[index / NAME_CHUNK][index % NAME_CHUNK];
}

static uint64_t hash_id(const char *s);

static size_t names_slot(const struct long_names *ln, const char *id)
{
    size_t i = hash_id(id) & (ln->nslots - 1);
    while (ln->slots[i] && strcmp(names_entry(ln, ln->slots[i] - 1), id))
        i = (i + 1) & (ln->nslots - 1);
    return i;
}

/* The entry of job id's name (added when new): index + 1, 0 when full. */
static int names_add(struct long_names *ln, const char *id, const char *name)
{
    if ((size_t)ln->n * 2 + 2 > ln->nslots) { /* grown: every entry indexed again */
        size_t want = ln->nslots ? ln->nslots * 2 : 256;
        free(ln->slots);
        ln->slots = xcalloc(want, sizeof *ln->slots);
        ln->nslots = want;
        for (int i = 0; i < ln->n; i++)
            ln->slots[names_slot(ln, names_entry(ln, i))] = i + 1;
    }
    size_t k = names_slot(ln, id);
    if (ln->slots[k])
        return ln->slots[k];
    if (ln->n >= NAME_CHUNKS * NAME_CHUNK)
        return 0;
    char ***chunk = &ln->chunk[ln->n / NAME_CHUNK];
    if (!*chunk)
        *chunk = xcalloc(NAME_CHUNK, sizeof **chunk);
    size_t il = strlen(id), nl = strlen(name);
    char *e = xmalloc(il + nl + 2);
    memcpy(e, id, il + 1);
    memcpy(e + il + 1, name, nl + 1);
    (*chunk)[ln->n % NAME_CHUNK] = e;
    ln->slots[k] = ++ln->n;
    return ln->n;
}

const char *job_row_long_name(const struct job_rows *rs, const struct job_row *r)
{
    if (!r->name || !rs || !rs->names)
        return NULL;
    const char *e = names_entry(rs->names, r->name - 1);
    return e + strlen(e) + 1;
}

/* ------------------------------------------------------------------ job rows */

static void rows_unref(struct job_rows *r)
{
    if (r && __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        names_unref(r->names);
        free(r->v);
        free(r->changed);
        free(r);
    }
}

static struct job_rows *rows_ref(struct job_rows *r)
{
    __atomic_add_fetch(&r->refs, 1, __ATOMIC_ACQ_REL);
    return r;
}

static void row_from_json(struct job_row *r, const cJSON *it, struct long_names *names)
{
    memset(r, 0, sizeof *r);
    copy(r->id, sizeof r->id, json_str(it, "job_id"));
    copy(r->user, sizeof r->user, json_str(it, "user_id"));
    /* a name longer than the row keeps: its start and end around "..", as the console shows
     * a cut value (the filter finds either end; gas show has it whole) */
    const char *file = json_str(it, "input_file_name");
    ui_elide(file ? file : "", (int)sizeof r->file - 1, r->file, sizeof r->file);
    if (file && strlen(file) > sizeof r->file - 1 && names && r->id[0])
        r->name = names_add(names, r->id, file);
    copy(r->error, sizeof r->error, json_str(it, "error"));
    for (char *p = r->error; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    r->status = (signed char)job_status_parse(json_str(it, "job_status"));
    const char *note = json_str(it, job_attr(JF_annotation_note));
    r->unannotated = cli_note_unannotated(note);
    copy(r->build, sizeof r->build, json_str(it, job_attr(JF_annotation_build)));
    r->archive = (signed char)job_item_archive(it);
    job_item_num(it, JF_submit_time, &r->submit);
    r->submit_ms = job_item_submit_ms(it);
    job_item_num(it, JF_complete_time, &r->complete);
    r->failed = 0;
    job_item_num(it, JF_fail_time, &r->failed);
    json_int(it, "attempts", &r->attempts);
    int64_t t = 0;
    r->changed = r->complete > r->submit ? r->complete : r->submit;
    if (r->failed > r->changed)
        r->changed = r->failed;
    if (!job_item_num(it, JF_restore_time, &t) && t > r->changed)
        r->changed = t;
    if (!job_item_num(it, JF_archive_time, &t) && t > r->changed)
        r->changed = t;
}

static void rows_add(struct job_rows *r, int *cap, const cJSON *it)
{
    if (r->n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        r->v = xrealloc(r->v, (size_t)*cap * sizeof *r->v);
    }
    row_from_json(&r->v[r->n++], it, r->names);
}

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of id in the index (an empty slot holds -1). */
static size_t slot_of(const struct model_source *s, const struct job_rows *r, const char *id)
{
    size_t i = hash_id(id) & (s->nslots - 1);
    while (s->slots[i] >= 0 && strcmp(r->v[s->slots[i]].id, id))
        i = (i + 1) & (s->nslots - 1);
    return i;
}

static void index_rows(struct model_source *s, const struct job_rows *r)
{
    size_t want = 1024;
    while (want < (size_t)r->n * 2 + 2)
        want *= 2;
    if (want != s->nslots) {
        free(s->slots);
        s->slots = xmalloc(want * sizeof *s->slots);
        s->nslots = want;
    }
    memset(s->slots, 0xff, want * sizeof *s->slots);
    for (int i = 0; i < r->n; i++)
        s->slots[slot_of(s, r, r->v[i].id)] = i;
}

struct model_source *model_source_new(void)
{
    struct model_source *s = xcalloc(1, sizeof(struct model_source));
    s->names = names_ref(xcalloc(1, sizeof *s->names));
    return s;
}

void model_source_free(struct model_source *s)
{
    if (!s)
        return;
    rows_unref(s->rows);
    names_unref(s->names);
    free(s->slots);
    for (int i = 0; i < SNAP_QUEUES; i++)
        free(s->dead[i].rows);
    free(s->last_users);
    free(s);
}

/* Every job, from a full scan. */
static int read_all_jobs(struct tbl *t, struct job_rows *r)
{
    int cap = 0, rc = 0;
    char *cursor = NULL;
    do {
        struct tbl_page pg;
        if ((rc = tbl_scan(t, cursor, 1000, &pg)) != 0)
            break;
        free(cursor);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            if (r->n < MAX_ROWS)
                rows_add(r, &cap, it);
        }
        tbl_page_release(&pg);
    } while (cursor);
    free(cursor);
    return rc;
}

/* The jobs written since the source's mark, applied to a copy of its rows. Returns 1 when
 * the rows changed, 0 when not, <0 on error (GAS_EUNSUPPORTED: the backend cannot). */
static int read_changed_jobs(struct tbl *t, struct model_source *s, struct job_rows **out)
{
    struct job_rows *r = NULL;
    int cap = 0, rc = 0;
    int64_t mark = s->mark;
    for (;;) {
        struct tbl_page pg;
        if ((rc = tbl_changes(t, &mark, 1000, &pg)) != 0)
            break;
        int got = cJSON_GetArraySize(pg.items);
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            if (!r) {
                r = xcalloc(1, sizeof *r);
                r->names = names_ref(s->names);
                r->base = s->rows->version;
                cap = s->rows->n + got + 1024;
                r->v = xmalloc((size_t)cap * sizeof *r->v);
                if (s->rows->n) /* none yet: s->rows->v may be NULL */
                    memcpy(r->v, s->rows->v, (size_t)s->rows->n * sizeof *r->v);
                r->n = s->rows->n;
            }
            const char *id = json_str(it, "job_id");
            size_t k = slot_of(s, r, id ? id : "");
            int at = s->slots[k];
            if (at >= 0) {
                row_from_json(&r->v[at], it, r->names);
            } else if (r->n < MAX_ROWS) {
                rows_add(r, &cap, it);
                at = r->n - 1;
                if ((size_t)r->n * 2 + 2 > s->nslots)
                    index_rows(s, r);
                else
                    s->slots[k] = at;
            }
            if (at >= 0 && r->nchanged < MAX_CHANGED) {
                if (!r->changed)
                    r->changed = xmalloc(MAX_CHANGED * sizeof *r->changed);
                r->changed[r->nchanged++] = at;
            }
        }
        tbl_page_release(&pg);
        if (got < 1000)
            break;
    }
    if (r && r->nchanged >= MAX_CHANGED)
        r->base = 0; /* too many to patch a sorted view with: sort again */
    if (rc) {
        if (r) { /* the index may point at rows of r: rebuild it on the old rows */
            names_unref(r->names);
            free(r->v);
            free(r->changed);
            free(r);
            index_rows(s, s->rows);
        }
        return rc;
    }
    s->mark = mark;
    *out = r;
    return r != NULL;
}

/* Fills m's job rows: incremental when the backend can, else a full read. */
static int collect_jobs(struct gas_app *app, struct model_source *s, struct model *m)
{
    struct job_rows *fresh = NULL;
    int rc = 0;
    if (s->rows && !s->unsupported && s->since_full < FULL_EVERY) {
        rc = read_changed_jobs(app->jobs, s, &fresh);
        if (rc >= 0) {
            s->since_full++;
            m->incremental = 1;
            goto publish;
        }
        if (rc != GAS_EUNSUPPORTED)
            return rc;
    }
    /* a full read: first take the mark, so that nothing written meanwhile is missed */
    int64_t mark = -1;
    struct tbl_page pg;
    if (!s->unsupported && !tbl_changes(app->jobs, &mark, 1, &pg))
        tbl_page_release(&pg);
    else
        s->unsupported = 1;
    fresh = xcalloc(1, sizeof *fresh);
    fresh->names = names_ref(s->names);
    rc = read_all_jobs(app->jobs, fresh);
    if (rc) {
        rows_unref(rows_ref(fresh)); /* refs 0 -> 1 -> 0: freed */
        return rc;
    }
    s->mark = mark;
    s->since_full = 0;
    if (s->rows && s->rows->n == fresh->n &&
        !memcmp(s->rows->v, fresh->v, (size_t)fresh->n * sizeof *fresh->v)) {
        rows_unref(rows_ref(fresh));
        fresh = NULL;
    }
    index_rows(s, fresh ? fresh : s->rows);
publish:
    if (fresh) {
        fresh->refs = 1;
        fresh->version = ++s->version;
        rows_unref(s->rows);
        s->rows = fresh;
    }
    m->rows = rows_ref(s->rows);
    m->jobs = m->rows->v;
    m->njobs = m->rows->n;
    m->jobs_version = m->rows->version;
    return 0;
}

/* ------------------------------------------------------------------ users, dead letters */

struct user_acc {
    struct model *m;
    int cap;
};

/* One user from the user source (the users table, or a deployment's accounts database). */
static int add_user(const struct user *src, void *arg)
{
    struct user_acc *acc = arg;
    struct model *m = acc->m;
    if (m->nusers >= MAX_ROWS)
        return 1;
    if (m->nusers == acc->cap) {
        acc->cap = acc->cap ? acc->cap * 2 : 64;
        m->users = xrealloc(m->users, (size_t)acc->cap * sizeof *m->users);
    }
    struct user_row *u = &m->users[m->nusers++];
    memset(u, 0, sizeof *u);
    copy(u->id, sizeof u->id, src->user_id);
    copy(u->name, sizeof u->name, src->name);
    copy(u->email, sizeof u->email, src->email);
    u->role = (signed char)src->role;
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct user_row *)a)->id, ((const struct user_row *)b)->id);
}

/* Users sorted by id, then one binary search per job (skipped while the same user as the
 * job before, which is common). */
static void count_user_jobs(struct model *m)
{
    if (!m->nusers)
        return;
    qsort(m->users, (size_t)m->nusers, sizeof *m->users, by_id);
    struct user_row key, *u = NULL;
    for (int j = 0; j < m->njobs; j++) {
        const struct job_row *r = &m->jobs[j];
        if (!u || strcmp(u->id, r->user)) {
            memcpy(key.id, r->user, sizeof key.id);
            u = bsearch(&key, m->users, (size_t)m->nusers, sizeof *m->users, by_id);
            if (!u)
                continue;
        }
        u->jobs++;
        u->archived += r->archive == ARCH_ARCHIVED;
        u->restoring += r->archive == ARCH_RESTORING;
        u->failed += r->status == JOB_FAILED;
    }
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < m->nusers; i++) {
        const unsigned char *p = (const unsigned char *)&m->users[i];
        for (size_t k = 0; k < sizeof m->users[i]; k++)
            h = (h ^ p[k]) * 1099511628211ull;
    }
    m->users_version = (unsigned)(h ^ (h >> 32)) | 1u;
}

static void dead_reason(struct dead_row *d, int max_receives)
{
    if (d->receives >= max_receives)
        snprintf(d->reason, sizeof d->reason, "exceeded %d receives", max_receives);
    else
        snprintf(d->reason, sizeof d->reason, "rejected by the worker (%d receive%s)", d->receives,
                 d->receives == 1 ? "" : "s");
}

/* The job a dead letter names (its body, or the SNS envelope's Message) and its status. */
/* The job the message names (from its whole body), if any. */
static void dead_job(struct dead_row *d, const char *body)
{
    cJSON *j = NULL;
    if (msg_parse(body, 256 * 1024, &j))
        return;
    const char *id = msg_job_id(j);
    if (id)
        snprintf(d->job, sizeof d->job, "%s", id);
    cJSON_Delete(j);
}

/* The status now of the job a dead letter names (-1: none, or not in the rows). */
static int dead_job_status(const struct model_source *src, const struct dead_row *d)
{
    if (!d->job[0] || !src->rows || !src->nslots)
        return -1;
    int at = src->slots[slot_of(src, src->rows, d->job)];
    return at >= 0 ? src->rows->v[at].status : -1;
}

/* Reads queue's dead letters into dc (its last rows stay on an error). */
static void dead_read(struct gas_app *app, const char *queue, int64_t count, struct dead_cache *dc)
{
    int max = (int)cfg_int(app->cfg, CFG_QUEUE_MAX_RECEIVES);
    struct queue *q = NULL;
    struct queue_msg msgs[DEAD_LISTED];
    int n = 0;
    if (be_queue(app->be, queue, &q) || queue_dead_list(q, DEAD_LISTED, msgs, &n)) {
        queue_close(q);
        return;
    }
    free(dc->rows);
    dc->rows = xcalloc((size_t)n + 1, sizeof *dc->rows);
    dc->n = 0;
    copy(dc->queue, sizeof dc->queue, queue);
    dc->count = count;
    dc->at = gas_mono();
    for (int k = 0; k < n; k++) {
        struct dead_row *d = &dc->rows[dc->n++];
        memset(d, 0, sizeof *d);
        copy(d->queue, sizeof d->queue, q->name);
        copy(d->id, sizeof d->id, msgs[k].id);
        copy(d->body, sizeof d->body, msgs[k].body);
        for (char *p = d->body; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        d->receives = msgs[k].receive_count;
        d->sent = msgs[k].sent_at;
        if (msgs[k].reason && *msgs[k].reason) /* why the runner or the queue decided */
            copy(d->reason, sizeof d->reason, msgs[k].reason);
        else
            dead_reason(d, max);
        for (char *p = d->reason; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        dead_job(d, msgs[k].body);
        queue_msg_release(&msgs[k]);
    }
    queue_close(q);
}

static void dead_letters(struct gas_app *app, struct model_source *src, struct model *m)
{
    int peeks = (app->be->caps & BE_PEEK_DEAD) != 0; /* reading changes nothing: every time */
    for (int i = 0; i < m->snap.nq && i < SNAP_QUEUES; i++) {
        struct dead_cache *dc = &src->dead[i];
        const char *name = m->snap.q[i].name;
        int64_t count = m->snap.q[i].d.dead;
        if (strcmp(dc->queue, name) || !count) { /* another queue there now, or none left */
            free(dc->rows);
            memset(dc, 0, sizeof *dc);
        }
        if (!count)
            continue;
        if (peeks || !dc->rows || dc->count != count || gas_mono() - dc->at >= DEAD_REREAD_S)
            dead_read(app, name, count, dc);
        m->dead = xrealloc(m->dead, (size_t)(m->ndead + dc->n + 1) * sizeof *m->dead);
        for (int k = 0; k < dc->n; k++) {
            struct dead_row *d = &m->dead[m->ndead++];
            *d = dc->rows[k];
            d->job_status = (signed char)dead_job_status(src, d);
        }
    }
}

/* ------------------------------------------------------------------ history and health */

static void history_add(struct model_history *h, const struct model *m)
{
    if (h->n == HISTORY) {
        memmove(h->t, h->t + 1, (HISTORY - 1) * sizeof h->t[0]);
        memmove(h->dead, h->dead + 1, (HISTORY - 1) * sizeof h->dead[0]);
        memmove(h->failed, h->failed + 1, (HISTORY - 1) * sizeof h->failed[0]);
        for (int q = 0; q < SNAP_QUEUES; q++)
            memmove(h->work[q], h->work[q] + 1, (HISTORY - 1) * sizeof h->work[q][0]);
        h->n--;
    }
    int i = h->n++;
    h->t[i] = m->snap.taken;
    h->dead[i] = 0;
    for (int q = 0; q < SNAP_QUEUES; q++) {
        const struct queue_depths *d = &m->snap.q[q].d;
        h->work[q][i] = d->visible + d->in_flight + d->delayed;
        h->dead[i] += d->dead;
    }
    h->failed[i] = m->snap.by_status[JOB_FAILED];
}

static void throughput(struct model *m)
{
    const struct model_history *h = &m->hist;
    int64_t since = (int64_t)m->snap.taken - 60, done = 0, failed = 0, untimed = 0;
    for (int i = 0; i < m->njobs; i++) {
        const struct job_row *r = &m->jobs[i];
        done += r->status == JOB_COMPLETED && r->complete > since;
        failed += r->status == JOB_FAILED && r->failed > since && !job_error_cancelled(r->error);
        untimed += r->status == JOB_FAILED && !r->failed && !job_error_cancelled(r->error);
    }
    m->completed_per_min = (double)done;
    m->failed_per_min = (double)failed;
    if (!untimed)
        return;
    /* jobs failed by a GAS without fail_time: the growth of the FAILED count seen here */
    int first = h->n - 1;
    while (first > 0 && h->t[first - 1] >= m->snap.taken - 60)
        first--;
    double span = h->t[h->n - 1] - h->t[first];
    int64_t grew = h->failed[h->n - 1] - h->failed[first] - failed;
    if (span > 0 && grew > 0)
        m->failed_per_min += (double)grew * 60.0 / (span < 60 ? 60 : span);
}

/* Adds an alarm (key: what it is about, for acknowledgements). */
static void raise_alert(struct model *m, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void raise_alert(struct model *m, const char *key, const char *fmt, ...)
{
    if (m->nalerts == MODEL_ALERTS)
        return;
    struct model_alert *a = &m->alerts[m->nalerts++];
    snprintf(a->key, sizeof a->key, "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->text, sizeof a->text, fmt, ap);
    va_end(ap);
    if (m->nalerts == 1)
        snprintf(m->alert, sizeof m->alert, "%s", a->text);
}

/* What is wrong (the red header), most urgent first: work queued and no worker alive, a
 * lost worker, a worker that failed (could not start) and was not replaced, dead letters
 * growing. A worker lost before the newest alive worker started has been replaced: a note
 * (still listed, red, in the workers view), not an alarm, until gas workers prune. */
static void health(struct model *m, int beat)
{
    const struct snapshot *s = &m->snap;
    int alive = 0, lost = -1, failed = -1;
    int64_t newest_start = 0;
    for (int i = 0; i < s->nworkers; i++) {
        if (s->w[i].state == WORKER_ALIVE) {
            alive++;
            newest_start = s->w[i].started > newest_start ? s->w[i].started : newest_start;
        }
        if (s->w[i].state == WORKER_LOST && (lost < 0 || s->w[i].heartbeat > s->w[lost].heartbeat))
            lost = i;
        if (s->w[i].state == WORKER_FAILED &&
            (failed < 0 || s->w[i].heartbeat > s->w[failed].heartbeat))
            failed = i;
    }
    int replaced = lost >= 0 && alive && s->w[lost].heartbeat <= newest_start;
    int lost_more = 0; /* the other lost workers, said with the latest */
    for (int i = 0; i < s->nworkers; i++)
        lost_more += i != lost && s->w[i].state == WORKER_LOST;
    /* jobs waiting: the PENDING jobs (a retried job's request can be queued twice, a
     * malformed message is no job); requests queued when no job is counted PENDING */
    int64_t pending = s->by_status[JOB_PENDING], queued = s->q[0].d.visible + s->q[0].d.delayed;
    const struct model_history *h = &m->hist;
    int64_t least = h->dead[h->n - 1];
    for (int i = 0; i < h->n; i++)
        least = h->dead[i] < least ? h->dead[i] : least;
    char a[16], key[96];
    m->nalerts = 0;
    m->alert[0] = 0;
    /* ... and the other queues' messages due (archive, restore, thaw, notify): said with them */
    int64_t due = 0;
    for (int i = 1; i < s->nq; i++)
        due += s->q[i].ok && s->q[i].d.visible > 0 ? s->q[i].d.visible : 0;
    /* its key: the work's size by powers of two, so that an acknowledged alert comes back
     * as the work waiting doubles (1, 2, 4, 8, ... jobs and messages) */
    int64_t work = (pending ? pending : queued) + due;
    int level = 0;
    for (int64_t w = work; w > 1; w >>= 1)
        level++;
    snprintf(key, sizeof key, "idle:%d", level);
    char other[64] = "";
    if (due && (pending || queued))
        snprintf(other, sizeof other, " and %lld other message%s due", (long long)due,
                 due == 1 ? "" : "s");
    if (pending && !alive)
        raise_alert(m, key, "%lld job%s PENDING%s and no worker alive", (long long)pending,
                    pending == 1 ? "" : "s", other);
    else if (queued && !alive)
        raise_alert(m, key, "%lld request%s queued%s and no worker alive", (long long)queued,
                    queued == 1 ? "" : "s", other);
    /* those alone are no alarm: archiving can wait, and a queue may hold a stray message
     * (S3's test event on the thaw queue) that a worker would only drop */
    if (lost >= 0) {
        ui_age_text(s->taken - (double)s->w[lost].heartbeat, a, sizeof a);
        snprintf(key, sizeof key, "lost:%s", s->w[lost].id);
        char more[32] = "";
        if (lost_more)
            snprintf(more, sizeof more, ", and %d more lost", lost_more);
        if (replaced) {
            snprintf(m->note, sizeof m->note,
                     "worker %s lost%s, replaced (gas workers prune clears this; last "
                     "heartbeat %s ago; %d alive)",
                     s->w[lost].id, more, a, alive);
            snprintf(m->note_key, sizeof m->note_key, "replaced:%s:%d", s->w[lost].id, lost_more);
        } else if (s->w[lost].gone_here)
            raise_alert(m, key,
                        "worker %s lost: its process %lld is gone from this host "
                        "(killed or crashed; last heartbeat %s ago)%s",
                        s->w[lost].id, (long long)s->w[lost].pid, a, more);
        else
            raise_alert(m, key, "worker %s lost: no heartbeat for %s (3 intervals: %ds)%s",
                        s->w[lost].id, a, 3 * beat, more);
    }
    if (s->workers_missing && !m->note[0]) {
        snprintf(m->note, sizeof m->note,
                 "no workers table yet: gas aws bootstrap makes it (gasd needs it)");
        snprintf(m->note_key, sizeof m->note_key, "no-workers-table");
    }
    if (failed >= 0 && !(alive && s->w[failed].heartbeat <= newest_start)) {
        snprintf(key, sizeof key, "failed:%s", s->w[failed].id);
        raise_alert(m, key, "worker %s failed: %s", s->w[failed].id,
                    s->w[failed].problem[0] ? s->w[failed].problem : "(no reason recorded)");
    }
    /* dead letters: their latest rise (the last sample higher than the one before), by how
     * much; none once they went down after it (someone is redriving or deleting them). A
     * new rise is a new alarm (its key: when it was seen), after an x as before it. */
    int rose = h->n - 1, fell = 0;
    while (rose > 0 && h->dead[rose] <= h->dead[rose - 1]) {
        fell |= h->dead[rose] < h->dead[rose - 1];
        rose--;
    }
    /* back after the console's redrive, no more than it moved: they failed again. Counted
     * from the fewest seen since the redrive (a redrive of some of them: the fewest in the
     * whole history may be from before they gathered) */
    int64_t since = -1;
    for (int i = 0; h->redriven && i < h->n; i++)
        if (h->t[i] >= h->redrive_t && (since < 0 || h->dead[i] < since))
            since = h->dead[i];
    int back = rose > 0 && h->redriven && since >= 0 && h->t[rose] >= h->redrive_t &&
               h->t[rose] - h->redrive_t < 600 && h->dead[h->n - 1] - since <= h->redriven;
    if (back && !fell && h->dead[h->n - 1] > since) {
        long long n = (long long)(h->dead[h->n - 1] - since);
        if (!m->note[0]) { /* another note first: still no alarm for these */
            snprintf(m->note, sizeof m->note,
                     "%lld redriven dead letter%s came back: %s again (4 shows why)", n,
                     n == 1 ? "" : "s", n == 1 ? "it failed" : "they failed");
            snprintf(m->note_key, sizeof m->note_key, "back:%.0f:%lld", h->redrive_t, n);
        }
    } else if (rose > 0 && !fell && h->dead[h->n - 1] > least) {
        snprintf(key, sizeof key, "dead:%.0f", h->t[rose]);
        raise_alert(m, key, "dead letters grew by %lld to %lld",
                    (long long)(h->dead[rose] - h->dead[rose - 1]), (long long)h->dead[h->n - 1]);
    }
}

const char *ui_age_text(double seconds, char *buf, size_t n)
{
    return cli_age(seconds, buf, n); /* the console and the commands say ages alike */
}

/* ------------------------------------------------------------------ collect */

/* The parts that failed get what was last read of them; the parts read now are kept for
 * the next failure. */
static void carry_last(struct model_source *src, struct model *m)
{
    struct snapshot *s = &m->snap;
    /* the age the header shows: of the oldest part shown */
    double at[4] = {src->queues_at, src->workers_at, src->jobs_at, src->users_at};
    unsigned bit[4] = {SNAP_F_QUEUES, SNAP_F_WORKERS, SNAP_F_JOBS, SNAP_F_USERS};
    m->oldest = s->taken;
    for (int i = 0; i < 4; i++)
        if ((s->failed & bit[i]) && at[i] > 0 && at[i] < m->oldest)
            m->oldest = at[i];
    if (!(s->failed & SNAP_F_QUEUES))
        src->queues_at = s->taken;
    if (!(s->failed & SNAP_F_WORKERS))
        src->workers_at = s->taken;
    if (!(s->failed & SNAP_F_JOBS))
        src->jobs_at = s->taken;
    if (!(s->failed & SNAP_F_USERS))
        src->users_at = s->taken;
    for (int i = 0; i < s->nq; i++) {
        if (s->q[i].ok)
            src->last_q[i] = s->q[i];
        else if (!strcmp(src->last_q[i].name, s->q[i].name))
            s->q[i].d = src->last_q[i].d;
    }
    if (!(s->failed & SNAP_F_WORKERS)) {
        memcpy(src->last_w, s->w, (size_t)s->nworkers * sizeof *s->w);
        src->last_nworkers = s->nworkers;
        src->have_workers = 1;
    } else if (src->have_workers) {
        memcpy(s->w, src->last_w, (size_t)src->last_nworkers * sizeof *s->w);
        s->nworkers = src->last_nworkers;
    }
    if (!(s->failed & SNAP_F_USERS)) {
        src->last_users = xrealloc(src->last_users, (size_t)(m->nusers + 1) * sizeof *m->users);
        if (m->nusers) /* none: m->users may be NULL */
            memcpy(src->last_users, m->users, (size_t)m->nusers * sizeof *m->users);
        src->last_nusers = m->nusers;
        src->have_users = 1;
    } else if (src->have_users) {
        free(m->users);
        m->users = xcalloc((size_t)src->last_nusers + 1, sizeof *m->users);
        memcpy(m->users, src->last_users, (size_t)src->last_nusers * sizeof *m->users);
        m->nusers = src->last_nusers;
    }
}

int model_collect(struct gas_app *app, struct model_source *src, struct model_history *hist,
                  struct model *m)
{
    memset(m, 0, sizeof *m);
    double t0 = gas_mono();
    int rc = snapshot_collect(app, &m->snap, 0); /* jobs are counted from the rows below */
    int r2 = collect_jobs(app, src, m);
    if (r2) {
        if (!m->snap.error[0])
            snprintf(m->snap.error, sizeof m->snap.error, "jobs: %s", gas_errmsg());
        m->snap.failed |= SNAP_F_JOBS;
        if (src->rows) { /* the rows last read */
            m->rows = rows_ref(src->rows);
            m->jobs = m->rows->v;
            m->njobs = m->rows->n;
            m->jobs_version = m->rows->version;
        }
    }
    for (int i = 0; i < m->njobs; i++)
        snapshot_count_job(&m->snap, m->jobs[i].status, m->jobs[i].archive);
    struct user_acc acc = {m, 0};
    r2 = app_user_list(app, add_user, &acc);
    if (r2) {
        if (!m->snap.error[0])
            snprintf(m->snap.error, sizeof m->snap.error, "users: %s", gas_errmsg());
        m->snap.failed |= SNAP_F_USERS;
    }
    carry_last(src, m);
    m->snap.users = m->nusers;
    count_user_jobs(m);
    dead_letters(app, src, m);
    m->dead_total = 0;
    for (int i = 0; i < m->snap.nq; i++)
        m->dead_total += m->snap.q[i].d.dead;
    if (m->dead_total < m->ndead)
        m->dead_total = m->ndead;
    if (!(m->snap.failed & SNAP_F_QUEUES)) /* the history is of the queues' depths */
        history_add(hist, m);
    m->hist = *hist;
    if (m->hist.n) {
        throughput(m);
        health(m, (int)cfg_int(app->cfg, CFG_HEARTBEAT_INTERVAL));
    }
    m->collect_seconds = gas_mono() - t0;
    return rc ? rc : m->snap.error[0] ? GAS_EIO : 0;
}

void model_free(struct model *m)
{
    rows_unref(m->rows);
    free(m->users);
    free(m->dead);
    memset(m, 0, sizeof *m);
}

cJSON *model_json(const struct model *m)
{
    cJSON *j = snapshot_json(&m->snap);
    cJSON *us = cJSON_AddArrayToObject(j, "users");
    for (int i = 0; i < m->nusers; i++) {
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "user_id", m->users[i].id);
        cJSON_AddStringToObject(u, "role", user_role_name((enum user_role)m->users[i].role));
        cJSON_AddNumberToObject(u, "jobs", m->users[i].jobs);
        cJSON_AddNumberToObject(u, "archived", m->users[i].archived);
        cJSON_AddItemToArray(us, u);
    }
    cJSON_AddNumberToObject(j, "dead_letters", m->ndead);
    cJSON_AddNumberToObject(j, "completed_per_min", m->completed_per_min);
    cJSON_AddNumberToObject(j, "failed_per_min", m->failed_per_min);
    cJSON_AddStringToObject(j, "alert", m->alert);
    cJSON *al = cJSON_AddArrayToObject(j, "alerts");
    for (int i = 0; i < m->nalerts; i++)
        cJSON_AddItemToArray(al, cJSON_CreateString(m->alerts[i].text));
    cJSON_AddStringToObject(j, "note", m->note);
    return j;
}
