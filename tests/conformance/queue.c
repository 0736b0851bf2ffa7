/* conformance: queues (send, delay, receive, visibility, delete, extend, depths, dead
 * letters, redrive, long poll) including several processes receiving at once and a
 * receiver that dies holding a message. */
#include "conformance.h"

#include "gas/util.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int recv1(struct queue *q, int wait, int vis, struct queue_msg *m)
{
    int n = 0;
    memset(m, 0, sizeof *m);
    int rc = queue_receive(q, 1, wait, vis, m, &n);
    if (rc)
        t_fail(__FILE__, __LINE__, "receive: %s", gas_errmsg());
    return n;
}

static void send_receive_delete(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    char *id = NULL;
    const char *body = "{\"job_id\":\"j1\",\"text\":\"ünïcode ✓\"}";
    CHECK_OK(queue_send(q, body, 0, &id));
    CHECK(id && *id);
    struct queue_msg m;
    CHECK_INT(recv1(q, 1, -1, &m), 1);
    CHECK_STR(m.body, body);
    CHECK_STR(m.id, id);
    CHECK_INT(m.receive_count, 1);
    CHECK(m.sent_at > gas_now() - 60 && m.sent_at <= gas_now() + 1);
    struct queue_msg m2;
    CHECK_INT(recv1(q, 0, -1, &m2), 0); /* hidden while in flight */
    CHECK_OK(queue_delete(q, m.receipt));
    if (cf_be()->caps & BE_EXACT_RECEIPTS)
        CHECK_RC(queue_delete(q, m.receipt), GAS_ESTALE);
    else /* SQS: deleting again is not an error */
    {
        int rc = queue_delete(q, m.receipt);
        CHECK(rc == 0 || rc == GAS_ESTALE);
    }
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.visible + d.in_flight + d.delayed + d.dead, 0);
    queue_msg_release(&m);
    free(id);
    queue_close(q);
}

static void batch_receive_each_once(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    for (int i = 0; i < 15; i++) {
        char body[32];
        snprintf(body, sizeof body, "{\"n\":%d}", i);
        CHECK_OK(queue_send(q, body, 0, NULL));
    }
    struct queue_msg ms[QUEUE_MAX_BATCH];
    int n = 0, total = 0, seen[15] = {0};
    for (int round = 0; round < 5 && total < 15; round++) {
        CHECK_OK(queue_receive(q, QUEUE_MAX_BATCH, 1, -1, ms, &n));
        CHECK(n <= QUEUE_MAX_BATCH);
        for (int i = 0; i < n; i++) {
            int v = -1;
            sscanf(ms[i].body, "{\"n\":%d}", &v);
            if (v >= 0 && v < 15)
                seen[v]++;
            CHECK_OK(queue_delete(q, ms[i].receipt));
            queue_msg_release(&ms[i]);
        }
        total += n;
    }
    CHECK_INT(total, 15);
    for (int i = 0; i < 15; i++)
        CHECK_INT(seen[i], 1);
    queue_close(q);
}

/* One request deletes a received batch; a stale receipt fails alone (local), the others
 * are deleted; out-of-range batches are refused. */
static void batch_delete(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    for (int i = 0; i < 4; i++)
        CHECK_OK(queue_send(q, "{\"b\":1}", 0, NULL));
    struct queue_msg ms[QUEUE_MAX_BATCH];
    int n = 0, got = 0;
    const char *receipts[QUEUE_MAX_BATCH];
    for (int round = 0; round < 5 && got < 4; round++) {
        CHECK_OK(queue_receive(q, QUEUE_MAX_BATCH, 1, -1, ms + got, &n));
        got += n;
    }
    CHECK_INT(got, 4);
    for (int i = 0; i < got; i++)
        receipts[i] = ms[i].receipt;
    CHECK_OK(queue_delete(q, receipts[3])); /* deleted already */
    int rcs[QUEUE_MAX_BATCH];
    int rc = queue_delete_batch(q, receipts, 4, rcs);
    CHECK_INT(rcs[0], 0);
    CHECK_INT(rcs[1], 0);
    CHECK_INT(rcs[2], 0);
    if (cf_be()->caps & BE_EXACT_RECEIPTS) {
        CHECK_RC(rc, GAS_ESTALE);
        CHECK_INT(rcs[3], GAS_ESTALE);
    } else { /* SQS: deleting again is not an error */
        CHECK(rcs[3] == 0 || rcs[3] == GAS_ESTALE);
    }
    CHECK_RC(queue_delete_batch(q, receipts, 0, NULL), GAS_EINVAL);
    CHECK_RC(queue_delete_batch(q, receipts, QUEUE_MAX_BATCH + 1, NULL), GAS_EINVAL);
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.visible + d.in_flight + d.delayed + d.dead, 0);
    for (int i = 0; i < got; i++)
        queue_msg_release(&ms[i]);
    queue_close(q);
}

