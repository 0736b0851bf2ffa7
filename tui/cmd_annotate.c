/* gas annotate: the annotation engine on files. */
#include "commands.h"

#include "gas/annot.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gas annotate IN -o OUT [options]\n"
            "  IN                 VCF (plain, gzip or bgzip) or BCF; - for stdin\n"
            "  -o, --output OUT   annotated VCF; - for stdout\n"
            "  -O, --output-type  v (VCF, default) or z (bgzipped VCF)\n"
            "  -s, --sources FILE sources file (default: config annot_sources, else the\n"
            "                     GRCh37 sources built with GAS)\n"
            "  -l, --log FILE     count log (default: OUT's name with .count.log; none for -)\n"
            "      --no-log       do not write the count log\n"
            "  -t, --threads N    (de)compression threads (default: config annot_threads)\n");
}

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

int cmd_annotate(struct cfg *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},  {"output-type", required_argument, NULL, 'O'},
        {"sources", required_argument, NULL, 's'}, {"log", required_argument, NULL, 'l'},
        {"no-log", no_argument, NULL, 'N'},        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *sources = NULL, *log = NULL;
    int bgz = 0, nolog = 0, threads = (int)cfg_int(cfg, CFG_ANNOT_THREADS), c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:O:s:l:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'O':
            if (strcmp(optarg, "v") && strcmp(optarg, "z")) {
                fprintf(stderr, "gas annotate: -O takes v or z\n");
                return 2;
            }
            bgz = optarg[0] == 'z';
            break;
        case 's': sources = optarg; break;
        case 'l': log = optarg; break;
        case 'N': nolog = 1; break;
        case 't': threads = atoi(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1 || !out || threads < 0 || threads > 64) {
        usage(stderr);
        return 2;
    }
    const char *in = argv[optind];
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
