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
    int search_from; /* the top line when / was pressed: typing searches from there */
    int follow_was;  /* ... and whether the view followed the log then */
    int match;       /* the line the last search went to (n / N go on from it), or -1 */
    int rows;        /* lines shown at the last draw */
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

/* Where to break the first take bytes of s (more follows): after the last space that fits;
 * in a word longer than the line (an object key, a path), after its last '/' or '~', else
 * after its last '.', '-' or '_'; else at take, moved back off the middle of a UTF-8
 * character. */
static size_t break_at(const char *s, size_t take)
{
    static const char *const seps[] = {" ", "/~", ".-_"};
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
        for (size_t k = take; k > take / 3; k--) /* not so early that a line is left short */
            if (strchr(seps[i], s[k - 1]))
                return k;
    while (take > 1 && ((unsigned char)s[take] & 0xc0) == 0x80)
        take--;
    return take;
}

/* "label  text", the text wrapped at spaces (a word longer than the line broken at its
 * separators: break_at) under itself; control characters (tabs) become spaces so nothing
 * runs past the screen. */
static void add_wrapped(const char *label, const char *text)
{
    /* the text at column 22; a longer label (results_file_archive_id) pushes its own line's
     * text on rather than being cut */
    int lw = (int)strlen(label) > 19 ? (int)strlen(label) : 19;
    int indent = lw + 3, w = COLS - indent - 1 > 10 ? COLS - indent - 1 : 10;
    size_t len = strlen(text);
    if (!len) {
        char *s = xasprintf("  %-*s", lw, label);
        add_line(s);
        free(s);
    }
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t take = len - at < (size_t)w ? len - at : (size_t)w;
        if (nl && (size_t)(nl - (text + at)) < take)
            take = (size_t)(nl - (text + at));
        else if (at + take < len && text[at + take] != ' ' && text[at + take] != '\n')
            take = break_at(text + at, take);
        char *s = xasprintf("  %-*s %.*s", lw, at ? "" : label, (int)take, text + at);
        for (char *p = s; *p; p++)
            if ((unsigned char)*p < 32)
                *p = ' ';
        add_line(s);
        free(s);
        at += take;
        if (at < len && text[at] == '\n')
            at++;
        else
            while (at < len && text[at] == ' ')
                at++;
    }
}

static int is_time(const char *name)
{
    return job_attr_is_time(name);
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
    if (strcmp(d.log_job, c->detail_job)) { /* another job's log is never shown */
        free(d.log);
        d.log = NULL;
        d.log_job[0] = 0;
    }
    fetch_log(c);
}

void console_open_detail(struct console *c, const struct model *m, const char *job_id)
{
    snprintf(c->detail_job, sizeof c->detail_job, "%s", job_id);
    c->back = c->view;
    c->view = V_DETAIL;
    c->scroll[V_DETAIL] = 0;
    c->detail_log = 0;
    c->detail_follow = 0;
    c->lists[V_DETAIL].filter[0] = 0; /* another job: the last one's search is not shown */
    d.match = -1;
    fetch(c, m->jobs_version);
}

static void on_model(struct console *c, const struct model *m)
{
    if (c->detail_job[0] && m->jobs_version != d.version)
        fetch(c, m->jobs_version);
}

/* One line of the whole log, wrapped at spaces under its own indentation + 2. */
static void add_plain(const char *line, int len)
{
    int lead = 0;
    while (lead < len && line[lead] == ' ')
        lead++;
    int w = COLS - 5 - lead > 20 ? COLS - 5 - lead : 20;
    for (int at = 0, first = 1; at < len || first; first = 0) {
        int take = len - at < w + (first ? lead : 0) ? len - at : w + (first ? lead : 0);
        if (at + take < len && line[at + take] != ' ')
            for (int k = take; k > (first ? lead : 0); k--)
                if (line[at + k - 1] == ' ') {
                    take = k;
                    break;
                }
        char *s = xasprintf("  %*s%.*s", first ? 0 : lead + 2, "", take, line + at);
        for (char *p = s; *p; p++)
            if ((unsigned char)*p < 32)
                *p = ' ';
        add_line(s);
        free(s);
        at += take;
        while (at < len && line[at] == ' ')
            at++;
    }
}

/* The summary of a count log: its sections ("title:" then indented "name  value" lines)
 * each on one wrapped line under a short label, the top-level "key: value" lines as they
 * are; what is long or for experts (per chromosome, contig naming, the sources file's path,
 * timing) is left to l. Warnings come one per line, last. */