static void delayed_delivery(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    CHECK_OK(queue_send(q, "{\"d\":2}", 2, NULL));
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.delayed, 1);
    CHECK_INT(d.visible, 0);
    struct queue_msg m;
    CHECK_INT(recv1(q, 0, -1, &m), 0);
    gas_sleep(2.3);
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.visible, 1);
    CHECK_INT(recv1(q, 1, -1, &m), 1);
    CHECK_STR(m.body, "{\"d\":2}");
    queue_delete(q, m.receipt);
    queue_msg_release(&m);
    queue_close(q);
}

static void visibility_timeout_and_stale_receipts(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    CHECK_OK(queue_send(q, "{\"v\":1}", 0, NULL));
    struct queue_msg a, b;
    CHECK_INT(recv1(q, 1, 1, &a), 1);
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.in_flight, 1);
    gas_sleep(1.3);
    CHECK_INT(recv1(q, 1, 30, &b), 1); /* came back after its visibility ran out */
    CHECK_STR(b.id, a.id);
    CHECK_INT(b.receive_count, 2);
    CHECK(strcmp(a.receipt, b.receipt) != 0);
    if (cf_be()->caps & BE_EXACT_RECEIPTS) {
        CHECK_RC(queue_delete(q, a.receipt), GAS_ESTALE); /* the first receiver lost it */
        CHECK_RC(queue_extend(q, a.receipt, 10), GAS_ESTALE);
        CHECK_OK(queue_delete(q, b.receipt));
    } else {
        /* SQS honours any receipt the message was given: the late first receiver's delete
         * removes it (at-least-once; handlers are idempotent), and the message is gone */
        int rc = queue_delete(q, a.receipt);
        CHECK(rc == 0 || rc == GAS_ESTALE);
        if (rc == 0) {
            struct queue_depths d2;
            CHECK_OK(queue_depths(q, &d2));
            CHECK_INT(d2.visible + d2.in_flight + d2.delayed, 0);
        } else {
            CHECK_OK(queue_delete(q, b.receipt));
        }
    }
    queue_msg_release(&a);
    queue_msg_release(&b);
    queue_close(q);
}

static void extend_visibility(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    CHECK_OK(queue_send(q, "{\"x\":1}", 0, NULL));
    struct queue_msg a, b;
    CHECK_INT(recv1(q, 1, 1, &a), 1);
    CHECK_OK(queue_extend(q, a.receipt, 4));
    gas_sleep(1.5);
    CHECK_INT(recv1(q, 0, -1, &b), 0);       /* still hidden: extended */
    CHECK_OK(queue_extend(q, a.receipt, 0)); /* release it now */
    CHECK_INT(recv1(q, 1, 30, &b), 1);
    CHECK_STR(b.id, a.id);
    queue_delete(q, b.receipt);
    queue_msg_release(&a);
    queue_msg_release(&b);
    queue_close(q);
}

static void dead_letters_and_redrive(void)
{
    struct queue *q = cf_queue(30, 2);
    if (!q)
        return;
    char *id = NULL;
    CHECK_OK(queue_send(q, "{\"poison\":true}", 0, &id));
    struct queue_msg m;
    for (int i = 1; i <= 2; i++) { /* two failed attempts: received, never deleted */
        CHECK_INT(recv1(q, 1, 0, &m), 1);
        CHECK_INT(m.receive_count, i);
        queue_msg_release(&m);
    }
    CHECK_INT(recv1(q, 1, 30, &m), 0); /* the third receive moves it to the dead letters */
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.dead, 1);
    CHECK_INT(d.visible + d.in_flight + d.delayed, 0);
    struct queue_msg dead[4];
    int n = 0;
    CHECK_OK(queue_dead_list(q, 4, dead, &n));
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_STR(dead[0].body, "{\"poison\":true}");
        CHECK_STR(dead[0].id, id);
        queue_msg_release(&dead[0]);
    }
    CHECK_OK(queue_dead_list(q, 4, dead, &n)); /* listing does not consume */
    CHECK_INT(n, 1);
    for (int i = 0; i < n; i++)
        queue_msg_release(&dead[i]);
    CHECK_RC(queue_redrive(q, "no-such-message", NULL), GAS_ENOTFOUND);
    int moved = 0;
    CHECK_OK(queue_redrive(q, id, &moved));
    CHECK_INT(moved, 1);
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.dead, 0);
    CHECK_INT(recv1(q, 1, 30, &m), 1);
    CHECK_STR(m.body, "{\"poison\":true}");
    CHECK_OK(queue_delete(q, m.receipt));
    queue_msg_release(&m);
    free(id);
    queue_close(q);
}

