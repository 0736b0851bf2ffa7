/* gas submit | jobs | show | log | download | retry | cancel: the job operations. */
#include "cli.h"
#include "commands.h"

#include "gas/annot.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <ctype.h>
#include <libgen.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int user_by_prefix(struct gas_app *app, const char *prefix, char **full);

int cmd_submit(struct cli *c)
{
    struct cfg *cfg = c->cfg;
    const char *user = cli_opt(c, "user"), *name = cli_opt(c, "name"), *build = cli_opt(c, "build");
    const char *path = c->args[0];
    if (build && annot_build_parse(build) < 0 && !annot_build_not_human(build)) {
        fprintf(stderr,
                "gas submit: unknown genome build \"%s\" (GRCh37, GRCh38, NCBI36, "
                "T2T-CHM13, or hg19, hg38, b37, ...; none, or another species' assembly "
                "such as mm10, for an input that is not human)\n",
                build);
        return 2;
    }
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "gas submit: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "gas submit: %s is %s, not a file\n", path,
                S_ISDIR(st.st_mode)    ? "a directory"
                : S_ISFIFO(st.st_mode) ? "a FIFO"
                                       : "a device or socket");
        return 1;
    }
    if (access(path, R_OK) < 0) {
        fprintf(stderr, "gas submit: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (st.st_size > cfg_int(cfg, CFG_MAX_INPUT_BYTES)) {
        fprintf(stderr, "gas submit: %s is %lld bytes, over the max_input_bytes limit of %lld\n",
                path, (long long)st.st_size, (long long)cfg_int(cfg, CFG_MAX_INPUT_BYTES));
        return 1;
    }
    /* what the worker would refuse at once is refused here, before a job exists: an empty
     * file, a format GAS does not read (xz, zstd, ...), or what is no VCF once decompressed
     * (the engine's own check of the first line) */
    int force = cli_flag(c, "force");
    if (!st.st_size && !force) {
        fprintf(stderr,
                "gas submit: %s is empty: not a VCF file; nothing submitted (--force submits "
                "it all the same)\n",
                path);
        return 1;
    }
    if (!force && annot_input_check(path, (size_t)cfg_int(cfg, CFG_MAX_LINE_BYTES))) {
        fprintf(stderr, "gas submit: %s; nothing submitted (--force submits it all the same)\n",
                gas_errmsg());
        return 1;
    }
    if (!name)
        name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    /* the name goes into object keys, file names (255 bytes with the job id and
     * ".count.log.json") and JSON: bounded, and UTF-8 */
    if (strlen(name) > 200 || !gas_utf8_valid(name)) {
        fprintf(stderr,
                "gas submit: the file name \"%.80s%s\" is %s: give another with --name NAME\n",
                name, strlen(name) > 80 ? "..." : "",
                strlen(name) > 200 ? "over 200 bytes" : "not UTF-8 text");
        return 2;
    }
    struct gas_app *app = cli_app(cfg, "submit");
    if (!app)
        return 1;
    struct user u;
    struct job job;
    memset(&job, 0, sizeof job);
    int rc = app_user_get(app, user, &u);
    user_release(&u);
    char *meant = NULL;
    int prc = rc == GAS_ENOTFOUND ? user_by_prefix(app, user, &meant) : GAS_ENOTFOUND;
    if (!prc) /* a job is made for a whole id only: say which one the start names */
        rc = gas_err_set(GAS_ENOTFOUND,
                         "no user %s; did you mean %s? (gas submit takes a user's whole id)", user,
                         meant);
    else if (prc == GAS_EINVAL) /* the start of several: not "give more of it" here */
        rc = gas_err_set(GAS_ENOTFOUND,
                         "no user %s (the start of several users' ids; gas submit takes a "
                         "user's whole id: gas users list shows them)",
                         user);
    free(meant);
    char id[37];
    gas_uuid4(id);
    char *key = job_object_key(cfg_str(cfg, CFG_KEY_PREFIX), user, id, name);
    char *plain = key ? NULL : job_object_key(cfg_str(cfg, CFG_KEY_PREFIX), user, id, "x.vcf");
    if (!rc && !key && plain) /* the file name (a tab, a control character, "..") */
        rc = gas_err_set(GAS_EINVAL,
                         "the file name \"%s\" cannot be part of an object key (control "
                         "characters, \"..\"): give another with --name NAME",
                         name);
    else if (!rc && !key)
        rc = gas_err_set(GAS_EINVAL, "user id \"%s\" cannot be part of an object key", user);
    free(plain);
    if (!rc)
        rc = objs_put_file(app->be->objs, cfg_str(cfg, CFG_INPUTS_BUCKET), key, path);
    struct stat after;
    if (!rc && (stat(path, &after) < 0 || after.st_size != st.st_size ||
                after.st_mtim.tv_sec != st.st_mtim.tv_sec ||
                after.st_mtim.tv_nsec != st.st_mtim.tv_nsec)) { /* a torn copy: not a job */
        objs_delete(app->be->objs, cfg_str(cfg, CFG_INPUTS_BUCKET), key);
        rc = gas_err_set(GAS_EINVAL,
                         "%s changed while it was uploaded (%lld bytes before, %lld after): "
                         "nothing submitted; submit it again once it is complete",
                         path, (long long)st.st_size, (long long)after.st_size);
    }
    if (!rc) {
        job.job_id = xstrdup(id);
        job.user_id = xstrdup(user);
        job.input_file_name = xstrdup(name);
        job.s3_inputs_bucket = xstrdup(cfg_str(cfg, CFG_INPUTS_BUCKET));
        job.s3_key_input_file = xstrdup(key);
        job.submit_ms = (int64_t)(gas_now() * 1000);
        job.submit_time = job.submit_ms / 1000;
        job.job_status = JOB_PENDING;
        job.genome_build = !build ? NULL
                           : annot_build_parse(build) >= 0
                               ? xstrdup(annot_build_name(annot_build_parse(build)))
                               : xstrdup(build); /* not human: as given */
        rc = job_submit(app->jobs, &job);
        if (rc) { /* refused (e.g. a full disk): no job, so no input object either */
            char *why = xstrdup(gas_errmsg());
            objs_delete(app->be->objs, cfg_str(cfg, CFG_INPUTS_BUCKET), key);
            gas_err_set(rc, "%s", why);
            free(why);
        }
    }
    if (!rc) {
        char *body = msg_request(&job);
        rc = app_publish(app, app->requests, body);
        /* a throttled or unreachable service: tried again for about 15 s (the HTTP layer's
         * own retries are over by now) */
        for (double wait = 1; rc && rc != GAS_ENOTFOUND && gas_err_retryable(rc) && wait <= 8;
             wait *= 2) {
            fprintf(stderr, "gas submit: %s: sending the request again in %.0f s\n", gas_errmsg(),
                    wait);
            gas_sleep(wait);
            rc = app_publish(app, app->requests, body);
        }
        free(body);
        if (rc) { /* no request, so no job: nothing waits PENDING for a message never sent */
            char *why = xstrdup(gas_errmsg());
            int undone = tbl_delete(app->jobs, id) == 0; /* its input kept when it stays */
            if (undone)
                objs_delete(app->be->objs, cfg_str(cfg, CFG_INPUTS_BUCKET), key);
            if (undone)
                gas_err_set(rc,
                            "%s: its request could not be sent, so nothing was submitted; "
                            "submit it again",
                            why);
            else
                gas_err_set(rc,
                            "%s: job %s is PENDING but its request was not sent (gas retry %s "
                            "sends it)",
                            why, id, id);
            free(why);
        }
    }
    if (!rc)
        printf("%s\n", id);
    int code = rc ? cli_fail("submit", rc) : 0;
    job_release(&job);
    free(key);
    app_close(app);
    return code;
}

