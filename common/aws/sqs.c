/* aws queue: SQS over JSON 1.0. A queue handle knows its URL and its dead-letter queue
 * (from the RedrivePolicy); SQS itself moves a message received more than maxReceiveCount
 * times to the dead-letter queue. Long polls end early when the backend is interrupted
 * (the HTTP transfer is aborted; a message SQS was about to hand over comes back after
 * its visibility timeout).
 *
 * Differences from the local queue, both allowed by the interface: a stale receipt may
 * still delete or hide its message (SQS accepts any receipt the message was ever given;
 * handlers are idempotent), and listing dead letters hides them for a moment while they
 * are read (SQS cannot peek), then makes them visible again.
 *
 * Ids: a message GAS dead-letters or redrives is a new SQS message, so it carries the id it
 * was first sent with in the message attribute gas_id (and why it was dead-lettered in
 * gas_reason, and how many times it had been received in gas_receives); a received
 * message's id is its gas_id when it has one, so gas send, the logs and gas dlq list name
 * a message the same way throughout, and its receive count is gas_receives when it has
 * one: listing dead letters receives them, which would raise SQS's own count. */
#include "aws.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct aws_queue {
    struct queue pub;
    char *url;
    char *dlq_url;    /* NULL without a redrive policy */
    int max_receives; /* the redrive policy's maxReceiveCount */
};

#define ATTR_ID     "gas_id"
#define ATTR_REASON "gas_reason"
#define ATTR_RECV   "gas_receives"

static struct aws_queue *aq_of(struct queue *q)
{
    return (struct aws_queue *)q;
}

static int sqs(struct aws_be *ab, const char *op, cJSON *in, cJSON **out, const atomic_int *cancel)
{
    char target[64];
    snprintf(target, sizeof target, "AmazonSQS.%s", op);
    int rc = aws_json(ab, "sqs", target, in, out, cancel);
    cJSON_Delete(in);
    return rc;
}

static cJSON *with_url(const char *url)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "QueueUrl", url);
    return in;
}

int aws_queue_url(struct aws_be *ab, const char *name, char **url)
{
    *url = NULL;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "QueueName", name);
    int rc = sqs(ab, "GetQueueUrl", in, &out, NULL);
    if (rc == GAS_ENOTFOUND || (rc && gas_err_code_has("NonExistentQueue")))
        rc = aws_missing(ab, GAS_ENOTFOUND, "queue", name);
    if (!rc && !(*url = xstrdup(json_str(out, "QueueUrl"))))
        rc = gas_err_set(GAS_EINVAL, "sqs: GetQueueUrl answer without QueueUrl");
    cJSON_Delete(out);
    return rc;
}

