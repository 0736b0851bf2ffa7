/* annot: the annotation engine on small files made here (sources bgzipped and indexed
 * with htslib), checked line by line against what a user must see. */
#include "../harness.h"

#include "../../common/annot/annot_internal.h"
#include "gas/annot.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <htslib/bgzf.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *KNOWN = "##fileformat=VCFv4.2\n"
                           "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele frequency\">\n"
                           "##INFO=<ID=VT,Number=1,Type=String,Description=\"Variant type\">\n"
                           "##INFO=<ID=DB,Number=0,Type=Flag,Description=\"In the database\">\n"
                           "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                           "1\t100\trs1\tA\tG\t.\t.\tAF=0.901957000;VT=SNP;DB\n"
                           "1\t200\trs2\tC\tT\t.\t.\tAF=0.25;VT=SNP\n"
                           "1\t200\trs3\tC\tA\t.\t.\tAF=0.5;VT=SNP\n"
                           "1\t300\trs4\tTAC\tT\t.\t.\tAF=0.125;VT=INDEL\n"
                           "1\t400\trs5;rs5b\tG\tGA,GT\t.\t.\tAF=0.1,0.2;VT=INDEL\n"
                           "2\t50\trs6\tT\tC\t.\t.\tAF=1e-05;VT=SNP\n";

static const char *GENES = "1\t90\t160\tGENEA\n"
                           "1\t95\t110\tGENEB\n"
                           "1\t99\t100\tGENEA\n"
                           "2\t0\t1000\tGENEC\n";

static const char *HDR = "##fileformat=VCFv4.2\n"
                         "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">\n"
                         "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";

static const char *RECORDS[] = {
    "1\t100\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1",   "1\t100\t.\tA\tG\t50\tPASS\tDP=11\tGT\t0/1",
    "1\t150\trsX\tC\tG\t.\t.\t.\tGT\t1/1",         "1\t200\t.\tC\tT,A\t.\t.\tDP=3\tGT\t1/2",
    "1\t300\t.\tTACACAC\tTACAC\t.\t.\t.\tGT\t0/1", "1\t400\t.\tG\tGT,GA\t.\t.\t.\tGT\t1/2",
    "2\t50\trs9\tT\tC\t.\t.\t.\tGT\t0/1",
};

static const char *EXPECTED[] = {
    "1\t100\trs1\tA\tG\t50\tPASS\tDP=10;GENE=GENEA,GENEB;KG_AF=0.901957000;KG_VT=SNP;KG_DB\tGT\t0/"
    "1",
    "1\t100\trs1\tA\tG\t50\tPASS\tDP=11;GENE=GENEA,GENEB;KG_AF=0.901957000;KG_VT=SNP;KG_DB\tGT\t0/"
    "1",
    "1\t150\trsX\tC\tG\t.\t.\tGENE=GENEA\tGT\t1/1",
    "1\t200\trs2;rs3\tC\tT,A\t.\t.\tDP=3;KG_AF=0.25,0.5;KG_VT=SNP,SNP\tGT\t1/2",
    "1\t300\trs4\tTACACAC\tTACAC\t.\t.\tKG_AF=0.125;KG_VT=INDEL\tGT\t0/1",
    "1\t400\trs5;rs5b\tG\tGT,GA\t.\t.\tKG_AF=0.2,0.1;KG_VT=INDEL,INDEL\tGT\t1/2",
    "2\t50\trs9;rs6\tT\tC\t.\t.\tGENE=GENEC;KG_AF=1e-05;KG_VT=SNP\tGT\t0/1",
};
#define NREC (int)(sizeof RECORDS / sizeof *RECORDS)

/* Writes text bgzipped to path and indexes it (preset 0 = VCF, else BED). */
static void bgzip_index(const char *path, const char *text, int bed)
{
    BGZF *fp = bgzf_open(path, "w");
    if (!fp || bgzf_write(fp, text, strlen(text)) < 0 || bgzf_close(fp) < 0)
        t_fail(__FILE__, __LINE__, "cannot write %s", path);
    if (tbx_index_build(path, 0, bed ? &tbx_conf_bed : &tbx_conf_vcf) < 0)
        t_fail(__FILE__, __LINE__, "cannot index %s", path);
}

static char *dir;

/* A fresh directory with known.vcf.gz, genes.bed.gz (genes_text) and sources.conf. */
static struct annot_sources *sources_with(const char *known_text, const char *genes_text)
{
    free(dir);
    dir = xstrdup(t_tmpdir());
    char *k = xasprintf("%s/known.vcf.gz", dir), *g = xasprintf("%s/genes.bed.gz", dir);
    char *c = xasprintf("%s/sources.conf", dir);
    bgzip_index(k, known_text, 0);
    bgzip_index(g, genes_text, 1);
    FILE *f = fopen(c, "w");
    fprintf(f, "# test sources\n[genes]\ntype = region\nfile = genes.bed.gz\nfield = GENE\n\n"
               "[kg]\ntype = known\nfile = known.vcf.gz\ninfo = AF:KG_AF, VT:KG_VT, DB:KG_DB\n");
    fclose(f);
    struct annot_sources *s = NULL;
    CHECK_OK(annot_sources_load(c, &s));
    free(k);
    free(g);
    free(c);
    return s;
}

static struct annot_sources *sources(const char *known_text)
{
    return sources_with(known_text, GENES);
}

/* text with "chr" before the CHROM of every data line (caller's). */
static char *with_chr(const char *text)
{
    struct strbuf sb;
    sb_init(&sb, 0);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (*p != '#')
            sb_adds(&sb, "chr");
        sb_add(&sb, p, n);
        p += n;
    }
    return sb_detach(&sb);
}

static char *input_text(const int *order, int n)
{
    struct strbuf sb;
    sb_init(&sb, 0);
    sb_adds(&sb, HDR);
    for (int i = 0; i < n; i++) {
        sb_adds(&sb, RECORDS[order ? order[i] : i]);
        sb_adds(&sb, "\n");
    }
    return sb_detach(&sb);
}

/* Runs the engine on text; returns the output (caller's) or NULL on error (rc set). */
static char *annotate(struct annot_sources *s, const char *text, int bgz, struct annot_stats *st,
                      int *rc, size_t max_line)
{
    const char *in = t_write_file("in.vcf", text, strlen(text));
    char *out = xasprintf("%s/out.vcf%s", dir, bgz ? ".gz" : "");
    struct annot_opts o = {.in = in,
                           .out = out,
                           .out_bgzf = bgz,
                           .threads = 1,
                           .max_line = max_line ? max_line : 1 << 20,
                           .sources = s};
    *rc = annot_run(&o, st);
    char *data = NULL;
    if (!*rc) {
        BGZF *fp = bgzf_open(out, "r");
        struct strbuf sb;
        sb_init(&sb, 0);
        char buf[4096];
        ssize_t n;
        while (fp && (n = bgzf_read(fp, buf, sizeof buf)) > 0)
            sb_add(&sb, buf, (size_t)n);
        if (fp)
            bgzf_close(fp);
        data = sb_detach(&sb);
    } else {
        CHECK(access(out, F_OK) != 0); /* a failed run leaves no output behind */
    }
    free(out);
    return data;
}

/* The data line of out that starts with "CHROM\tPOS\t" and has REF ref (caller's). */
static int count_lines(const char *out, const char *prefix)
{
    int n = 0;
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        n += !strncmp(p, prefix, strlen(prefix));
    return n;
}

