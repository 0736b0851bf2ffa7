/* gas annotate: the annotation engine on files. */
#include "cli.h"
#include "commands.h"

#include "gas/annot.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <htslib/hts.h>
#include <pthread.h>
#include <signal.h>
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

/* Standard input read as a file would be: the build is decided from the records'
 * positions (the first 2,000) when the header is silent, which needs them read before the
 * run reads them again. A regular file on stdin is opened again by /proc/self/fd/0; a pipe
 * has its first STDIN_PREFIX bytes (or all of it) copied to a scratch file, unlinked at
 * once (nothing is left, however gas annotate ends), that the sampling reads; the run reads
 * the copy and then the rest of the pipe, fed by a thread through a pipe of its own. */
#define STDIN_PREFIX ((size_t)64 << 20)

struct stdin_feed {
    int copy, from, to; /* the scratch copy of the start; the pipe the run reads */
    int feeding;        /* a thread feeds to (and closes it) */
    int rc;             /* 0, or errno of a failed read or write */
    pthread_t thread;   /* feeding, when the pipe held more than the copy */
    char in[32], sample[32];
    char buf[1 << 16]; /* the thread's (a cancelled thread frees nothing) */
};

static int write_all_fd(int fd, const char *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return EIO;
        b += w, n -= (size_t)w;
    }
    return 0;
}

