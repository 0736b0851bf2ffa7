/* fault: see include/gas/fault.h. */
#include "gas/fault.h"

#include "gas/log.h"
#include "gas/util.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fault_point(const char *name)
{
    const char *spec = getenv("GAS_FAULT");
    if (!spec || !*spec)
        return;
    size_t nl = strlen(name);
    for (const char *p = spec; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len >= nl && !strncmp(p, name, nl) && (len == nl || p[nl] == ':')) {
            if (len > nl + 6 && !strncmp(p + nl, ":fail=", 6))
                return; /* fault_fail's */
            if (len > nl + 7 && !strncmp(p + nl, ":sleep=", 7)) {
                double s = atof(p + nl + 7);
                log_warn("fault", "fault point %s: pausing %.1f s", name, s);
                gas_sleep(s);
                return;
            }
            log_warn("fault", "fault point %s: killing this process", name);
            kill(getpid(), SIGKILL);
            pause();
        }
        p = comma ? comma + 1 : p + len;
    }
}

int fault_fail(const char *name)
{
    static atomic_int failed; /* one counter: tests fail one point at a time */
    const char *spec = getenv("GAS_FAULT");
    if (!spec || !*spec)
        return 0;
    size_t nl = strlen(name);
    for (const char *p = spec; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > nl + 6 && !strncmp(p, name, nl) && !strncmp(p + nl, ":fail=", 6)) {
            int k = atomic_fetch_add(&failed, 1) + 1;
            if (k > atoi(p + nl + 6))
                return 0;
            log_warn("fault", "fault point %s: failing (%d)", name, k);
            return 1;
        }
        p = comma ? comma + 1 : p + len;
    }
    return 0;
}