/* A message dead-lettered at once keeps its id and carries the reason; one the queue moves
 * after max_receives says it exceeded them; a redriven message keeps its id. */
static void dead_letter_reason_and_id(void)
{
    struct queue *q = cf_queue(30, 1);
    if (!q)
        return;
    char *id1 = NULL, *id2 = NULL;
    CHECK_OK(queue_send(q, "{\"bad\"", 0, &id1));
    struct queue_msg m, dead[4];
    CHECK_INT(recv1(q, 1, 30, &m), 1);
    CHECK_OK(queue_dead_letter(q, &m, "malformed json at byte 6"));
    queue_msg_release(&m);
    CHECK_OK(queue_send(q, "{\"tired\":1}", 0, &id2));
    CHECK_INT(recv1(q, 1, 0, &m), 1);
    queue_msg_release(&m);
    CHECK_INT(recv1(q, 1, 30, &m), 0); /* over max_receives: the queue moves it */
    int n = 0;
    CHECK_OK(queue_dead_list(q, 4, dead, &n));
    CHECK_INT(n, 2);
    for (int i = 0; i < n; i++) {
        int first = !strcmp(dead[i].body, "{\"bad\"");
        CHECK_STR(dead[i].id, first ? id1 : id2);
        CHECK(dead[i].reason != NULL);
        if (dead[i].reason && first)
            CHECK_STR(dead[i].reason, "malformed json at byte 6");
        else if (dead[i].reason)
            CHECK(strstr(dead[i].reason, "exceeded 1 receives") != NULL);
        queue_msg_release(&dead[i]);
    }
    CHECK_OK(queue_redrive(q, id1, NULL));
    CHECK_INT(recv1(q, 1, 30, &m), 1);
    if (m.id)
        CHECK_STR(m.id, id1);
    CHECK(m.reason == NULL);
    CHECK_OK(queue_delete(q, m.receipt));
    queue_msg_release(&m);
    free(id1);
    free(id2);
    queue_close(q);
}

static void redrive_all(void)
{
    struct queue *q = cf_queue(30, 1);
    if (!q)
        return;
    for (int i = 0; i < 3; i++)
        CHECK_OK(queue_send(q, "{\"bad\":1}", 0, NULL));
    struct queue_msg ms[QUEUE_MAX_BATCH];
    int n;
    CHECK_OK(queue_receive(q, QUEUE_MAX_BATCH, 1, 0, ms, &n));
    CHECK_INT(n, 3);
    for (int i = 0; i < n; i++)
        queue_msg_release(&ms[i]);
    CHECK_OK(queue_receive(q, QUEUE_MAX_BATCH, 0, 0, ms, &n));
    CHECK_INT(n, 0);
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.dead, 3);
    int moved = 0;
    CHECK_OK(queue_redrive(q, NULL, &moved));
    CHECK_INT(moved, 3);
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.visible, 3);
    queue_close(q);
}

/* A dead letter deleted for good: gone from the list and never received again; the
 * others stay dead letters; an id the dead letters do not hold is GAS_ENOTFOUND. */
static void dead_delete(void)
{
    struct queue *q = cf_queue(30, 1);
    if (!q)
        return;
    char *id1 = NULL, *id2 = NULL;
    CHECK_OK(queue_send(q, "{\"bad\":1}", 0, &id1));
    CHECK_OK(queue_send(q, "{\"bad\":2}", 0, &id2));
    struct queue_msg ms[QUEUE_MAX_BATCH];
    int n;
    CHECK_OK(queue_receive(q, QUEUE_MAX_BATCH, 1, 0, ms, &n));
    CHECK_INT(n, 2);
    for (int i = 0; i < n; i++)
        queue_msg_release(&ms[i]);
    CHECK_OK(queue_receive(q, QUEUE_MAX_BATCH, 0, 0, ms, &n)); /* both over max_receives */
    CHECK_INT(n, 0);
    CHECK_RC(queue_dead_delete(q, "no-such-message"), GAS_ENOTFOUND);
    CHECK_OK(queue_dead_delete(q, id1));
    CHECK_RC(queue_dead_delete(q, id1), GAS_ENOTFOUND); /* once */
    CHECK_OK(queue_dead_list(q, QUEUE_MAX_BATCH, ms, &n));
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(ms[0].id, id2);
    for (int i = 0; i < n; i++)
        queue_msg_release(&ms[i]);
    struct queue_depths d;
    CHECK_OK(queue_depths(q, &d));
    CHECK_INT(d.dead, 1);
    CHECK_INT(d.visible + d.in_flight + d.delayed, 0);
    int moved = 0; /* the deleted one cannot be redriven */
    CHECK_OK(queue_redrive(q, NULL, &moved));
    CHECK_INT(moved, 1);
    free(id1);
    free(id2);
    queue_close(q);
}