static void check_records(const char *out, const int *order, int n)
{
    const char *p = strstr(out, "#CHROM");
    p = p ? strchr(p, '\n') + 1 : out;
    for (int i = 0; i < n; i++) {
        const char *want = EXPECTED[order ? order[i] : i];
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len != strlen(want) || strncmp(p, want, len))
            t_fail(__FILE__, __LINE__, "record %d:\n      got  %.*s\n      want %s", i, (int)len, p,
                   want);
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void annotates_like_a_user_expects(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *in = input_text(NULL, NREC);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    if (out) {
        check_records(out, NULL, NREC);
        CHECK(strstr(out, "##INFO=<ID=KG_AF,Number=A,Type=Float,Description=\"Allele frequency "
                          "(AF from GAS source kg)\">\n") != NULL);
        CHECK(strstr(out, "##INFO=<ID=KG_DB,Number=0,Type=Flag") != NULL);
        CHECK(strstr(out, "##INFO=<ID=GENE,Number=.,Type=String") != NULL);
        CHECK(strstr(out, "##INFO=<ID=DP,Number=1") != NULL);     /* the input's own header stays */
        CHECK(strstr(out, "\n#CHROM") > strstr(out, "ID=KG_DB")); /* new lines before #CHROM */
    }
    CHECK_INT(st.records, 7);
    CHECK_INT(st.known, 6);
    CHECK_INT(st.source_hits[0], 4); /* genes */
    CHECK_INT(st.source_hits[1], 6);
    CHECK_INT(st.snv, 6);
    CHECK_INT(st.del, 1);
    CHECK_INT(st.ins, 2);
    CHECK_INT(st.ncontigs, 2);
    CHECK_INT(st.contigs[0].records, 6);
    free(out);
    free(in);
    annot_sources_free(s);
}

static void reannotating_changes_nothing(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *in = input_text(NULL, NREC);
    struct annot_stats st;
    int rc;
    char *once = annotate(s, in, 0, &st, &rc, 0);
    char *twice = once ? annotate(s, once, 0, &st, &rc, 0) : NULL;
    CHECK_OK(rc);
    CHECK(once && twice && !strcmp(once, twice));
    free(once);
    free(twice);
    free(in);
    annot_sources_free(s);
}

static void unsorted_input_handled_through_the_index(void)
{
    struct annot_sources *s = sources(KNOWN);
    int order[] = {6, 3, 0, 5, 2, 1, 4}; /* contig 2 first, then positions back and forth */
    char *in = input_text(order, NREC);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    if (out)
        check_records(out, order, NREC); /* same annotation, input order kept */
    CHECK(st.unsorted >= 3);
    free(out);
    free(in);
    annot_sources_free(s);
}

static void contig_order_differs_from_source(void)
{
    /* the source lists contig 2 before contig 1 */
    const char *k2 = strstr(KNOWN, "2\t50");
    char *known = xasprintf("%.*s%s%.*s", (int)(strstr(KNOWN, "1\t100") - KNOWN), KNOWN, k2,
                            (int)(k2 - strstr(KNOWN, "1\t100")), strstr(KNOWN, "1\t100"));
    struct annot_sources *s = sources(known);
    char *in = input_text(NULL, NREC);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    if (out)
        check_records(out, NULL, NREC);
    free(out);
    free(in);
    free(known);
    annot_sources_free(s);
}

static void sparse_input_reads_through_the_index(void)
{
    struct strbuf k;
    sb_init(&k, 0);
    sb_adds(&k, "##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description=\"AF\">\n"
                "##INFO=<ID=VT,Number=1,Type=String,Description=\"VT\">\n"
                "##INFO=<ID=DB,Number=0,Type=Flag,Description=\"DB\">\n"
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
    for (int i = 1; i <= 20000; i++)
        sb_addf(&k, "1\t%d\trs%d\tA\tG\t.\t.\tAF=0.%d\n", i * 500, i, i);
    struct annot_sources *s = sources(k.buf);
    sb_release(&k);
    char *in =
        xasprintf("%s1\t1000\t.\tA\tG\t.\t.\t.\tGT\t0/1\n1\t4000000\t.\tA\tG\t.\t.\t.\tGT\t0/1\n"
                  "1\t9999500\t.\tA\tG\t.\t.\t.\tGT\t0/1\n1\t9999501\t.\tA\tG\t.\t.\t.\tGT\t0/1\n",
                  HDR);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK(out && strstr(out, "1\t1000\trs2\t"));
    CHECK(out && strstr(out, "1\t4000000\trs8000\tA\tG\t.\t.\tKG_AF=0.8000\t"));
    CHECK(out && strstr(out, "1\t9999500\trs19999\t"));
    CHECK(out && strstr(out, "1\t9999501\t.\tA\tG\t.\t.\t.\t"));
    CHECK(st.seeks >= 3); /* jumped ahead instead of reading the 10 Mb between */
    free(out);
    free(in);
    annot_sources_free(s);
}

static void bgzf_output_and_bcf_input(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *text = input_text(NULL, NREC);
    struct annot_stats st;
    int rc;
    char *plain = annotate(s, text, 0, &st, &rc, 0);
    char *bgz = annotate(s, text, 1, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK(plain && bgz && !strcmp(plain, bgz));
    /* the same records as BCF (htslib needs contig lines) */
    char *bcfpath = xasprintf("%s/in.bcf", dir);
    htsFile *fp = hts_open(bcfpath, "wb");
    bcf_hdr_t *h = bcf_hdr_init("w");
    kstring_t hs = {0, 0, NULL};
    ksprintf(&hs,
             "##fileformat=VCFv4.2\n##contig=<ID=1>\n##contig=<ID=2>\n"
             "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n%s",
             strchr(HDR, '\n') + 1);
    CHECK(bcf_hdr_parse(h, hs.s) == 0);
    CHECK(bcf_hdr_write(fp, h) == 0);
    bcf1_t *rec = bcf_init();
    for (int i = 0; i < NREC; i++) {
        kstring_t line = {0, 0, NULL};
        kputs(RECORDS[i], &line);
        CHECK(vcf_parse(&line, h, rec) == 0);
        CHECK(bcf_write(fp, h, rec) == 0);
        free(line.s);
    }
    bcf_destroy(rec);
    bcf_hdr_destroy(h);
    hts_close(fp);
    free(hs.s);
    char *out = xasprintf("%s/bcf.out.vcf", dir);
    struct annot_opts o = {
        .in = bcfpath, .out = out, .threads = 1, .max_line = 1 << 20, .sources = s};
    CHECK_OK(annot_run(&o, &st));
    char *data = NULL;
    size_t n;
    CHECK_OK(gas_read_file(out, 1 << 20, &data, &n));
    if (data)
        check_records(data, NULL, NREC);
    free(data);
    free(out);
    free(bcfpath);
    free(plain);
    free(bgz);
    free(text);
    annot_sources_free(s);
}

static void bad_input_names_the_line(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *longline = xmalloc(3000);
    memset(longline, 'A', 2999);
    longline[2999] = 0;
    char *toolong = xasprintf("%s1\t100\t.\tA\tG\t.\t.\tX=%s\n", HDR, longline);
    char *bad_pos = xasprintf("%s1\t1x0\t.\tA\tG\t.\t.\t.\n", HDR);
    char *few_cols = xasprintf("%s1\t100\t.\tA\tG\n", HDR);
    char *bad_ref = xasprintf("%s1\t100\t.\tA1\tG\t.\t.\t.\n", HDR);
    char *bad_alt = xasprintf("%s1\t100\t.\tA\tG,,T\t.\t.\t.\n", HDR);
    char *late_hdr = xasprintf("%s1\t100\t.\tA\tG\t.\t.\t.\n##INFO=<ID=X>\n", HDR);
    /* a real gzip stream of many records, cut off in the middle */
    struct strbuf big;
    sb_init(&big, 0);
    sb_adds(&big, HDR);
    for (int i = 1; i <= 20000; i++)
        sb_addf(&big, "1\t%d\t.\tA\tG\t.\t.\tDP=%d\tGT\t0/1\n", i, i * 7919 % 1000);
    char *gzpath = xasprintf("%s/full.vcf.gz", dir);
    BGZF *gz = bgzf_open(gzpath, "wg");
    CHECK(gz && bgzf_write(gz, big.buf, big.len) >= 0 && bgzf_close(gz) == 0);
    sb_release(&big);
    char *truncated = NULL;
    size_t truncated_len = 0;
    CHECK_OK(gas_read_file(gzpath, 1 << 24, &truncated, &truncated_len));
    truncated_len /= 2;
    free(gzpath);
    const struct {
        const char *text;
        size_t len;
        int rc;
        const char *want;
    } cases[] = {
        {"", 0, GAS_EINVAL, "empty input"},
        {"\x7f"
         "ELF\x02\x01\x01\x00\x00\x00\x00\x00",
         12, GAS_EINVAL, "line 1: "},
        {"1\t100\t.\tA\tG\t.\t.\t.\n", 18, GAS_EINVAL, "line 1: not a VCF file"},
        {"##fileformat=VCFv4.2\n1\t100\t.\tA\tG\t.\t.\t.\n", 0, GAS_EINVAL,
         "line 2: a record before the #CHROM header line"},
        {"##fileformat=VCFv4.2\n##x=y\n", 0, GAS_EINVAL, "no #CHROM header line"},
        {bad_pos, 0, GAS_EINVAL, "line 4: POS is not a non-negative integer"},
        {few_cols, 0, GAS_EINVAL, "line 4: expected at least 8 tab-separated columns, found 5"},
        {bad_ref, 0, GAS_EINVAL, "line 4: REF is empty or not bases"},
        {bad_alt, 0, GAS_EINVAL, "line 4: ALT has an empty or malformed allele"},
        {late_hdr, 0, GAS_EINVAL, "line 5: a header line after the records started"},
        {truncated, truncated_len, GAS_EINVAL, "corrupt or truncated"},
        {toolong, 0, GAS_ETOOBIG, "line 4: longer than 1024 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = t_write_file("bad.vcf", cases[i].text,
                                     cases[i].len ? cases[i].len : strlen(cases[i].text));
        char *out = xasprintf("%s/bad.out.vcf", dir);
        struct annot_opts o = {.in = p, .out = out, .max_line = 1024, .sources = s};
        struct annot_stats st;
        int rc = annot_run(&o, &st);
        if (rc != cases[i].rc || !strstr(gas_errmsg(), cases[i].want))
            t_fail(__FILE__, __LINE__, "case %zu: %s \"%s\", want %s \"%s\"", i, gas_err_name(rc),
                   gas_errmsg(), gas_err_name(cases[i].rc), cases[i].want);
        CHECK(access(out, F_OK) != 0);
        free(out);
    }
    free(truncated);
    free(longline);
    free(toolong);
    free(bad_pos);
    free(few_cols);
    free(bad_ref);
    free(bad_alt);
    free(late_hdr);
    annot_sources_free(s);
}

/* The line reader's buffer starts small and grows as lines need it: lines longer than
 * its start, a line of exactly the limit and short lines between, in plain text and
 * BGZF, come back whole and in order; one byte over the limit names its line. */
static void long_lines_grow_the_reader(void)
{
    const size_t max = 300000;
    const size_t lens[] = {10, 70000, 5, 200000, 1, max, 0, 131071, 131072, 7, 299999, 3};
    const int n = (int)(sizeof lens / sizeof *lens);
    struct strbuf sb;
    sb_init(&sb, 0);
    for (int i = 0; i < n; i++) {
        for (size_t k = 0; k < lens[i]; k++)
            sb_add(&sb, &"ACGT"[(k + (size_t)i) % 4], 1);
        sb_adds(&sb, "\n");
    }
    size_t tlen = sb.len;
    char *text = sb_detach(&sb);
    const char *plain = t_write_file("long.txt", text, tlen);
    char *gz = xasprintf("%s.gz", plain);
    BGZF *w = bgzf_open(gz, "w");
    CHECK(w && bgzf_write(w, text, tlen) == (ssize_t)tlen && bgzf_close(w) == 0);
    const char *paths[] = {plain, gz};
    for (int f = 0; f < 2; f++) {
        struct lreader *r = NULL;
        CHECK_OK(lreader_open(paths[f], max, &r));
        const char *at = text;
        char *line;
        size_t len;
        for (int i = 0; r && i < n; i++) {
            CHECK_INT(lreader_next(r, &line, &len), 1);
            CHECK_INT((long long)len, (long long)lens[i]);
            CHECK(len == lens[i] && memcmp(line, at, len) == 0);
            at += lens[i] + 1;
        }
        if (r) {
            CHECK_INT(lreader_next(r, &line, &len), 0);
            lreader_close(r);
        }
    }
    /* one over: an error naming the line (the 6th), not a short line or a crash */
    char *big = xmalloc(max + 2);
    memset(big, 'G', max + 1);
    big[max + 1] = '\n';
    sb_init(&sb, 0);
    sb_adds(&sb, "a\nbb\nc\ndd\ne\n");
    sb_add(&sb, big, max + 2);
    sb_adds(&sb, "f\n");
    tlen = sb.len;
    char *t2 = sb_detach(&sb);
    const char *p2 = t_write_file("over.txt", t2, tlen);
    struct lreader *r = NULL;
    CHECK_OK(lreader_open(p2, max, &r));
    char *line;
    size_t len;
    int got = 0, rc = -1;
    while (r && (rc = lreader_next(r, &line, &len)) == 1)
        got++;
    CHECK_INT(got, 5);
    CHECK_INT(rc, GAS_ETOOBIG);
    CHECK(strstr(gas_errmsg(), "line 6: longer than 300000 bytes") != NULL);
    if (r)
        lreader_close(r);
    free(t2);
    free(big);
    free(text);
    free(gz);
}

/* A record on a contig the ##contig lines leave out is annotated, and warned with its
 * line (bcftools warns and goes on; the job does not fail for it). */
static void undeclared_contig_warned(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *text = xasprintf("##fileformat=VCFv4.2\n##contig=<ID=1>\n%s1\t100\t.\tA\tG\t.\t.\t."
                           "\n3\t100\t.\tA\tG\t.\t.\t.\n3\t200\t.\tA\tG\t.\t.\t.\n",
                           strchr(HDR, '\n') + 1);
    const char *p = t_write_file("undeclared.vcf", text, strlen(text));
    char *out = xasprintf("%s/undeclared.out.vcf", dir);
    struct annot_opts o = {.in = p, .out = out, .max_line = 1024, .sources = s};
    struct annot_stats st;
    CHECK_OK(annot_run(&o, &st));
    CHECK_INT(st.records, 3);
    int found = 0;
    for (int i = 0; i < st.nwarnings; i++)
        found |= strstr(st.warnings[i], "2 records on 1 contig that the header's ##contig lines "
                                        "do not declare (first at line 6), annotated as the "
                                        "others: 3 (2)") != NULL;
    CHECK(found);
    free(out);
    free(text);
    annot_sources_free(s);
}

static void old_vcf_headers_pass_through(void)
{
    struct annot_sources *s = sources(KNOWN);
    const char *in = "##fileformat=VCFv3.3\n##INFO=DP,1,Integer,\"Total Depth\"\n"
                     "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                     "1\t100\t.\tA\tG\t-1\t0\tDP=5\n";
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK(out && strstr(out, "##INFO=DP,1,Integer,\"Total Depth\"\n"));
    CHECK(out &&
          strstr(out, "\n1\t100\trs1\tA\tG\t-1\t0\tDP=5;GENE=GENEA,GENEB;KG_AF=0.901957000"));
    free(out);
    annot_sources_free(s);
}

static void sources_file_errors_name_the_line(void)
{
    const struct {
        const char *text, *want;
    } cases[] = {
        {"[a]\ntype = region\nfile = x.bed\n", ":1: region source [a] has no field"},
        {"[a]\ntype = known\nfile = x.vcf\nid = true\n", ":1: known source [a] must be a bgzipped"},
        {"type = region\n", ":1: \"key = value\" before the first [source] section"},
        {"[a]\ntype = nearby\n", ":2: type must be region, known or genemodel"},
        {"[a]\ntype = region\nfile = g.bed\nfield = 9bad\n", ":4: field \"9bad\" is not a valid"},
        {"[a]\ntype = known\nfile = k.vcf.gz\ninfo = AF:X, AF:X\n",
         "INFO field X is written by two"},
        {"[a]\ncolour = blue\n", ":2: unknown key \"colour\""},
        {"# nothing\n", "no [source] sections"},
        {"[a\n", ":1: expected \"[name]\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *p = t_write_file("s.conf", cases[i].text, strlen(cases[i].text));
        struct annot_sources *s = NULL;
        int rc = annot_sources_load(p, &s);
        if (rc != GAS_EINVAL || !strstr(gas_errmsg(), cases[i].want) || !strstr(gas_errmsg(), p))
            t_fail(__FILE__, __LINE__, "case %zu: \"%s\" lacks \"%s\"", i, gas_errmsg(),
                   cases[i].want);
        annot_sources_free(s);
    }
}

static void missing_index_and_fields(void)
{
    free(dir);
    dir = xstrdup(t_tmpdir());
    char *k = xasprintf("%s/k.vcf.gz", dir), *c = xasprintf("%s/s.conf", dir);
    BGZF *fp = bgzf_open(k, "w");
    CHECK(bgzf_write(fp, KNOWN, strlen(KNOWN)) >= 0);
    bgzf_close(fp);
    FILE *f = fopen(c, "w");
    fprintf(f, "[kg]\ntype = known\nfile = k.vcf.gz\ninfo = AF\n");
    fclose(f);
    struct annot_sources *s = NULL;
    CHECK_OK(annot_sources_load(c, &s));
    char *in = input_text(NULL, 1);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_RC(rc, GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "has no index (.tbi or .csi): run tabix -p vcf") != NULL);
    free(out);
    annot_sources_free(s);
    CHECK(tbx_index_build(k, 0, &tbx_conf_vcf) == 0);
    f = fopen(c, "w");
    fprintf(f, "[kg]\ntype = known\nfile = k.vcf.gz\ninfo = NOPE\n");
    fclose(f);
    CHECK_OK(annot_sources_load(c, &s));
    out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_RC(rc, GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "INFO field NOPE is not in the header") != NULL);
    free(out);
    free(in);
    annot_sources_free(s);
    free(k);
    free(c);
}

static void gff_and_gtf_regions(void)
{
    free(dir);
    dir = xstrdup(t_tmpdir());
    const char *gff = "##gff-version 3\n"
                      "1\tsrc\tgene\t91\t160\t.\t+\t.\tID=g1;Name=ALPHA\n"
                      "1\tsrc\texon\t91\t100\t.\t+\t.\tID=e1;Name=ALPHA-exon1\n"
                      "1\tsrc\tgene\t101\t200\t.\t+\t.\tID=g2\n";
    const char *gtf = "1\tsrc\tgene\t100\t100\t.\t+\t.\tgene_id \"G1\"; gene_name \"BETA\";\n";
    char *g1 = xasprintf("%s/a.gff3", dir), *g2 = xasprintf("%s/b.gtf", dir);
    char *c = xasprintf("%s/s.conf", dir);
    FILE *f = fopen(g1, "w");
    fputs(gff, f);
    fclose(f);
    f = fopen(g2, "w");
    fputs(gtf, f);
    fclose(f);
    f = fopen(c, "w");
    fprintf(f, "[g]\ntype = region\nfile = a.gff3\nfield = GFF_GENE\nfeature = gene\n"
               "[t]\ntype = region\nfile = b.gtf\nfield = GTF_GENE\n");
    fclose(f);
    struct annot_sources *s = NULL;
    CHECK_OK(annot_sources_load(c, &s));
    char *in = input_text(NULL, 3);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    /* 1:100 is in gene ALPHA (91..160, 1-based) and in BETA (exactly 100..100) */
    CHECK(out && strstr(out, "1\t100\t.\tA\tG\t50\tPASS\tDP=10;GFF_GENE=ALPHA;GTF_GENE=BETA\t"));
    /* 1:150: ALPHA only; g2 has no Name and gives nothing; exons are filtered out */
    CHECK(out && strstr(out, "1\t150\trsX\tC\tG\t.\t.\tGFF_GENE=ALPHA\t"));
    free(out);
    free(in);
    free(g1);
    free(g2);
    free(c);
    annot_sources_free(s);
}

static void contig_canonical_names(void)
{
    static const char *same[][2] = {
        {"chr1", "1"},
        {"Chr22", "22"},
        {"chrX", "X"},
        {"chrx", "X"},
        {"chrM", "MT"},
        {"chrMT", "MT"},
        {"M", "chrM"},
        {"NC_000001.11", "chr1"},
        {"NC_000023.10", "X"},
        {"NC_012920.1", "chrM"},
        {"chr1_KI270706v1_random", "KI270706.1"},
        {"chrUn_gl000220", "GL000220.1"},
    };
    static const char *differ[][2] = {{"chr1", "11"}, {"chr2", "chr22"},    {"chr", "r"},
                                      {"MT", "T"},    {"hs37d5", "hs38d1"}, {"1_random", "1"}};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        if (!contig_same(same[i][0], same[i][1]))
            t_fail(__FILE__, __LINE__, "%s and %s should be one contig", same[i][0], same[i][1]);
    for (size_t i = 0; i < sizeof differ / sizeof *differ; i++)
        if (contig_same(differ[i][0], differ[i][1]))
            t_fail(__FILE__, __LINE__, "%s and %s should differ", differ[i][0], differ[i][1]);
    char c[CONTIG_CANON_MAX];
    contig_canon("chr7", 4, c, sizeof c);
    CHECK_STR(c, "7");
}

/* A record on "chr1" finds "1" in every source and the other way round; the count log
 * says which naming each side uses and warns about records on contigs no source has. */
static void contig_names_match_in_both_directions(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *in = input_text(NULL, NREC), *cin = with_chr(in);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, cin, 0, &st, &rc, 0);
    CHECK_OK(rc);
    char *want = NULL;
    for (int i = 0; i < NREC; i++) {
        free(want);
        want = xasprintf("\nchr%s\n", EXPECTED[i]);
        if (out && !strstr(out, want))
            t_fail(__FILE__, __LINE__, "chr input: no line %s", want + 1);
    }
    CHECK_INT(st.source_hits[0], 4);
    CHECK_INT(st.source_hits[1], 6);
    CHECK_INT(st.input_styles, 1);
    CHECK_INT(st.source_styles[0], 2);
    free(out);
    annot_sources_free(s);
    /* sources with "chr", input without */
    char *ck = with_chr(KNOWN), *cg = xasprintf("chr%s", GENES), *p;
    while ((p = strstr(cg, "\n1\t")) || (p = strstr(cg, "\n2\t"))) {
        char *t = xasprintf("%.*s\nchr%s", (int)(p - cg), cg, p + 1);
        free(cg);
        cg = t;
    }
    s = sources_with(ck, cg);
    out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    if (out)
        check_records(out, NULL, NREC);
    CHECK_INT(st.source_styles[0], 1);
    annot_sources_free(s);
    free(out);
    /* a contig no source has */
    s = sources(KNOWN);
    char *odd = xasprintf("%schrUn_x\t5\t.\tA\tG\t.\t.\t.\tGT\t0/1\n", cin);
    out = annotate(s, odd, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK_INT(st.ncontigs, 3);
    CHECK_INT(st.contigs[2].sources, 0);
    CHECK_INT(st.contigs[0].sources, 2);
    char *path = xasprintf("%s/c.vcf.count.log", dir), *log = NULL;
    size_t n;
    CHECK_OK(annot_write_count_log(&st, "c.vcf", path, 0));
    CHECK_OK(gas_read_file(path, 1 << 16, &log, &n));
    CHECK(log && strstr(log, "1 record (12.50%) on 1 contig that no source knows, so not "
                             "annotated: chrUn_x (1)\n"));
    CHECK(log && strstr(log, "contig names: input \"chr\" prefix"));
    CHECK(log && strstr(log, "matched through aliases"));
    free(log);
    free(path);
    free(odd);
    free(out);
    free(want);
    free(ck);
    free(cg);
    free(cin);
    free(in);
    annot_sources_free(s);
}

/* Runs the engine with a build override/default on header + RECORDS; the output. */
static char *annotate_build(struct annot_sources *s, const struct annot_catalog *cat,
                            const char *header, const char *build, const char *def,
                            struct annot_stats *st, int *rc)
{
    struct strbuf sb;
    sb_init(&sb, 0);
    sb_adds(&sb, header);
    for (int i = 0; i < NREC; i++) {
        sb_adds(&sb, RECORDS[i]);
        sb_adds(&sb, "\n");
    }
    const char *in = t_write_file("in.vcf", sb.buf, sb.len);
    sb_release(&sb);
    char *out = xasprintf("%s/out.vcf", dir), *data = NULL;
    struct annot_opts o = {.in = in,
                           .out = out,
                           .threads = 1,
                           .max_line = 1 << 20,
                           .sources = s,
                           .catalog = cat,
                           .build = build,
                           .build_origin = "job setting",
                           .default_build = def};
    size_t n;
    *rc = annot_run(&o, st);
    if (!*rc)
        CHECK_OK(gas_read_file(out, 1 << 20, &data, &n));
    free(out);
    return data;
}

#define H37                                                                                        \
    "##contig=<ID=1,length=249250621>\n##contig=<ID=2,length=243199373>\n"                         \
    "##contig=<ID=X,length=155270560>\n"
#define H38                                                                                        \
    "##contig=<ID=1,length=248956422,assembly=GRCh38>\n##contig=<ID=2,length=242193529>\n"         \
    "##contig=<ID=chrM,length=16569>\n"
#define HCOLS "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"

/* The build from ##contig lengths, from names, from nothing (the default), NCBI36 (no
 * sources: nothing annotated, records unchanged), and an override that wins. */
static void genome_build_detected_from_the_header(void)
{
    static const struct {
        const char *header, *build, *def, *want, *tag;
        int annotated, warnings;
    } cases[] = {
        {H37, NULL, NULL, "GRCh37", "header-contig-lengths", 1, 0},
        {H38, NULL, NULL, "GRCh38", "header-contig-lengths", 0, 0},
        {"##contig=<ID=1,length=248956422>\n##contig=<ID=2>\n##contig=<ID=chrX,length=156040895>\n",
         NULL, NULL, "GRCh38", "header-contig-lengths", 0, 0},
        {"##reference=file:///refs/hs37d5.fa.gz \n", NULL, NULL, "GRCh37", "header-name", 1, 0},
        {"##assembly=hg38\n", NULL, NULL, "GRCh38", "header-name", 0, 0},
        {"##reference=human_b36_both.fasta\n", NULL, NULL, "NCBI36", "header-name", 0, 0},
        {"##reference=1000GenomesPilot-NCBI36\n", NULL, NULL, "NCBI36", "header-name", 0, 0},
        {"##GATKCommandLine=<ID=HaplotypeCaller,CommandLine=\"HaplotypeCaller --reference "
         "/ref/Homo_sapiens_assembly38.fasta --output x.vcf\">\n",
         NULL, NULL, "GRCh38", "header-name", 0, 0},
        /* the header does not say: the build of the one sources file given wins over the
         * configured default (sources_chosen_by_build has the default) */
        {"##source=caller\n", NULL, NULL, "GRCh37", "sources", 1, 0},
        {"##source=caller\n", NULL, "GRCh38", "GRCh37", "sources", 1, 0},
        {H38, "GRCh37", NULL, "GRCh37", "override-job-setting", 1, 1},
        {H38, "hg19", NULL, "GRCh37", "override-job-setting", 1, 1},
        {"##reference=b36\n", "b37", NULL, "GRCh37", "override-job-setting", 1, 1},
        {H38 "##reference=hg19.fa\n", NULL, NULL, "GRCh38", "header-contig-lengths", 0, 1},
        {"##contig=<ID=1>\n##contig=<ID=2>\n##contig=<ID=chrUn_KI270302v1>\n", NULL, NULL, "GRCh38",
         "header-name", 0, 0},
        {"##contig=<ID=1>\n##contig=<ID=2>\n##contig=<ID=hs37d5>\n", NULL, NULL, "GRCh37",
         "header-name", 1, 0},
        {"##contig=<ID=1,length=248387328>\n##contig=<ID=2>\n", NULL, NULL, "T2T-CHM13",
         "header-contig-lengths", 0, 0},
        {"##contig=<ID=1,length=12345>\n##contig=<ID=2>\n", NULL, NULL, "GRCh37", "sources", 1, 1},
        /* a reference's file name says the build, whatever its directories say */
        {"##reference=file:///mnt/refs/GRCh37_and_GRCh38/GRCh38/hs38DH.fa\n", NULL, NULL, "GRCh38",
         "header-name", 0, 0},
        {"##reference=/data/liftover_hg19_to_hg38/ref/Homo_sapiens_assembly38.fasta\n", NULL, NULL,
         "GRCh38", "header-name", 0, 0},
        {"##reference=/refs/GRCh38/genome.fa\n", NULL, NULL, "GRCh38", "header-name", 0, 0},
        {"##reference=/ref/hs1.fa\n", NULL, NULL, "T2T-CHM13", "header-name", 0, 0},
    };
    struct annot_sources *s = sources(KNOWN);
    char *conf = xasprintf("%s/sources.conf", dir), *text = NULL;
    size_t n;
    CHECK_OK(gas_read_file(conf, 1 << 16, &text, &n));
    char *dated = xasprintf("build = GRCh37\n%s", text);
    annot_sources_free(s);
    char *p37 = xasprintf("%s/s37.conf", dir);
    FILE *f = fopen(p37, "w");
    fputs(dated, f);
    fclose(f);
    s = NULL;
    CHECK_OK(annot_sources_load(p37, &s)); /* a file declaring GRCh37: only for GRCh37 */
    for (size_t i = 0; s && i < sizeof cases / sizeof *cases; i++) {
        char *hdr = xasprintf("##fileformat=VCFv4.2\n%s" HCOLS, cases[i].header);
        struct annot_stats st;
        int rc;
        char *out = annotate_build(s, NULL, hdr, cases[i].build, cases[i].def, &st, &rc);
        if (rc || strcmp(st.build, cases[i].want) || strcmp(st.build_tag, cases[i].tag) ||
            st.annotated != cases[i].annotated ||
            (st.nwarnings - !st.annotated > 0) != cases[i].warnings)
            t_fail(__FILE__, __LINE__,
                   "case %zu: rc %d (%s) build %s (%s: %s) annotated %d warnings %d [%s]", i, rc,
                   rc ? gas_errmsg() : "", st.build, st.build_tag, st.build_how, st.annotated,
                   st.nwarnings, st.nwarnings ? st.warnings[0] : "");
        char *want = xasprintf("##GAS_annotation=<engine=gas,version=%s,build=%s,build_source=%s,",
                               ANNOT_ENGINE_VERSION, cases[i].want, cases[i].tag);
        CHECK(out && strstr(out, want));
        if (out && !cases[i].annotated) { /* every record exactly as it was */
            CHECK(strstr(out, "sources=none,annotated=no>\n" HCOLS));
            for (int r = 0; r < NREC; r++) {
                char *line = xasprintf("\n%s\n", RECORDS[r]);
                CHECK(strstr(out, line) != NULL);
                free(line);
            }
            CHECK(strstr(st.not_annotated_why, "no annotation sources for") != NULL);
            CHECK(strstr(st.warnings[st.nwarnings - 1], "NOT ANNOTATED: the input is ") != NULL);
        } else if (out) {
            check_records(out, NULL, NREC);
        }
        free(want);
        free(out);
        free(hdr);
    }
    struct annot_stats st;
    int rc;
    char *out = annotate_build(s, NULL, "##fileformat=VCFv4.2\n" HCOLS, "hg17", NULL, &st, &rc);
    CHECK_RC(rc, GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "unknown genome build \"hg17\"") != NULL);
    free(out);
    free(p37);
    free(dated);
    free(text);
    free(conf);
    annot_sources_free(s);
}

/* A directory with GRCh37/ and GRCh38/ sources: each input gets its build's. */
static void sources_chosen_by_build(void)
{
    annot_sources_free(sources(KNOWN)); /* dir with known.vcf.gz and genes.bed.gz */
    const char *genes38 = "chr1\t90\t160\tGENE38\n";
    char *d37 = xasprintf("%s/GRCh37", dir), *d38 = xasprintf("%s/GRCh38", dir);
    CHECK_OK(gas_mkdirs(d37, 0700));
    CHECK_OK(gas_mkdirs(d38, 0700));
    char *g38 = xasprintf("%s/genes38.bed.gz", d38);
    bgzip_index(g38, genes38, 1);
    char *c37 = xasprintf("%s/sources.conf", d37), *c38 = xasprintf("%s/sources.conf", d38);
    FILE *f = fopen(c37, "w");
    fprintf(f, "[genes]\ntype = region\nfile = ../genes.bed.gz\nfield = GENE\nversion = v37\n"
               "[kg]\ntype = known\nfile = ../known.vcf.gz\ninfo = AF:KG_AF, VT:KG_VT, DB:KG_DB\n");
    fclose(f);
    f = fopen(c38, "w");
    fprintf(f, "[genes]\ntype = region\nfile = genes38.bed.gz\nfield = GENE\nversion = v38\n");
    fclose(f);
    struct annot_catalog *cat = NULL;
    CHECK_OK(annot_catalog_load(NULL, dir, &cat));
    struct annot_stats st;
    int rc;
    char *out =
        cat ? annotate_build(NULL, cat, "##fileformat=VCFv4.2\n" H37 HCOLS, NULL, NULL, &st, &rc)
            : NULL;
    if (out)
        check_records(out, NULL, NREC);
    CHECK(out && strstr(out, "sources=genes:v37;kg:"));
    free(out);
    out = cat ? annotate_build(NULL, cat, "##fileformat=VCFv4.2\n" H38 HCOLS, NULL, NULL, &st, &rc)
              : NULL;
    CHECK(out && strstr(out, "\n1\t150\trsX\tC\tG\t.\t.\tGENE=GENE38\tGT\t1/1\n"));
    CHECK(out && strstr(out, "build=GRCh38,build_source=header-contig-lengths,sources=genes:v38,"
                             "annotated=yes>"));
    CHECK_STR(st.source_version[0], "v38");
    CHECK(strstr(st.sources_path, "/GRCh38/sources.conf") != NULL);
    free(out);
    /* the header does not say: the configured default */
    out = cat ? annotate_build(NULL, cat, "##fileformat=VCFv4.2\n" HCOLS, NULL, "GRCh38", &st, &rc)
              : NULL;
    CHECK_STR(st.build, "GRCh38");
    CHECK_STR(st.build_tag, "default");
    CHECK(out && strstr(out, "\n1\t150\trsX\tC\tG\t.\t.\tGENE=GENE38\tGT\t1/1\n"));
    free(out);
    /* NCBI36: no sources here */
    out = cat ? annotate_build(NULL, cat, "##fileformat=VCFv4.2\n##reference=hg18\n" HCOLS, NULL,
                               NULL, &st, &rc)
              : NULL;
    CHECK_INT(st.annotated, 0);
    CHECK(strstr(st.not_annotated_why, "(there are for GRCh37, GRCh38)") != NULL);
    char *path = xasprintf("%s/n.vcf.count.log", dir), *log = NULL;
    size_t n;
    CHECK_OK(annot_write_count_log(&st, "n.vcf", path, 0));
    CHECK_OK(gas_read_file(path, 1 << 16, &log, &n));
    CHECK(log && strstr(log, "genome build: NCBI36, from the header's ##reference=hg18\n"
                             "NOT ANNOTATED: there are no annotation sources for NCBI36"));
    free(log);
    free(path);
    free(out);
    annot_catalog_free(cat);
    /* a directory without per-build sources */
    CHECK_RC(annot_catalog_load(NULL, d38, &cat), GAS_ENOTFOUND);
    free(c37);
    free(c38);
    free(g38);
    free(d37);
    free(d38);
}

static void count_log_json(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *in = input_text(NULL, NREC);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    char *j = annot_count_log_json(&st, "x.vcf");
    cJSON *o = j ? cJSON_Parse(j) : NULL;
    CHECK(o != NULL);
    CHECK_STR(json_str(cJSON_GetObjectItem(o, "build"), "name"), "GRCh37");
    CHECK_STR(json_str(cJSON_GetObjectItem(o, "build"), "decided_by"), "default");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "annotated")));
    cJSON *top = cJSON_GetObjectItem(o, "top_genes");
    CHECK_INT(cJSON_GetArraySize(top), 3);
    CHECK_STR(json_str(cJSON_GetArrayItem(top, 0), "gene"), "GENEA");
    CHECK_INT(cJSON_GetObjectItem(cJSON_GetArrayItem(top, 0), "records")->valuedouble, 3);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "sources")), 2);
    /* the one warning: no build in the header, the default assumed */
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "warnings")), 1);
    cJSON_Delete(o);
    free(j);
    free(out);
    free(in);
    annot_sources_free(s);
}

