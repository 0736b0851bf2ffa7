/* job: job and user items, and their state transitions (see include/gas/job.h). */
#include "gas/job.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <ctype.h>
#include <math.h>
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
const char *job_status_item(enum job_status s)
{
    return (unsigned)s < 4 ? job_model()->status[s] : "?";
}
int job_status_parse(const char *s)
{
    int i = parse_name(status_names, 4, s);
    return i >= 0 ? i : parse_name(job_model()->status, 4, s); /* the deployment's own */
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

/* ------------------------------------------------------------------------------ model */

#define JOB_ATTR_ROW(name, kind, required) #name,
#define MODEL_DEFAULTS                                                                             \
    {                                                                                              \
        .attr = {JOB_FIELDS(JOB_ATTR_ROW)},                                                        \
        .status = {"PENDING", "RUNNING", "COMPLETED", "FAILED"}, .user_index = "user_id_index",    \
        .key_prefix = "gas", .inputs_bucket = "gas-inputs", .results_bucket = "gas-results"        \
    }

static const char *const default_attr[JF_COUNT] = {JOB_FIELDS(JOB_ATTR_ROW)};

static struct job_model model_defaults(void)
{
    return (struct job_model)MODEL_DEFAULTS;
}

/* Set once at start (job_model_configure, before threads); read-only afterwards. */
static struct job_model model = MODEL_DEFAULTS;
static char *model_text;     /* the job_attributes value the renamed attributes point into */
static char *status_text;    /* the job_status_names value the status names point into */
static char *model_owned[5]; /* copies of the other configured names */

const struct job_model *job_model(void)
{
    return &model;
}

const char *job_error_root(const char *error)
{
    const char *root = error;
    for (const char *p = error; p && (p = strstr(p, JOB_HAD_FAILED)) != NULL; p++)
        root = p + strlen(JOB_HAD_FAILED);
    return root && *root ? root : NULL;
}

int job_error_permanent(int status, const char *error)
{
    const char *root = job_error_root(error);
    return status == JOB_FAILED && root && strncmp(root, "gave up after", 13) &&
           !strstr(root, "cancelled");
}

int job_error_cancelled(const char *error)
{
    return error && !strncmp(error, JOB_CANCEL_ERROR, sizeof JOB_CANCEL_ERROR - 1);
}

int job_attr_is_time(const char *attr)
{
    size_t n = strlen(attr);
    if (!strcmp(attr, job_attr(JF_submit_ms)))
        return 1000;
    return (n > 5 && !strcmp(attr + n - 5, "_time")) || !strcmp(attr, "lease_until") ||
           !strcmp(attr, TBL_WATCH_UNTIL) || !strcmp(attr, "created") || !strcmp(attr, "updated");
}

const char *job_attr(enum job_field f)
{
    return (unsigned)f < JF_COUNT ? job_model()->attr[f] : "?";
}

static int attr_name_ok(const char *s)
{
    if (!*s || strlen(s) > 255)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == ',' || *p == '=' || *p == 0x7f)
            return 0;
    return 1;
}

/* A setting of "a=b,c=d" pairs (spaces around the parts allowed): fn for each pair; key
 * names the setting and form the shape of a pair in messages. */