static int get_attrs(struct aws_be *ab, const char *url, const char *const *names, cJSON **attrs)
{
    cJSON *in = with_url(url), *out = NULL;
    cJSON *a = cJSON_AddArrayToObject(in, "AttributeNames");
    for (int i = 0; names[i]; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    int rc = sqs(ab, "GetQueueAttributes", in, &out, NULL);
    *attrs = NULL;
    if (!rc) {
        *attrs = cJSON_DetachItemFromObjectCaseSensitive(out, "Attributes");
        if (!*attrs)
            *attrs = cJSON_CreateObject();
    }
    cJSON_Delete(out);
    return rc;
}

int aws_queue_set_attr(struct aws_be *ab, const char *url, const char *attr, const char *value)
{
    cJSON *in = with_url(url);
    cJSON *a = cJSON_AddObjectToObject(in, "Attributes");
    cJSON_AddStringToObject(a, attr, value);
    return sqs(ab, "SetQueueAttributes", in, NULL, NULL);
}

static int64_t attr_int(const cJSON *attrs, const char *name)
{
    const char *v = json_str(attrs, name);
    return v ? strtoll(v, NULL, 10) : 0;
}

/* ------------------------------------------------------------------------ operations */

/* A string message attribute; SQS takes only XML's characters, so the text is kept to
 * printable ASCII. */
static void add_attr(cJSON *attrs, const char *name, const char *value)
{
    char *v = xstrdup(value);
    for (char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    cJSON *a = cJSON_AddObjectToObject(attrs, name);
    cJSON_AddStringToObject(a, "DataType", "String");
    cJSON_AddStringToObject(a, "StringValue", v);
    free(v);
}

/* Sends body; gas_id, reason (optional) and receives (> 0: a dead letter's count) become
 * the message's GAS attributes. */
static int send_url_as(struct aws_be *ab, const char *url, const char *body, int delay_s,
                       const char *gas_id, const char *reason, int receives, char **msg_id)
{
    cJSON *in = with_url(url), *out = NULL;
    cJSON_AddStringToObject(in, "MessageBody", body);
    if (gas_id) {
        cJSON *attrs = cJSON_AddObjectToObject(in, "MessageAttributes");
        add_attr(attrs, ATTR_ID, gas_id);
        if (reason)
            add_attr(attrs, ATTR_REASON, reason);
        if (receives > 0) {
            cJSON *a = cJSON_AddObjectToObject(attrs, ATTR_RECV);
            cJSON_AddStringToObject(a, "DataType", "Number");
            char v[16];
            snprintf(v, sizeof v, "%d", receives);
            cJSON_AddStringToObject(a, "StringValue", v);
        }
    }
    cJSON_AddNumberToObject(in, "DelaySeconds", delay_s); /* always: the queue's is for SNS */
    int rc = sqs(ab, "SendMessage", in, &out, NULL);
    if (!rc && msg_id)
        *msg_id = xstrdup(json_str(out, "MessageId"));
    cJSON_Delete(out);
    return rc;
}

static int s_send_url(struct aws_be *ab, const char *url, const char *body, int delay_s,
                      char **msg_id)
{
    return send_url_as(ab, url, body, delay_s, NULL, NULL, 0, msg_id);
}

static int s_send(struct queue *q, const char *body, int delay_s, char **msg_id)
{
    return s_send_url(aws_of(q->be), aq_of(q)->url, body, delay_s, msg_id);
}

static int receive_url(struct aws_be *ab, const char *url, int max, int wait_s, int visibility_s,
                       struct queue_msg *out, int *n, const atomic_int *cancel)
{
    cJSON *in = with_url(url), *res = NULL;
    cJSON_AddNumberToObject(in, "MaxNumberOfMessages", max);
    cJSON_AddNumberToObject(in, "WaitTimeSeconds", wait_s);
    if (visibility_s >= 0)
        cJSON_AddNumberToObject(in, "VisibilityTimeout", visibility_s);
    const char *names[] = {"ApproximateReceiveCount", "SentTimestamp"};
    cJSON_AddItemToObject(in, "AttributeNames", cJSON_CreateStringArray(names, 2));
    cJSON_AddItemToObject(in, "MessageSystemAttributeNames", cJSON_CreateStringArray(names, 2));
    const char *gas_names[] = {ATTR_ID, ATTR_REASON, ATTR_RECV};
    cJSON_AddItemToObject(in, "MessageAttributeNames", cJSON_CreateStringArray(gas_names, 3));
    int rc = sqs(ab, "ReceiveMessage", in, &res, cancel);
    if (rc) {
        cJSON_Delete(res);
        return rc;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(res, "Messages"))
    {
        if (*n >= max)
            break;
        const char *id = json_str(m, "MessageId"), *rh = json_str(m, "ReceiptHandle"),
                   *body = json_str(m, "Body");
        if (!id || !rh || !body)
            continue;
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(m, "Attributes");
        const cJSON *mattrs = cJSON_GetObjectItemCaseSensitive(m, "MessageAttributes");
        const char *gas_id =
            json_str(cJSON_GetObjectItemCaseSensitive(mattrs, ATTR_ID), "StringValue");
        const char *reason =
            json_str(cJSON_GetObjectItemCaseSensitive(mattrs, ATTR_REASON), "StringValue");
        const char *recv =
            json_str(cJSON_GetObjectItemCaseSensitive(mattrs, ATTR_RECV), "StringValue");
        struct queue_msg *qm = &out[(*n)++];
        memset(qm, 0, sizeof *qm);
        qm->id = xstrdup(gas_id ? gas_id : id);
        qm->reason = reason ? xstrdup(reason) : NULL;
        qm->receipt = xstrdup(rh);
        qm->body = xstrdup(body);
        qm->receive_count =
            recv && atoi(recv) > 0 ? atoi(recv) : (int)attr_int(attrs, "ApproximateReceiveCount");
        qm->sent_at = (double)attr_int(attrs, "SentTimestamp") / 1000.0;
    }
    cJSON_Delete(res);
    return 0;
}

static int s_receive(struct queue *q, int max, int wait_s, int visibility_s, struct queue_msg *out,
                     int *n)
{
    struct gas_backend *be = q->be;
    *n = 0;
    if (atomic_load(&be->interrupted))
        return 0;
    int rc =
        receive_url(aws_of(be), aq_of(q)->url, max, wait_s, visibility_s, out, n, &be->interrupted);
    if (rc && atomic_load(&be->interrupted))
        return 0; /* the long poll was cut short */
    return rc;
}

static int stale(int rc, const char *name)
{
    if (rc &&
        (gas_err_code_has("ReceiptHandleIsInvalid") || gas_err_code_has("InvalidReceiptHandle")))
        return gas_err_set(GAS_ESTALE, "%s: receipt no longer valid", name);
    return rc;
}

static int delete_url(struct aws_be *ab, const char *url, const char *receipt)
{
    cJSON *in = with_url(url);
    cJSON_AddStringToObject(in, "ReceiptHandle", receipt);
    return sqs(ab, "DeleteMessage", in, NULL, NULL);
}

static int s_del(struct queue *q, const char *receipt)
{
    return stale(delete_url(aws_of(q->be), aq_of(q)->url, receipt), q->name);
}

/* DeleteMessageBatch: entry i has Id "i"; a failed entry's code decides its rc (a receipt
 * SQS no longer knows is GAS_ESTALE, as for one delete). */
static int s_del_batch(struct queue *q, const char *const *receipts, int n, int *rcs)
{
    cJSON *in = with_url(aq_of(q)->url), *out = NULL;
    cJSON *entries = cJSON_AddArrayToObject(in, "Entries");
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "Id", id);
        cJSON_AddStringToObject(e, "ReceiptHandle", receipts[i]);
        cJSON_AddItemToArray(entries, e);
        rcs[i] = 0;
    }
    int rc = sqs(aws_of(q->be), "DeleteMessageBatch", in, &out, NULL);
    if (rc) {
        for (int i = 0; i < n; i++)
            rcs[i] = rc;
        cJSON_Delete(out);
        return rc;
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(out, "Failed"))
    {
        const char *id = json_str(f, "Id"), *code = json_str(f, "Code");
        int i = id ? atoi(id) : -1;
        if (i < 0 || i >= n)
            continue;
        int stale_code = code && (strstr(code, "ReceiptHandleIsInvalid") ||
                                  strstr(code, "InvalidReceiptHandle"));
        rcs[i] = stale_code
                     ? gas_err_set(GAS_ESTALE, "%s: receipt no longer valid", q->name)
                     : gas_err_set(GAS_ENET, "%s: delete failed: %s %s", q->name, code ? code : "?",
                                   json_str(f, "Message") ? json_str(f, "Message") : "");
        if (!rc)
            rc = rcs[i];
    }
    cJSON_Delete(out);
    return rc;
}