/* One job of gas jobs: what the text line shows, or (for --json) the whole item. */
struct job_row {
    int64_t submit, submit_ms;
    char *id, *user, *status, *archive, *file, *error; /* error: a FAILED job's */
    cJSON *item;                                       /* --json only */
};

static void job_row_release(struct job_row *r)
{
    free(r->id);
    free(r->user);
    free(r->status);
    free(r->archive);
    free(r->file);
    free(r->error);
    cJSON_Delete(r->item);
}

static char *dup_or(const char *s, const char *dflt)
{
    return xstrdup(s ? s : dflt);
}

/* A file name longer than its column (w bytes) keeps its start and its end, ".." between
 * them (cut on UTF-8 character boundaries): the error column after it stays aligned. */
#define FILE_COL_MAX 40
static void cut_middle(char *s, int w)
{
    int n = (int)strlen(s);
    if (n <= w)
        return;
    int head = (w - 2) / 2, tail = n - (w - 2 - head);
    while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
        head--;
    while (tail < n && ((unsigned char)s[tail] & 0xC0) == 0x80)
        tail++;
    memmove(s + head + 2, s + tail, (size_t)(n - tail) + 1);
    s[head] = s[head + 1] = '.';
}

/* uw: the user column's width (the longest user listed, at least 14: UUIDs line up); fw:
 * the file column's when an error column follows it (FAILED jobs listed), else 0 */
