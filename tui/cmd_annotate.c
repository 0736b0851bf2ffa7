/* gas annotate: the annotation engine on files. */
#include "cli.h"
#include "commands.h"

#include "gas/annot.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <htslib/hts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static double pct(int64_t part, int64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* For the person at the terminal: one line of what was found, the build and how; then the
 * first SUMMARY_WARNINGS warnings, one line each. */
#define SUMMARY_WARNINGS 3
static void summary(const struct annot_stats *st, int logged)
{
    int64_t in_genes = 0;
    for (int i = 0; i < st->nloc; i++)
        if (!strcmp(st->loc[i].name, "exonic") || !strcmp(st->loc[i].name, "intronic"))
            in_genes += st->loc[i].records;
    fprintf(stderr, "gas annotate: %lld record%s", (long long)st->records,
            st->records == 1 ? "" : "s");
    if (st->nloc)
        fprintf(stderr, ", %lld in genes (%.1f%%: exonic or intronic%s)", (long long)in_genes,
                pct(in_genes, st->records - st->ref_only),
                st->ref_only ? ", of the variant records" : "");
    int known_sources = 0;
    for (int i = 0; i < st->nsources; i++)
        known_sources += !strcmp(st->source_kind[i], "known");
    int64_t covered = 0, covered_hits = 0; /* partial sources: where they have data */
    int partial = 0;
    for (int i = 0; i < st->nsources; i++)
        if (st->source_covers[i][0])
            covered += st->source_covered[i], covered_hits += st->source_covered_hits[i], partial++;
    if (known_sources)
        fprintf(stderr, ", %lld in known sources (%.1f%%", (long long)st->known,
                pct(st->known, st->records));
    if (known_sources && covered)
        fprintf(stderr, "; %lld of the %lld where they have data", (long long)covered_hits,
                (long long)covered);
    else if (known_sources && partial && !st->known) /* why 0: said, not warned */
        fprintf(stderr, "; none where %s data",
                partial == 1 ? "the partial source has" : "the partial sources have");
    if (known_sources)
        fprintf(stderr, ")");
    else
        fprintf(stderr, ", no known-variant source for %s", st->build);
    fprintf(stderr, ", %.3f s; build %s, %s%s\n", st->seconds, st->build, st->build_how,
            !st->nwarnings ? ""
            : logged       ? "; warnings in the count log"
                           : "; warnings (no count log written: --log FILE keeps them)");
    /* the warnings themselves, the first few: a guessed build or a replaced INFO field is
     * what the person at the terminal must see without opening the log */
    for (int i = 0; i < st->nwarnings && i < SUMMARY_WARNINGS; i++) {
        char w[sizeof st->warnings[0]];
        snprintf(w, sizeof w, "%s", st->warnings[i]);
        fprintf(stderr, "gas annotate: warning: %s\n", gas_printable(w));
    }
    if (st->nwarnings > SUMMARY_WARNINGS)
        fprintf(stderr, "gas annotate: ... and %d more warning%s%s\n",
                st->nwarnings - SUMMARY_WARNINGS, st->nwarnings - SUMMARY_WARNINGS == 1 ? "" : "s",
                logged ? " in the count log" : "");
}

