/* users: the user source table and the `table` source (GAS's users table in the
 * backend); see include/gas/users.h. */
#include "gas/users.h"

#include "gas/app.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

struct user_source {
    const struct user_source_ops *ops;
    void *state;
};

/* ---------------------------------------------------------------------- table source */

static int t_open(struct gas_app *app, void **state)
{
    *state = app->users;
    return 0;
}

static void t_close(void *state) {}

static int t_get(void *state, const char *user_id, struct user *u)
{
    memset(u, 0, sizeof *u);
    cJSON *item = NULL;
    int rc = tbl_get(state, user_id, &item);
    if (rc == GAS_ENOTFOUND && !gas_err_code_has("ResourceNotFound")) /* not the table */
        rc = gas_err_set(GAS_ENOTFOUND, "no user %s", user_id);
    else if (!rc && (rc = user_from_json(item, u)) != 0)
        gas_err_wrap(rc, "user %s", user_id);
    cJSON_Delete(item);
    return rc;
}

static int t_set_role(void *state, const char *user_id, enum user_role to)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, "role", TBL_EQ,
                      user_role_name(to == ROLE_PREMIUM ? ROLE_FREE : ROLE_PREMIUM));
    tbl_update_set_str(&u, "role", user_role_name(to));
    tbl_update_set_int(&u, "updated", gas_now_s());
    int rc = tbl_update(state, user_id, &u, NULL);
    tbl_update_release(&u);
    return rc;
}

static int t_list(void *state, user_each_fn each, void *arg)
{
    char *cursor = NULL;
    int rc, stop = 0;
    do {
        struct tbl_page pg;
        if ((rc = tbl_scan(state, cursor, 500, &pg)) != 0)
            break;
        free(cursor);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            struct user u;
            if (stop)
                break;
            if (user_from_json(it, &u)) {
                log_warn("users", "users table: item skipped: %s", gas_errmsg());
                continue;
            }
            stop = each(&u, arg);
            user_release(&u);
        }
        tbl_page_release(&pg);
    } while (cursor && !stop);
    free(cursor);
    return rc;
}

static int t_add(void *state, const struct user *u)
{
    cJSON *item = user_to_json(u);
    int rc = tbl_put(state, item, 1);
    cJSON_Delete(item);
    if (rc == GAS_ECONFLICT)
        gas_err_set(rc, "user %s exists already", u->user_id);
    return rc;
}

static const struct user_source_ops table_ops = {
    "table", t_open, t_close, t_get, t_set_role, t_list, t_add,
};

/* --------------------------------------------------------------------------- sources */

static const struct user_source_ops *const sources[] = {&table_ops, &users_pg_ops};

int users_open(struct gas_app *app, struct user_source **out)
{
    *out = NULL;
    const char *name = cfg_str(app->cfg, CFG_USER_SOURCE);
    for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
        if (strcmp(sources[i]->name, name))
            continue;
        struct user_source *s = xcalloc(1, sizeof *s);
        s->ops = sources[i];
        int rc = s->ops->open(app, &s->state);
        if (rc) {
            free(s);
            return gas_err_wrap(rc, "user source %s", name);
        }
        *out = s;
        return 0;
    }
    return gas_err_set(GAS_EINVAL, "user_source \"%s\" is not a user source", name);
}

void users_close(struct user_source *s)
{
    if (!s)
        return;
    s->ops->close(s->state);
    free(s);
}

const char *users_source_name(const struct user_source *s)
{
    return s->ops->name;
}

int users_get(struct user_source *s, const char *user_id, struct user *u)
{
    return s->ops->get(s->state, user_id, u);
}

int users_set_role(struct user_source *s, const char *user_id, enum user_role to)
{
    int rc = s->ops->set_role(s->state, user_id, to);
    if (rc == GAS_ENOTFOUND && !gas_err_code_has("ResourceNotFound")) /* not the table */
        gas_err_set(rc, "no user %s", user_id);
    else if (rc == GAS_ECONFLICT)
        gas_err_set(rc, "user %s is %s already", user_id, user_role_name(to));
    return rc;
}

int users_list(struct user_source *s, user_each_fn each, void *arg)
{
    return s->ops->list(s->state, each, arg);
}

int users_add(struct user_source *s, const struct user *u)
{
    if (!s->ops->add)
        return gas_err_set(GAS_EUNSUPPORTED,
                           "users come from the %s user source: add them there (user_source "
                           "= %s)",
                           s->ops->name, s->ops->name);
    return s->ops->add(s->state, u);
}