/* Odd header lines are evidence, never errors: the build falls back to the default. */
static void odd_build_headers_are_harmless(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *longref = xmalloc(20001);
    memset(longref, 'a', 20000);
    longref[20000] = 0;
    memcpy(longref + 19990, "GRCh38", 6);
    const char *odd[] = {
        "##contig=<ID=1,length=>\n##contig=<ID=2,length=abc>\n",
        "##contig=<length=249250621>\n##contig=<ID=1,length=-249250621>\n##contig=<ID=2>\n",
        "##contig=<ID=1,length=249250621abc>\n##contig=<ID=2,length=99999999999999999999999>\n",
        "##contig=<ID=1,length=\"1\">\n##contig=<ID=2,,,length,=,>\n##contig=<\n",
        "##reference=\n##assembly\n##assembly=\n##reference=<>\n",
        "##GATKCommandLine=<ID=x,CommandLine=\"--reference \">\n##x=reference_sequence=\n",
        "##GATKCommandLine=<ID=x,CommandLine=\"--reference=/////\">\n",
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        char *hdr = xasprintf("##fileformat=VCFv4.2\n%s" HCOLS, odd[i]);
        struct annot_stats st;
        int rc;
        char *out = annotate_build(s, NULL, hdr, NULL, NULL, &st, &rc);
        if (rc || strcmp(st.build, "GRCh37") || strcmp(st.build_tag, "default"))
            t_fail(__FILE__, __LINE__, "odd header %zu: rc %d (%s) build %s %s", i, rc,
                   rc ? gas_errmsg() : "", st.build, st.build_tag);
        if (out)
            check_records(out, NULL, NREC);
        free(out);
        free(hdr);
    }
    /* a 20 kB ##reference line that names a build near its end */
    char *hdr = xasprintf("##fileformat=VCFv4.2\n##reference=%s\n" HCOLS, longref);
    struct annot_stats st;
    int rc;
    char *out = annotate_build(s, NULL, hdr, NULL, NULL, &st, &rc);
    CHECK_OK(rc);
    CHECK(st.build[0] != 0);
    free(out);
    free(hdr);
    free(longref);
    annot_sources_free(s);
}

