/* commands: the gas subcommands (one file each in tui/, registered in tui/main.c).
 * Each takes the loaded config and its own argv (argv[0] is the command name) and
 * returns the process exit code: 0 ok, 1 failed, 2 usage error. */
#ifndef GAS_TUI_COMMANDS_H
#define GAS_TUI_COMMANDS_H

struct cfg;

int cmd_annotate(struct cfg *cfg, int argc, char **argv);

/* The default sources file beside the installed or built programs (caller's), or NULL. */
char *default_sources_path(void);

#endif
