/* fuzz_annot: libFuzzer target for the annotation engine's input side. Each input is
 * written to a file and annotated with a small region + known source built once at
 * start; any crash, hang, leak or sanitizer report is a finding. The engine must return
 * an error for bad input, never misbehave. The sources are declared GRCh37, so that the
 * header's build evidence (##contig lengths, ##reference, tools' command lines) decides
 * between annotating and passing the records through. */
#include "gas/annot.h"
#include "gas/util.h"

#include <htslib/bgzf.h>
#include <htslib/tbx.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct annot_sources *src;
static char *in_path, *out_path;

static const char *KNOWN = "##fileformat=VCFv4.2\n"
                           "##INFO=<ID=AF,Number=A,Type=Float,Description=\"AF\">\n"
                           "##INFO=<ID=DB,Number=0,Type=Flag,Description=\"DB\">\n"
                           "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                           "1\t100\trs1\tA\tG\t.\t.\tAF=0.5;DB\n"
                           "1\t200\trs2\tCAT\tC,CATAT\t.\t.\tAF=0.1,0.2\n"
                           "2\t5\trs3\tT\t<DEL>\t.\t.\tAF=0.3\n";

static void setup(void)
{
    char tmpl[] = "/tmp/gas-fuzz-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        abort();
    char *k = xasprintf("%s/k.vcf.gz", dir), *b = xasprintf("%s/g.bed", dir);
    char *c = xasprintf("%s/s.conf", dir);
    BGZF *fp = bgzf_open(k, "w");
    if (!fp || bgzf_write(fp, KNOWN, strlen(KNOWN)) < 0 || bgzf_close(fp) < 0 ||
        tbx_index_build(k, 0, &tbx_conf_vcf) < 0)
        abort();
    FILE *f = fopen(b, "w");
    fputs("1\t0\t150\tGA\n1\t90\t300\tGB\n2\t0\t10\tGC\n", f);
    fclose(f);
    f = fopen(c, "w");
    fputs("build = GRCh37\n[g]\ntype = region\nfile = g.bed\nfield = GENE\n[k]\ntype = known\nfile "
          "= k.vcf.gz\n"
          "info = AF:KG_AF, DB:KG_DB\n",
          f);
    fclose(f);
    if (annot_sources_load(c, &src))
        abort();
    in_path = xasprintf("%s/in.vcf", dir);
    out_path = xasprintf("%s/out.vcf", dir);
    free(k);
    free(b);
    free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!src) {
        hts_set_log_level(HTS_LOG_OFF);
        setup();
    }
    FILE *f = fopen(in_path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    struct annot_opts o = {.in = in_path, .out = out_path, .max_line = 4096, .sources = src};
    struct annot_stats st;
    annot_run(&o, &st);
    return 0;
}