/* A known source with nothing on the input's contigs says so (why 0% are known). */
static void known_source_elsewhere_warns(void)
{
    struct annot_sources *s = sources(KNOWN); /* known: contigs 1 and 2 */
    char *in = xasprintf("%s3\t5\t.\tA\tG\t.\t.\t.\tGT\t0/1\n", HDR);
    char *genes = xasprintf("%s3\t0\t10\tGENEX\n", GENES);
    annot_sources_free(s);
    s = sources_with(KNOWN, genes);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK_INT(st.nwarnings, 2); /* the first: no build in the header, the default assumed */
    CHECK(strstr(st.warnings[0], "the header does not say which genome build") != NULL);
    CHECK_STR(st.warnings[1], "known source kg has variants only on 1, 2: the 1 record on other "
                              "contigs could not be found in it");
    free(out);
    free(in);
    free(genes);
    annot_sources_free(s);
}

/* Every record on contigs no source knows (a bacterium's NC_000913.3): the first warning
 * says nothing was annotated (gas show's annotation_note is the first). */
static void nothing_annotated_warns_first(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *in = xasprintf("%sNC_000913.3\t1000\t.\tA\tG\t.\t.\t.\tGT\t0/1\n"
                         "NC_000913.3\t2000\t.\tC\tT\t.\t.\t.\tGT\t0/1\n",
                         HDR);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK(st.nwarnings >= 2);
    CHECK_STR(st.warnings[0], "nothing was annotated: none of the 2 records is on a contig the "
                              "GRCh37 sources know (a genome that is not human, or contigs named "
                              "as GAS does not know); 1 contig: NC_000913.3 (2)");
    free(out);
    free(in);
    annot_sources_free(s);
}

