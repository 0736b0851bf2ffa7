/* gas submit | jobs | show | log | download | retry | cancel: the job operations. */
#include "cli.h"
#include "commands.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_submit(struct cfg *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
                                         {"name", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    const char *user = NULL, *name = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "u:n:", opts, NULL)) != -1) {
        if (c == 'u')
            user = optarg;
        else if (c == 'n')
            name = optarg;
        else
            return 2;
    }
    if (optind != argc - 1 || !user) {
        fprintf(stderr, "usage: gas submit FILE --user USER [--name FILE_NAME]\n");
        return 2;
    }
    const char *path = argv[optind];
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "gas submit: %s is not a readable file\n", path);
        return 1;
    }
    if (st.st_size > cfg_int(cfg, CFG_MAX_INPUT_BYTES)) {
        fprintf(stderr, "gas submit: %s is %lld bytes, over the max_input_bytes limit of %lld\n",
                path, (long long)st.st_size, (long long)cfg_int(cfg, CFG_MAX_INPUT_BYTES));
        return 1;
    }
    if (!name)
        name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    struct gas_app *app = cli_app(cfg, "submit");
    if (!app)
        return 1;
    struct user u;
    struct job job;
    memset(&job, 0, sizeof job);
    int rc = app_user_get(app, user, &u);
    user_release(&u);
    char id[37];
    gas_uuid4(id);
    char *key = job_object_key(cfg_str(cfg, CFG_KEY_PREFIX), user, id, name);
    if (!rc && !key)
        rc = gas_err_set(GAS_EINVAL, "user id or file name \"%s\" cannot be part of an object key",
                         name);
    if (!rc)
        rc = objs_put_file(app->be->objs, cfg_str(cfg, CFG_INPUTS_BUCKET), key, path);
    if (!rc) {
        job.job_id = xstrdup(id);
        job.user_id = xstrdup(user);
        job.input_file_name = xstrdup(name);
        job.s3_inputs_bucket = xstrdup(cfg_str(cfg, CFG_INPUTS_BUCKET));
        job.s3_key_input_file = xstrdup(key);
        job.submit_time = gas_now_s();
        job.job_status = JOB_PENDING;
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
        free(body);
        if (rc)
            gas_err_wrap(rc,
                         "job %s is PENDING but its request was not sent (gas retry %s "
                         "sends it)",
                         id, id);
    }
    if (!rc)
        printf("%s\n", id);
    int code = rc ? cli_fail("submit", rc) : 0;
    job_release(&job);
    free(key);
    app_close(app);
    return code;
}

static void print_job_row(const cJSON *it)
{
    char t[32];
    int64_t submit = 0;
    json_int(it, "submit_time", &submit);
    const char *a = json_str(it, "archive_state");
    printf("%-36s  %-14s %-9s  %-9s  %-19s  %s\n", json_str(it, "job_id"),
           json_str(it, "user_id") ? json_str(it, "user_id") : "?",
           json_str(it, "job_status") ? json_str(it, "job_status") : "?",
           a ? a : (json_str(it, "results_file_archive_id") ? "ARCHIVED" : "NONE"),
           cli_time(submit, t, sizeof t),
           json_str(it, "input_file_name") ? json_str(it, "input_file_name") : "");
}

int cmd_jobs(struct cfg *cfg, int argc, char **argv)
{
    static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
                                         {"status", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    const char *user = NULL, *status = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "u:s:", opts, NULL)) != -1) {
        if (c == 'u')
            user = optarg;
        else if (c == 's')
            status = optarg;
        else
            return 2;
    }
    if (optind != argc ||
        (status && job_status_parse(status) < 0 && archive_state_parse(status) < 0)) {
        fprintf(stderr, "usage: gas jobs [--user USER] [--status PENDING|RUNNING|COMPLETED|"
                        "FAILED|ARCHIVED|RESTORING|...]\n");
        return 2;
    }
    struct gas_app *app = cli_app(cfg, "jobs");
    if (!app)
        return 1;
    printf("%-36s  %-14s %-9s  %-9s  %-19s  %s\n", "job", "user", "status", "archive",
           "submitted (UTC)", "file");
    char *cursor = NULL;
    int rc = 0;
    do {
        struct tbl_page pg;
        rc = user ? tbl_query(app->jobs, user, cursor, 500, &pg)
                  : tbl_scan(app->jobs, cursor, 500, &pg);
        free(cursor);
        cursor = NULL;
        if (rc)
            break;
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            const char *s = json_str(it, "job_status"), *a = json_str(it, "archive_state");
            if (status && !(s && !strcmp(s, status)) && !(a && !strcmp(a, status)))
                continue;
            print_job_row(it);
        }
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        tbl_page_release(&pg);
    } while (cursor);
    int code = rc ? cli_fail("jobs", rc) : 0;
    app_close(app);
    return code;
}

typedef int (*job_cmd)(struct gas_app *app, struct job *job, cJSON *item, int argc, char **argv);

