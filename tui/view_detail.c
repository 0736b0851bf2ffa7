/* view_detail: one job, full screen and scrollable: every attribute (times in UTC with
 * their age), the display state, the full error text wrapped, and the count log's summary
 * (l: the whole log, following the job). y copies the job id through OSC 52. The item is
 * read again whenever the jobs changed; the log once the job has one. */
#include "console.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <curses.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    cJSON *item;
    struct job job;
    int have_job;
    unsigned version;
    char err[256];
    char *log; /* the count log, or NULL */
    char log_job[40];
    char **lines;
    int nlines, cap;
} d;

static void reset_lines(void)
{
    for (int i = 0; i < d.nlines; i++)
        free(d.lines[i]);
    d.nlines = 0;
}

static void add_line(const char *s)
{
    if (d.nlines == d.cap) {
        d.cap = d.cap ? d.cap * 2 : 64;
        d.lines = xrealloc(d.lines, (size_t)d.cap * sizeof *d.lines);
    }
    d.lines[d.nlines++] = xstrdup(s);
}

/* "label  text", the text wrapped at the screen width under itself. */
static void add_wrapped(const char *label, const char *text)
{
    int indent = 22, w = COLS - indent - 1 > 10 ? COLS - indent - 1 : 10;
    size_t len = strlen(text);
    if (!len) {
        char *s = xasprintf("  %-19s", label);
        add_line(s);
        free(s);
    }
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t take = len - at < (size_t)w ? len - at : (size_t)w;
        if (nl && (size_t)(nl - (text + at)) < take)
            take = (size_t)(nl - (text + at));
        else if (at + take < len) /* break after a space, unless the word is very long */
            for (size_t k = take; k > (size_t)w / 2; k--)
                if (text[at + k - 1] == ' ') {
                    take = k;
                    break;
                }
        char *s = xasprintf("  %-19.19s %.*s", at ? "" : label, (int)take, text + at);
        add_line(s);
        free(s);
        at += take;
        if (at < len && text[at] == '\n')
            at++;
    }
}

static int is_time(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, "_time")) || !strcmp(name, "lease_until") ||
           !strcmp(name, "created") || !strcmp(name, "updated");
}

static void fetch_log(struct console *c)
{
    if (!d.have_job || !strcmp(d.log_job, d.job.job_id) || d.job.job_status != JOB_COMPLETED ||
        !d.job.s3_key_log_file)
        return;
    free(d.log);
    d.log = NULL;
    snprintf(d.log_job, sizeof d.log_job, "%s", d.job.job_id);
    char tmpl[] = "/tmp/gas-console-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return;
    close(fd);
    size_t n;
    if (objs_get_file(c->app->be->objs, d.job.s3_results_bucket, d.job.s3_key_log_file, tmpl) ||
        gas_read_file(tmpl, 1 << 20, &d.log, &n))
        d.log = xasprintf("(the count log is not readable: %s)", gas_errmsg());
    unlink(tmpl);
}

static void fetch(struct console *c, unsigned version)
{
    cJSON_Delete(d.item);
    d.item = NULL;
    if (d.have_job)
        job_release(&d.job);
    d.have_job = 0;
    d.err[0] = 0;
    memset(&d.job, 0, sizeof d.job);
    if (tbl_get(c->app->jobs, c->detail_job, &d.item) || job_from_json(d.item, &d.job))
        snprintf(d.err, sizeof d.err, "%s", gas_errmsg());
    else
        d.have_job = 1;
    d.version = version;
    fetch_log(c);
}

void console_open_detail(struct console *c, const struct model *m, const char *job_id)
{
    snprintf(c->detail_job, sizeof c->detail_job, "%s", job_id);
    c->back = c->view;
    c->view = V_DETAIL;
    c->scroll[V_DETAIL] = 0;
    c->detail_log = 0;
    fetch(c, m->jobs_version);
}

static void on_model(struct console *c, const struct model *m)
{
    if (c->detail_job[0] && m->jobs_version != d.version)
        fetch(c, m->jobs_version);
}

/* The count log without its per-chromosome section (which can be long). */
static void add_log(struct console *c)
{
    if (!d.log) {
        add_line(d.job.job_status == JOB_COMPLETED ? "  (no count log)"
                 : d.job.job_status == JOB_FAILED
                     ? "  (none: the job failed, see its error)"
                     : "  (the count log comes when the job completes)");
        return;
    }
    int skipping = 0, skipped = 0;
    for (const char *p = d.log; *p;) {
        const char *nl = strchr(p, '\n');
        int len = (int)(nl ? nl - p : (long)strlen(p));
        if (!c->detail_log && !strncmp(p, "records per chromosome", 22))
            skipping = 1;
        else if (skipping && len && p[0] != ' ')
            skipping = 0;
        if (skipping && p[0] == ' ')
            skipped++;
        else {
            char *s = xasprintf("  %.*s", len, p);
            add_line(s);
            free(s);
        }
        p = nl ? nl + 1 : p + len;
    }
    if (skipped) {
        char *s = xasprintf("  (%d chromosome line%s: l shows the whole log)", skipped,
                            skipped == 1 ? "" : "s");
        add_line(s);
        free(s);
    }
}

