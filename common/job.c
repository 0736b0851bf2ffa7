/* job: job and user items, and their state transitions (see include/gas/job.h). */
#include "gas/job.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *status_names[] = {"PENDING", "RUNNING", "COMPLETED", "FAILED"};
static const char *archive_names[] = {"NONE", "ARCHIVING", "ARCHIVED", "RESTORING"};
static const char *role_names[] = {"free_user", "premium_user"};

static int parse_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

const char *job_status_name(enum job_status s)
{
    return (unsigned)s < 4 ? status_names[s] : "?";
}
int job_status_parse(const char *s)
{
    return parse_name(status_names, 4, s);
}
const char *archive_state_name(enum archive_state s)
{
    return (unsigned)s < 4 ? archive_names[s] : "?";
}
int archive_state_parse(const char *s)
{
    return parse_name(archive_names, 4, s);
}
const char *user_role_name(enum user_role r)
{
    return (unsigned)r < 2 ? role_names[r] : "?";
}
int user_role_parse(const char *s)
{
    return parse_name(role_names, 2, s);
}

/* ---------------------------------------------------------------------------- reading */

#define MAX_ATTR 1024

static int get_str(const cJSON *item, const char *name, int required, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, name);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return gas_err_set(GAS_EINVAL, "item has no %s", name);
        return 0;
    }
    if (!cJSON_IsString(v))
        return gas_err_set(GAS_EINVAL, "%s is not a string", name);
    if (strlen(v->valuestring) > MAX_ATTR)
        return gas_err_set(GAS_EINVAL, "%s is longer than %d bytes", name, MAX_ATTR);
    if (required && !*v->valuestring)
        return gas_err_set(GAS_EINVAL, "%s is empty", name);
    *out = xstrdup(v->valuestring);
    return 0;
}

static int get_num(const cJSON *item, const char *name, int64_t *out)
{
    int rc = json_int(item, name, out);
    return rc == GAS_ENOTFOUND ? 0 : rc;
}

enum field_kind { K_STR, K_NUM, K_STATUS, K_ARCH };

/* JOB_FIELDS (include/gas/job.h) as data: what reading, writing and releasing walk. */
static const struct field {
    const char *name;
    enum field_kind kind;
    int required;
    size_t off;
} fields[] = {
#define JOB_FIELD_ROW(name, kind, required) {#name, K_##kind, required, offsetof(struct job, name)},
    JOB_FIELDS(JOB_FIELD_ROW)
#undef JOB_FIELD_ROW
};
#define NFIELDS (sizeof fields / sizeof *fields)

#define AT(j, f, type) ((type *)((char *)(j) + (f)->off))

static int get_status(const cJSON *item, const struct field *f, struct job *j)
{
    const char *status = json_str(item, f->name);
    int s = job_status_parse(status);
    if (s < 0)
        return gas_err_set(GAS_EINVAL,
                           "job_status \"%.40s\" is not one of PENDING, RUNNING, COMPLETED, FAILED",
                           status ? status : "");
    *AT(j, f, enum job_status) = (enum job_status)s;
    return 0;
}

/* After every string field: the archive id decides for an item without archive_state. */
static int get_arch(const cJSON *item, const struct field *f, struct job *j)
{
    const char *arch = json_str(item, f->name);
    enum archive_state *dst = AT(j, f, enum archive_state);
    if (!arch && cJSON_GetObjectItemCaseSensitive(item, f->name))
        return gas_err_set(GAS_EINVAL, "archive_state is not a string");
    if (!arch) {
        *dst = cJSON_GetObjectItemCaseSensitive(item, "results_file_archive_id") ? ARCH_ARCHIVED
                                                                                 : ARCH_NONE;
        return 0;
    }
    if (archive_state_parse(arch) < 0)
        return gas_err_set(GAS_EINVAL,
                           "archive_state \"%.40s\" is not one of NONE, ARCHIVING, ARCHIVED, "
                           "RESTORING",
                           arch);
    *dst = (enum archive_state)archive_state_parse(arch);
    return 0;
}