int cmd_annotate(struct cli *c)
{
    const struct cfg *cfg = c->cfg;
    const char *in = c->args[0], *out = cli_opt(c, "output"), *sources = cli_opt(c, "sources"),
               *log = cli_opt(c, "log"), *type = cli_opt(c, "output-type"),
               *threads_s = cli_opt(c, "threads"), *build = cli_opt(c, "build"),
               *json = cli_opt(c, "log-json");
    int nolog = cli_flag(c, "no-log"), threads = (int)cfg_int(cfg, CFG_ANNOT_THREADS);
    if (type && strcmp(type, "v") && strcmp(type, "z")) {
        fprintf(stderr, "gas annotate: --output-type takes v or z\n");
        return 2;
    }
    /* no -O: the output's name says (bcftools does the same since 1.15): .gz, .bgz bgzipped */
    size_t ol = out ? strlen(out) : 0;
    int gz_name =
        (ol > 3 && !strcmp(out + ol - 3, ".gz")) || (ol > 4 && !strcmp(out + ol - 4, ".bgz"));
    int bgz = type ? *type == 'z' : gz_name;
    if (type && out && strcmp(out, "-") && bgz != gz_name)
        fprintf(stderr, "gas annotate: warning: -O %s writes %s to %s, whose name says %s\n", type,
                bgz ? "bgzipped VCF" : "plain VCF", out, gz_name ? "compressed" : "plain text");
    char *end = NULL;
    if (threads_s &&
        ((threads = (int)strtol(threads_s, &end, 10)) < 0 || threads > 64 || !*threads_s || *end)) {
        fprintf(stderr, "gas annotate: --threads takes 0..64\n");
        return 2;
    }
    if (json && !strcmp(json, "-") && !strcmp(out, "-")) {
        fprintf(stderr, "gas annotate: --output - and --log-json - would both write to "
                        "standard output: give one of them a file\n");
        return 2;
    }
    struct stat si, so; /* -o the input itself (or a link to it): its data would be lost */
    if (strcmp(out, "-") && strcmp(in, "-") && stat(in, &si) == 0 && stat(out, &so) == 0 &&
        si.st_dev == so.st_dev && si.st_ino == so.st_ino && S_ISREG(si.st_mode)) {
        fprintf(stderr,
                "gas annotate: %s is the input: the output would replace it (give -o "
                "another file)\n",
                out);
        return 2;
    }
    if (build && annot_build_parse(build) < 0) {
        fprintf(stderr,
                "gas annotate: unknown genome build \"%s\" (GRCh37, GRCh38, NCBI36, "
                "T2T-CHM13, or hg19, hg38, b37, ...)\n",
                build);
        return 2;
    }
    if (!sources && *cfg_str(cfg, CFG_ANNOT_SOURCES))
        sources = cfg_str(cfg, CFG_ANNOT_SOURCES);
    struct annot_catalog *cat = NULL;
    int rc = annot_catalog_load(sources, cfg_str(cfg, CFG_ANNOT_SOURCES_DIR), &cat);
    if (rc && !sources && gas_err_class(rc) == GAS_CLASS_NOT_FOUND) {
        fprintf(stderr, "gas annotate: %s\n", gas_errmsg());
        return 2;
    }
    /* -o /dev/null or a FIFO: no count log beside it unless -l says where */
    int out_in_place = 0;
    if (strcmp(out, "-"))
        free(gas_out_path(out, &out_in_place));
    char *logpath = NULL;
    struct annot_stats *st = xcalloc(1, sizeof *st);
    if (!rc) {
        struct annot_opts o = {.in = in,
                               .out = out,
                               .out_bgzf = bgz,
                               .threads = threads,
                               .max_line = (size_t)cfg_int(cfg, CFG_MAX_LINE_BYTES),
                               .max_expanded = cfg_int(cfg, CFG_MAX_INPUT_EXPANDED_BYTES),
                               .min_free = cfg_int(cfg, CFG_MIN_FREE_BYTES),
                               .catalog = cat,
                               .build = build,
                               .build_origin = "command line",
                               .default_build = cfg_str(cfg, CFG_DEFAULT_BUILD)};
        hts_set_log_level(HTS_LOG_OFF); /* its "[E::...]" lines: the error below says it */
        rc = annot_run(&o, st);
    }
    const char *base = strrchr(in, '/');
    if (!rc && !nolog && (log || (strcmp(out, "-") && !out_in_place))) {
        logpath = log ? xstrdup(log) : log_path_for(out);
        rc = annot_write_count_log(st, base ? base + 1 : in, logpath);
    }
    if (!rc && json)
        rc = annot_write_count_log_json(st, base ? base + 1 : in, json);
    if (rc)
        fprintf(stderr, "gas annotate: %s: %s\n", in, gas_errmsg());
    else if (!st->annotated && !strcmp(st->build, ANNOT_NOT_HUMAN))
        fprintf(stderr, "gas annotate: %lld record%s NOT annotated: %s (the count log says more)\n",
                (long long)st->records, st->records == 1 ? "" : "s", st->not_annotated_why);
    else if (!st->annotated)
        fprintf(stderr,
                "gas annotate: %lld record%s NOT annotated: the input is %s (%s) and there are "
                "no sources for %s; --build B if the header is wrong (the count log says more)\n",
                (long long)st->records, st->records == 1 ? "" : "s", st->build, st->build_how,
                st->build);
    else
        summary(st, logpath != NULL);
    annot_catalog_free(cat);
    free(st);
    free(logpath);
    return rc ? 1 : 0;
}
