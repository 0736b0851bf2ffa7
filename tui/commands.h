/* commands: the gas subcommands (one file per group in tui/, registered in the table of
 * tui/main.c). Each gets its parsed invocation (options and arguments already checked
 * against the table) and returns the process exit code: 0 ok, 1 failed, 2 usage error. */
#ifndef GAS_TUI_COMMANDS_H
#define GAS_TUI_COMMANDS_H

struct cfg;
struct cli;

int cmd_annotate(struct cli *c);
int cmd_submit(struct cli *c);
int cmd_jobs(struct cli *c);
int cmd_show(struct cli *c);
int cmd_log(struct cli *c);
int cmd_download(struct cli *c);
int cmd_retry(struct cli *c);
int cmd_cancel(struct cli *c);
int cmd_users_add(struct cli *c);
int cmd_users_list(struct cli *c);
int cmd_upgrade(struct cli *c);
int cmd_downgrade(struct cli *c);
int cmd_status(struct cli *c);
int cmd_workers(struct cli *c);
int cmd_workers_prune(struct cli *c);
int cmd_dlq_list(struct cli *c);
int cmd_dlq_redrive(struct cli *c);
int cmd_dlq_delete(struct cli *c);
int cmd_send(struct cli *c);
int cmd_aws(struct cli *c);
/* tui/console.c: these read their own options from argv (argv[0] is the command). */
int cmd_console(struct cfg *cfg, int argc, char **argv);
int cmd_top(struct cfg *cfg, int argc, char **argv);

#endif
