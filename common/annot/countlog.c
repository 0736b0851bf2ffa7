/* annot countlog: GAS's <name>.vcf.count.log, written beside the result. */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static double pct(int64_t part, int64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* Which naming the input and the sources use, and whether they were matched through
 * aliases. */
static void naming(FILE *f, const struct annot_stats *st)
{
    int src = 0;
    for (int i = 0; i < st->nsources; i++)
        src |= st->source_styles[i];
    fprintf(f, "\ncontig names: input %s\n", contig_style_name(st->input_styles));
    for (int i = 0; i < st->nsources; i++)
        fprintf(f, "  source %-13s %s\n", st->source_name[i],
                contig_style_name(st->source_styles[i]));
    if (st->input_styles && src && (st->input_styles | src) != st->input_styles)
        fprintf(f, "  matched through aliases: chr1 = 1, chrX = X, chrM = chrMT = MT\n");
}

/* Records on contigs that no source knows. */
static void unknown_contigs(FILE *f, const struct annot_stats *st)
{
    int64_t recs = 0;
    int n = 0;
    for (int i = 0; i < st->ncontigs; i++)
        if (!st->contigs[i].sources) {
            recs += st->contigs[i].records;
            n++;
        }
    if (!n)
        return;
    fprintf(f, "  %lld record%s (%.2f%%) on %d contig%s that no source knows, so not annotated:",
            (long long)recs, recs == 1 ? "" : "s", pct(recs, st->records), n, n == 1 ? "" : "s");
    int shown = 0;
    for (int i = 0; i < st->ncontigs && shown < 10; i++)
        if (!st->contigs[i].sources)
            fprintf(f, "%s %s (%lld)", shown++ ? "," : "", st->contigs[i].name,
                    (long long)st->contigs[i].records);
    fprintf(f, "%s\n", n > shown ? ", ..." : "");
}

static void warnings(FILE *f, const struct annot_stats *st)
{
    int any = 0;
    for (int i = 0; i < st->ncontigs && !any; i++)
        any = !st->contigs[i].sources;
    if (!any || !st->nsources) {
        fprintf(f, "\nwarnings: none\n");
        return;
    }
    fprintf(f, "\nwarnings:\n");
    unknown_contigs(f, st);
}

int annot_write_count_log(const struct annot_stats *st, const char *input_name, const char *path)
{
    char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = gas_err_set(GAS_EIO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    fprintf(f, "GAS annotation count log\n");
    fprintf(f, "input: %s\n", input_name);
    fprintf(f, "total records: %lld\n", (long long)st->records);
    fprintf(f, "records in known sources: %lld (%.2f%%)\n", (long long)st->known,
            pct(st->known, st->records));
    fprintf(f, "\nhits per source (records annotated):\n");
    for (int i = 0; i < st->nsources; i++)
        fprintf(f, "  %-20s %lld (%.2f%%)\n", st->source_name[i], (long long)st->source_hits[i],
                pct(st->source_hits[i], st->records));
    fprintf(f, "\nvariant classes (ALT alleles: %lld):\n", (long long)st->alleles);
    const struct {
        const char *name;
        int64_t n;
    } cls[] = {{"SNV", st->snv},
               {"MNV", st->mnv},
               {"insertion", st->ins},
               {"deletion", st->del},
               {"other", st->other}};
    for (size_t i = 0; i < sizeof cls / sizeof *cls; i++)
        fprintf(f, "  %-20s %lld (%.2f%%)\n", cls[i].name, (long long)cls[i].n,
                pct(cls[i].n, st->alleles));
    fprintf(f, "\nrecords per chromosome:\n");
    for (int i = 0; i < st->ncontigs; i++)
        fprintf(f, "  %-20s %lld%s\n", st->contigs[i].name, (long long)st->contigs[i].records,
                st->nsources && !st->contigs[i].sources ? "   (no source has this contig)" : "");
    naming(f, st);
    fprintf(f, "\nelapsed: %.3f s\n", st->seconds);
    warnings(f, st);
    int rc = 0;
    if (fflush(f) || fsync(fileno(f)) || ferror(f))
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp, strerror(errno));
    if (fclose(f) && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp, strerror(errno));
    if (!rc && rename(tmp, path) < 0)
        rc = gas_err_set(GAS_EIO, "rename to %s: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}