static int hide_url(struct aws_be *ab, const char *url, const char *receipt, int visibility_s)
{
    cJSON *in = with_url(url);
    cJSON_AddStringToObject(in, "ReceiptHandle", receipt);
    cJSON_AddNumberToObject(in, "VisibilityTimeout", visibility_s);
    return sqs(ab, "ChangeMessageVisibility", in, NULL, NULL);
}

static int s_extend(struct queue *q, const char *receipt, int visibility_s)
{
    int rc = hide_url(aws_of(q->be), aq_of(q)->url, receipt, visibility_s);
    if (rc && gas_err_code_has("MessageNotInflight"))
        return gas_err_set(GAS_ESTALE, "%s: message is not in flight", q->name);
    return stale(rc, q->name);
}

static int s_depths(struct queue *q, struct queue_depths *d)
{
    struct aws_be *ab = aws_of(q->be);
    static const char *const names[] = {"ApproximateNumberOfMessages",
                                        "ApproximateNumberOfMessagesNotVisible",
                                        "ApproximateNumberOfMessagesDelayed", "DelaySeconds", NULL};
    cJSON *a = NULL;
    memset(d, 0, sizeof *d);
    int rc = get_attrs(ab, aq_of(q)->url, names, &a);
    if (!rc) {
        d->visible = attr_int(a, names[0]);
        d->in_flight = attr_int(a, names[1]);
        d->delayed = attr_int(a, names[2]);
        d->delay_s = (int)attr_int(a, names[3]);
    }
    cJSON_Delete(a);
    a = NULL;
    if (!rc && aq_of(q)->dlq_url) {
        rc = get_attrs(ab, aq_of(q)->dlq_url, names, &a);
        if (!rc)
            d->dead = attr_int(a, names[0]) + attr_int(a, names[1]) + attr_int(a, names[2]);
        cJSON_Delete(a);
    }
    return rc;
}

