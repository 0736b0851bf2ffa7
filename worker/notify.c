/* notify: one email per completed job. With smtp_url set it is sent through libcurl's
 * SMTP (TLS verified); otherwise it is written to the outbox directory as
 * <job_id>.eml (0600, atomically). notify_time on the job makes a redelivered message a
 * no-op once the email is out (at least once: a crash between sending and recording may
 * send it twice, never zero times). */
#include "worker.h"

#include "gas/err.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *compose(struct pipe_ctx *ctx, const struct job *job, const struct user *u)
{
    char date[64], mid[37];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    gas_uuid4(mid);
    return xasprintf("From: GAS <%s>\r\nTo: %s <%s>\r\nDate: %s\r\nMessage-ID: <%s@gas>\r\n"
                     "Subject: GAS: your annotation job for %s is complete\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                     "Hello %s,\r\n\r\nYour annotation job %s (%s) finished at %s UTC.\r\n"
                     "Results: %s/%s\r\nCount log: %s/%s\r\n\r\n"
                     "Free accounts keep results for a grace period; upgrade to premium to "
                     "keep them available.\r\n\r\n-- GAS\r\n",
                     cfg_str(ctx->cfg, CFG_SMTP_FROM), u->name ? u->name : u->user_id, u->email,
                     date, mid, job->input_file_name ? job->input_file_name : job->job_id,
                     u->name ? u->name : u->user_id, job->job_id,
                     job->input_file_name ? job->input_file_name : "", date,
                     job->s3_results_bucket ? job->s3_results_bucket : "",
                     job->s3_key_result_file ? job->s3_key_result_file : "",
                     job->s3_results_bucket ? job->s3_results_bucket : "",
                     job->s3_key_log_file ? job->s3_key_log_file : "");
}

static int to_outbox(struct pipe_ctx *ctx, const char *job_id, const char *mail)
{
    const char *dir = cfg_str(ctx->cfg, CFG_OUTBOX_DIR);
    char *def = NULL;
    if (!*dir)
        dir = def = xasprintf("%s/outbox", cfg_str(ctx->cfg, CFG_DATA_DIR));
    /* the temporary name is unique per writer (mkstemp): two gasd sending the same
     * notice each write their own file and the renames replace one another whole */
    char *path = xasprintf("%s/%s.eml", dir, job_id);
    char *tmp = xasprintf("%s/.%s.eml.tmp.XXXXXX", dir, job_id);
    int rc = gas_mkdirs(dir, 0700), fd = -1;
    if (!rc && (fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        rc = gas_err_set(GAS_EIO, "create %s: %s", tmp, strerror(errno));
    size_t n = strlen(mail);
    if (!rc && (write(fd, mail, n) != (ssize_t)n || fsync(fd) < 0))
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (!rc && rename(tmp, path) < 0)
        rc = gas_err_set(GAS_EIO, "rename %s: %s", path, strerror(errno));
    if (rc && fd >= 0)
        unlink(tmp);
    else if (!rc)
        log_info("notify", "email for %s written to %s", job_id, path);
    free(path);
    free(tmp);
    free(def);
    return rc;
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

static int by_smtp(struct pipe_ctx *ctx, const char *to, const char *mail)
{
    CURL *c = curl_easy_init();
    if (!c)
        return gas_err_set(GAS_EINTERNAL, "curl_easy_init failed");
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
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
    if (res != CURLE_OK)
        return gas_err_set(GAS_ENET, "smtp: %s", curl_easy_strerror(res));
    return 0;
}

enum pipe_result pipe_notify(struct pipe_ctx *ctx, const cJSON *body)
{
    (void)body;
    struct job *job = ctx->job; /* loaded by the runner (pipeline table) */
    struct user u;
    enum pipe_result r = PIPE_ACK;
    int rc;
    const char *job_id = job->job_id;
    if (job->notify_time) {
        return PIPE_ACK; /* sent already */
    }
    rc = app_user_get(ctx->app, job->user_id, &u);
    if (rc) {
        return pipe_result_of(rc);
    }
    if (!u.email || !strchr(u.email, '@') || strpbrk(u.email, "\r\n<>")) {
        log_warn("notify", "user %s has no usable email address: nothing sent", u.user_id);
    } else {
        char *mail = compose(ctx, job, &u);
        rc = *cfg_str(ctx->cfg, CFG_SMTP_URL) ? by_smtp(ctx, u.email, mail)
                                              : to_outbox(ctx, job_id, mail);
        free(mail);
        if (rc) {
            log_warn("notify", "%s", gas_errmsg());
            r = PIPE_RETRY;
        }
    }
    if (r == PIPE_ACK) {
        job_notified(ctx->app->jobs, job_id);
    }
    user_release(&u);
    return r;
}
