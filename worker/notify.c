/* notify: one email per completed job (a result message) or failed one (annotate's notice on
 * the notify queue: msg_failed), through one of a table of transports (notify_via):
 *   outbox  written to the outbox directory as <job_id>.eml (a failure's <job_id>.failed.eml,
 *           so that a retried job's result does not replace it; 0600, atomically)
 *   smtp    sent through libcurl's SMTP to smtp_url (TLS verified)
 *   ses     Amazon SES SendEmail (query protocol, signed with our SigV4 signer) from
 *           ses_sender, a verified identity
 *   auto    smtp when smtp_url is set, else outbox
 * notify_time on the job makes a redelivered message a no-op once the email is out (at
 * least once: a crash between sending and recording may send it twice, never zero
 * times). A failure is logged and recorded in the job's notify_error (gas show) before the
 * message is retried, or dead-lettered when retrying cannot help (SES refused the sender
 * or the message); the next success removes it.
 *
 * Threads: each notify thread has its state (ctx->local): with ses its own AWS client,
 * made by notify_thread_init and freed by notify_thread_done; with the outbox, the notices
 * written in the current batch, made durable together at its end (notify_batch_end). */
#include "worker.h"

#include "gas/awsapi.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct email {
    const char *from, *to, *to_name;
    char name[256]; /* the user's name, its control characters made spaces (to_name) */
    char *subject, *text;
    const char *kind; /* "" a result's, ".failed" a failure's: the outbox file's name */
    char *message_id; /* set by a transport that has one (ses) */
};

/* A notice written to the outbox under a temporary name, waiting for the end of the batch
 * to be synced and named with the others (notify_batch_end). */
struct held_mail {
    char *job_id, *tmp, *path;
    struct queue_msg *msg;
};

/* A notify thread's state (ctx->local). */
struct notify_thread {
    struct aws_client *ses; /* with the ses transport */
    struct held_mail held[BATCH_MAX];
    int nheld;
    struct user user; /* the user read last in this batch (user_of), or user_id NULL */
};

/* The job's user, read once per batch (a batch's notices are mostly one user's jobs);
 * forgotten at the batch's end, so a changed email address is taken at the next batch. */
static int user_of(struct pipe_ctx *ctx, const char *user_id, const struct user **out)
{
    struct notify_thread *t = ctx->local;
    if (!t->user.user_id || strcmp(t->user.user_id, user_id)) {
        user_release(&t->user);
        memset(&t->user, 0, sizeof t->user);
        int rc = app_user_get(ctx->app, user_id, &t->user);
        if (rc) {
            user_release(&t->user);
            memset(&t->user, 0, sizeof t->user);
            return rc;
        }
    }
    *out = &t->user;
    return 0;
}

static void forget_user(struct notify_thread *t)
{
    user_release(&t->user);
    memset(&t->user, 0, sizeof t->user);
}

/* "5 minutes", "2 hours", "3 days": a grace period for a person. */
static void human_span(int64_t s, char *buf, size_t n)
{
    static const struct {
        int64_t unit;
        const char *name;
    } units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (s >= units[i].unit || units[i].unit == 1) {
            int64_t k = (s + units[i].unit / 2) / units[i].unit;
            snprintf(buf, n, "%lld %s%s", (long long)k, units[i].name, k == 1 ? "" : "s");
            return;
        }
}