static int each_pair(char *text, const char *key, const char *form, struct job_model *m,
                     int (*fn)(struct job_model *m, const char *a, const char *b))
{
    for (char *save = NULL, *e = strtok_r(text, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(e, '=');
        if (!eq)
            return gas_err_set(GAS_EINVAL, "%s: \"%.60s\" is not %s", key, e, form);
        *eq = 0;
        int rc = fn(m, gas_trim(e), gas_trim(eq + 1));
        if (rc)
            return rc;
    }
    return 0;
}

/* job_status_names: STATUS=value */
static int status_name(struct job_model *m, const char *st, const char *v)
{
    int s = parse_name(status_names, 4, st);
    if (s < 0)
        return gas_err_set(GAS_EINVAL,
                           "job_status_names: \"%.60s\" is not PENDING, RUNNING, COMPLETED or "
                           "FAILED",
                           st);
    if (!attr_name_ok(v) || parse_name(status_names, 4, v) >= 0)
        return gas_err_set(GAS_EINVAL, "job_status_names: bad value \"%.60s\"", v);
    m->status[s] = v;
    return 0;
}

/* job_attributes: field=attribute */
static int rename_field(struct job_model *m, const char *field, const char *attr)
{
    int f = -1;
    for (int i = 0; i < JF_COUNT; i++)
        if (!strcmp(default_attr[i], field))
            f = i;
    if (f < 0)
        return gas_err_set(GAS_EINVAL, "job_attributes: no job field \"%.60s\"", field);
    if (!attr_name_ok(attr))
        return gas_err_set(GAS_EINVAL, "job_attributes: bad attribute name \"%.60s\"", attr);
    m->attr[f] = attr;
    return 0;
}

int job_model_configure(const struct cfg *cfg)
{
    struct job_model m = model_defaults();
    free(model_text);
    model_text = NULL;
    if (cfg) {
        model_text = xstrdup(cfg_str(cfg, CFG_JOB_ATTRIBUTES));
        free(status_text);
        status_text = xstrdup(cfg_str(cfg, CFG_JOB_STATUS_NAMES));
        int rc = each_pair(model_text, "job_attributes", "field=attribute", &m, rename_field);
        if (!rc)
            rc = each_pair(status_text, "job_status_names", "STATUS=value", &m, status_name);
        if (rc) {
            free(model_text);
            model_text = NULL;
            model = model_defaults();
            return rc;
        }
        static const enum cfg_key keys[] = {CFG_JOB_ARCHIVED_FLAG, CFG_JOBS_INDEX, CFG_KEY_PREFIX,
                                            CFG_INPUTS_BUCKET, CFG_RESULTS_BUCKET};
        for (int i = 0; i < 5; i++) {
            free(model_owned[i]);
            model_owned[i] = xstrdup(cfg_str(cfg, keys[i]));
        }
        m.archived_flag = *model_owned[0] ? model_owned[0] : NULL;
        m.user_index = model_owned[1];
        m.key_prefix = model_owned[2];
        m.inputs_bucket = model_owned[3];
        m.results_bucket = model_owned[4];
    }
    model = m;
    return 0;
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

#define MAX_SECONDS 9.007199254740992e15

/* A number as GAS's Python code writes it: an integer, a fraction (time.time()) or a
 * numeric string. Whole seconds go to out; anything but a plain integer is kept as
 * written ("n<number>" or "s<string>") so that writing the item back changes nothing. */
static int get_num(const cJSON *item, const char *name, int64_t *out, char written[32])
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, name);
    if (!v || cJSON_IsNull(v))
        return 0;
    double d;
    char *end = NULL;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else if (cJSON_IsString(v) && strlen(v->valuestring) < 30) {
        const char *s = v->valuestring;
        d = strtod(s, &end);
        if (!*s || *end || isspace((unsigned char)*s))
            return gas_err_set(GAS_EINVAL, "%s \"%.40s\" is not a number", name, s);
    } else {
        return gas_err_set(GAS_EINVAL, "%s is not a number", name);
    }
    if (!isfinite(d) || fabs(d) > MAX_SECONDS)
        return gas_err_set(GAS_EINVAL, "%s is out of range", name);
    *out = (int64_t)floor(d);
    if (end)
        snprintf(written, 32, "s%s", v->valuestring);
    else if (d != floor(d))
        snprintf(written, 32, "n%.17g", d);
    return 0;
}

int job_item_num(const cJSON *item, enum job_field f, int64_t *out)
{
    const char *name = job_attr(f);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, name);
    if (!v || cJSON_IsNull(v))
        return GAS_ENOTFOUND;
    char written[32];
    return get_num(item, name, out, written);
}

int64_t job_item_submit_ms(const cJSON *item)
{
    int64_t ms = 0;
    if (job_item_num(item, JF_submit_ms, &ms) == 0 && ms > 0)
        return ms;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, job_attr(JF_submit_time));
    double t = cJSON_IsNumber(v)                             ? v->valuedouble
               : cJSON_IsString(v) && v->valuestring != NULL ? strtod(v->valuestring, NULL)
                                                             : 0;
    return t > 0 && t < 1e13 ? (int64_t)(t * 1000) : 0;
}

static int legacy_archived(const cJSON *item);

int job_item_archive(const cJSON *item)
{
    const char *a = json_str(item, job_attr(JF_archive_state));
    int st = a ? archive_state_parse(a) : legacy_archived(item) ? ARCH_ARCHIVED : ARCH_NONE;
    const char *status = json_str(item, job_attr(JF_job_status));
    if (st == ARCH_ARCHIVED && status && job_status_parse(status) == JOB_COMPLETED &&
        !json_str(item, job_attr(JF_results_file_archive_id)) &&
        (json_str(item, job_attr(JF_s3_key_result_file)) ||
         json_str(item, job_attr(JF_input_file_name)) ||
         json_str(item, job_attr(JF_s3_key_input_file))))
        st = ARCH_NONE; /* restored elsewhere (see normalise) */
    return st;
}