/* Reads dead letters by receiving them (hidden for a short while); the caller decides what
 * becomes of each: out[] with n entries, at most max, each message once. */
#define DLQ_HIDE 30
static int read_dead(struct queue *q, int max, struct queue_msg *out, int *n)
{
    struct aws_queue *aq = aq_of(q);
    *n = 0;
    if (!aq->dlq_url)
        return 0;
    /* as many as the queue says it holds (so an empty queue costs no receive, and the
     * last receive is not a 1 s wait for nothing) */
    static const char *const names[] = {"ApproximateNumberOfMessages", NULL};
    cJSON *a = NULL;
    int rc0 = get_attrs(aws_of(q->be), aq->dlq_url, names, &a);
    int64_t avail = rc0 ? 0 : attr_int(a, names[0]);
    cJSON_Delete(a);
    if (rc0)
        return rc0;
    if (avail < max)
        max = (int)avail;
    int empty = 0;
    while (*n < max && !empty) {
        struct queue_msg batch[QUEUE_MAX_BATCH];
        int got = 0, want = max - *n < QUEUE_MAX_BATCH ? max - *n : QUEUE_MAX_BATCH;
        /* a 1 s long poll asks every SQS server, so an empty answer means none left */
        int rc = receive_url(aws_of(q->be), aq->dlq_url, want, 1, DLQ_HIDE, batch, &got, NULL);
        if (rc)
            return rc;
        empty = !got;
        for (int i = 0; i < got; i++) {
            int dup = 0;
            for (int k = 0; k < *n && !dup; k++)
                dup = !strcmp(out[k].id, batch[i].id);
            if (dup)
                queue_msg_release(&batch[i]);
            else
                out[(*n)++] = batch[i];
        }
    }
    return 0;
}

static int by_sent(const void *a, const void *b)
{
    const struct queue_msg *x = a, *y = b;
    return (x->sent_at > y->sent_at) - (x->sent_at < y->sent_at);
}

static int s_dead_list(struct queue *q, int max, struct queue_msg *out, int *n)
{
    int rc = read_dead(q, max, out, n);
    for (int i = 0; i < *n; i++) /* visible again at once: a peek */
        hide_url(aws_of(q->be), aq_of(q)->dlq_url, out[i].receipt, 0);
    if (rc) {
        for (int i = 0; i < *n; i++)
            queue_msg_release(&out[i]);
        *n = 0;
        return rc;
    }
    for (int i = 0; i < *n; i++) /* moved by SQS itself after maxReceiveCount receives */
        if (!out[i].reason)
            out[i].reason = xasprintf("exceeded %d receives", aq_of(q)->max_receives);
    qsort(out, (size_t)*n, sizeof *out, by_sent);
    return 0;
}

/* A new message on the dead-letter queue that carries the original's id and the reason;
 * the original goes only once the copy is there. */
static int s_dead_letter(struct queue *q, const struct queue_msg *m, const char *reason)
{
    struct aws_be *ab = aws_of(q->be);
    struct aws_queue *aq = aq_of(q);
    if (!aq->dlq_url)
        return gas_err_set(GAS_EINVAL, "%s has no dead-letter queue", q->name);
    int rc = send_url_as(ab, aq->dlq_url, m->body, 0, m->id, reason, m->receive_count, NULL);
    return rc ? rc : stale(delete_url(ab, aq->url, m->receipt), q->name);
}

