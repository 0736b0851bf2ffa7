/* scratch: a starting gasd removes what crashed processes left behind (kill -9, power
 * loss): the annotate threads' work directories "annotate-<thread>.<owner>" in the work
 * directory, staging files
 * "<uuid>.<owner>" in the local backend's data_dir/tmp, Glacier scratch files
 * "gas-glacier-XXXXXX.<owner>", and notify's outbox temporaries ".<job>.eml.tmp.*".
 *
 * <owner> is "<host>-<pid>" of the process that wrote it. An entry goes when its owner is
 * gone: on this host, no process has that pid; on another host (a shared work
 * directory), the workers table shows that worker stopped or its heartbeat stale. Any
 * entry, whoever owns it, also goes once nothing in it changed for scratch_max_age
 * seconds (a pid reused by another process, a gas command on another host). Names of
 * any other shape are never touched. Runs once, before the pipelines start. */
#include "worker.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sweep {
    struct worker *w;
    char host[96];
    int64_t now, max_age;
    long long files, bytes;
};

/* "<host>-<pid>" after the first '.' of name, or NULL (not a scratch name). */
static const char *owner_of(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot || dot == name || !dot[1])
        return NULL;
    const char *dash = strrchr(dot + 1, '-');
    if (!dash || dash == dot + 1 || !dash[1])
        return NULL;
    for (const char *p = dash + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return NULL;
    return dot + 1;
}

/* When process pid started (epoch seconds), or -1 if unknown: /proc/<pid>/stat's 22nd
 * field (clock ticks after boot) plus /proc/stat's btime. *state: its 3rd field ('Z': a
 * zombie, killed and not yet reaped; it writes nothing more). */
static int64_t process_start(long pid, char *state)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "re");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    *state = p && p[1] == ' ' ? p[2] : 0;
    unsigned long long ticks = 0;
    for (int field = 2; p && *p && field < 22; p++) /* p: ") S ppid ..." = fields 2, 3, ... */
        if (*p == ' ')
            field++;
    if (!p || sscanf(p, "%llu", &ticks) != 1)
        return -1;
    long long btime = -1;
    f = fopen("/proc/stat", "re");
    while (f && fgets(buf, sizeof buf, f))
        if (sscanf(buf, "btime %lld", &btime) == 1)
            break;
    if (f)
        fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    return btime < 0 || hz <= 0 ? -1 : (int64_t)(btime + (long long)(ticks / (unsigned long)hz));
}

/* 1 if the owner is known to be gone. mtime: the entry's latest change; a process with
 * the owner's pid that started after it is another process (pids wrap: 32768 here); one
 * that is a zombie or dying (SIGKILLed, not yet reaped) is gone too. */
static int owner_gone(struct sweep *s, const char *owner, int64_t mtime)
{
    const char *dash = strrchr(owner, '-');
    size_t hl = (size_t)(dash - owner);
    if (hl == strlen(s->host) && !strncmp(owner, s->host, hl)) {
        long pid = strtol(dash + 1, NULL, 10);
        if (pid <= 0)
            return 0;
        if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            return 1;
        char state = 0;
        int64_t started = process_start(pid, &state);
        return state == 'Z' || state == 'X' || (started > 0 && started > mtime + 1);
    }
    cJSON *it = NULL;
    if (tbl_get(s->w->app->workers, owner, &it))
        return 0; /* unknown here: only the age bound applies */
    const char *st = json_str(it, "status");
    int64_t beat = 0;
    json_int(it, "heartbeat", &beat);
    int64_t stale = 3 * cfg_int(s->w->cfg, CFG_HEARTBEAT_INTERVAL) + 60;
    int gone = (st && !strcmp(st, "stopped")) || s->now - beat > stale;
    cJSON_Delete(it);
    return gone;
}

/* nftw has no user argument: scratch_clean runs once, on the main thread, before the
 * pipelines start */
static struct sweep *cur;
static int64_t newest;

static int newest_cb(const char *path, const struct stat *sb, int type, struct FTW *f)
{
    (void)path, (void)type, (void)f;
    if (sb->st_mtime > newest)
        newest = sb->st_mtime;
    return 0;
}

/* The latest change to path or anything under it. */
static int64_t newest_mtime(const char *path)
{
    newest = 0;
    nftw(path, newest_cb, 8, FTW_PHYS);
    return newest;
}

static int remove_cb(const char *path, const struct stat *sb, int type, struct FTW *f)
{
    (void)f;
    if (type == FTW_DP) {
        rmdir(path);
    } else if (unlink(path) == 0) {
        cur->files++;
        cur->bytes += sb->st_size;
    }
    return 0;
}

/* Entries of dir (starting with prefix, if given) whose owner is gone or that are older
 * than the bound; with need_owner, names without an owner are left alone. */
static void sweep_dir(struct sweep *s, const char *dir, const char *prefix, int need_owner)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (prefix && strncmp(e->d_name, prefix, strlen(prefix)))
            continue;
        const char *owner = owner_of(e->d_name);
        if (need_owner && !owner)
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        int64_t mtime = newest_mtime(p);
        if ((owner && owner_gone(s, owner, mtime)) || s->now - mtime > s->max_age)
            nftw(p, remove_cb, 8, FTW_DEPTH | FTW_PHYS);
        free(p);
    }
    if (d)
        closedir(d);
}

void scratch_clean(struct worker *w)
{
    char *work_base = pipe_work_base(w->cfg, w->app->be->name);
    struct sweep s = {.w = w, .now = gas_now_s(), .max_age = cfg_int(w->cfg, CFG_SCRATCH_MAX_AGE)};
    gas_owner_id(s.host, sizeof s.host);
    *strrchr(s.host, '-') = 0;
    cur = &s;
    sweep_dir(&s, work_base, NULL, 1);
    free(work_base);
    const char *wd = cfg_str(w->cfg, CFG_WORK_DIR);
    if (!*wd)
        sweep_dir(&s, "/tmp", "gas-glacier-", 1);
    const char *data = cfg_str(w->cfg, CFG_DATA_DIR);
    char *outbox = *cfg_str(w->cfg, CFG_OUTBOX_DIR) ? xstrdup(cfg_str(w->cfg, CFG_OUTBOX_DIR))
                                                    : xasprintf("%s/outbox", data);
    sweep_dir(&s, outbox, ".", 0); /* .<job>.eml.tmp.XXXXXX: no owner, by age */
    free(outbox);
    if (!strcmp(w->app->be->name, "local")) {
        char *tmp = xasprintf("%s/tmp", data);
        sweep_dir(&s, tmp, NULL, 0);
        free(tmp);
    }
    cur = NULL;
    if (s.files)
        log_info("gasd",
                 "scratch: removed %lld files (%lld bytes) left by processes that are "
                 "gone or untouched for %lld s",
                 s.files, s.bytes, (long long)s.max_age);
}