static void print_job_row(const struct job_row *r, int uw, int fw)
{
    char t[32], *id = cli_clean(r->id), *user = cli_clean(r->user), *file = cli_clean(r->file);
    if (fw)
        cut_middle(file, fw);
    char *err = fw && r->error ? cli_clean(r->error) : NULL;
    printf("%-36s  %-*s %-9s  %-9s  %-19s  %-*s%s%.100s%s\n", id, uw, user, r->status, r->archive,
           cli_time(r->submit, t, sizeof t), fw, file, fw ? "  " : "", err ? err : "",
           err && strlen(err) > 100 ? ".." : "");
    free(id);
    free(user);
    free(file);
    free(err);
}

/* Newest first; equal times by id, so that the order is stable. */
static int newest_first(const void *a, const void *b)
{
    const struct job_row *x = a, *y = b;
    if (x->submit != y->submit)
        return x->submit > y->submit ? -1 : 1;
    if (x->submit_ms != y->submit_ms) /* one second's: gas submit's milliseconds */
        return x->submit_ms > y->submit_ms ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* The job item as gas show --json has it: with its display state. */
static void add_display_state(cJSON *item)
{
    struct job job;
    if (job_from_json(item, &job) == 0)
        json_set_str(item, "display_state", job_display_state(&job));
    job_release(&job);
}

/* 1 if s names a job_status or archive_state, in any case. */
static int status_valid(const char *s)
{
    char up[16];
    size_t i = 0;
    for (; s[i] && i < sizeof up - 1; i++)
        up[i] = (char)toupper((unsigned char)s[i]);
    up[i] = 0;
    return !s[i] && (job_status_parse(up) >= 0 || archive_state_parse(up) >= 0);
}

struct job_list {
    struct job_row *v;
    size_t n, cap;
    const char *status; /* filter, or NULL */
    int json;           /* keep the items */
};

/* Adds the jobs of one page that pass the filter (items are taken out of the page). */
static void add_page(struct job_list *l, cJSON *items)
{
    cJSON *it = items ? items->child : NULL;
    while (it) {
        cJSON *next = it->next;
        const char *s = json_str(it, "job_status");
        const char *a = archive_state_name((enum archive_state)job_item_archive(it));
        if (!l->status || (s && !strcasecmp(s, l->status)) || !strcasecmp(a, l->status)) {
            if (l->n == l->cap)
                l->v = xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 256) * sizeof *l->v);
            struct job_row *r = &l->v[l->n++];
            memset(r, 0, sizeof *r);
            job_item_num(it, JF_submit_time, &r->submit);
            r->submit_ms = job_item_submit_ms(it);
            r->id = dup_or(json_str(it, "job_id"), "?");
            if (l->json) {
                r->item = cJSON_DetachItemViaPointer(items, it);
            } else {
                r->user = dup_or(json_str(it, "user_id"), "?");
                r->status = dup_or(s, "?");
                r->archive = xstrdup(a);
                const char *note = json_str(it, job_attr(JF_annotation_note)),
                           *file = json_str(it, "input_file_name");
                char why[48];
                int kind = cli_note_unannotated(note);
                r->file =
                    !strcmp(r->status, "COMPLETED") && kind
                        ? xasprintf("%s (%s)", file ? file : "",
                                    cli_unannotated_why(json_str(it, job_attr(JF_annotation_build)),
                                                        kind, why, sizeof why))
                        : dup_or(file, "");
                if (!strcmp(r->status, "FAILED") && json_str(it, "error"))
                    r->error = xstrdup(json_str(it, "error"));
            }
        }
        it = next;
    }
}

