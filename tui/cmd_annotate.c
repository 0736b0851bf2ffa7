/* gas annotate: the annotation engine on files. */
#include "cli.h"
#include "commands.h"

#include "gas/annot.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* GAS names the log <name>.vcf.count.log for a result <name>.annot.vcf. */
static char *log_path_for(const char *out)
{
    size_t n = strlen(out);
    const char *suffixes[] = {".annot.vcf.gz", ".annot.vcf", ".vcf.gz", ".vcf"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t m = strlen(suffixes[i]);
        if (n > m && !strcmp(out + n - m, suffixes[i]))
            return xasprintf("%.*s.vcf.count.log", (int)(n - m), out);
    }
    return xasprintf("%s.count.log", out);
}

int cmd_annotate(struct cli *c)
{
    const struct cfg *cfg = c->cfg;
    const char *in = c->args[0], *out = cli_opt(c, "output"), *sources = cli_opt(c, "sources"),
               *log = cli_opt(c, "log"), *type = cli_opt(c, "output-type"),
               *threads_s = cli_opt(c, "threads");
    int nolog = cli_flag(c, "no-log"), threads = (int)cfg_int(cfg, CFG_ANNOT_THREADS);
    if (type && strcmp(type, "v") && strcmp(type, "z")) {
        fprintf(stderr, "gas annotate: --output-type takes v or z\n");
        return 2;
    }
    int bgz = type && *type == 'z';
    char *end = NULL;
    if (threads_s &&
        ((threads = (int)strtol(threads_s, &end, 10)) < 0 || threads > 64 || !*threads_s || *end)) {
        fprintf(stderr, "gas annotate: --threads takes 0..64\n");
        return 2;
    }
    char *defsrc = NULL;
    if (!sources && *cfg_str(cfg, CFG_ANNOT_SOURCES))
        sources = cfg_str(cfg, CFG_ANNOT_SOURCES);
    if (!sources && !(sources = defsrc = annot_default_sources())) {
        fprintf(stderr, "gas annotate: no sources file: give --sources FILE or build the default "
                        "sources (make sources)\n");
        return 2;
    }
    struct annot_sources *src = NULL;
    int rc = annot_sources_load(sources, &src);
    char *logpath = NULL;
    struct annot_stats *st = xcalloc(1, sizeof *st);
    if (!rc) {
        struct annot_opts o = {
            in, out, NULL, bgz, threads, (size_t)cfg_int(cfg, CFG_MAX_LINE_BYTES), src};
        rc = annot_run(&o, st);
    }
    if (!rc && !nolog && strcmp(out, "-")) {
        logpath = log ? xstrdup(log) : log_path_for(out);
        const char *base = strrchr(in, '/');
        rc = annot_write_count_log(st, base ? base + 1 : in, logpath);
    }
    if (rc)
        fprintf(stderr, "gas annotate: %s: %s\n", in, gas_errmsg());
    else
        fprintf(stderr, "gas annotate: %lld records, %lld in known sources (%.1f%%), %.3f s\n",
                (long long)st->records, (long long)st->known,
                st->records ? 100.0 * (double)st->known / (double)st->records : 0.0, st->seconds);
    annot_sources_free(src);
    free(st);
    free(logpath);
    free(defsrc);
    return rc ? 1 : 0;
}
