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
        fprintf(f, "  %-20s %lld\n", st->contigs[i].name, (long long)st->contigs[i].records);
    fprintf(f, "\nelapsed: %.3f s\n", st->seconds);
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
