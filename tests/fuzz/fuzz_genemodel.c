/* fuzz_genemodel: libFuzzer target for the gene model parser (type = genemodel). Each input
 * is written as a gene model file (bgzipped) and a small VCF is annotated with it; the
 * input's first byte chooses whether the well-formed header line is put first (so that the
 * fuzzer reaches the gene lines, exon lists and queries). Any crash, hang, leak or
 * sanitizer report is a finding: a bad model must be an error, never misbehaviour. */
#include "gas/annot.h"
#include "gas/util.h"

#include <htslib/bgzf.h>
#include <htslib/hts_log.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct annot_sources *src;
static char *model_path, *in_path, *out_path;

static const char *INPUT = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                           "1\t1\t.\tA\tG\t.\t.\t.\n1\t101\t.\tACGT\tA\t.\t.\t.\n"
                           "1\t160\t.\tA\tG\t.\t.\t.\n1\t5000\t.\tA\tG\t.\t.\t.\n"
                           "chrM\t15\t.\tA\tG\t.\t.\t.\nMT\t3000\t.\tA\tG\t.\t.\t.\n"
                           "chr2\t10\t.\tA\tG\t.\t.\t.\n2\t2147483647\t.\tA\tG\t.\t.\t.\n";

static void setup(void)
{
    char tmpl[] = "/tmp/gas-fuzz-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        abort();
    char *c = xasprintf("%s/s.conf", dir);
    model_path = xasprintf("%s/m.gz", dir);
    in_path = xasprintf("%s/in.vcf", dir);
    out_path = xasprintf("%s/out.vcf", dir);
    FILE *f = fopen(c, "w");
    fputs("[genes]\ntype = genemodel\nfile = m.gz\nflank = 100\n", f);
    fclose(f);
    f = fopen(in_path, "w");
    fputs(INPUT, f);
    fclose(f);
    if (annot_sources_load(c, &src))
        abort();
    free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!src) {
        hts_set_log_level(HTS_LOG_OFF);
        setup();
    }
    BGZF *fp = bgzf_open(model_path, "w");
    if (!fp)
        abort();
    int with_header = size && data[0] & 1;
    if (size)
        data++, size--;
    const char *h = "#gas-genemodel\t1\tbuild=fuzz\tfrom=fuzz\n";
    if ((with_header && bgzf_write(fp, h, strlen(h)) < 0) || bgzf_write(fp, data, size) < 0 ||
        bgzf_close(fp) < 0)
        abort();
    struct annot_opts o = {.in = in_path, .out = out_path, .max_line = 4096, .sources = src};
    struct annot_stats st;
    annot_run(&o, &st);
    return 0;
}