int job_from_json(const cJSON *item, struct job *j)
{
    memset(j, 0, sizeof *j);
    int rc = 0;
    for (size_t i = 0; !rc && i < NFIELDS; i++) {
        const struct field *f = &fields[i];
        switch (f->kind) {
        case K_STR: rc = get_str(item, f->name, f->required, AT(j, f, char *)); break;
        case K_NUM: rc = get_num(item, f->name, AT(j, f, int64_t)); break;
        case K_STATUS: rc = get_status(item, f, j); break;
        case K_ARCH: rc = get_arch(item, f, j); break;
        }
    }
    if (rc)
        job_release(j);
    return rc;
}

/* ---------------------------------------------------------------------------- writing */

cJSON *job_to_json(const struct job *j)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < NFIELDS; i++) {
        const struct field *f = &fields[i];
        switch (f->kind) {
        case K_STR:
            if (*AT(j, f, char *))
                cJSON_AddStringToObject(o, f->name, *AT(j, f, char *));
            break;
        case K_NUM:
            if (*AT(j, f, int64_t))
                cJSON_AddNumberToObject(o, f->name, (double)*AT(j, f, int64_t));
            break;
        case K_STATUS:
            cJSON_AddStringToObject(o, f->name, job_status_name(*AT(j, f, enum job_status)));
            break;
        case K_ARCH:
            cJSON_AddStringToObject(o, f->name, archive_state_name(*AT(j, f, enum archive_state)));
            break;
        }
    }
    return o;
}

void job_release(struct job *j)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (fields[i].kind == K_STR)
            free(*AT(j, &fields[i], char *));
    memset(j, 0, sizeof *j);
}

const char *job_display_state(const struct job *j)
{
    if (j->job_status == JOB_FAILED)
        return "failed";
    if (j->job_status != JOB_COMPLETED)
        return "not completed";
    switch (j->archive_state) {
    case ARCH_NONE: return "download";
    case ARCH_ARCHIVING: return "being archived";
    case ARCH_ARCHIVED: return "archived: upgrade to premium";
    case ARCH_RESTORING: return "being restored";
    }
    return "?";
}

/* ------------------------------------------------------------------------------ users */

static void put_str(cJSON *o, const char *name, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, name, v);
}

static void put_num(cJSON *o, const char *name, int64_t v)
{
    if (v)
        cJSON_AddNumberToObject(o, name, (double)v);
}

int user_from_json(const cJSON *item, struct user *u)
{
    memset(u, 0, sizeof *u);
    int rc = get_str(item, "user_id", 1, &u->user_id);
    if (!rc)
        rc = get_str(item, "name", 0, &u->name);
    if (!rc)
        rc = get_str(item, "email", 0, &u->email);
    if (!rc) {
        const char *role = json_str(item, "role");
        int r = user_role_parse(role);
        if (r < 0)
            rc = gas_err_set(GAS_EINVAL, "role \"%.40s\" is not free_user or premium_user",
                             role ? role : "");
        else
            u->role = (enum user_role)r;
    }
    if (!rc)
        rc = get_num(item, "created", &u->created);
    if (!rc)
        rc = get_num(item, "updated", &u->updated);
    if (rc)
        user_release(u);
    return rc;
}

cJSON *user_to_json(const struct user *u)
{
    cJSON *o = cJSON_CreateObject();
    put_str(o, "user_id", u->user_id);
    put_str(o, "name", u->name);
    put_str(o, "email", u->email);
    cJSON_AddStringToObject(o, "role", user_role_name(u->role));
    put_num(o, "created", u->created);
    put_num(o, "updated", u->updated);
    return o;
}

void user_release(struct user *u)
{
    free(u->user_id);
    free(u->name);
    free(u->email);
    memset(u, 0, sizeof *u);
}

/* ------------------------------------------------------------------------ transitions */