struct log_section {
    const char *prefix, *label; /* the section title's start; "" label: left out */
    int skip_zero;              /* leave out "0 (0.00%)" items */
};
static const struct log_section log_sections[] = {
    {"genome build", "genome build", 0},
    {"NOT ANNOTATED", "NOT ANNOTATED", 0},
    {"sources", "sources", 0},
    {"total records", "total records", 0},
    {"reference-only records", "reference-only", 0},
    {"records in known sources", "in known sources", 0},
    {"hits per source", "hits per source", 0},
    {"records per location class", "location classes", 1},
    {"genes with the most records", "top genes", 0},
    {"variant classes", "variant classes", 1},
    {"records per chromosome", "", 0},
    {"contig names", "", 0},
    {"elapsed", "", 0},
    {"GAS annotation count log", "", 0},
    {"input", "input", 0},
    {"warnings", "", 0},
};

static const struct log_section *log_section_of(const char *line, int len)
{
    for (size_t i = 0; i < sizeof log_sections / sizeof *log_sections; i++) {
        size_t n = strlen(log_sections[i].prefix);
        if ((size_t)len >= n && !strncmp(line, log_sections[i].prefix, n))
            return &log_sections[i];
    }
    return NULL;
}

/* Appends "name value" (runs of spaces made one) to out, comma separated. */
static void join_item(char *out, size_t n, const char *item, int len)
{
    size_t o = strlen(out);
    if (o && o + 2 < n) {
        memcpy(out + o, ", ", 3);
        o += 2;
    }
    for (int i = 0; i < len && o + 1 < n; i++)
        if (item[i] != ' ' || (i > 0 && item[i - 1] != ' '))
            out[o++] = item[i];
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = 0;
}

static void flush_section(const struct log_section *sec, const char *title, char *items)
{
    if (sec && !sec->label[0]) {
        items[0] = 0;
        return;
    }
    char label[20];
    snprintf(label, sizeof label, "%s", sec ? sec->label : title);
    if (items[0])
        add_wrapped(label, items);
    items[0] = 0;
}

static void add_summary(const char *log)
{
    char items[2048] = "", title[64] = "";
    const struct log_section *sec = NULL;
    int in_warnings = 0, chromosomes = 0;
    for (const char *p = log; *p;) {
        const char *nl = strchr(p, '\n');
        int len = (int)(nl ? nl - p : (long)strlen(p));
        if (len && p[0] != ' ') { /* a title, or "key: value" */
            flush_section(sec, title, items);
            sec = log_section_of(p, len);
            const char *colon = p[len - 1] == ':' ? p + len - 1 : memchr(p, ':', (size_t)len);
            int tl = colon ? (int)(colon - p) : len;
            snprintf(title, sizeof title, "%.*s", tl, p);
            in_warnings = !strncmp(p, "warnings:", 9) && !strstr(p, "(listed");
            int vl = colon ? len - tl - 1 : 0;
            const char *v = colon ? colon + 1 : "";
            while (vl > 0 && *v == ' ')
                v++, vl--;
            /* "sources: PATH" names a file: its items say more */
            if (vl && (!sec || sec->label[0]) && !(sec && !strcmp(sec->prefix, "sources")))
                join_item(items, sizeof items, v, vl);
            /* what the classes count, said in their title: "variant classes (ALT alleles:
             * 359):", "... location class (of the 1140 variant records):" (the percentages
             * are of those, not of the records) */
            const char *paren = memchr(p, '(', (size_t)tl);
            if (!vl && paren && sec && p[tl - 1] == ')' &&
                (!strcmp(sec->label, "variant classes") || !strcmp(sec->label, "location classes")))
                join_item(items, sizeof items, paren, (int)(p + tl - paren));
        } else if (len && in_warnings) {
            const char *w = p;
            while (*w == ' ' || *w == '-')
                w++;
            char *one = xasprintf("%.*s", len - (int)(w - p), w);
            if (!strstr(one, "(see the top of this log)")) /* shown above already */
                add_wrapped("warning", one);
            free(one);
        } else if (len && sec && !strcmp(sec->prefix, "sources")) {
            char name[32] = "", kind[16] = "", label[40];
            int used = 0;
            if (sscanf(p, " %31s %15s %n", name, kind, &used) == 2 && used < len) {
                snprintf(label, sizeof label, "source %s", name);
                char *v = xasprintf("%.*s (%s)", len - used, p + used, kind);
                add_wrapped(label, v);
                free(v);
            }
        } else if (len > 2) {
            chromosomes += sec && !strcmp(sec->prefix, "records per chromosome");
            char *item = xasprintf("%.*s", len - 2, p + 2);
            if (!(sec && sec->skip_zero && strstr(item, " 0 (0.00%)")))
                join_item(items, sizeof items, item, len - 2);
            free(item);
        }
        p = nl ? nl + 1 : p + len;
    }
    flush_section(sec, title, items);
    if (chromosomes) {
        char *s = xasprintf("  (%d chromosome%s, contig names: l shows the whole log)", chromosomes,
                            chromosomes == 1 ? "" : "s");
        add_line(s);
        free(s);
    }
}

