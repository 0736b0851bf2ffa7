/* gas users add|list, gas upgrade, gas downgrade. */
#include "cli.h"
#include "commands.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_users_add(struct cli *c)
{
    const char *name = cli_opt(c, "name"), *email = cli_opt(c, "email");
    int premium = cli_flag(c, "premium");
    const char *id = c->args[0];
    char *probe = job_object_key("p", id, "j", "f"); /* the id must fit in object keys */
    free(probe);
    if (!probe) {
        fprintf(stderr,
                "gas users add: \"%s\" is not a usable user id (no '/', control "
                "characters, '.' or '..')\n",
                id);
        return 2;
    }
    if (email && (!strchr(email, '@') || strpbrk(email, " \r\n<>"))) {
        fprintf(stderr, "gas users add: \"%s\" is not an email address\n", email);
        return 2;
    }
    struct user u = {(char *)id,  (char *)name, (char *)email, premium ? ROLE_PREMIUM : ROLE_FREE,
                     gas_now_s(), gas_now_s()};
    struct gas_app *app = cli_app(c->cfg, "users add");
    if (!app)
        return 1;
    cJSON *item = user_to_json(&u);
    int rc = tbl_put(app->users, item, 1);
    cJSON_Delete(item);
    if (rc == GAS_ECONFLICT)
        gas_err_set(rc, "user %s exists already", id);
    if (!rc)
        printf("user %s added (%s)\n", id, user_role_name(u.role));
    int code = rc ? cli_fail("users add", rc) : 0;
    app_close(app);
    return code;
}

int cmd_users_list(struct cli *c)
{
    struct gas_app *app = cli_app(c->cfg, "users list");
    if (!app)
        return 1;
    int json = cli_flag(c, "json");
    cJSON *all = json ? cJSON_CreateArray() : NULL;
    if (!json)
        printf("%-20s %-13s %-24s %s\n", "user", "role", "name", "email");
    char *cursor = NULL;
    int rc;
    do {
        struct tbl_page pg;
        if ((rc = tbl_scan(app->users, cursor, 500, &pg)) != 0)
            break;
        free(cursor);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            if (json)
                cJSON_AddItemToArray(all, cJSON_Duplicate(it, 1));
            else
                printf("%-20s %-13s %-24s %s\n", json_str(it, "user_id"),
                       json_str(it, "role") ? json_str(it, "role") : "?",
                       json_str(it, "name") ? json_str(it, "name") : "",
                       json_str(it, "email") ? json_str(it, "email") : "");
        }
        tbl_page_release(&pg);
    } while (cursor);
    free(cursor);
    if (!rc && json)
        cli_print_json(all);
    else
        cJSON_Delete(all);
    int code = rc ? cli_fail("users list", rc) : 0;
    app_close(app);
    return code;
}

/* upgrade / downgrade USER */
static int set_role(struct cli *c, enum user_role to)
{
    const char *cmd = c->cmd->name, *user = c->args[0];
    struct gas_app *app = cli_app(c->cfg, cmd);
    if (!app)
        return 1;
    int rc = app_set_role(app, user, to), already = rc == GAS_ECONFLICT;
    if (already) /* asking for the role the user has is not a failure */
        rc = 0;
    if (!rc)
        printf("user %s is %s%s%s\n", user, user_role_name(to), already ? " already" : "",
               to == ROLE_PREMIUM ? "; restore of archived results requested" : "");
    int code = rc ? cli_fail(cmd, rc) : 0;
    app_close(app);
    return code;
}

int cmd_upgrade(struct cli *c)
{
    return set_role(c, ROLE_PREMIUM);
}

int cmd_downgrade(struct cli *c)
{
    return set_role(c, ROLE_FREE);
}