/* A known source that says where it has data (covers, as GAS's own partial kg) and has
 * none of the input's records there: the count log says so beside the known share, and
 * no warning (it would be on every job elsewhere, teaching users to skip warnings). */
static void known_partial_source_says_where_not_warns(void)
{
    char *genes = xasprintf("%s3\t0\t10\tGENEX\n", GENES); /* a gene on 3: known there */
    struct annot_sources *s = sources_with(KNOWN, genes);
    char *conf = xasprintf("%s/sources.conf", dir);
    FILE *f = fopen(conf, "a");
    fputs("covers = 1:100-400, 2:50-50\n", f);
    fclose(f);
    annot_sources_free(s);
    s = NULL;
    CHECK_OK(annot_sources_load(conf, &s));
    char *in = xasprintf("%s3\t5\t.\tA\tG\t.\t.\t.\tGT\t0/1\n", HDR);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK_INT(st.nwarnings, 1); /* only: no build in the header, the default assumed */
    CHECK(strstr(st.warnings[0], "the header does not say which genome build") != NULL);
    char *path = xasprintf("%s/p.vcf.count.log", dir), *log = NULL;
    size_t n;
    CHECK_OK(annot_write_count_log(&st, "p.vcf", path, 0));
    CHECK_OK(gas_read_file(path, 1 << 16, &log, &n));
    CHECK(log && strstr(log, "records in known sources: 0 (0.00%)\n"
                             "  kg covers only 1:100-400, 2:50-50: none of the variant records "
                             "is there\n"));
    CHECK(log && !strstr(log, "has variants only on"));
    free(log);
    free(path);
    free(out);
    free(in);
    free(conf);
    free(genes);
    annot_sources_free(s);
}