/* Every job (of user) that passes l's filter into l. */
static int collect_jobs(struct gas_app *app, const char *user, struct job_list *l)
{
    char *cursor = NULL;
    int rc = 0;
    do {
        struct tbl_page pg;
        rc = user ? tbl_query(app->jobs, user, cursor, 1000, &pg)
                  : tbl_scan(app->jobs, cursor, 1000, &pg);
        free(cursor);
        cursor = NULL;
        if (rc)
            break;
        add_page(l, pg.items);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        tbl_page_release(&pg);
    } while (cursor);
    return rc;
}

/* The users whose id starts with a prefix (the console shows a long id cut: "3f2504e0..c3301"):
 * the first few, and how many. */
struct prefix_match {
    const char *prefix;
    char *ids[3];
    int n;
};

/* id starts with p, or, for the console's cut "head..tail", starts with head and ends with
 * tail */
static int id_matches(const char *id, const char *p)
{
    const char *dots = strstr(p, "..");
    size_t hl = dots ? (size_t)(dots - p) : strlen(p), il = strlen(id);
    if (strncmp(id, p, hl))
        return 0;
    if (!dots)
        return 1;
    size_t tl = strlen(dots + 2);
    return il >= hl + tl && !strcmp(id + il - tl, dots + 2);
}

static int match_prefix(const struct user *u, void *arg)
{
    struct prefix_match *pm = arg;
    if (u->user_id && id_matches(u->user_id, pm->prefix)) {
        if (pm->n < 3)
            pm->ids[pm->n] = xstrdup(u->user_id);
        pm->n++;
    }
    return 0;
}

/* A --user that names no user, taken as the start of one user's id (or the console's cut
 * "head..tail" of one, at least 4 characters given): 0 with *full (the
 * caller's), GAS_ENOTFOUND when no id starts so (the error as it was), GAS_EINVAL when
 * several do (named). */
static int user_by_prefix(struct gas_app *app, const char *prefix, char **full)
{
    *full = NULL;
    char why[512];
    snprintf(why, sizeof why, "%s", gas_errmsg());
    struct prefix_match pm = {.prefix = prefix};
    int rc = strlen(prefix) >= 4 ? app_user_list(app, match_prefix, &pm) : 0;
    if (!rc && pm.n == 1) {
        *full = pm.ids[0];
        return 0;
    }
    if (!rc && pm.n > 1)
        rc = gas_err_set(
            GAS_EINVAL,
            "--user %s is ambiguous: %d users' ids match (%s, %s%s%s%s): give more of it", prefix,
            pm.n, pm.ids[0], pm.ids[1], pm.n > 2 ? ", " : "", pm.n > 2 ? pm.ids[2] : "",
            pm.n > 3 ? ", ..." : "");
    else
        rc = gas_err_set(GAS_ENOTFOUND, "%s", why);
    for (int i = 0; i < 3 && i < pm.n; i++)
        free(pm.ids[i]);
    return rc;
}

