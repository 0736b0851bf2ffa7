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
    /* and be told apart on sight: no spaces ("alice "), no invisible or look-alike
     * characters (a zero-width space), as GAS's ids are (UUIDs) */
    size_t len = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@+-");
    if (probe && (id[len] || !len || len > 128)) {
        char *shown = cli_clean(id);
        fprintf(stderr,
                "gas users add: \"%.80s\" is not a user id: 1 to 128 letters, digits and . _ "
                "@ + - (GAS's are UUIDs)\n",
                shown);
        free(shown);
        return 2;
    }
    if (!probe) {
        fprintf(stderr,
                "gas users add: \"%s\" is not a usable user id (no '/', control "
                "characters, '.' or '..')\n",
                id);
        return 2;
    }
    /* what the users table and the accounts database take back (attributes up to 1024
     * bytes): a user that could be added but not read would be stuck */
    int bad_email = email && (!strchr(email, '@') || strlen(email) > 254);
    for (const char *p = email; p && *p; p++)
        bad_email |= (unsigned char)*p < 0x20 || *p == 0x7f || *p == ' ' || *p == '<' || *p == '>';
    if (bad_email) {
        char *shown = cli_clean(email);
        fprintf(stderr,
                "gas users add: \"%.80s%s\" is not an email address (one '@', no spaces, "
                "control characters or <>, at most 254 bytes)\n",
                shown, strlen(shown) > 80 ? "..." : "");
        free(shown);
        return 2;
    }
    int bad_name = name && strlen(name) > 256;
    for (const char *p = name; p && *p; p++)
        bad_name |= (unsigned char)*p < 0x20 || *p == 0x7f;
    if (bad_name) {
        fprintf(stderr, "gas users add: a name is at most 256 bytes, without control "
                        "characters (line breaks, escapes)\n");
        return 2;
    }
    struct user u = {(char *)id,  (char *)name, (char *)email, premium ? ROLE_PREMIUM : ROLE_FREE,
                     gas_now_s(), gas_now_s()};
    struct gas_app *app = cli_app(c->cfg, "users add");
    if (!app)
        return 1;
    int rc = users_add(app->user_src, &u);
    if (!rc)
        printf("user %s added (%s)\n", id, user_role_name(u.role));
    if (!rc && (!email || !*email))
        fprintf(stderr,
                "gas users add: note: %s has no email address: GAS cannot tell them "
                "when their jobs finish or fail\n",
                id);
    int code = rc ? cli_fail("users add", rc) : 0;
    app_close(app);
    return code;
}

struct list_acc {
    int json, n;
    cJSON *all;
};

static void print_header(void)
{
    printf("%-36s %-13s %-24s %s\n", "user", "role", "name", "email");
}

static int print_user(const struct user *u, void *arg)
{
    struct list_acc *acc = arg;
    if (acc->json) {
        cJSON_AddItemToArray(acc->all, user_to_json(u));
        return 0;
    }
    if (!acc->n++) /* after the source answered: an error is not preceded by a header */
        print_header();
    char *id = cli_clean(u->user_id), *name = cli_clean(u->name), *email = cli_clean(u->email);
    printf("%-36s %-13s %-24s %s\n", id, user_role_name(u->role), name, email);
    free(id);
    free(name);
    free(email);
    return 0;
}

int cmd_users_list(struct cli *c)
{
    struct gas_app *app = cli_app(c->cfg, "users list");
    if (!app)
        return 1;
    struct list_acc acc = {cli_flag(c, "json"), 0, NULL};
    if (acc.json)
        acc.all = cJSON_CreateArray();
    int rc = app_user_list(app, print_user, &acc);
    if (!rc && acc.json)
        cli_print_json(acc.all);
    else
        cJSON_Delete(acc.all);
    if (!rc && !acc.json && !acc.n)
        print_header();
    int code = rc ? cli_fail("users list", rc) : 0;
    app_close(app);
    return code;
}

/* upgrade / downgrade USER: what changed, and for an upgrade how many archived results
 * are asked back (none: it says there is nothing to restore) */
static int set_role(struct cli *c, enum user_role to)
{
    const char *cmd = c->cmd->name, *user = c->args[0];
    struct gas_app *app = cli_app(c->cfg, cmd);
    if (!app)
        return 1;
    int rc = app_set_role(app, user, to), already = rc == GAS_ECONFLICT;
    if (already) /* asking for the role the user has is not a failure */
        rc = 0;
    if (!rc) {
        printf("user %s is %s%s", user, user_role_name(to), already ? " already" : "");
        struct app_archived ac = {0};
        int n = to == ROLE_PREMIUM ? app_archived_count(app, user, &ac) : 0;
        if (to == ROLE_FREE && already)
            printf(": nothing changed\n");
        else if (to == ROLE_FREE) /* the archive pipeline skipped them while premium; those
                                     whose check is still due are archived like new ones */
            printf("; results completed while premium stay available, but for those completed "
                   "in the last %lld s (their archive check is still due): they and new ones "
                   "move to cold storage %lld s after completing\n",
                   (long long)cfg_int(c->cfg, CFG_ARCHIVE_GRACE),
                   (long long)cfg_int(c->cfg, CFG_ARCHIVE_GRACE));
        else if (n < 0)
            printf("; restore of archived results requested\n");
        else if (n == 0)
            printf("; nothing archived to restore\n");
        else
            printf("; restore of %d archived result%s requested%s\n", n, n == 1 ? "" : "s",
                   already ? " again" : "");
        if (ac.unreadable)
            fprintf(stderr,
                    "gas %s: %d of %s's job items cannot be read, so are not restored (%s)\n", cmd,
                    ac.unreadable, user, ac.first_bad);
    }
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