/* The count log: its summary, or (l) every line. Always the log of the job shown. */
static void add_log(struct console *c)
{
    if (!d.log || strcmp(d.log_job, d.job.job_id)) {
        add_line(d.job.job_status == JOB_COMPLETED ? "  (no count log)"
                 : d.job.job_status == JOB_FAILED
                     ? "  (none: the job failed, see its error)"
                     : "  (the count log comes when the job completes)");
        return;
    }
    if (!c->detail_log && d.log[0] != '(') { /* "(the count log is not readable: ...)" */
        add_summary(d.log);
        return;
    }
    for (const char *p = d.log; *p;) {
        const char *nl = strchr(p, '\n');
        int len = (int)(nl ? nl - p : (long)strlen(p));
        add_plain(p, len);
        p = nl ? nl + 1 : p + len;
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
            add_wrapped(f->string, ui_when((int64_t)f->valuedouble / is_time(f->string), now, buf,
                                           sizeof buf));
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

/* ------------------------------------------------------------------ search (/ n N, as less) */

/* The first line at or after from (dir 1) / at or before it (-1) that has text, going
 * round the end; -1 if none has. *wrapped says it went round. */
static int find_line(const char *text, int from, int dir, int *wrapped)
{
    *wrapped = 0;
    for (int k = 0; k < d.nlines; k++) {
        int i = ((from + dir * k) % d.nlines + d.nlines) % d.nlines;
        if (ui_match(d.lines[i], text)) {
            *wrapped = dir > 0 ? i < from : i > from;
            return i;
        }
    }
    return -1;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (int i = 0; i < d.nlines; i++)
        n += ui_match(d.lines[i], text) != NULL;
    return n;
}

/* Scrolls so that the line with text from `from` on is the top one; says where it is. */
static void search(struct console *c, const char *text, int from, int dir)
{
    int wrapped, i = d.nlines ? find_line(text, from, dir, &wrapped) : -1;
    if (i < 0) { /* as less: the view goes back where the search started */
        if (from == d.search_from) {
            c->scroll[V_DETAIL] = d.search_from;
            c->detail_follow = d.follow_was;
            d.match = -1;
        }
        console_say(c, 1, "%s: not found%s", text, c->detail_log ? "" : " (l: the whole log)");
        return;
    }
    c->scroll[V_DETAIL] = i; /* at the top, or as near it as the end of the text lets it */
    d.match = i;
    c->detail_follow = 0; /* G follows the log again */
    console_say(c, 0, "/%s: line %d, %d line%s with it%s", text, i + 1, count_lines(text),
                count_lines(text) == 1 ? "" : "s",
                wrapped ? (dir > 0 ? " (from the top)" : " (from the bottom)") : "");
}

void view_detail_search(struct console *c)
{
    const char *text = c->lists[V_DETAIL].filter;
    if (*text)
        search(c, text, d.search_from, 1);
    else { /* all typed away, or Esc: back where it started */
        c->scroll[V_DETAIL] = d.search_from;
        c->detail_follow = d.follow_was;
        d.match = -1;
        c->status[0] = 0;
    }
}

/* Every match of text on screen line y (drawn from line s) in reverse video. The line n
 * and N went to (current) stands out, also where the text cannot scroll to put it at the
 * top: the whole line bold, its matches underlined too (and yellow, with colours). */
static void highlight(const struct console *c, int y, const char *s, const char *text, int current)
{
    size_t len = strlen(text);
    short pair = current && c->color && has_colors() ? C_MATCH : 0;
    attr_t a = A_REVERSE | (current ? A_BOLD | A_UNDERLINE : 0);
    if (current)
        mvchgat(y, 0, -1, A_BOLD, 0, NULL);
    for (const char *p = s; (p = ui_match(p, text)) != NULL; p += len) {
        int x = 0; /* cells before the match: characters (the lines are narrow text) */
        for (const char *q = s; q < p; q++)
            x += ((unsigned char)*q & 0xc0) != 0x80;
        if (x >= COLS)
            break;
        mvchgat(y, x, (int)len, a, pair, NULL);
    }
}

static void draw(struct console *c, const struct model *m, int y, int h)
{
    build(c, m->snap.taken);
    int *top = &c->scroll[V_DETAIL], rows = d.nlines > h ? h - 1 : h; /* + where we are */
    if (c->detail_log && d.log && c->detail_follow && d.nlines > rows)
        *top = d.nlines - rows; /* following: the end of the log */
    else if (c->detail_log && d.nlines > rows && *top >= d.nlines - rows)
        c->detail_follow = 1; /* scrolled down to the end: following again */
    if (*top > d.nlines - rows)
        *top = d.nlines - rows;
    if (*top < 0)
        *top = 0;
    d.rows = rows;
    c->page[V_DETAIL] = rows;
    for (int i = 0; i < rows && *top + i < d.nlines; i++) {
        if (*top + i == 0)
            ui_attr(c, C_HEAD, 1);
        ui_put(y + i, 0, "%s", d.lines[*top + i]);
        if (*top + i == 0)
            ui_attr(c, C_HEAD, 0);
        if (c->lists[V_DETAIL].filter[0])
            highlight(c, y + i, d.lines[*top + i], c->lists[V_DETAIL].filter, *top + i == d.match);
    }
    if (rows < h) { /* its own line, cleared: never over the text */
        move(y + h - 1, 0);
        clrtoeol();
        ui_attr(c, C_DIM, 1);
        ui_put(y + h - 1, 0, "lines %d-%d/%d  (j/k ^d/^u PgDn/PgUp g/G scroll, / search)", *top + 1,
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
        if (d.job.job_status == JOB_FAILED && (!d.log || strcmp(d.log_job, d.job.job_id))) {
            console_say(c, 0, "no count log: the job failed (its error is above)");
            return K_HANDLED | K_REDRAW;
        }
        c->detail_log = !c->detail_log;
        c->detail_follow = c->detail_log;
        c->scroll[V_DETAIL] = 0;
        console_say(c, 0, "%s",
                    c->detail_log ? "the whole count log, following the job (l: summary)"
                                  : "the count log's summary (l: the whole log)");
        return K_HANDLED | K_REDRAW;
    case ACT_YANK: yank(c); return K_HANDLED | K_REDRAW;
    case ACT_FILTER: /* / : typed text is searched for as it grows (console.c: filter_key) */
        c->filtering = 1;
        c->lists[V_DETAIL].filter[0] = 0;
        d.search_from = c->scroll[V_DETAIL];
        d.follow_was = c->detail_follow;
        d.match = -1;
        return K_HANDLED | K_REDRAW;
    case ACT_MATCH_NEXT:
    case ACT_MATCH_PREV: {
        const char *text = c->lists[V_DETAIL].filter[0] ? c->lists[V_DETAIL].filter : c->search_was;
        if (!*text)
            console_say(c, 0, "nothing searched for yet: / starts a search");
        else { /* on from the last match while it is on screen (near the end, the text
                  cannot scroll to put the next one at the top), else from the top line */
            int top = c->scroll[V_DETAIL], dir = a == ACT_MATCH_NEXT ? 1 : -1;
            int at = d.match >= top && d.match < top + d.rows ? d.match : top;
            search(c, text, at + dir, dir);
        }
        return K_HANDLED | K_REDRAW;
    }
    case ACT_RETRY:
    case ACT_CANCEL: {
        char what[160];
        if (!d.have_job)
            return K_HANDLED;
        if (job_refusal(a, (int)d.job.job_status, what, sizeof what)) {
            console_say(c, 1, "%.8s: %s", c->detail_job, what);
            return K_HANDLED | K_REDRAW;
        }
        snprintf(what, sizeof what, "job %s (%s, %s)", c->detail_job, d.job.user_id,
                 d.job.input_file_name ? d.job.input_file_name : "?");
        job_question(a, what, (int)d.job.job_status, d.job.error, q, sizeof q);
        console_confirm(c, a, keys, 1, q);
        return K_HANDLED | K_REDRAW;
    }
    case ACT_UPGRADE:
        if (!d.have_job || !job_upgrade_question(c, m, d.job.user_id, c->detail_job, q, sizeof q))
            return K_HANDLED | K_REDRAW;
        keys[0] = d.job.user_id;
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

/* Retry and cancel as the job's status allows; upgrade while its owner has something to
 * upgrade or restore. */
static uint64_t refused(struct console *c, const struct model *m)
{
    (void)c;
    if (!d.have_job)
        return ACT_BIT(ACT_RETRY) | ACT_BIT(ACT_CANCEL) | ACT_BIT(ACT_UPGRADE);
    char why[160], q[256];
    int status = (int)d.job.job_status;
    const struct user_row *u = user_find(m, d.job.user_id);
    return (job_refusal(ACT_RETRY, status, why, sizeof why) ? ACT_BIT(ACT_RETRY) : 0) |
           (job_refusal(ACT_CANCEL, status, why, sizeof why) ? ACT_BIT(ACT_CANCEL) : 0) |
           (u && !user_upgrade_question(u, q, sizeof q) ? ACT_BIT(ACT_UPGRADE) : 0);
}

const struct panel view_detail = {V_DETAIL, "Job detail", draw, key_, on_model, NULL, refused};