/* hg19's chrM (16,571 bp) is not the sources' rCRS MT: its records are left alone. */
static void hg19_chrM_not_annotated_from_rcrs(void)
{
    char *genes = xasprintf("%sMT\t0\t16569\tMT-GENE\n", GENES);
    struct annot_sources *s = sources_with(KNOWN, genes);
    const char *lens[] = {"16571", "16569"};
    for (int i = 0; i < 2; i++) {
        char *in =
            xasprintf("##fileformat=VCFv4.2\n##contig=<ID=1,length=249250621>\n"
                      "##contig=<ID=chrM,length=%s>\n" HCOLS "1\t150\t.\tC\tG\t.\t.\t.\tGT\t1/1\n"
                      "chrM\t100\t.\tA\tG\t.\t.\t.\tGT\t1/1\n",
                      lens[i]);
        struct annot_stats st;
        int rc;
        char *out = annotate(s, in, 0, &st, &rc, 0);
        CHECK_OK(rc);
        CHECK(out && strstr(out, "\n1\t150\t.\tC\tG\t.\t.\tGENE=GENEA\t"));
        CHECK(out && strstr(out, i == 0 ? "\nchrM\t100\t.\tA\tG\t.\t.\t.\t"
                                        : "\nchrM\t100\t.\tA\tG\t.\t.\tGENE=MT-GENE\t"));
        /* i == 0: hg19's chrM, said once (not also as "a contig no source knows");
         * i == 1: kg has nothing on chrM */
        CHECK_INT(st.nwarnings, 1);
        if (i == 0)
            CHECK(strstr(st.warnings[0], "hg19's mitochondrion") != NULL);
        free(out);
        free(in);
    }
    free(genes);
    annot_sources_free(s);
}

