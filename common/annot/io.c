/* annot io: the input line reader (VCF text in any compression, or BCF turned into text)
 * and the output writer (plain or BGZF, into a temporary file renamed at the end). */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <htslib/hfile.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)

struct lreader {
    BGZF *bgzf;      /* text input */
    htsFile *hts;    /* BCF input */
    bcf_hdr_t *hdr;
    bcf1_t *rec;
    kstring_t hdr_text;
    size_t hdr_off;
    char *buf;       /* text: data read but not yet returned */
    size_t start, end, cap, max;
    int eof;
    int64_t lineno;
    kstring_t line;  /* BCF: the current record as text */
};

int64_t lreader_lineno(const struct lreader *r) { return r->lineno; }

int lreader_open(const char *path, size_t max, hts_tpool *pool, struct lreader **out)
{
    *out = NULL;
    hFILE *hf = hopen(path, "r");
    if (!hf)
        return gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "cannot open %s: %s", path,
                           strerror(errno));
    htsFormat fmt;
    if (hts_detect_format2(hf, path, &fmt) < 0) {
        hclose_abruptly(hf);
        return gas_err_set(GAS_EIO, "cannot read %s", path);
    }
    struct lreader *r = xcalloc(1, sizeof *r);
    r->max = max;
    if (fmt.format == bcf) {
        r->hts = hts_hopen(hf, path, "rb");
        r->hdr = r->hts ? bcf_hdr_read(r->hts) : NULL;
        if (!r->hdr) {
            lreader_close(r);
            return gas_err_set(GAS_EINVAL, "%s: unreadable BCF header", path);
        }
        if (pool) {
            htsThreadPool tp = {pool, 0};
            hts_set_opt(r->hts, HTS_OPT_THREAD_POOL, &tp);
        }
        r->rec = bcf_init();
        if (bcf_hdr_format(r->hdr, 0, &r->hdr_text) < 0) {
            lreader_close(r);
            return gas_err_set(GAS_EINVAL, "%s: unusable BCF header", path);
        }
        *out = r;
        return 0;
    }
    if (fmt.category != variant_data && fmt.category != unknown_category &&
        fmt.format != text_format) {
        const char *what = hts_format_description(&fmt);
        int rc = gas_err_set(GAS_EINVAL, "%s is %s, not VCF", path, what ? what : "binary data");
        free((char *)what);
        hclose_abruptly(hf);
        free(r);
        return rc;
    }
    r->bgzf = bgzf_hopen(hf, "r");
    if (!r->bgzf) {
        free(r);
        return gas_err_set(GAS_EIO, "cannot read %s", path);
    }
    if (pool && bgzf_compression(r->bgzf) == bgzf)
        bgzf_thread_pool(r->bgzf, pool, 0);
    r->cap = CHUNK + max + 1;
    r->buf = xmalloc(r->cap);
    *out = r;
    return 0;
}

static int next_bcf(struct lreader *r, char **line, size_t *len)
{
    if (r->hdr_off < r->hdr_text.l) { /* the header first, one line at a time */
        char *s = r->hdr_text.s + r->hdr_off;
        char *nl = memchr(s, '\n', r->hdr_text.l - r->hdr_off);
        size_t n = nl ? (size_t)(nl - s) : r->hdr_text.l - r->hdr_off;
        r->hdr_off += n + 1;
        s[n] = 0;
        *line = s;
        *len = n;
        r->lineno++;
        return 1;
    }
    int ret = bcf_read(r->hts, r->hdr, r->rec);
    if (ret == -1)
        return 0;
    if (ret < -1)
        return gas_err_set(GAS_EINVAL, "record %lld: corrupt BCF", (long long)r->lineno + 1);
    r->line.l = 0;
    if (vcf_format(r->hdr, r->rec, &r->line) < 0)
        return gas_err_set(GAS_EINVAL, "record %lld: cannot be written as VCF",
                           (long long)r->lineno + 1);
    if (r->line.l && r->line.s[r->line.l - 1] == '\n')
        r->line.s[--r->line.l] = 0;
    r->lineno++;
    *line = r->line.s;
    *len = r->line.l;
    return 1;
}

