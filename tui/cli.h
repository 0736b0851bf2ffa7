/* cli: helpers shared by the gas commands. */
#ifndef GAS_TUI_CLI_H
#define GAS_TUI_CLI_H

#include "gas/app.h"

struct cfg;

/* Opens the app or prints "gas CMD: why" and returns NULL. */
struct gas_app *cli_app(const struct cfg *cfg, const char *cmd);
/* Prints "gas CMD: <this thread's error>" and returns the exit code for rc (1, or 2 for
 * a usage-like error). */
int cli_fail(const char *cmd, int rc);
/* "2026-11-22 12:00:00" (UTC) or "-" for 0. */
const char *cli_time(int64_t t, char *buf, size_t n);
/* An age in seconds as "42s", "5m", "3h", "2d". */
const char *cli_age(double seconds, char *buf, size_t n);

#endif