/* A FAILED job's email: the reason, and what the user can do about it. */
static void compose_failed(const struct job *job, struct email *e)
{
    char when[64] = "";
    time_t t = job->fail_time > 0 ? (time_t)job->fail_time : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    const char *root = job_error_root(job->error);
    char *why = xstrdup(root ? root : "no reason was recorded");
    for (char *p = why; *p; p++) /* one paragraph, whatever it holds */
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    /* the file's fault: what is wrong with it, to correct it; otherwise the service's (its
     * disk, its attempts): nothing for the user to act on, so its details stay with the
     * administrators (gas show) */
    int input = job_error_permanent(JOB_FAILED, job->error);
    e->subject = xasprintf("GAS: your annotation job for %s failed",
                           job->input_file_name ? job->input_file_name : job->job_id);
    if (input)
        e->text = xasprintf("Hello %s,\r\n\r\nYour annotation job %s (%s) failed on %s.\r\n\r\n"
                            "Why: %s\r\n\r\nThe file itself is the cause: correct it and "
                            "submit it again.\r\n\r\n-- GAS\r\n",
                            e->to_name, job->job_id,
                            job->input_file_name ? job->input_file_name : "", when, why);
    else
        e->text = xasprintf("Hello %s,\r\n\r\nYour annotation job %s (%s) could not be completed "
                            "on %s. This was not your file's fault: the service could not finish "
                            "it, and its administrators can run it again (reply to this email if "
                            "it is not).\r\n\r\n-- GAS\r\n",
                            e->to_name, job->job_id,
                            job->input_file_name ? job->input_file_name : "", when);
    free(why);
}

static void compose(struct pipe_ctx *ctx, const struct job *job, const struct user *u,
                    struct email *e)
{
    char done[64] = "", grace[48], keep[256];
    time_t t = job->complete_time > 0 ? (time_t)job->complete_time : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(done, sizeof done, "%Y-%m-%d %H:%M UTC", &tm);
    e->subject = xasprintf("GAS: your annotation job for %s is complete",
                           job->input_file_name ? job->input_file_name : job->job_id);
    human_span(cfg_int(ctx->cfg, CFG_ARCHIVE_GRACE), grace, sizeof grace);
    if (u->role == ROLE_PREMIUM)
        snprintf(keep, sizeof keep, "As a premium user you keep your results available.");
    else
        snprintf(keep, sizeof keep,
                 "Free accounts keep results available for %s; after that they move to cold "
                 "storage. Upgrade to premium to keep them available.",
                 grace);
    /* where the results are: the web app's page for the job, else the objects */
    char *where, *note = NULL;
    const char *url = cfg_str(ctx->cfg, CFG_NOTIFY_JOB_URL);
    if (*url) {
        const char *at = strstr(url, "{job_id}");
        where = xasprintf("Results and count log: %.*s%s%s\r\n", (int)(at - url), url, job->job_id,
                          at + 8);
    } else {
        where = xasprintf("Results: %s/%s\r\nCount log: %s/%s\r\n",
                          job->s3_results_bucket ? job->s3_results_bucket : "",
                          job->s3_key_result_file ? job->s3_key_result_file : "",
                          job->s3_results_bucket ? job->s3_results_bucket : "",
                          job->s3_key_log_file ? job->s3_key_log_file : "");
    }
    /* a result passed through unannotated says so (its count log says why in full); one
     * annotated with a warning about its genome build (assumed, records that lean to
     * another, on another build's accessions or past its chromosomes' ends: every
     * position may be wrong), or none of whose records was on a contig the sources know,
     * says that too; other warnings stay in the count log */
    const char *an = job->annotation_note, *w = an ? strstr(an, NOTE_FIRST_WARNING) : NULL;
    if (w)
        w += strlen(NOTE_FIRST_WARNING);
    if (an && (!strncmp(an, "not annotated", 13) ||
               (w && (strstr(w, "build") || !strncmp(w, "nothing was annotated", 21))))) {
        char *text = xstrdup(an);
        for (char *p = text; *p; p++) /* one paragraph, whatever it holds */
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = ' ';
        const char *nothing = strstr(text, NOTE_FIRST_WARNING "nothing was annotated");
        note = !strncmp(text, "not annotated", 13)
                   ? xasprintf("\r\nNote: the records were %s.\r\n", text)
               : nothing ? xasprintf("\r\nNote: %s\r\n", nothing + strlen(NOTE_FIRST_WARNING))
                         : xasprintf("\r\nNote: annotated as %s\r\n", text);
        free(text);
    }
    e->text = xasprintf("Hello %s,\r\n\r\nYour annotation job %s (%s) finished on %s.\r\n"
                        "%s%s\r\n%s\r\n\r\n-- GAS\r\n",
                        e->to_name, job->job_id, job->input_file_name ? job->input_file_name : "",
                        done, where, note ? note : "", keep);
    free(where);
    free(note);
}