static void *feed(void *arg)
{
    struct stdin_feed *f = arg;
    sigset_t pipe_sig; /* the run stopped reading (a bad line): EPIPE here, not a kill */
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
    ssize_t n;
    int rc = 0;
    lseek(f->copy, 0, SEEK_SET);
    while (!rc && (n = read(f->copy, f->buf, sizeof f->buf)) > 0)
        rc = write_all_fd(f->to, f->buf, (size_t)n);
    while (!rc && ((n = read(0, f->buf, sizeof f->buf)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            rc = write_all_fd(f->to, f->buf, (size_t)n);
    f->rc = rc == EPIPE ? 0 : rc; /* the run's own error says why it stopped */
    close(f->to);
    return NULL;
}

/* 0 with f->in (what the run reads) and f->sample (what the sampling reads); or an errno. */
static int stdin_open(struct stdin_feed *f)
{
    struct stat sb;
    memset(f, 0, sizeof *f);
    f->copy = f->from = f->to = -1;
    if (fstat(0, &sb) == 0 && S_ISREG(sb.st_mode) && lseek(0, 0, SEEK_CUR) == 0) {
        snprintf(f->in, sizeof f->in, "-");
        snprintf(f->sample, sizeof f->sample, "/proc/self/fd/0");
        return 0;
    }
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    f->copy = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (f->copy < 0) {
        char *tmp = xasprintf("%s/gas-annotate-stdin.XXXXXX", dir);
        f->copy = mkostemp(tmp, O_CLOEXEC);
        if (f->copy >= 0)
            unlink(tmp);
        free(tmp);
        if (f->copy < 0)
            return errno;
    }
    size_t have = 0;
    ssize_t n = 0;
    int rc = 0;
    while (!rc && have < STDIN_PREFIX &&
           ((n = read(0, f->buf, sizeof f->buf)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            rc = write_all_fd(f->copy, f->buf, (size_t)n), have += (size_t)n;
    if (!rc && n < 0)
        rc = errno;
    if (rc)
        return rc;
    snprintf(f->sample, sizeof f->sample, "/proc/self/fd/%d", f->copy);
    if (have < STDIN_PREFIX) { /* all of it: the run reads the copy */
        snprintf(f->in, sizeof f->in, "/proc/self/fd/%d", f->copy);
        return 0;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return errno;
    f->from = p[0], f->to = p[1];
    snprintf(f->in, sizeof f->in, "/proc/self/fd/%d", p[0]);
    if (pthread_create(&f->thread, NULL, feed, f)) {
        close(p[0]);
        close(p[1]);
        return EAGAIN;
    }
    f->feeding = 1;
    return 0;
}

/* After the run: the feeding thread ended (the run's end of its pipe closed first, so that
 * a thread blocked on a full pipe gets EPIPE). */
static int stdin_close(struct stdin_feed *f, int failed)
{
    if (f->feeding) {
        close(f->from);
        if (failed) /* not waiting on the rest of a pipe (a terminal) nobody will read */
            pthread_cancel(f->thread);
        pthread_join(f->thread, NULL);
    }
    if (f->copy >= 0)
        close(f->copy);
    return f->rc;
}

/* msg with the feed's paths ("/proc/self/fd/N", longer than the name) named as what the
 * user gave: standard input. */
static void stdin_name(const struct stdin_feed *f, char *msg)
{
    const char *paths[] = {f->in, f->sample}, *name = "standard input";
    for (int i = 0; i < 2; i++) {
        size_t pl = strlen(paths[i]), nl = strlen(name);
        char *at;
        while (pl > nl && (at = strstr(msg, paths[i])) != NULL) {
            memmove(at + nl, at + pl, strlen(at + pl) + 1);
            memcpy(at, name, nl);
        }
    }
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
    if (build && annot_build_parse(build) < 0 && !annot_build_not_human(build)) {
        fprintf(stderr,
                "gas annotate: unknown genome build \"%s\" (GRCh37, GRCh38, NCBI36, "
                "T2T-CHM13, or hg19, hg38, b37, ...; none, or another species' assembly "
                "such as mm10, for an input that is not human)\n",
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
    struct stdin_feed feed = {.copy = -1, .from = -1, .to = -1};
    int from_stdin = !strcmp(in, "-"), frc = 0;
    if (!rc && from_stdin && (frc = stdin_open(&feed)) != 0) {
        fprintf(stderr, "gas annotate: standard input: cannot keep its start to read twice: %s\n",
                strerror(frc));
        stdin_close(&feed, 1);
        annot_catalog_free(cat);
        free(st);
        return 1;
    }
    if (!rc) {
        struct annot_opts o = {.in = from_stdin ? feed.in : in,
                               .sample_in = from_stdin ? feed.sample : NULL,
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
        if (from_stdin) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", gas_errmsg());
            frc = stdin_close(&feed, rc != 0);
            if (rc)
                stdin_name(&feed, msg), gas_err_set(rc, "%s", msg);
            else if (frc)
                rc = gas_err_set(GAS_EIO, "reading standard input: %s", strerror(frc));
        }
    }
    const char *base = strrchr(in, '/');
    if (!rc && !nolog && (log || (strcmp(out, "-") && !out_in_place))) {
        logpath = log ? xstrdup(log) : log_path_for(out);
        rc = annot_write_count_log(st, base ? base + 1 : in, logpath, 0);
    }
    if (!rc && json)
        rc = annot_write_count_log_json(st, base ? base + 1 : in, json, 0);
    if (rc && from_stdin && strstr(gas_errmsg(), "standard input"))
        fprintf(stderr, "gas annotate: %s\n", gas_errmsg());
    else if (rc)
        fprintf(stderr, "gas annotate: %s: %s\n", from_stdin ? "standard input" : in, gas_errmsg());
    else if (!st->annotated && !strcmp(st->build, ANNOT_NOT_HUMAN))
        fprintf(stderr, "gas annotate: %lld record%s NOT annotated: %s (the count log says more)\n",
                (long long)st->records, st->records == 1 ? "" : "s", st->not_annotated_why);
    else if (!st->annotated)
        fprintf(stderr,
                "gas annotate: %lld record%s NOT annotated: the input is %s (%s) and there are "
                "no sources for %s; --build B if %s is wrong (the count log says more)\n",
                (long long)st->records, st->records == 1 ? "" : "s", st->build, st->build_how,
                st->build, build ? "the build given" : "the header");
    else
        summary(st, logpath != NULL);
    annot_catalog_free(cat);
    free(st);
    free(logpath);
    return rc ? 1 : 0;
}