int cmd_jobs(struct cli *c)
{
    const char *user = cli_opt(c, "user"), *status = cli_opt(c, "status"),
               *limit_s = cli_opt(c, "limit");
    char *end = NULL;
    errno = 0;
    long limit = limit_s ? strtol(limit_s, &end, 10) : -1;
    int bad_limit = limit_s && (!*limit_s || *end || limit < 0 || errno == ERANGE);
    if ((status && !status_valid(status)) || bad_limit) {
        fprintf(stderr, "gas jobs: %s\n",
                bad_limit ? "--limit takes a number of jobs (0 or more)"
                          : "--status takes PENDING, RUNNING, COMPLETED, FAILED, NONE, ARCHIVING, "
                            "ARCHIVED or RESTORING");
        return 2;
    }
    struct gas_app *app = cli_app(c->cfg, "jobs");
    if (!app)
        return 1;
    struct job_list l = {.status = status, .json = cli_flag(c, "json")};
    int rc = collect_jobs(app, user, &l);
    char *full = NULL;
    if (!rc && user && !l.n) { /* no jobs: a user with none, no such user (a typo), or the
                                * start of a user's id */
        struct user u;
        int urc = app_user_get(app, user, &u);
        if (!urc)
            user_release(&u);
        else if (urc == GAS_ENOTFOUND && (rc = user_by_prefix(app, user, &full)) == 0) {
            fprintf(stderr, "gas jobs: user %s (the one id that %s names)\n", full, user);
            rc = collect_jobs(app, full, &l);
        }
    }
    if (l.n) /* none: l.v is NULL */
        qsort(l.v, l.n, sizeof *l.v, newest_first);
    size_t n = limit >= 0 && (size_t)limit < l.n ? (size_t)limit : l.n;
    if (!rc && l.json) {
        cJSON *out = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++) {
            add_display_state(l.v[i].item);
            cJSON_AddItemToArray(out, l.v[i].item);
            l.v[i].item = NULL;
        }
        cli_print_json(out);
    } else if (!rc) {
        int uw = 14, fw = 0;
        /* FAILED jobs listed alone (--status failed): why each failed, after its file */
        int errors = status && !strcasecmp(status, "FAILED");
        for (size_t i = 0; i < n; i++) {
            uw = (int)strlen(l.v[i].user) > uw ? (int)strlen(l.v[i].user) : uw;
            fw = (int)strlen(l.v[i].file) > fw ? (int)strlen(l.v[i].file) : fw;
        }
        fw = !errors ? 0 : fw < 4 ? 4 : fw > FILE_COL_MAX ? FILE_COL_MAX : fw;
        printf("%-36s  %-*s %-9s  %-9s  %-19s  %-*s%s\n", "job", uw, "user", "status", "archive",
               "submitted (UTC)", fw, "file", fw ? "  error" : "");
        for (size_t i = 0; i < n; i++)
            print_job_row(&l.v[i], uw, fw);
    }
    for (size_t i = 0; i < l.n; i++)
        job_row_release(&l.v[i]);
    free(l.v);
    free(full);
    int code = rc ? cli_fail("jobs", rc) : 0;
    app_close(app);
    return code;
}

typedef int (*job_cmd)(struct cli *c, struct gas_app *app, struct job *job, cJSON *item);

/* Opens the app, finds the job (its id or a unique prefix: the first argument), reads it
 * and runs fn on it; returns the exit code. */
static int with_job(struct cli *c, job_cmd fn)
{
    const char *name = c->cmd->name;
    struct gas_app *app = cli_app(c->cfg, name);
    if (!app)
        return 1;
    char *id = NULL;
    cJSON *item = NULL; /* as found: not read again */
    int code = cli_job_id(c, app, c->args[0], &id, &item);
    if (code) {
        app_close(app);
        return code;
    }
    struct job job;
    memset(&job, 0, sizeof job);
    int rc = 0;
    if ((rc = job_from_json(item, &job)) != 0)
        gas_err_wrap(rc, "job %s is malformed", id);
    if (!rc)
        rc = fn(c, app, &job, item);
    code = rc ? cli_fail(name, rc) : 0;
    job_release(&job);
    cJSON_Delete(item);
    free(id);
    app_close(app);
    return code;
}

/* A download link for a completed result that is in hot storage (a presigned GET on S3;
 * the local backend has none). */
static char *result_link(struct gas_app *app, const struct job *job)
{
    char *url = NULL;
    if (job->job_status != JOB_COMPLETED || job->archive_state != ARCH_NONE ||
        !job->s3_results_bucket || !job->s3_key_result_file)
        return NULL;
    if (objs_link(app->be->objs, job->s3_results_bucket, job->s3_key_result_file,
                  (int)cfg_int(app->cfg, CFG_PRESIGN_EXPIRES), &url))
        return NULL;
    return url;
}