static void build(struct console *c, double now)
{
    reset_lines();
    char buf[512];
    if (!d.have_job) {
        snprintf(buf, sizeof buf, "job %s: %s", c->detail_job, d.err);
        add_line(buf);
        return;
    }
    snprintf(buf, sizeof buf, "job %s", d.job.job_id);
    add_line(buf);
    add_wrapped("display state", job_display_state(&d.job));
    add_line("");
    cJSON *f;
    cJSON_ArrayForEach(f, d.item)
    {
        if (cJSON_IsString(f) && strcmp(f->string, "error"))
            add_wrapped(f->string, f->valuestring);
        else if (cJSON_IsNumber(f) && is_time(f->string))
            add_wrapped(f->string, ui_when((int64_t)f->valuedouble, now, buf, sizeof buf));
        else if (cJSON_IsNumber(f)) {
            snprintf(buf, sizeof buf, "%.0f", f->valuedouble);
            add_wrapped(f->string, buf);
        }
    }
    if (d.job.error) {
        add_line("");
        add_wrapped("error", d.job.error);
    }
    add_line("");
    add_line(c->detail_log ? "count log (whole, following the job; l: the summary)"
                           : "count log summary (l: the whole log)");
    add_log(c);
}

static void draw(struct console *c, const struct model *m, int y, int h)
{
    build(c, m->snap.taken);
    int *top = &c->scroll[V_DETAIL], rows = d.nlines > h ? h - 1 : h; /* + where we are */
    if (c->detail_log && d.log && *top == 0 && d.nlines > rows)
        *top = d.nlines - rows; /* following: the end of the log */
    if (*top > d.nlines - rows)
        *top = d.nlines - rows;
    if (*top < 0)
        *top = 0;
    for (int i = 0; i < rows && *top + i < d.nlines; i++) {
        if (*top + i == 0)
            ui_attr(c, C_HEAD, 1);
        ui_put(y + i, 0, "%s", d.lines[*top + i]);
        if (*top + i == 0)
            ui_attr(c, C_HEAD, 0);
    }
    if (rows < h) {
        ui_attr(c, C_DIM, 1);
        ui_put(y + h - 1, 0, "lines %d-%d/%d  (j/k ^d/^u PgDn/PgUp g/G scroll)", *top + 1,
               *top + rows, d.nlines);
        ui_attr(c, C_DIM, 0);
    }
}

/* OSC 52: the terminal puts the text on the clipboard (over SSH too, if it allows). */
static void yank(struct console *c)
{
    unsigned char b64[128];
    int n = EVP_EncodeBlock(b64, (const unsigned char *)c->detail_job, (int)strlen(c->detail_job));
    printf("\033]52;c;%.*s\a", n, b64);
    fflush(stdout);
    console_say(c, 0, "id sent to the clipboard by OSC 52 (a terminal may ignore it)");
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    char q[256], *keys[1] = {c->detail_job};
    switch (a) {
    case ACT_LOG:
        c->detail_log = !c->detail_log;
        c->scroll[V_DETAIL] = 0;
        console_say(c, 0, "%s",
                    c->detail_log ? "the whole count log, following the job (l: summary)"
                                  : "the count log's summary (l: the whole log)");
        return K_HANDLED | K_REDRAW;
    case ACT_YANK: yank(c); return K_HANDLED | K_REDRAW;
    case ACT_RETRY:
    case ACT_CANCEL:
        snprintf(q, sizeof q, "%s job %s (%s, %s)?", a == ACT_RETRY ? "Retry" : "Cancel",
                 c->detail_job, d.have_job ? d.job.user_id : "?",
                 d.have_job && d.job.input_file_name ? d.job.input_file_name : "?");
        console_confirm(c, a, keys, 1, q);
        return K_HANDLED | K_REDRAW;
    case ACT_UPGRADE:
        if (!d.have_job)
            return K_HANDLED;
        keys[0] = d.job.user_id;
        snprintf(q, sizeof q, "Upgrade user %s (owner of job %.8s) to premium?", d.job.user_id,
                 c->detail_job);
        console_confirm(c, a, keys, 1, q);
        return K_HANDLED | K_REDRAW;
    default: return K_IGNORED;
    }
}

void view_detail_release(void)
{
    reset_lines();
    free(d.lines);
    cJSON_Delete(d.item);
    if (d.have_job)
        job_release(&d.job);
    free(d.log);
    memset(&d, 0, sizeof d);
}

const struct panel view_detail = {V_DETAIL, "Job detail", draw, key_, on_model, NULL};