/* Takes dead letters off the dead-letter queue: the one msg_id names, or all (NULL); each
 * sent back to the queue first (resend: a redrive) or only deleted. The others seen on the
 * way are made visible again at once. *count: how many were taken. */
static int dead_take(struct queue *q, const char *msg_id, int resend, int *count)
{
    struct aws_be *ab = aws_of(q->be);
    struct aws_queue *aq = aq_of(q);
    int rc = 0, found = 0;
    *count = 0;
    if (!aq->dlq_url)
        return gas_err_set(GAS_EINVAL, "%s has no dead-letter queue", q->name);
    enum { MAX_PASS = 100 };
    struct queue_msg *ms = xcalloc(MAX_PASS, sizeof *ms);
    for (;;) {
        int n = 0;
        rc = read_dead(q, MAX_PASS, ms, &n);
        for (int i = 0; i < n; i++) {
            int take = !rc && !found && (!msg_id || !strcmp(ms[i].id, msg_id));
            if (take) {
                /* the copy is on the queue before the dead letter goes */
                if (resend)
                    rc = send_url_as(ab, aq->url, ms[i].body, 0, ms[i].id, NULL, 0, NULL);
                if (!rc)
                    rc = delete_url(ab, aq->dlq_url, ms[i].receipt);
                if (!rc)
                    (*count)++;
                found = msg_id != NULL;
            } else {
                hide_url(ab, aq->dlq_url, ms[i].receipt, 0);
            }
            queue_msg_release(&ms[i]);
        }
        if (rc || found || n < MAX_PASS || msg_id)
            break;
    }
    free(ms);
    if (!rc && msg_id && !found)
        rc = gas_err_set(GAS_ENOTFOUND, "%s: no dead letter %s", q->name, msg_id);
    return rc;
}

static int s_redrive(struct queue *q, const char *msg_id, int *moved)
{
    int count = 0, rc = dead_take(q, msg_id, 1, &count);
    if (moved)
        *moved = count;
    return rc;
}

static int s_dead_delete(struct queue *q, const char *msg_id)
{
    int count = 0;
    return dead_take(q, msg_id, 0, &count);
}

static void s_close(struct queue *q)
{
    struct aws_queue *aq = aq_of(q);
    free(aq->url);
    free(aq->dlq_url);
    free(q->name);
    free(aq);
}

static const struct queue_ops sqs_ops = {
    .send = s_send,
    .receive = s_receive,
    .del = s_del,
    .extend = s_extend,
    .depths = s_depths,
    .dead_list = s_dead_list,
    .redrive = s_redrive,
    .dead_delete = s_dead_delete,
    .dead_letter = s_dead_letter,
    .close = s_close,
    .del_batch = s_del_batch,
};

/* The name at the end of an ARN. */
static const char *arn_name(const char *arn)
{
    const char *c = arn ? strrchr(arn, ':') : NULL;
    return c ? c + 1 : NULL;
}

/* What opening a queue learns (GetQueueUrl, GetQueueAttributes, the dead-letter queue's
 * GetQueueUrl: three requests) is kept for the backend's life, so that a handle opened
 * per message or per thread costs no request after the first. */
struct aws_qinfo {
    char *name, *url, *dlq_url;
    int max_receives;
    struct aws_qinfo *next;
};

static int qinfo_lookup(struct aws_be *ab, const char *name, struct aws_queue *aq)
{
    pthread_mutex_lock(&ab->mu);
    struct aws_qinfo *i = ab->queues;
    while (i && strcmp(i->name, name))
        i = i->next;
    if (i) {
        aq->url = xstrdup(i->url);
        aq->dlq_url = i->dlq_url ? xstrdup(i->dlq_url) : NULL;
        aq->max_receives = i->max_receives;
    }
    pthread_mutex_unlock(&ab->mu);
    return i != NULL;
}