enum field_kind { K_STR, K_NUM, K_STATUS, K_ARCH };

/* JOB_FIELDS (include/gas/job.h) as data: what reading, writing and releasing walk. */
static const struct field {
    enum job_field id;
    enum field_kind kind;
    int required;
    size_t off;
} fields[] = {
#define JOB_FIELD_ROW(name, kind, required)                                                        \
    {JF_##name, K_##kind, required, offsetof(struct job, name)},
    JOB_FIELDS(JOB_FIELD_ROW)
#undef JOB_FIELD_ROW
};
#define NFIELDS (sizeof fields / sizeof *fields)

#define AT(j, f, type) ((type *)((char *)(j) + (f)->off))

static int get_status(const cJSON *item, const struct field *f, struct job *j)
{
    const char *status = json_str(item, job_attr(f->id));
    int s = job_status_parse(status);
    if (s < 0)
        return gas_err_set(GAS_EINVAL,
                           "%s \"%.40s\" is not one of PENDING, RUNNING, COMPLETED, FAILED (a "
                           "deployment's own name: job_status_names, e.g. COMPLETED=%.40s)",
                           job_attr(f->id), status ? status : "", status ? status : "");
    *AT(j, f, enum job_status) = (enum job_status)s;
    return 0;
}

/* 1 if the item says it is archived without an archive_state: an archive id, or the
 * deployment's archived flag true. */
static int legacy_archived(const cJSON *item)
{
    if (cJSON_GetObjectItemCaseSensitive(item, job_attr(JF_results_file_archive_id)))
        return 1;
    const char *flag = job_model()->archived_flag;
    return flag && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, flag));
}

static int get_arch(const cJSON *item, const struct field *f, struct job *j)
{
    const char *name = job_attr(f->id), *arch = json_str(item, name);
    enum archive_state *dst = AT(j, f, enum archive_state);
    if (!arch && cJSON_GetObjectItemCaseSensitive(item, name) &&
        !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(item, name)))
        return gas_err_set(GAS_EINVAL, "%s is not a string", name);
    if (!arch) {
        *dst = legacy_archived(item) ? ARCH_ARCHIVED : ARCH_NONE;
        return 0;
    }
    if (archive_state_parse(arch) < 0)
        return gas_err_set(GAS_EINVAL,
                           "%s \"%.40s\" is not one of NONE, ARCHIVING, ARCHIVED, RESTORING", name,
                           arch);
    *dst = (enum archive_state)archive_state_parse(arch);
    return 0;
}

/* "<name>" from an object key "<prefix>/<user>/<job_id>~<name>" (the caller's), or NULL. */
static char *file_of_key(const char *key)
{
    const char *slash = strrchr(key, '/'), *tilde = strchr(slash ? slash : key, '~');
    return tilde && tilde[1] ? xstrdup(tilde + 1) : NULL;
}

/* What the Python code leaves out, rebuilt from what is there (see job_from_json). */
static void normalise(struct job *j)
{
    const struct job_model *m = job_model();
    if (!j->input_file_name && j->s3_key_input_file)
        j->input_file_name = file_of_key(j->s3_key_input_file);
    if (j->job_status == JOB_COMPLETED && j->input_file_name) {
        if (!j->s3_results_bucket && *m->results_bucket)
            j->s3_results_bucket = xstrdup(m->results_bucket);
        char *r = job_result_name(j->input_file_name), *l = job_log_name(j->input_file_name);
        if (!j->s3_key_result_file)
            j->s3_key_result_file = job_object_key(m->key_prefix, j->user_id, j->job_id, r);
        if (!j->s3_key_log_file)
            j->s3_key_log_file = job_object_key(m->key_prefix, j->user_id, j->job_id, l);
        free(r);
        free(l);
    }
    if (j->archive_state == ARCH_ARCHIVED && j->job_status == JOB_COMPLETED &&
        !j->results_file_archive_id && j->s3_key_result_file) {
        j->archive_state = ARCH_NONE; /* restored by another tool: the result is hot */
        j->restored_elsewhere = 1;
    }
}

int job_from_json(const cJSON *item, struct job *j)
{
    memset(j, 0, sizeof *j);
    int rc = 0;
    for (size_t i = 0; !rc && i < NFIELDS; i++) {
        const struct field *f = &fields[i];
        const char *name = job_attr(f->id);
        switch (f->kind) {
        case K_STR: rc = get_str(item, name, f->required, AT(j, f, char *)); break;
        case K_NUM: rc = get_num(item, name, AT(j, f, int64_t), j->written[f->id]); break;
        case K_STATUS: rc = get_status(item, f, j); break;
        case K_ARCH: rc = get_arch(item, f, j); break;
        }
    }
    if (rc)
        job_release(j);
    else
        normalise(j);
    return rc;
}