struct sender {
    struct queue *q;
    double after;
};
static void *send_later(void *arg)
{
    struct sender *s = arg;
    gas_sleep(s->after);
    queue_send(s->q, "{\"late\":1}", 0, NULL);
    return NULL;
}

static void long_poll(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    struct queue_msg m;
    double t0 = gas_mono();
    CHECK_INT(recv1(q, 1, -1, &m), 0);
    CHECK(gas_mono() - t0 >= 0.9); /* it waited for its wait time */
    struct sender s = {q, 0.5};
    pthread_t th;
    pthread_create(&th, NULL, send_later, &s);
    CHECK_INT(recv1(q, 10, -1, &m), 1); /* a message sent during the wait arrives */
    pthread_join(th, NULL);
    CHECK_STR(m.body, "{\"late\":1}");
    queue_delete(q, m.receipt);
    queue_msg_release(&m);
    queue_close(q);
}

static void *interrupt_later(void *arg)
{
    gas_sleep(0.5);
    backend_interrupt(arg);
    return NULL;
}

static void interrupt_ends_long_poll(void)
{
    struct gas_backend *be = cf_open();
    struct queue *q = NULL, *mine = cf_queue(30, 5);
    if (!mine)
        return;
    CHECK_OK(be_queue(be, mine->name, &q));
    pthread_t th;
    pthread_create(&th, NULL, interrupt_later, be);
    struct queue_msg m;
    double t0 = gas_mono();
    CHECK_INT(recv1(q, 20, -1, &m), 0);
    CHECK(gas_mono() - t0 < 15); /* returned on interrupt, not after the full 20 s */
    pthread_join(th, NULL);
    queue_close(q);
    queue_close(mine);
    backend_close(be);
}

static void bad_arguments(void)
{
    struct queue *q = cf_queue(30, 5);
    if (!q)
        return;
    CHECK_RC(queue_send(q, "", 0, NULL), GAS_EINVAL);
    CHECK_RC(queue_send(q, "{}", 901, NULL), GAS_EINVAL);
    CHECK_RC(queue_send(q, "{}", -1, NULL), GAS_EINVAL);
    size_t big = (size_t)cfg_int(cf_cfg(), CFG_MAX_MESSAGE_BYTES) + 1;
    char *huge = xmalloc(big + 1);
    memset(huge, 'x', big);
    huge[big] = 0;
    CHECK_RC(queue_send(q, huge, 0, NULL), GAS_ETOOBIG);
    free(huge);
    struct queue_msg ms[1];
    int n;
    CHECK_RC(queue_receive(q, 11, 0, -1, ms, &n), GAS_EINVAL);
    CHECK_RC(queue_receive(q, 1, 21, -1, ms, &n), GAS_EINVAL);
    CHECK_RC(queue_delete(q, "not-a-receipt"), GAS_ESTALE);
    CHECK_RC(queue_extend(q, "not-a-receipt", 10), GAS_ESTALE);
    CHECK_RC(queue_extend(q, "x", 43201), GAS_EINVAL);
    struct queue *none;
    CHECK_RC(be_queue(cf_be(), "no-such-queue-x", &none), GAS_ENOTFOUND);
    queue_close(q);
}

/* --------------------------------------------------------------------- processes */

#define NMSG  120
#define NPROC 3

/* Child: receives until the queue stays empty, working on and deleting each message, and
 * writes the numbers it got (one per line) to out. */