int job_status_allowed(enum job_status from, enum job_status to)
{
    static const unsigned char ok[4][4] = {
        /*            PENDING RUNNING COMPLETED FAILED */
        /* PENDING */ {0, 1, 0, 1},
        /* RUNNING */ {1, 1, 1, 1},
        /* COMPLETED*/ {0, 0, 0, 0},
        /* FAILED */ {1, 0, 0, 0},
    };
    return (unsigned)from < 4 && (unsigned)to < 4 && ok[from][to];
}

int archive_state_allowed(enum archive_state from, enum archive_state to)
{
    static const unsigned char ok[4][4] = {
        /*             NONE ARCHIVING ARCHIVED RESTORING */
        /* NONE */ {0, 1, 0, 0},
        /* ARCHIVING */ {1, 0, 1, 0},
        /* ARCHIVED */ {1, 0, 0, 1},
        /* RESTORING */ {1, 0, 1, 0},
    };
    return (unsigned)from < 4 && (unsigned)to < 4 && ok[from][to];
}

/* The due index (include/gas/backend.h): a job is watched while RUNNING, ARCHIVING or
 * RESTORING; the caller sets its deadline with job_watch_until. */
static void watch(struct tbl_update *u, const char *state)
{
    if (state) {
        tbl_update_set_str(u, TBL_WATCH, state);
    } else {
        tbl_update_remove(u, TBL_WATCH);
        tbl_update_remove(u, TBL_WATCH_UNTIL);
    }
}

void job_watch_until(struct tbl_update *u, int64_t deadline)
{
    tbl_update_set_int(u, TBL_WATCH_UNTIL, deadline);
}

int job_update_status(struct tbl_update *u, enum job_status from, enum job_status to)
{
    if (!job_status_allowed(from, to))
        return gas_err_set(GAS_EINTERNAL, "job_status %s -> %s is not allowed",
                           job_status_name(from), job_status_name(to));
    tbl_update_if_str(u, "job_status", TBL_EQ, job_status_name(from));
    tbl_update_set_str(u, "job_status", job_status_name(to));
    watch(u, to == JOB_RUNNING ? "RUNNING" : NULL);
    return 0;
}

int job_update_archive(struct tbl_update *u, enum archive_state from, enum archive_state to)
{
    if (!archive_state_allowed(from, to))
        return gas_err_set(GAS_EINTERNAL, "archive_state %s -> %s is not allowed",
                           archive_state_name(from), archive_state_name(to));
    if (from == ARCH_NONE) {
        /* NONE or absent (an item GAS's Python code wrote), and never archived */
        for (int s = ARCH_ARCHIVING; s <= ARCH_RESTORING; s++)
            tbl_update_if_str(u, "archive_state", TBL_NE, archive_names[s]);
        tbl_update_if_absent(u, "results_file_archive_id");
    } else {
        tbl_update_if_str(u, "archive_state", TBL_EQ, archive_state_name(from));
    }
    tbl_update_set_str(u, "archive_state", archive_state_name(to));
    watch(u, to == ARCH_ARCHIVING || to == ARCH_RESTORING ? archive_state_name(to) : NULL);
    return 0;
}

/* ----------------------------------------------------------------------- object keys */

static int part_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 255 || !strcmp(s, ".") || !strcmp(s, ".."))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            return 0;
    return 1;
}

char *job_object_key(const char *prefix, const char *user_id, const char *job_id, const char *file)
{
    if (!part_ok(prefix) || !part_ok(user_id) || !part_ok(job_id) || !part_ok(file))
        return NULL;
    return xasprintf("%s/%s/%s~%s", prefix, user_id, job_id, file);
}

static char *stem(const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && !strcmp(name + n - 4, ".vcf"))
        n -= 4;
    return xstrndup(name, n);
}

char *job_result_name(const char *input)
{
    char *s = stem(input), *r = xasprintf("%s.annot.vcf", s);
    free(s);
    return r;
}

char *job_log_name(const char *input)
{
    char *s = stem(input), *r = xasprintf("%s.vcf.count.log", s);
    free(s);
    return r;
}
