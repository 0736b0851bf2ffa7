/* cli: helpers shared by the gas commands. */
#include "cli.h"

#include "gas/err.h"

#include <stdio.h>
#include <time.h>

struct gas_app *cli_app(const struct cfg *cfg, const char *cmd)
{
    struct gas_app *app = NULL;
    if (app_open(cfg, &app)) {
        fprintf(stderr, "gas %s: %s\n", cmd, gas_errmsg());
        return NULL;
    }
    return app;
}

int cli_fail(const char *cmd, int rc)
{
    fprintf(stderr, "gas %s: %s\n", cmd, gas_errmsg());
    return rc == GAS_EINVAL ? 2 : 1;
}

const char *cli_time(int64_t t, char *buf, size_t n)
{
    if (!t) {
        snprintf(buf, n, "-");
        return buf;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

const char *cli_age(double s, char *buf, size_t n)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 7200)
        snprintf(buf, n, "%.0fm", s / 60);
    else if (s < 172800)
        snprintf(buf, n, "%.0fh", s / 3600);
    else
        snprintf(buf, n, "%.0fd", s / 86400);
    return buf;
}
