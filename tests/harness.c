/* harness: see harness.h. */
#include "harness.h"

#include "gas/util.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int t_failures;
static char *root;
static int seq;
static char **files;
static int nfiles;

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    t_failures++;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static void cleanup(void)
{
    if (root && !getenv("GAS_TEST_KEEP"))
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(root);
    for (int i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
}

const char *t_tmpdir(void)
{
    static char *cur;
    if (!root) {
        const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        root = xasprintf("%s/gas-test-XXXXXX", base);
        if (!mkdtemp(root)) {
            perror("mkdtemp");
            exit(2);
        }
        atexit(cleanup);
    }
    char *dir = xasprintf("%s/%d", root, ++seq);
    gas_mkdirs(dir, 0700);
    files = xrealloc(files, (size_t)(nfiles + 1) * sizeof *files);
    files[nfiles++] = dir;
    cur = dir;
    return cur;
}

char t_skip_reason[256];

void t_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t_skip_reason, sizeof t_skip_reason, fmt, ap);
    va_end(ap);
}

const char *t_write_file(const char *name, const void *data, size_t n)
{
    char *path = xasprintf("%s/%s", t_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f)) {
        perror(path);
        exit(2);
    }
    files = xrealloc(files, (size_t)(nfiles + 1) * sizeof *files);
    files[nfiles++] = path;
    return path;
}

int t_main(const char *suite, const struct t_case *cases, int n, int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0, skipped = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < n; i++) {
        if (filter && !strstr(cases[i].name, filter))
            continue;
        t_failures = 0;
        t_skip_reason[0] = 0;
        double t0 = gas_mono();
        cases[i].fn();
        double dt = gas_mono() - t0;
        if (t_skip_reason[0] && !t_failures) {
            skipped++;
            printf("skip %s.%s: %s\n", suite, cases[i].name, t_skip_reason);
        } else if (t_failures) {
            failed++;
            printf("FAIL %s.%s (%.2f s)\n", suite, cases[i].name, dt);
        } else {
            passed++;
            printf("ok   %s.%s (%.2f s)\n", suite, cases[i].name, dt);
        }
    }
    printf("%s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped);
    return failed ? 1 : passed ? 0 : 1;
}