/* A forked child: the parent's queue handle (inherited) closed, its own backend opened. */
static void child_drain(struct queue *parent_q, const char *out)
{
    char *qname = xstrdup(parent_q->name);
    queue_close(parent_q); /* the child's copy: nothing leaks at its exit (valgrind) */
    struct gas_backend *be = cf_open();
    struct queue *q;
    int opened = be_queue(be, qname, &q);
    free(qname);
    if (opened)
        _exit(3);
    FILE *f = fopen(out, "w");
    int empty = 0;
    while (empty < 2) {
        struct queue_msg ms[4];
        int n = 0;
        int rc = queue_receive(q, 4, 1, 60, ms, &n);
        if (rc) { /* reported by the parent with its message */
            fprintf(f, "RECEIVE-FAILED %s: %s\n", gas_err_name(rc), gas_errmsg());
            fclose(f);
            _exit(4);
        }
        empty = n ? 0 : empty + 1;
        for (int i = 0; i < n; i++) {
            fprintf(f, "%s\n", ms[i].body);
            fflush(f);
            gas_sleep(0.01); /* some work, so that the others get their turn */
            int drc = queue_delete(q, ms[i].receipt);
            if (drc)
                fprintf(f, "DELETE-FAILED %s: %s\n", gas_err_name(drc), gas_errmsg());
            queue_msg_release(&ms[i]);
        }
    }
    fclose(f);
    queue_close(q);
    backend_close(be);
    _exit(0);
}

static void processes_never_share_a_message(void)
{
    struct queue *q = cf_queue(60, 5);
    if (!q)
        return;
    for (int i = 0; i < NMSG; i++) {
        char body[32];
        snprintf(body, sizeof body, "{\"n\":%d}", i);
        CHECK_OK(queue_send(q, body, 0, NULL));
    }
    const char *dir = t_tmpdir();
    char *outs[NPROC];
    pid_t pids[NPROC];
    fflush(NULL);
    for (int p = 0; p < NPROC; p++) {
        outs[p] = xasprintf("%s/got-%d", dir, p);
        pids[p] = fork();
        if (pids[p] == 0)
            child_drain(q, outs[p]);
    }
    int counts[NMSG] = {0}, per_proc[NPROC] = {0}, bad = 0;
    for (int p = 0; p < NPROC; p++) {
        int st;
        waitpid(pids[p], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        FILE *f = fopen(outs[p], "r");
        char line[64];
        while (f && fgets(line, sizeof line, f)) {
            int v = -1;
            if (sscanf(line, "{\"n\":%d}", &v) == 1 && v >= 0 && v < NMSG) {
                counts[v]++;
                per_proc[p]++;
            } else {
                bad++;
                t_fail(__FILE__, __LINE__, "child %d: %s", p, line);
            }
        }
        if (f)
            fclose(f);
        free(outs[p]);
    }
    CHECK_INT(bad, 0);
    int dup = 0, lost = 0;
    for (int i = 0; i < NMSG; i++) {
        dup += counts[i] > 1;
        lost += counts[i] == 0;
    }
    CHECK_INT(dup, 0);
    CHECK_INT(lost, 0);
    int busy = 0;
    for (int p = 0; p < NPROC; p++)
        busy += per_proc[p] > 0;
    CHECK(busy >= 2); /* the work really was shared between processes */
    queue_close(q);
}

static void crashed_receiver_message_returns(void)
{
    struct queue *q = cf_queue(60, 5);
    if (!q)
        return;
    CHECK_OK(queue_send(q, "{\"job\":\"crash\"}", 0, NULL));
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct gas_backend *be = cf_open();
        struct queue *cq;
        struct queue_msg m;
        int n = 0;
        if (be_queue(be, q->name, &cq) || queue_receive(cq, 1, 2, 2, &m, &n) || n != 1)
            _exit(3);
        if (write(pipefd[1], "x", 1) != 1)
            _exit(4);
        pause(); /* holds the message until killed */
        _exit(0);
    }
    char c;
    CHECK_INT(read(pipefd[0], &c, 1), 1); /* the child has the message */
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st));
    struct queue_msg m;
    CHECK_INT(recv1(q, 0, 30, &m), 0); /* still hidden right after the crash */
    gas_sleep(2.2);
    CHECK_INT(recv1(q, 2, 30, &m), 1);
    CHECK_STR(m.body, "{\"job\":\"crash\"}");
    CHECK_INT(m.receive_count, 2);
    CHECK_OK(queue_delete(q, m.receipt));
    queue_msg_release(&m);
    close(pipefd[0]);
    close(pipefd[1]);
    queue_close(q);
}

const struct t_case cf_queue_cases[] = {
    T(send_receive_delete),
    T(batch_receive_each_once),
    T(batch_delete),
    T(delayed_delivery),
    T(visibility_timeout_and_stale_receipts),
    T(extend_visibility),
    T(dead_letters_and_redrive),
    T(dead_letter_reason_and_id),
    T(redrive_all),
    T(dead_delete),
    T(long_poll),
    T(interrupt_ends_long_poll),
    T(bad_arguments),
    T(processes_never_share_a_message),
    T(crashed_receiver_message_returns),
};
const int cf_queue_n = sizeof cf_queue_cases / sizeof *cf_queue_cases;
