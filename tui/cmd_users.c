/* gas users add|list, gas upgrade, gas downgrade. */
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

static int add_cmd(struct gas_app *app, int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"email", required_argument, NULL, 'e'},
                                         {"premium", no_argument, NULL, 'p'},
                                         {NULL, 0, NULL, 0}};
    const char *name = NULL, *email = NULL;
    int premium = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:e:p", opts, NULL)) != -1) {
        if (c == 'n')
            name = optarg;
        else if (c == 'e')
            email = optarg;
        else if (c == 'p')
            premium = 1;
        else
            return 2;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: gas users add USER_ID [--name NAME] [--email EMAIL] [--premium]\n");
        return 2;
    }
    const char *id = argv[optind];
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
    int rc = users_add(app->user_src, &u);
    if (rc)
        return cli_fail("users add", rc);
    printf("user %s added (%s)\n", id, user_role_name(u.role));
    return 0;
}

static void print_header(void)
{
    printf("%-36s %-13s %-24s %-30s\n", "user", "role", "name", "email");
}

static int print_user(const struct user *u, void *arg)
{
    int *n = arg;
    if (!(*n)++) /* after the source answered: an error is not preceded by a header */
        print_header();
    printf("%-36s %-13s %-24s %-30s\n", u->user_id, user_role_name(u->role), u->name ? u->name : "",
           u->email ? u->email : "");
    return 0;
}

static int list_cmd(struct gas_app *app)
{
    int n = 0, rc = app_user_list(app, print_user, &n);
    if (!rc && !n)
        print_header();
    return rc ? cli_fail("users list", rc) : 0;
}

int cmd_users(struct cfg *cfg, int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "list"))) {
        fprintf(stderr, "usage: gas users add USER_ID [--name N] [--email E] [--premium]\n"
                        "       gas users list\n");
        return 2;
    }
    struct gas_app *app = cli_app(cfg, "users");
    if (!app)
        return 1;
    int code = !strcmp(argv[1], "add") ? add_cmd(app, argc - 1, argv + 1) : list_cmd(app);
    app_close(app);
    return code;
}

/* upgrade / downgrade USER */
static int set_role(struct cfg *cfg, int argc, char **argv, enum user_role to)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gas %s USER_ID\n", argv[0]);
        return 2;
    }
    struct gas_app *app = cli_app(cfg, argv[0]);
    if (!app)
        return 1;
    int rc = app_set_role(app, argv[1], to), already = rc == GAS_ECONFLICT;
    if (already) /* asking for the role the user has is not a failure */
        rc = 0;
    if (!rc)
        printf("user %s is %s%s%s\n", argv[1], user_role_name(to), already ? " already" : "",
               to == ROLE_PREMIUM ? "; restore of archived results requested" : "");
    int code = rc ? cli_fail(argv[0], rc) : 0;
    app_close(app);
    return code;
}

int cmd_upgrade(struct cfg *cfg, int argc, char **argv)
{
    return set_role(cfg, argc, argv, ROLE_PREMIUM);
}

int cmd_downgrade(struct cfg *cfg, int argc, char **argv)
{
    return set_role(cfg, argc, argv, ROLE_FREE);
}