static void qinfo_add(struct aws_be *ab, const char *name, const struct aws_queue *aq)
{
    struct aws_qinfo *i = xcalloc(1, sizeof *i);
    i->name = xstrdup(name);
    i->url = xstrdup(aq->url);
    i->dlq_url = aq->dlq_url ? xstrdup(aq->dlq_url) : NULL;
    i->max_receives = aq->max_receives;
    pthread_mutex_lock(&ab->mu);
    i->next = ab->queues;
    ab->queues = i;
    pthread_mutex_unlock(&ab->mu);
}

void aws_queue_cache_free(struct aws_be *ab)
{
    for (struct aws_qinfo *i = ab->queues, *next; i; i = next) {
        next = i->next;
        free(i->name);
        free(i->url);
        free(i->dlq_url);
        free(i);
    }
    ab->queues = NULL;
}

/* Asks SQS for the queue's URL and redrive policy (and its dead-letter queue's URL). */
static int queue_lookup(struct aws_be *ab, const char *name, struct aws_queue *aq)
{
    char *url = NULL, *dlq_url = NULL;
    int max_receives = 0;
    int rc = aws_queue_url(ab, name, &url);
    cJSON *attrs = NULL, *policy = NULL;
    static const char *const names[] = {"RedrivePolicy", NULL};
    if (!rc)
        rc = get_attrs(ab, url, names, &attrs);
    const char *rp = attrs ? json_str(attrs, "RedrivePolicy") : NULL;
    if (!rc && rp && !json_parse_object(rp, strlen(rp), 64 * 1024, &policy)) {
        const char *dlq = arn_name(json_str(policy, "deadLetterTargetArn"));
        const cJSON *mr = cJSON_GetObjectItemCaseSensitive(policy, "maxReceiveCount");
        max_receives = cJSON_IsNumber(mr)   ? (int)mr->valuedouble
                       : cJSON_IsString(mr) ? atoi(mr->valuestring)
                                            : 0;
        if (dlq)
            rc = aws_queue_url(ab, dlq, &dlq_url);
    }
    cJSON_Delete(attrs);
    cJSON_Delete(policy);
    if (rc) {
        free(url);
        return rc;
    }
    aq->url = url;
    aq->dlq_url = dlq_url;
    aq->max_receives = max_receives;
    return 0;
}

int aws_queue_open(struct gas_backend *be, const char *name, struct queue **out)
{
    struct aws_be *ab = aws_of(be);
    *out = NULL;
    struct aws_queue *aq = xcalloc(1, sizeof *aq);
    if (!qinfo_lookup(ab, name, aq)) {
        int rc = queue_lookup(ab, name, aq);
        if (rc) {
            free(aq);
            return rc;
        }
        qinfo_add(ab, name, aq);
    }
    aq->pub.ops = &sqs_ops;
    aq->pub.be = be;
    aq->pub.name = xstrdup(name);
    *out = &aq->pub;
    return 0;
}

/* The tag of the queues bootstrap created: theirs to update when it runs again; a queue
 * without it (a deployment's) is kept as it is (keep_existing). */
#define GAS_TAG_KEY   "gas"
#define GAS_TAG_VALUE "bootstrap"

/* Creates name, tagged as gasd's (or updates its attributes when it exists); *url is the
 * caller's. */
static int ensure(struct aws_be *ab, const char *name, cJSON *attrs, char **url)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "QueueName", name);
    cJSON_AddItemToObject(in, "Attributes", cJSON_Duplicate(attrs, 1));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(in, "tags"), GAS_TAG_KEY, GAS_TAG_VALUE);
    int rc = sqs(ab, "CreateQueue", in, &out, NULL);
    *url = NULL;
    if (!rc)
        *url = xstrdup(json_str(out, "QueueUrl"));
    cJSON_Delete(out);
    if (rc && (gas_err_code_has("QueueAlreadyExists") ||
               gas_err_code_has("QueueNameExists"))) { /* other attributes: update */
        rc = aws_queue_url(ab, name, url);
        if (!rc) {
            cJSON *set = with_url(*url);
            cJSON_AddItemToObject(set, "Attributes", cJSON_Duplicate(attrs, 1));
            rc = sqs(ab, "SetQueueAttributes", set, NULL, NULL);
        }
    }
    if (!rc && !*url)
        rc = gas_err_set(GAS_EINVAL, "sqs: CreateQueue answer without QueueUrl");
    return rc;
}

