/* commands: the gas subcommands (one file each in tui/, registered in tui/main.c).
 * Each takes the loaded config and its own argv (argv[0] is the command name) and
 * returns the process exit code: 0 ok, 1 failed, 2 usage error. */
#ifndef GAS_TUI_COMMANDS_H
#define GAS_TUI_COMMANDS_H

struct cfg;

int cmd_annotate(struct cfg *cfg, int argc, char **argv);
int cmd_submit(struct cfg *cfg, int argc, char **argv);
int cmd_jobs(struct cfg *cfg, int argc, char **argv);
int cmd_show(struct cfg *cfg, int argc, char **argv);
int cmd_log(struct cfg *cfg, int argc, char **argv);
int cmd_download(struct cfg *cfg, int argc, char **argv);
int cmd_retry(struct cfg *cfg, int argc, char **argv);
int cmd_cancel(struct cfg *cfg, int argc, char **argv);
int cmd_users(struct cfg *cfg, int argc, char **argv);
int cmd_upgrade(struct cfg *cfg, int argc, char **argv);
int cmd_downgrade(struct cfg *cfg, int argc, char **argv);
int cmd_status(struct cfg *cfg, int argc, char **argv);
int cmd_dlq(struct cfg *cfg, int argc, char **argv);
int cmd_send(struct cfg *cfg, int argc, char **argv);
int cmd_console(struct cfg *cfg, int argc, char **argv);
int cmd_top(struct cfg *cfg, int argc, char **argv);
int cmd_workers(struct cfg *cfg, int argc, char **argv);
int cmd_aws(struct cfg *cfg, int argc, char **argv);

#endif