static void count_log(void)
{
    struct annot_sources *s = sources(KNOWN);
    char *in = input_text(NULL, NREC);
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    char *path = xasprintf("%s/x.vcf.count.log", dir), *log = NULL;
    size_t n;
    CHECK_OK(annot_write_count_log(&st, "x.vcf", path, 0));
    CHECK_OK(gas_read_file(path, 1 << 16, &log, &n));
    CHECK(log && strstr(log, "input: x.vcf\n"));
    CHECK(log && strstr(log, "total records: 7\n"));
    CHECK(log && strstr(log, "records in known sources: 6 (85.71%)\n"));
    CHECK(log && strstr(log, "  genes                4 (57.14%)\n"));
    CHECK(log && strstr(log, "  deletion             1 "));
    CHECK(log && strstr(log, "  1                    6\n  2                    1\n"));
    CHECK(count_lines(out, "1\t100\t") == 2);
    free(log);
    free(path);
    free(out);
    free(in);
    annot_sources_free(s);
}

/* ------------------------------------------------------------------ gene model */

static const char *MODEL =
    "#gas-genemodel\t1\tbuild=test\tgenes=5\tfrom=hand-made\n"
    "#chrom\tstart\tend\tstrand\tentrez\tsymbol\ttype\tcytoband\tomim\texons\n"
    "chr1\t100\t200\t+\t1\tPLUS\tprotein-coding\t1p1\t100001\t0-20,80-100\n"
    "chr1\t150\t1000\t-\t2\tMINUS\tncRNA\t1p2\t.\t0-50,800-850\n"
    "chr1\t5000\t6000\t+\t3\tFAR\tpseudo\t.\t.\t0-1000\n"
    "chrM\t10\t20\t+\t4\tMTG\trRNA\t.\t.\t0-10\n"
    "2\t0\t50\t-\t5\tTWO\tprotein-coding\t2q\t.\t0-50\n";

/* A directory with m.gz (text) and s.conf (a genemodel source with conf_extra). */
static struct annot_sources *model_sources(const char *text, const char *conf_extra)
{
    free(dir);
    dir = xstrdup(t_tmpdir());
    char *m = xasprintf("%s/m.gz", dir), *c = xasprintf("%s/s.conf", dir);
    BGZF *fp = bgzf_open(m, "w");
    CHECK(fp && bgzf_write(fp, text, strlen(text)) >= 0 && bgzf_close(fp) == 0);
    FILE *f = fopen(c, "w");
    fprintf(f, "[genes]\ntype = genemodel\nfile = m.gz\n%s", conf_extra);
    fclose(f);
    struct annot_sources *s = NULL;
    CHECK_OK(annot_sources_load(c, &s));
    free(m);
    free(c);
    return s;
}

static void gene_model_classes(void)
{
    struct annot_sources *s = model_sources(MODEL, "flank = 500\n");
    const char *in = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                     "1\t101\t.\tA\tG\t.\t.\tGENE=OLD;NEAREST_DIST=5;DP=3\n"
                     "1\t151\t.\tA\tG\t.\t.\t.\n"
                     "1\t500\t.\tA\tG\t.\t.\t.\n"
                     "1\t50\t.\tA\tG\t.\t.\t.\n"
                     "1\t1300\t.\tA\tG\t.\t.\t.\n"
                     "1\t3000\t.\tAC\tGT\t.\t.\t.\n"
                     "1\t3000\t.\tAC\tA\t.\t.\t.\n"
                     "1\t6100\t.\tA\tG\t.\t.\t.\n"
                     "1\t7001\t.\tA\tG\t.\t.\t.\n"
                     "1\t95\t.\tAAAAAAAAAA\tA\t.\t.\t.\n"
                     "MT\t15\t.\tA\tG\t.\t.\t.\n"
                     "chr2\t10\t.\tA\tG\t.\t.\t.\n"
                     "3\t10\t.\tA\tG\t.\t.\t.\n";
    const char *want[] = {
        /* exonic in PLUS; the old GENE and NEAREST_DIST are replaced, DP kept */
        "1\t101\t.\tA\tG\t.\t.\tDP=3;GENE=PLUS;GENE_ID=1;GENE_LOC=exonic;GENE_TYPE=protein-coding;"
        "CYTOBAND=1p1;OMIM=100001\n",
        /* PLUS's intron, MINUS's first exon: per gene, in order of gene start */
        "1\t151\t.\tA\tG\t.\t.\tGENE=PLUS,MINUS;GENE_ID=1,2;GENE_LOC=intronic,exonic;GENE_TYPE="
        "protein-coding,ncRNA;CYTOBAND=1p1,1p2;OMIM=100001,.\n",
        /* no OMIM field when no gene has one */
        "1\t500\t.\tA\tG\t.\t.\tGENE=MINUS;GENE_ID=2;GENE_LOC=intronic;GENE_TYPE=ncRNA;CYTOBAND="
        "1p2\n",
        /* 5' of a + gene: upstream; 51 bases from 1:101 */
        "1\t50\t.\tA\tG\t.\t.\tGENE_LOC=upstream;NEAREST_GENE=PLUS;NEAREST_DIST=51\n",
        /* 5' of a - gene (after its end): upstream */
        "1\t1300\t.\tA\tG\t.\t.\tGENE_LOC=upstream;NEAREST_GENE=MINUS;NEAREST_DIST=300\n",
        /* an MNV over 3000-3001, equally far from MINUS and FAR (2000 bases): the left
         * one; beyond flank */
        "1\t3000\t.\tAC\tGT\t.\t.\tGENE_LOC=intergenic;NEAREST_GENE=MINUS;NEAREST_DIST=2000\n",
        /* a deletion of 3001 (3000 its padding base): FAR is nearer */
        "1\t3000\t.\tAC\tA\t.\t.\tGENE_LOC=intergenic;NEAREST_GENE=FAR;NEAREST_DIST=2000\n",
        "1\t6100\t.\tA\tG\t.\t.\tGENE_LOC=downstream;NEAREST_GENE=FAR;NEAREST_DIST=100\n",
        "1\t7001\t.\tA\tG\t.\t.\tGENE_LOC=intergenic;NEAREST_GENE=FAR;NEAREST_DIST=1001\n",
        /* a deletion whose REF reaches into PLUS's exon */
        "1\t95\t.\tAAAAAAAAAA\tA\t.\t.\tGENE=PLUS;GENE_ID=1;GENE_LOC=exonic;GENE_TYPE=protein-"
        "coding;CYTOBAND=1p1;OMIM=100001\n",
        /* MT finds chrM, chr2 finds 2 */
        "MT\t15\t.\tA\tG\t.\t.\tGENE=MTG;GENE_ID=4;GENE_LOC=exonic;GENE_TYPE=rRNA\n",
        "chr2\t10\t.\tA\tG\t.\t.\tGENE=TWO;GENE_ID=5;GENE_LOC=exonic;GENE_TYPE=protein-coding;"
        "CYTOBAND=2q\n",
        /* a contig the model does not have: nothing */
        "3\t10\t.\tA\tG\t.\t.\t.\n",
    };
    struct annot_stats st;
    int rc;
    char *out = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    for (size_t i = 0; out && i < sizeof want / sizeof *want; i++)
        if (!strstr(out, want[i]))
            t_fail(__FILE__, __LINE__, "record %zu: want %s in\n%s", i, want[i], out);
    CHECK(out && strstr(out, "##INFO=<ID=GENE_LOC,Number=.,Type=String,Description=\"Location "
                             "class: per GENE exonic or intronic; for a record in no gene, "
                             "relative to NEAREST_GENE: upstream or downstream (within 500 bases"));
    CHECK(out && strstr(out, "##INFO=<ID=NEAREST_DIST,Number=1,Type=Integer,"));
    CHECK(out && count_lines(out, "##INFO=<ID=") == 9); /* with GENE_N */
    CHECK_INT(st.source_hits[0], 12);
    free(out);
    annot_sources_free(s);
}