/* 1 if the queue carries bootstrap's tag, 0 if not, <0 on error. */
static int created_by_gas(struct aws_be *ab, const char *url)
{
    cJSON *out = NULL;
    int rc = sqs(ab, "ListQueueTags", with_url(url), &out, NULL);
    if (!rc) {
        const char *v = json_str(cJSON_GetObjectItemCaseSensitive(out, "Tags"), GAS_TAG_KEY);
        rc = v && !strcmp(v, GAS_TAG_VALUE);
    }
    cJSON_Delete(out);
    return rc;
}

/* A queue that exists (a deployment's) is kept as it is: its visibility, delay, retention
 * and access policy are the deployment's. Only what gasd cannot work without is added
 * where missing: a redrive policy to <queue>_dlq (one it has is kept, with its own
 * dead-letter queue) and, with no access policy at all, one letting this account's topics
 * deliver to it. */
static int keep_existing(struct aws_be *ab, struct queue_spec *spec, const char *url,
                         const char *redrive, const char *policy)
{
    static const char *const names[] = {"RedrivePolicy", "Policy", NULL};
    cJSON *attrs = NULL;
    int rc = get_attrs(ab, url, names, &attrs);
    if (rc)
        return rc;
    char *dlq_url = NULL;
    if (!json_str(attrs, "RedrivePolicy")) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "MessageRetentionPeriod", "1209600");
        rc = ensure(ab, spec->dlq, a, &dlq_url);
        cJSON_Delete(a);
        if (!rc)
            rc = aws_queue_set_attr(ab, url, "RedrivePolicy", redrive);
    }
    if (!rc && !json_str(attrs, "Policy"))
        rc = aws_queue_set_attr(ab, url, "Policy", policy);
    cJSON_Delete(attrs);
    free(dlq_url);
    spec->kept = !rc;
    return rc;
}

int aws_queue_create(struct gas_backend *be, struct queue_spec *spec)
{
    struct aws_be *ab = aws_of(be);
    char *dlq_arn = NULL, *arn = NULL, *topics = NULL, *url = NULL, *dlq_url = NULL;
    spec->kept = 0;
    int rc = aws_arn(ab, "sqs", spec->dlq, &dlq_arn);
    if (!rc)
        rc = aws_arn(ab, "sqs", spec->name, &arn);
    if (!rc)
        rc = aws_arn(ab, "sns", "*", &topics);
    if (rc)
        goto out;
    char vis[16], redrive[512];
    snprintf(vis, sizeof vis, "%d", spec->visibility_s);
    snprintf(redrive, sizeof redrive, "{\"deadLetterTargetArn\":\"%s\",\"maxReceiveCount\":%d}",
             dlq_arn, spec->max_receives);
    /* topics of this account may deliver to the queue (SNS fan-out) */
    char *policy = xasprintf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"gas-sns\","
                             "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws."
                             "com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"%s\","
                             "\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"%s\"}}}]}",
                             arn, topics);
    rc = aws_queue_url(ab, spec->name, &url);
    int ours = rc ? 0 : created_by_gas(ab, url);
    if (!rc && ours < 0)
        rc = ours;
    if (rc != GAS_ENOTFOUND && (rc || !ours)) { /* an error, or not bootstrap's: kept */
        if (!rc)
            rc = keep_existing(ab, spec, url, redrive, policy);
        free(policy);
        goto out;
    }
    rc = 0;
    free(url);
    url = NULL;
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "MessageRetentionPeriod", "1209600"); /* 14 days, the most */
    rc = ensure(ab, spec->dlq, a, &dlq_url);
    cJSON_Delete(a);
    if (rc) {
        free(policy);
        goto out;
    }
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "VisibilityTimeout", vis);
    cJSON_AddStringToObject(a, "MessageRetentionPeriod", "1209600");
    cJSON_AddStringToObject(a, "RedrivePolicy", redrive);
    cJSON_AddStringToObject(a, "Policy", policy);
    rc = ensure(ab, spec->name, a, &url);
    cJSON_Delete(a);
    free(policy);
out:
    free(dlq_arn);
    free(arn);
    free(topics);
    free(url);
    free(dlq_url);
    return rc;
}