/* Opens the app, reads JOB (argv[1]) and runs fn on it; returns the exit code. */
static int with_job(struct cfg *cfg, int argc, char **argv, job_cmd fn)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gas %s JOB_ID\n", argv[0]);
        return 2;
    }
    struct gas_app *app = cli_app(cfg, argv[0]);
    if (!app)
        return 1;
    struct job job;
    memset(&job, 0, sizeof job);
    cJSON *item = NULL;
    int rc = tbl_get(app->jobs, argv[1], &item);
    if (rc == GAS_ENOTFOUND)
        gas_err_set(rc, "no job %s", argv[1]);
    if (!rc && (rc = job_from_json(item, &job)) != 0)
        gas_err_wrap(rc, "job %s is malformed", argv[1]);
    if (!rc)
        rc = fn(app, &job, item, argc, argv);
    int code = rc ? cli_fail(argv[0], rc) : 0;
    job_release(&job);
    cJSON_Delete(item);
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

static int show(struct gas_app *app, struct job *job, cJSON *item, int argc, char **argv)
{
    char *link = result_link(app, job);
    if (link)
        json_set_str(item, "download_url", link);
    free(link);
    if (argc > 2 && !strcmp(argv[2], "--json")) {
        json_set_str(item, "display_state", job_display_state(job));
        char *s = cJSON_Print(item);
        printf("%s\n", s);
        free(s);
    } else {
        printf("%-24s %s\n", "display_state", job_display_state(job));
        cJSON *f;
        cJSON_ArrayForEach(f, item)
        {
            char t[32];
            if (cJSON_IsString(f))
                printf("%-24s %s\n", f->string, f->valuestring);
            else if (cJSON_IsNumber(f) && strstr(f->string, "time"))
                printf("%-24s %.0f (%s UTC)\n", f->string, f->valuedouble,
                       cli_time((int64_t)f->valuedouble, t, sizeof t));
            else if (cJSON_IsNumber(f))
                printf("%-24s %.0f\n", f->string, f->valuedouble);
        }
    }
    return 0;
}

int cmd_show(struct cfg *cfg, int argc, char **argv)
{
    return with_job(cfg, argc, argv, show);
}

static int print_object(struct gas_app *app, const char *bucket, const char *key);

/* Fetches one of the job's result objects to path ("-": stdout). */
static int fetch(struct gas_app *app, const struct job *job, const char *key, const char *path)
{
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
    if (strcmp(path, "-"))
        return objs_download(app->be->objs, job->s3_results_bucket, key, path);
    return print_object(app, job->s3_results_bucket, key);
}

/* Writes an object to stdout (through a private temporary file). */
static int print_object(struct gas_app *app, const char *bucket, const char *key)
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
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0) /* streamed: results can be large */
        if (fwrite(buf, 1, n, stdout) != n) {
            rc = gas_err_set(GAS_EIO, "write to stdout failed");
            break;
        }
    if (f)
        fclose(f);
    unlink(tmpl);
    return rc;
}

static int log_(struct gas_app *app, struct job *job, cJSON *item, int argc, char **argv)
{
    if (job->job_status == JOB_FAILED)
        return gas_err_set(GAS_ENOTFOUND, "job %s FAILED: %s", job->job_id,
                           job->error ? job->error : "(no reason recorded)");
    if (job->job_status != JOB_COMPLETED || !job->s3_key_log_file)
        return gas_err_set(GAS_ENOTFOUND, "job %s is %s: no log yet", job->job_id,
                           job_status_name(job->job_status));
    return print_object(app, job->s3_results_bucket, job->s3_key_log_file);
}

int cmd_log(struct cfg *cfg, int argc, char **argv)
{
    return with_job(cfg, argc, argv, log_);
}

static int download(struct gas_app *app, struct job *job, cJSON *item, int argc, char **argv)
{
    return fetch(app, job, job->s3_key_result_file, argv[3]);
}

int cmd_download(struct cfg *cfg, int argc, char **argv)
{
    if (argc != 4 || strcmp(argv[2], "-o")) {
        fprintf(stderr, "usage: gas download JOB_ID -o FILE  (- for stdout)\n");
        return 2;
    }
    return with_job(cfg, argc, argv, download);
}

/* retry: FAILED -> PENDING and the request again; PENDING: the request again. */
static int retry(struct gas_app *app, struct job *job, cJSON *item, int argc, char **argv)
{
    int rc = app_retry(app, job->job_id);
    if (!rc)
        printf("job %s is PENDING, request sent\n", job->job_id);
    return rc;
}

int cmd_retry(struct cfg *cfg, int argc, char **argv)
{
    return with_job(cfg, argc, argv, retry);
}

static int cancel(struct gas_app *app, struct job *job, cJSON *item, int argc, char **argv)
{
    int rc = app_cancel(app, job->job_id);
    if (!rc)
        printf("job %s cancelled\n", job->job_id);
    return rc;
}

int cmd_cancel(struct cfg *cfg, int argc, char **argv)
{
    return with_job(cfg, argc, argv, cancel);
}
