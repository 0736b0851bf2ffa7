/* harness: a small test runner. Each test is a function; CHECK* record failures with
 * file:line and go on; the run ends with "N passed, N failed, N skipped". */
#ifndef GAS_TEST_HARNESS_H
#define GAS_TEST_HARNESS_H

#include "gas/err.h"

#include <stdint.h>
#include <string.h>

struct t_case {
    const char *name;
    void (*fn)(void);
};

extern int t_failures; /* failures in the running test */
void t_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Marks the running test skipped, with the reason (it must not also have failed): it
 * counts as "skipped", never as "passed". */
void t_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern char t_skip_reason[256];
/* Runs the cases whose name contains argv[1] (all when absent); returns the exit code. */
int t_main(const char *suite, const struct t_case *cases, int n, int argc, char **argv);
/* A fresh private directory for this test (removed when the run ends); borrowed. */
const char *t_tmpdir(void);
/* Writes n bytes of data to a new file in dir; returns its path (borrowed until exit). */
const char *t_write_file(const char *name, const void *data, size_t n);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            t_fail(__FILE__, __LINE__, "CHECK(%s)", #c);                                           \
    } while (0)
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            t_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, #b, b_);         \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_))                                                          \
            t_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)",    \
                   b_ ? b_ : "(null)");                                                            \
    } while (0)
/* An expression returning a gas_err must return exactly the expected code. */
#define CHECK_RC(expr, want)                                                                       \
    do {                                                                                           \
        int r_ = (expr), w_ = (want);                                                              \
        if (r_ != w_)                                                                              \
            t_fail(__FILE__, __LINE__, "%s returned %s (%s), expected %s", #expr,                  \
                   gas_err_name(r_), r_ ? gas_errmsg() : "ok", gas_err_name(w_));                  \
    } while (0)
#define CHECK_OK(expr) CHECK_RC(expr, 0)
#define T(fn)                                                                                      \
    {                                                                                              \
#fn, fn                                                                                    \
    }

#endif