int lreader_next(struct lreader *r, char **line, size_t *len)
{
    if (r->hts)
        return next_bcf(r, line, len);
    for (;;) {
        char *s = r->buf + r->start;
        char *nl = memchr(s, '\n', r->end - r->start);
        if (nl || (r->eof && r->end > r->start)) {
            size_t n = nl ? (size_t)(nl - s) : r->end - r->start;
            r->start += n + (nl ? 1 : 0);
            r->lineno++;
            if (n > r->max)
                return gas_err_set(GAS_ETOOBIG, "line %lld: longer than %zu bytes",
                                   (long long)r->lineno, r->max);
            if (n && s[n - 1] == '\r')
                n--;
            s[n] = 0;
            *line = s;
            *len = n;
            return 1;
        }
        if (r->eof)
            return 0;
        if (r->end - r->start > r->max)
            return gas_err_set(GAS_ETOOBIG, "line %lld: longer than %zu bytes",
                               (long long)r->lineno + 1, r->max);
        /* move the partial line to the front and read more */
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
        ssize_t got = bgzf_read(r->bgzf, r->buf + r->end, r->cap - 1 - r->end);
        if (got < 0)
            return gas_err_set(GAS_EINVAL, "line %lld: the file is corrupt or truncated "
                                           "(decompression failed)",
                               (long long)r->lineno + 1);
        if (got == 0)
            r->eof = 1;
        r->end += (size_t)got;
    }
}

void lreader_close(struct lreader *r)
{
    if (!r)
        return;
    if (r->bgzf)
        bgzf_close(r->bgzf);
    if (r->rec)
        bcf_destroy(r->rec);
    if (r->hdr)
        bcf_hdr_destroy(r->hdr);
    if (r->hts)
        hts_close(r->hts);
    free(r->hdr_text.s);
    free(r->line.s);
    free(r->buf);
    free(r);
}

/* ------------------------------------------------------------------ output */

struct owriter {
    char *path, *tmp;
    int fd;
    BGZF *bgzf;
    char *buf;
    size_t len, cap;
    int err;
};

int owriter_open(const char *path, int use_bgzf, hts_tpool *pool, struct owriter **out)
{
    struct owriter *w = xcalloc(1, sizeof *w);
    w->fd = -1;
    w->cap = CHUNK;
    w->buf = xmalloc(w->cap);
    if (!strcmp(path, "-")) {
        w->fd = dup(1);
    } else {
        w->path = xstrdup(path);
        w->tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
        w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (w->fd < 0) {
        int rc = gas_err_set(GAS_EIO, "cannot create %s: %s", path, strerror(errno));
        owriter_finish(w, 0);
        *out = NULL;
        return rc;
    }
    if (use_bgzf) {
        w->bgzf = bgzf_dopen(w->fd, "w6");
        w->fd = -1;
        if (w->bgzf && pool)
            bgzf_thread_pool(w->bgzf, pool, 0);
    }
    *out = w;
    return 0;
}

static void flush(struct owriter *w)
{
    if (w->err || !w->len)
        return;
    if (w->bgzf) {
        if (bgzf_write(w->bgzf, w->buf, w->len) < 0)
            w->err = GAS_EIO;
    } else {
        for (size_t off = 0; off < w->len;) {
            ssize_t n = write(w->fd, w->buf + off, w->len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                w->err = GAS_EIO;
                break;
            }
            off += (size_t)n;
        }
    }
    w->len = 0;
}

void ow_add(struct owriter *w, const char *data, size_t n)
{
    if (w->len + n > w->cap) {
        flush(w);
        if (n > w->cap) {
            w->cap = n;
            w->buf = xrealloc(w->buf, w->cap);
        }
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

int owriter_finish(struct owriter *w, int ok)
{
    int rc = 0;
    if (ok)
        flush(w);
    if (w->err)
        rc = gas_err_set(GAS_EIO, "write %s: %s", w->path ? w->path : "stdout", strerror(errno));
    if (w->bgzf && bgzf_close(w->bgzf) < 0 && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: compression failed", w->path ? w->path : "stdout");
    if (w->fd >= 0 && close(w->fd) < 0 && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: %s", w->path ? w->path : "stdout", strerror(errno));
    if (w->tmp) {
        if (ok && !rc && rename(w->tmp, w->path) < 0)
            rc = gas_err_set(GAS_EIO, "rename to %s: %s", w->path, strerror(errno));
        if (!ok || rc)
            unlink(w->tmp);
    }
    free(w->path);
    free(w->tmp);
    free(w->buf);
    free(w);
    return rc;
}