/* ---------------------------------------------------------------------------- writing */

/* A number back as the item wrote it, if it still says the same whole seconds. */
static void put_num_field(cJSON *o, const char *name, int64_t v, const char *w)
{
    if (*w == 's' && (int64_t)floor(strtod(w + 1, NULL)) == v)
        cJSON_AddStringToObject(o, name, w + 1);
    else if (*w == 'n' && (int64_t)floor(strtod(w + 1, NULL)) == v)
        cJSON_AddNumberToObject(o, name, strtod(w + 1, NULL));
    else if (v)
        cJSON_AddNumberToObject(o, name, (double)v);
}

cJSON *job_to_json(const struct job *j)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < NFIELDS; i++) {
        const struct field *f = &fields[i];
        const char *name = job_attr(f->id);
        switch (f->kind) {
        case K_STR:
            if (*AT(j, f, char *))
                cJSON_AddStringToObject(o, name, *AT(j, f, char *));
            break;
        case K_NUM: put_num_field(o, name, *AT(j, f, int64_t), j->written[f->id]); break;
        case K_STATUS:
            cJSON_AddStringToObject(o, name, job_status_item(*AT(j, f, enum job_status)));
            break;
        case K_ARCH:
            cJSON_AddStringToObject(o, name, archive_state_name(*AT(j, f, enum archive_state)));
            break;
        }
    }
    const char *flag = job_model()->archived_flag;
    if (flag)
        cJSON_AddBoolToObject(o, flag, j->archive_state == ARCH_ARCHIVED);
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
        rc = get_num(item, "created", &u->created, (char[32]){0});
    if (!rc)
        rc = get_num(item, "updated", &u->updated, (char[32]){0});
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
    tbl_update_if_str(u, job_attr(JF_job_status), TBL_EQ, job_status_item(from));
    tbl_update_set_str(u, job_attr(JF_job_status), job_status_item(to));
    watch(u, to == JOB_RUNNING ? "RUNNING" : NULL);
    return 0;
}

int job_update_archive(struct tbl_update *u, enum archive_state from, enum archive_state to)
{
    if (!archive_state_allowed(from, to))
        return gas_err_set(GAS_EINTERNAL, "archive_state %s -> %s is not allowed",
                           archive_state_name(from), archive_state_name(to));
    const char *state = job_attr(JF_archive_state), *aid = job_attr(JF_results_file_archive_id);
    if (from == ARCH_NONE) {
        /* NONE, absent (an item GAS's Python code wrote) or ARCHIVED with the archive id
         * gone (restored by another tool: repaired here); never one with an archive id */
        tbl_update_if_str(u, state, TBL_NE, archive_names[ARCH_ARCHIVING]);
        tbl_update_if_str(u, state, TBL_NE, archive_names[ARCH_RESTORING]);
        tbl_update_if_absent(u, aid);
    } else {
        tbl_update_if_str(u, state, TBL_EQ, archive_state_name(from));
    }
    tbl_update_set_str(u, state, archive_state_name(to));
    const char *flag = job_model()->archived_flag;
    if (flag && (to == ARCH_ARCHIVED || to == ARCH_NONE)) /* the deployment's job page */
        cJSON_AddBoolToObject(u->set, flag, to == ARCH_ARCHIVED);
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

/* A prefix is parts joined by '/' (config.c's key_prefix_ok). */
static int prefix_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 255)
        return 0;
    int ok = 1;
    char *p = xstrdup(s), *save = NULL;
    if (*p == '/' || strstr(p, "//") || p[strlen(p) - 1] == '/')
        ok = 0;
    for (char *t = strtok_r(p, "/", &save); ok && t; t = strtok_r(NULL, "/", &save))
        ok = part_ok(t);
    free(p);
    return ok;
}

char *job_object_key(const char *prefix, const char *user_id, const char *job_id, const char *file)
{
    if (!prefix_ok(prefix) || !part_ok(user_id) || !part_ok(job_id) || !part_ok(file))
        return NULL;
    return xasprintf("%s/%s/%s~%s", prefix, user_id, job_id, file);
}

/* The input's name less its VCF extension (.vcf as GAS, and .vcf.gz, .vcf.bgz, .bcf). */
static char *stem(const char *name)
{
    static const char *const ext[] = {".vcf.gz", ".vcf.bgz", ".bcf", ".vcf"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t el = strlen(ext[i]);
        if (n > el && !strcmp(name + n - el, ext[i])) {
            n -= el;
            break;
        }
    }
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