/* gasd's runner threads keep their sources: the second run reuses the loaded gene model
 * and writes the same bytes as the first; a model file replaced since is loaded again. */
static void gene_model_kept_between_runs(void)
{
    struct annot_sources *s = model_sources(MODEL, "");
    const char *in = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                     "1\t101\t.\tA\tG\t.\t.\t.\n"
                     "chr2\t10\t.\tA\tG\t.\t.\t.\n";
    struct annot_stats st;
    int rc;
    char *first = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    char *second = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK(first && second && !strcmp(first, second));
    CHECK(first && strstr(first, "GENE=PLUS;"));
    /* the model file replaced (another inode, as build-sources writes it): PLUS renamed */
    char *m = xasprintf("%s/m.gz", dir), *tmp = xasprintf("%s/m.gz.new", dir);
    char *text = xstrdup(MODEL);
    char *plus = strstr(text, "PLUS");
    memcpy(plus, "PLUZ", 4);
    BGZF *fp = bgzf_open(tmp, "w");
    CHECK(fp && bgzf_write(fp, text, strlen(text)) >= 0 && bgzf_close(fp) == 0);
    CHECK(rename(tmp, m) == 0);
    char *third = annotate(s, in, 0, &st, &rc, 0);
    CHECK_OK(rc);
    CHECK(third && strstr(third, "GENE=PLUZ;") && !strstr(third, "GENE=PLUS;"));
    free(first);
    free(second);
    free(third);
    free(text);
    free(m);
    free(tmp);
    annot_sources_free(s);
}

static void gene_model_errors(void)
{
    const char *head = "#gas-genemodel\t1\tgenes=1\n";
    const struct {
        const char *body, *want;
    } cases[] = {
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\n", "line 2: expected 10 columns"},
        {"chr1\t10\t10\t+\t1\tA\tt\tc\to\t0-1\n", "line 2: expected 10 columns"},
        {"chr1\t0\t10\t*\t1\tA\tt\tc\to\t0-1\n", "line 2: expected 10 columns"},
        {"chr1\t0\t10\t+\tx1\tA\tt\tc\to\t0-1\n", "line 2: expected 10 columns"},
        {"chr1\t0\t10\t+\t1\tA,B\tt\tc\to\t0-1\n", "line 2: column 6 is empty or has a char"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to;x\t0-1\n", "line 2: column 9 is empty or has a char"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t0-11\n", "line 2: exons must be sorted"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t0-5,4-6\n", "line 2: exons must be sorted"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t5-5\n", "line 2: exons must be sorted"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t0-1,\n", "line 2: exons must be sorted"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t\n", "line 2: exons must be sorted"},
        {"chr1\t0\t99999999999\t+\t1\tA\tt\tc\to\t0-1\n", "line 2: expected 10 columns"},
        {"chr1\t5\t10\t+\t1\tA\tt\tc\to\t0-1\nchr1\t0\t10\t+\t2\tB\tt\tc\to\t0-1\n",
         "line 3: genes are not sorted by start"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t0-1\nchr2\t0\t10\t+\t2\tB\tt\tc\to\t0-1\n"
         "chr1\t20\t30\t+\t3\tC\tt\tc\to\t0-1\n",
         "line 4: contig chr1 comes back after other contigs"},
        {"", "0 genes, its header says 1"},
        {"chr1\t0\t10\t+\t1\tA\tt\tc\to\t0-1\nchr1\t0\t10\t+\t2\tB\tt\tc\to\t0-1\n",
         "2 genes, its header says 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = xasprintf("%s%s", head, cases[i].body);
        struct annot_sources *s = model_sources(text, "");
        struct annot_stats st;
        int rc;
        char *out = annotate(s,
                             "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\t"
                             "INFO\n1\t1\t.\tA\tG\t.\t.\t.\n",
                             0, &st, &rc, 0);
        if (rc == 0 || !strstr(gas_errmsg(), cases[i].want) || !strstr(gas_errmsg(), "m.gz"))
            t_fail(__FILE__, __LINE__, "case %zu: rc %d \"%s\" lacks \"%s\"", i, rc, gas_errmsg(),
                   cases[i].want);
        free(out);
        free(text);
        annot_sources_free(s);
    }
    const struct {
        const char *conf, *want;
    } conf[] = {
        {"flank = -1\n", ":4: flank must be 0..10000000 bases"},
        {"flank = 5k\n", ":4: flank must be 0..10000000 bases"},
        {"field = GENE\n", ":1: source [genes]: field is for region sources"},
        {"[g2]\ntype = genemodel\nfile = m.gz\n", "INFO field GENE is written by two sources"},
        {"[r]\ntype = region\nfile = r.bed\nfield = OMIM\n", "INFO field OMIM is written by two"},
    };
    for (size_t i = 0; i < sizeof conf / sizeof *conf; i++) {
        char *text = xasprintf("[genes]\ntype = genemodel\nfile = m.gz\n%s", conf[i].conf);
        const char *p = t_write_file("s.conf", text, strlen(text));
        struct annot_sources *s = NULL;
        int rc = annot_sources_load(p, &s);
        if (rc != GAS_EINVAL || !strstr(gas_errmsg(), conf[i].want))
            t_fail(__FILE__, __LINE__, "conf %zu: \"%s\" lacks \"%s\"", i, gas_errmsg(),
                   conf[i].want);
        annot_sources_free(s);
        free(text);
    }
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(annotates_like_a_user_expects),
        T(reannotating_changes_nothing),
        T(unsorted_input_handled_through_the_index),
        T(contig_order_differs_from_source),
        T(sparse_input_reads_through_the_index),
        T(bgzf_output_and_bcf_input),
        T(bad_input_names_the_line),
        T(long_lines_grow_the_reader),
        T(undeclared_contig_warned),
        T(old_vcf_headers_pass_through),
        T(sources_file_errors_name_the_line),
        T(missing_index_and_fields),
        T(gff_and_gtf_regions),
        T(count_log),
        T(contig_canonical_names),
        T(contig_names_match_in_both_directions),
        T(genome_build_detected_from_the_header),
        T(sources_chosen_by_build),
        T(count_log_json),
        T(odd_build_headers_are_harmless),
        T(hg19_chrM_not_annotated_from_rcrs),
        T(known_source_elsewhere_warns),
        T(known_partial_source_says_where_not_warns),
        T(nothing_annotated_warns_first),
        T(gene_model_classes),
        T(gene_model_kept_between_runs),
        T(gene_model_errors),
    };
    hts_set_log_level(HTS_LOG_OFF);
    int rc = t_main("annot", cases, sizeof cases / sizeof *cases, argc, argv);
    free(dir);
    return rc;
}