static int show(struct cli *c, struct gas_app *app, struct job *job, cJSON *item)
{
    char *link = result_link(app, job);
    if (link)
        json_set_str(item, "download_url", link);
    free(link);
    if (cli_flag(c, "json")) {
        json_set_str(item, "display_state", job_display_state(job));
        cli_write_json(item);
    } else {
        printf("%-24s %s\n", "display_state", job_display_state(job));
        cJSON *f;
        cJSON_ArrayForEach(f, item)
        { /* names and values as a web app or a user's file made them: no escape reaches
             the terminal, no value makes a line of its own */
            char t[32], *name = cli_clean(f->string);
            if (cJSON_IsString(f)) {
                char *v = cli_clean(f->valuestring);
                printf("%-24s %s\n", name, v);
                free(v);
            } else if (cJSON_IsNumber(f) && job_attr_is_time(f->string) == 1000) {
                int64_t ms = (int64_t)f->valuedouble;
                printf("%-24s %.0f (%s.%03d UTC)\n", name, f->valuedouble,
                       cli_time(ms / 1000, t, sizeof t), (int)(ms % 1000));
            } else if (cJSON_IsNumber(f) && job_attr_is_time(f->string)) {
                printf("%-24s %.0f (%s UTC)\n", name, f->valuedouble,
                       cli_time((int64_t)f->valuedouble, t, sizeof t));
            } else if (cJSON_IsNumber(f)) {
                printf("%-24s %.0f\n", name, f->valuedouble);
            }
            free(name);
        }
    }
    return 0;
}

int cmd_show(struct cli *c)
{
    return with_job(c, show);
}

static int print_object(struct gas_app *app, const char *bucket, const char *key, int text);

/* Fetches one of the job's result objects to path ("-": stdout). */
/* 1 if path (its directory, links followed) is dir or inside it. */
static int inside(const char *dir, const char *path)
{
    char *d = *dir ? realpath(dir, NULL) : NULL;
    int in = 0;
    if (d) {
        size_t n = strlen(d);
        in = !strncmp(path, d, n) && (path[n] == '/' || !path[n]);
    }
    free(d);
    return in;
}

/* A download never replaces GAS's own files: the local backend's database and its
 * journal, the stored inputs and results (a mistyped -o once broke the live WAL). */
static int own_files(const struct cfg *cfg, const char *path)
{
    int in_place = 0;
    char *p = gas_out_path(path, &in_place), *dir = NULL;
    if (!p)
        return gas_err_last();
    char *copy = xstrdup(p);
    dir = realpath(dirname(copy), NULL);
    char *where = dir ? xasprintf("%s/%s", dir, strrchr(p, '/') ? strrchr(p, '/') + 1 : p) : NULL;
    int rc = 0;
    /* (work_dir and outbox_dir may be shared places such as /tmp: not refused) */
    if (where && !strcmp(cfg_str(cfg, CFG_BACKEND), "local") &&
        inside(cfg_str(cfg, CFG_DATA_DIR), where))
        rc = gas_err_set(GAS_EINVAL,
                         "%s is inside GAS's data_dir (%s): gas download does not write there "
                         "(the database and the stored files live there)",
                         path, cfg_str(cfg, CFG_DATA_DIR));
    free(where);
    free(dir);
    free(copy);
    free(p);
    return rc;
}

static int fetch(struct gas_app *app, const struct job *job, const char *key, const char *path)
{
    if (job->job_status == JOB_FAILED)
        return gas_err_set(GAS_ENOTFOUND, "job %s FAILED: no result (%s)", job->job_id,
                           job->error ? job->error : "no reason recorded");
    if (job->job_status != JOB_COMPLETED || !key)
        return gas_err_set(GAS_ENOTFOUND, "job %s is %s: no result yet", job->job_id,
                           job_status_name(job->job_status));
    if (job->archive_state == ARCH_ARCHIVED || job->archive_state == ARCH_ARCHIVING)
        return gas_err_set(GAS_ENOTFOUND,
                           "the result of job %s is archived: upgrade user %s to "
                           "premium to restore it",
                           job->job_id, job->user_id);
    if (job->archive_state == ARCH_RESTORING)
        return gas_err_set(GAS_ENOTREADY, "the result of job %s is being restored", job->job_id);
    int rc = strcmp(path, "-") ? own_files(app->cfg, path) : 0;
    if (rc)
        return rc;
    if (strcmp(path, "-"))
        return objs_download(app->be->objs, job->s3_results_bucket, key, path);
    return print_object(app, job->s3_results_bucket, key, 0);
}

/* Writes an object to stdout (through a private temporary file). */
/* text: a report for a terminal (gas log): control characters a user's input put in it
 * (a contig name with an escape sequence) are shown as '?'; else the bytes as they are. */