/* A header's text from user data (a name, a file name): control characters (CR, LF: a
 * forged header) become spaces; text with non-ASCII bytes is an RFC 2047 encoded word,
 * else, for a display name (quoted), a quoted string when it has RFC 5322 specials. */
static char *header_text(const char *s, int quoted)
{
    char *t = xstrdup(s ? s : "");
    int ascii = 1;
    for (unsigned char *p = (unsigned char *)t; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *p = ' ';
        ascii &= *p < 0x80;
    }
    if (!ascii) {
        size_t n = strlen(t);
        char *b = xcalloc(1, 4 * ((n + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)b, (const unsigned char *)t, (int)n);
        char *w = xasprintf("=?UTF-8?B?%s?=", b);
        free(b);
        free(t);
        return w;
    }
    if (!quoted || !strpbrk(t, "()<>[]:;@\\,.\"")) /* a phrase of atoms needs no quotes */
        return t;
    char *q = xcalloc(1, 2 * strlen(t) + 3), *o = q;
    *o++ = '"';
    for (const char *p = t; *p; p++) {
        if (*p == '"' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '"';
    free(t);
    return q;
}

/* The whole message with its headers, for the outbox and SMTP. */
static char *rfc822(const struct email *e)
{
    char date[64], mid[37];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    gas_uuid4(mid);
    char *name = header_text(e->to_name, 1), *subject = header_text(e->subject, 0);
    char *m = xasprintf("From: GAS <%s>\r\nTo: %s <%s>\r\nDate: %s\r\nMessage-ID: <%s@gas>\r\n"
                        "Subject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
                        e->from, name, e->to, date, mid, subject, e->text);
    free(name);
    free(subject);
    return m;
}

static char *outbox_dir(const struct cfg *cfg)
{
    const char *dir = cfg_str(cfg, CFG_OUTBOX_DIR);
    return *dir ? xstrdup(dir) : xasprintf("%s/outbox", cfg_str(cfg, CFG_DATA_DIR));
}

/* Writes the notice under a temporary name (unique per writer, mkstemp: two gasd writing
 * the same notice each write their own, and the renames replace one another whole); it is
 * synced and named <job_id>.eml at the end of the batch, with the batch's others. */
static int by_outbox(struct pipe_ctx *ctx, const char *job_id, struct email *e)
{
    struct notify_thread *t = ctx->local;
    char *mail = rfc822(e), *dir = outbox_dir(ctx->cfg);
    const char *kind = e->kind ? e->kind : ""; /* a retried job's result keeps its failure's */
    char *path = xasprintf("%s/%s%s.eml", dir, job_id, kind);
    char *tmp = xasprintf("%s/.%s%s.eml.tmp.XXXXXX", dir, job_id, kind);
    int rc = t->nheld ? 0 : gas_mkdirs(dir, 0700), fd = -1; /* made once a batch */
    if (!rc && (fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        rc = gas_err_set(GAS_EIO, "create %s: %s", tmp, strerror(errno));
    size_t n = strlen(mail);
    if (!rc && write(fd, mail, n) != (ssize_t)n)
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp, strerror(errno));
    if (fd >= 0 && close(fd) < 0 && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp, strerror(errno));
    if (rc) {
        if (fd >= 0)
            unlink(tmp);
        free(path);
        free(tmp);
    } else {
        struct held_mail *h = &t->held[t->nheld++];
        h->job_id = xstrdup(job_id);
        h->tmp = tmp;
        h->path = path;
        h->msg = ctx->msg;
    }
    free(dir);
    free(mail);
    return rc;
}

/* Durable: one notice by its own fsyncs, several by two syncs of the file system shared
 * by all (contents, then names). */
static int outbox_place(struct notify_thread *t, const char *dir)
{
    int rc = 0, several = t->nheld > 1;
    for (int i = 0; !rc && !several && i < t->nheld; i++) {
        int fd = open(t->held[i].tmp, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
            rc = gas_err_set(GAS_EIO, "sync %s: %s", t->held[i].tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (!rc && several)
        rc = gas_sync_fs(dir);
    for (int i = 0; !rc && i < t->nheld; i++)
        if (rename(t->held[i].tmp, t->held[i].path) < 0)
            rc = gas_err_set(GAS_EIO, "rename %s: %s", t->held[i].path, strerror(errno));
        else
            t->held[i].tmp[0] = 0; /* named */
    if (!rc)                       /* the names, before the jobs say they were sent */
        rc = several ? gas_sync_fs(dir) : gas_fsync_dir(dir);
    return rc;
}

/* The end of a batch: the outbox notices written meanwhile made durable together, then
 * the jobs marked notified, as one group of writes (lazily: undone by a power loss, the
 * notice is written again), then the messages settled. */
void notify_batch_end(struct pipe_ctx *ctx, struct batch *b)
{
    struct notify_thread *t = ctx->local;
    if (t)
        forget_user(t);
    if (!t || !t->nheld)
        return;
    char *dir = outbox_dir(ctx->cfg);
    int rc = outbox_place(t, dir);
    char why[512];
    enum pipe_result r[BATCH_MAX];
    snprintf(why, sizeof why, "%s", rc ? gas_errmsg() : "");
    backend_lazy(1);
    int grouped = backend_group_begin(ctx->app->be) == 0;
    for (int i = 0; i < t->nheld; i++) {
        struct held_mail *h = &t->held[i];
        log_ctx_job(h->job_id);
        r[i] = PIPE_ACK;
        if (rc) {
            log_error("notify", "email for %s not written: %s", h->job_id, why);
            job_notify_failed(ctx->app->jobs, h->job_id, why);
            r[i] = pipe_result_of(rc);
        } else {
            log_info("notify", "email for %s written to %s", h->job_id, h->path);
            job_notified(ctx->app->jobs, h->job_id, NULL);
        }
    }
    log_ctx_job(NULL);
    if (grouped && backend_group_end(ctx->app->be) && !rc) {
        snprintf(why, sizeof why, "recording %d notices: %s", t->nheld, gas_errmsg());
        log_warn("notify", "%s (the messages come back)", why);
        rc = GAS_EBUSY; /* the notices are written: the next try only records them */
        for (int i = 0; i < t->nheld; i++)
            r[i] = PIPE_RETRY;
    }
    backend_lazy(0);
    for (int i = 0; i < t->nheld; i++) {
        struct held_mail *h = &t->held[i];
        log_ctx_job(h->job_id);
        if (rc)
            gas_err_set(rc, "%s", why); /* the reason of a retry or dead letter */
        if (h->tmp[0])
            unlink(h->tmp);
        runner_settle(ctx, b, h->msg, r[i]);
        free(h->job_id);
        free(h->tmp);
        free(h->path);
    }
    t->nheld = 0;
    free(dir);
}

struct upload {
    const char *data;
    size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = size * n < u->len - u->off ? size * n : u->len - u->off;
    memcpy(buf, u->data + u->off, k);
    u->off += k;
    return k;
}

static int by_smtp(struct pipe_ctx *ctx, const char *job_id, struct email *e)
{
    if (!*cfg_str(ctx->cfg, CFG_SMTP_URL))
        return gas_err_set(GAS_EINVAL, "notify_via = smtp needs smtp_url");
    CURL *c = curl_easy_init();
    if (!c)
        return gas_err_set(GAS_EINTERNAL, "curl_easy_init failed");
    char *mail = rfc822(e);
    struct curl_slist *rcpt = curl_slist_append(NULL, e->to);
    struct upload up = {mail, strlen(mail), 0};
    curl_easy_setopt(c, CURLOPT_URL, cfg_str(ctx->cfg, CFG_SMTP_URL));
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, cfg_str(ctx->cfg, CFG_SMTP_FROM));
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (*cfg_str(ctx->cfg, CFG_SMTP_USER)) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg_str(ctx->cfg, CFG_SMTP_USER));
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg_str(ctx->cfg, CFG_SMTP_PASSWORD));
    }
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    CURLcode res = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    free(mail);
    if (res != CURLE_OK)
        return gas_err_set(GAS_ENET, "smtp: %s", curl_easy_strerror(res));
    log_info("notify", "email for %s sent to %s by smtp", job_id, e->to);
    return 0;
}

/* SES tag values allow letters, digits, '_' and '-' only: other job ids go untagged and
 * a bounce is matched by notify_message_id. */
static int tag_safe(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= 256 &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int by_ses(struct pipe_ctx *ctx, const char *job_id, struct email *e)
{
    char *mid = NULL;
    int rc = aws_ses_send(((struct notify_thread *)ctx->local)->ses, e->from, e->to, e->subject,
                          e->text, tag_safe(job_id) ? job_id : NULL, &mid);
    if (!rc)
        log_info("notify", "email for %s sent to %s by ses (message id %s)", job_id, e->to,
                 mid ? mid : "?");
    e->message_id = mid; /* recorded on the job (notify_message_id) */
    return rc ? gas_err_wrap(rc, "ses: send from %s", e->from) : 0;
}

struct transport {
    const char *name;
    int (*send)(struct pipe_ctx *ctx, const char *job_id, struct email *e);
};

static const struct transport transports[] = {
    {"outbox", by_outbox},
    {"smtp", by_smtp},
    {"ses", by_ses},
};

static const struct transport *transport_of(const struct cfg *cfg)
{
    const char *via = cfg_str(cfg, CFG_NOTIFY_VIA);
    if (!strcmp(via, "auto"))
        via = *cfg_str(cfg, CFG_SMTP_URL) ? "smtp" : "outbox";
    for (size_t i = 0; i < sizeof transports / sizeof *transports; i++)
        if (!strcmp(transports[i].name, via))
            return &transports[i];
    return &transports[0];
}

int notify_thread_init(struct pipe_ctx *ctx)
{
    struct notify_thread *t = xcalloc(1, sizeof *t);
    ctx->local = t;
    if (transport_of(ctx->cfg)->send != by_ses)
        return 0;
    const char *from = cfg_str(ctx->cfg, CFG_SES_SENDER);
    if (!*from)
        from = cfg_str(ctx->cfg, CFG_SMTP_FROM);
    if (!strchr(from, '@') || strpbrk(from, " \r\n<>"))
        return gas_err_set(GAS_EINVAL, "ses_sender \"%.100s\" is not an email address", from);
    return aws_client_new(ctx->cfg, &t->ses);
}

void notify_thread_done(struct pipe_ctx *ctx)
{
    struct notify_thread *t = ctx->local;
    if (t) {
        aws_client_free(t->ses);
        forget_user(t);
    }
    free(t);
    ctx->local = NULL;
}

/* An email by SMTP or SES cannot be replaced once out, so the job's notify_claim keeps
 * two workers each holding a copy of the message from both sending it: the one that
 * claims it sends; the other's copy is hidden until the claim runs out, and then finds the
 * email out (or, after a crash, sends it). An outbox notice is one file per job that a
 * copy replaces whole: no claim. 0 to send, 1 deferred (*r set), <0 on error (*r set). */
#define NOTIFY_CLAIM_S 120 /* SMTP's timeout is 60 s; SES's requests are shorter */
static int claim_email(struct pipe_ctx *ctx, const struct job *job, enum pipe_result *r)
{
    int64_t now = gas_now_s();
    int rc = job->notify_claim > now ? GAS_ECONFLICT
                                     : job_notify_claim(ctx->app->jobs, job, now + NOTIFY_CLAIM_S);
    if (rc == GAS_ECONFLICT) {
        int64_t left = job->notify_claim > now ? job->notify_claim - now : NOTIFY_CLAIM_S;
        log_info("notify", "email for %s: another worker is sending it; looking again in %lld s",
                 job->job_id, (long long)left);
        ctx->defer_s = (int)left + 1;
        *r = PIPE_DEFER;
        return 1;
    }
    if (rc)
        *r = pipe_result_of(rc);
    return rc;
}

/* The job's notify_error: what went wrong (a message), or removed (NULL). Best effort. */
enum pipe_result pipe_notify(struct pipe_ctx *ctx, const cJSON *body)
{
    (void)body;
    struct job *job = ctx->job; /* loaded by the runner (pipeline table) */
    const struct user *u = NULL;
    char *message_id = NULL;
    enum pipe_result r = PIPE_ACK;
    int rc, held = 0;
    const char *job_id = job->job_id;
    if (job->notify_time) {
        return PIPE_ACK; /* sent already */
    }
    if (job->job_status != JOB_COMPLETED && job->job_status != JOB_FAILED) {
        /* a FAILED job's notice that comes after a retry: its result will be told */
        log_info("notify", "no email for %s: it is %s now", job_id,
                 job_status_name(job->job_status));
        return PIPE_ACK;
    }
    struct notify_thread *t = ctx->local;
    for (int i = 0; i < t->nheld; i++)
        if (!strcmp(t->held[i].job_id, job_id)) { /* a copy of a message in this batch */
            log_info("notify", "email for %s: written already in this batch", job_id);
            return PIPE_ACK;
        }
    rc = user_of(ctx, job->user_id, &u);
    if (rc) {
        log_warn("notify", "email for %s waits: %s", job_id, gas_errmsg());
        return pipe_result_of_user(ctx, rc);
    }
    if (!u->email || !strchr(u->email, '@') || strpbrk(u->email, "\r\n<>")) {
        /* recorded as the email's error (gas show: notify_error), not as sent */
        char why[160];
        snprintf(why, sizeof why, "no email sent: user %.60s has no usable email address",
                 u->user_id);
        log_warn("notify", "%s", why);
        job_notify_failed(ctx->app->jobs, job_id, why);
        return PIPE_ACK;
    } else {
        struct email e = {.from = cfg_str(ctx->cfg, CFG_SES_SENDER)};
        if (!*e.from || transport_of(ctx->cfg)->send != by_ses)
            e.from = cfg_str(ctx->cfg, CFG_SMTP_FROM);
        if (transport_of(ctx->cfg)->send != by_outbox && (rc = claim_email(ctx, job, &r)))
            return r;
        e.to_name = e.name;
        snprintf(e.name, sizeof e.name, "%s", u->name ? u->name : u->user_id);
        for (char *p = e.name; *p; p++) /* CR/LF: no line of its own, in the headers or body */
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = ' ';
        e.to = u->email;
        e.kind = job->job_status == JOB_FAILED ? ".failed" : "";
        if (job->job_status == JOB_FAILED)
            compose_failed(job, &e);
        else
            compose(ctx, job, u, &e);
        rc = transport_of(ctx->cfg)->send(ctx, job_id, &e);
        held = !rc && transport_of(ctx->cfg)->send == by_outbox;
        free(e.subject);
        free(e.text);
        message_id = e.message_id;
        if (rc) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", gas_errmsg());
            log_error("notify", "email for %s to %s not sent: %s", job_id, u->email, msg);
            job_notify_failed(ctx->app->jobs, job_id, msg);
            gas_err_set(rc, "%s", msg); /* the dead-letter reason */
            r = pipe_result_of(rc);
        }
    }
    if (r == PIPE_ACK && held) {
        r = PIPE_HELD;          /* written, not yet durable: notify_batch_end */
    } else if (r == PIPE_ACK) { /* lazily: undone by a power loss, the notice is sent again */
        backend_lazy(1);
        job_notified(ctx->app->jobs, job_id, message_id);
        backend_lazy(0);
    }
    free(message_id);
    return r;
}