static int print_object(struct gas_app *app, const char *bucket, const char *key, int text)
{
    char tmpl[] = "/tmp/gas-fetch-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return gas_err_set(GAS_EIO, "cannot create a temporary file");
    close(fd);
    int rc = objs_get_file(app->be->objs, bucket, key, tmpl);
    FILE *f = rc ? NULL : fopen(tmpl, "rb");
    if (!rc && !f)
        rc = gas_err_set(GAS_EIO, "cannot read the fetched object");
    char buf[1 << 16];
    size_t n;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0) { /* streamed: results can be large */
        for (size_t i = 0; text && i < n; i++)
            if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\t') ||
                buf[i] == 0x7f)
                buf[i] = '?';
        if (fwrite(buf, 1, n, stdout) != n) {
            rc = gas_err_set(GAS_EIO, "write to stdout failed");
            break;
        }
    }
    if (f)
        fclose(f);
    unlink(tmpl);
    return rc;
}

static int log_(struct cli *c, struct gas_app *app, struct job *job, cJSON *item)
{
    if (cli_flag(c, "json") && (job->job_status != JOB_COMPLETED || !job->s3_key_log_file)) {
        /* no log: a program still gets a document saying why (and the exit status 1) */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "job_id", job->job_id);
        cJSON_AddStringToObject(o, "job_status", job_status_name(job->job_status));
        if (job->error)
            cJSON_AddStringToObject(o, "error", job->error);
        else
            cJSON_AddNullToObject(o, "error");
        cJSON_AddNullToObject(o, "log");
        cli_print_json(o);
    }
    if (job->job_status == JOB_FAILED)
        return gas_err_set(GAS_ENOTFOUND, "job %s FAILED: %s", job->job_id,
                           job->error ? job->error : "(no reason recorded)");
    if (job->job_status != JOB_COMPLETED || !job->s3_key_log_file)
        return gas_err_set(GAS_ENOTFOUND, "job %s is %s: no log yet", job->job_id,
                           job_status_name(job->job_status));
    if (cli_flag(c, "json")) { /* written beside the log by gasd */
        char *key = xasprintf("%s.json", job->s3_key_log_file);
        int rc = print_object(app, job->s3_results_bucket, key, 0);
        free(key);
        if (gas_err_class(rc) == GAS_CLASS_NOT_FOUND)
            rc = gas_err_set(GAS_ENOTFOUND,
                             "job %s has no JSON count log (annotated by an "
                             "older gasd): gas log %s gives the text",
                             job->job_id, job->job_id);
        return rc;
    }
    return print_object(app, job->s3_results_bucket, job->s3_key_log_file, 1);
}

int cmd_log(struct cli *c)
{
    return with_job(c, log_);
}

static int download(struct cli *c, struct gas_app *app, struct job *job, cJSON *item)
{
    return fetch(app, job, job->s3_key_result_file, cli_opt(c, "output"));
}

int cmd_download(struct cli *c)
{
    return with_job(c, download);
}

/* retry: FAILED -> PENDING and the request again; PENDING: the request again. */
static int retry(struct cli *c, struct gas_app *app, struct job *job, cJSON *item)
{
    int rc = app_retry(app, job->job_id);
    if (!rc)
        printf("job %s is PENDING, request sent\n", job->job_id);
    if (!rc && job_error_permanent((int)job->job_status, job->error))
        fprintf(stderr,
                "gas retry: note: it failed on its input (%s): it fails again unless the "
                "input changes\n",
                job_error_root(job->error));
    return rc;
}

int cmd_retry(struct cli *c)
{
    return with_job(c, retry);
}

static int cancel(struct cli *c, struct gas_app *app, struct job *job, cJSON *item)
{
    if (job->job_status != JOB_PENDING) /* as the console says it */
        return gas_err_set(GAS_ECONFLICT, "job %s is %s: only a PENDING job can be cancelled",
                           job->job_id, job_status_name(job->job_status));
    int rc = app_cancel(app, job->job_id, job->error ? job->error : ""); /* read already */
    if (!rc)
        printf("job %s cancelled\n", job->job_id);
    return rc;
}

int cmd_cancel(struct cli *c)
{
    return with_job(c, cancel);
}
