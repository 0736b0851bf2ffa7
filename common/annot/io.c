/* annot io: the input line reader (VCF text in any compression, or BCF turned into text)
 * and the output writer (plain or BGZF, into a temporary file renamed at the end). */
#include "annot_internal.h"

#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <htslib/hfile.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1 << 20)

/* The buffer starts at LB_START and doubles, up to chunk + max + 1, only as the input
 * needs it: when a refill filled all the room it had (more is coming: up to a chunk per
 * refill) or a line has not ended in it. A small job's input never costs the whole (5 MB
 * with the default max_line_bytes): allocating and trimming that much for each job was a
 * tenth of gasd's time on small jobs. */
#define LB_START (64u << 10)

void lb_init(struct linebuf *lb, BGZF *fp, size_t chunk, size_t max)
{
    memset(lb, 0, sizeof *lb);
    lb->fp = fp;
    lb->max = max;
    lb->chunk = chunk;
    lb->full = chunk + max + 1;
    lb->cap = lb->full < LB_START ? lb->full : LB_START;
    lb->buf = xmalloc(lb->cap);
}

/* Before a refill (the partial line at the front): more room when the last refill filled
 * what it had and there is less than a chunk, or when the partial line fills half. */
static void lb_grow(struct linebuf *lb)
{
    size_t room = lb->cap - 1 - lb->end;
    if (lb->cap >= lb->full || (room >= lb->cap / 2 && (!lb->filled || room >= lb->chunk)))
        return;
    lb->cap = lb->cap * 2 < lb->full ? lb->cap * 2 : lb->full;
    lb->buf = xrealloc(lb->buf, lb->cap);
}

void lb_release(struct linebuf *lb)
{
    free(lb->buf);
    lb->buf = NULL;
}

void lb_reset(struct linebuf *lb)
{
    lb->start = lb->end = 0;
    lb->eof = 0;
}

int lb_next(struct linebuf *lb, char **line, size_t *len)
{
    for (;;) {
        char *s = lb->buf + lb->start;
        char *nl = memchr(s, '\n', lb->end - lb->start);
        if (nl || (lb->eof && lb->end > lb->start)) {
            size_t n = nl ? (size_t)(nl - s) : lb->end - lb->start;
            lb->start += n + (nl ? 1 : 0);
            lb->lineno++;
            if (n > lb->max)
                return gas_err_set(GAS_ETOOBIG,
                                   "line %lld: longer than %zu bytes (the max_line_bytes setting)",
                                   (long long)lb->lineno, lb->max);
            if (n && s[n - 1] == '\r')
                n--;
            s[n] = 0;
            *line = s;
            *len = n;
            return 1;
        }
        if (lb->eof)
            return 0;
        if (lb->end - lb->start > lb->max)
            return gas_err_set(GAS_ETOOBIG,
                               "line %lld: longer than %zu bytes (the max_line_bytes setting)",
                               (long long)lb->lineno + 1, lb->max);
        /* move the partial line to the front and read more */
        memmove(lb->buf, lb->buf + lb->start, lb->end - lb->start);
        lb->end -= lb->start;
        lb->start = 0;
        lb_grow(lb);
        size_t room = lb->cap - 1 - lb->end;
        size_t want = room < lb->chunk ? room : lb->chunk;
        ssize_t got = bgzf_read(lb->fp, lb->buf + lb->end, want);
        if (got < 0 || (got == 0 && lb->fp->errcode)) { /* threads: a bad block can end as EOF */
            lb->bad_read = 1;
            return gas_err_set(GAS_EINVAL,
                               "line %lld: the file is corrupt or truncated "
                               "(decompression failed)",
                               (long long)lb->lineno + 1);
        }
        if (got == 0)
            lb->eof = 1;
        lb->filled = (size_t)got == want;
        lb->end += (size_t)got;
    }
}

struct lreader {
    struct linebuf lb; /* text input */
    htsFile *hts;      /* BCF input */
    bcf_hdr_t *hdr;
    bcf1_t *rec;
    kstring_t hdr_text;
    size_t hdr_off;
    int64_t lineno; /* BCF: records (and header lines) returned */
    kstring_t line; /* BCF: the current record as text */
    int64_t size;   /* of the file, or -1 (stdin, a pipe) */
    char *name;     /* the path opened */
    int no_eof;     /* a BGZF file without its end-of-file marker */
};

static int64_t file_size(const char *path)
{
    struct stat sb;
    if (!strcmp(path, "-") || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
        return -1;
    return (int64_t)sb.st_size;
}

int64_t lreader_lineno(const struct lreader *r)
{
    return r->hts ? r->lineno : r->lb.lineno;
}

int lreader_no_eof_marker(const struct lreader *r)
{
    return r->no_eof;
}

int lreader_large(const struct lreader *r)
{
    if (!r->hts && bgzf_compression(r->lb.fp) != bgzf)
        return 0; /* plain text, or gzip (one stream: no threads can help) */
    return r->size < 0 || r->size > (1 << 20);
}

void lreader_set_pool(struct lreader *r, hts_tpool *pool)
{
    if (r->hts) {
        htsThreadPool tp = {pool, 0};
        hts_set_opt(r->hts, HTS_OPT_THREAD_POOL, &tp);
    } else if (bgzf_compression(r->lb.fp) == bgzf) {
        bgzf_thread_pool(r->lb.fp, pool, 32);
    }
}

/* The line at which a compressed input file stops being readable: the first line not
 * whole before the bad data. The reader cannot tell: a failed read returns none of what it
 * read, and htslib's threaded reader gives up at a bad block before handing over all the
 * good ones before it, at a point that varies from run to run. So the file is read again,
 * on this thread, in small reads (only on this error path); -1 if it cannot be (stdin). */
static int64_t break_line(const struct lreader *r)
{
    if (r->size < 0)
        return -1;
    BGZF *fp = bgzf_open(r->name, "r");
    if (!fp)
        return -1;
    int64_t lines = 0;
    /* one compressed block at a time: every line of the blocks before the bad one counts
     * (a read of 64 KiB would lose the good blocks it spans, all of a small file's) */
    while (bgzf_read_block(fp) == 0 && fp->block_length > 0)
        for (const char *p = fp->uncompressed_block, *end = p + fp->block_length;
             (p = memchr(p, '\n', (size_t)(end - p))); p++)
            lines++;
    bgzf_close(fp);
    return lines + 1;
}

/* The error of a compressed input whose data stops being readable at line at. */
static int corrupt_at(int64_t at)
{
    if (at <= 1)
        return gas_err_set(GAS_EINVAL,
                           "line 1: the file is corrupt or truncated (decompression failed)");
    return gas_err_set(GAS_EINVAL,
                       "line %lld: the file is corrupt or truncated (decompression failed "
                       "after line %lld, the last whole one)",
                       (long long)at, (long long)at - 1);
}

int lreader_open(const char *path, size_t max, struct lreader **out)
{
    *out = NULL;
    struct stat sb;
    if (strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return gas_err_set(GAS_EINVAL, "%s is a directory, not a VCF file", path);
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
    r->name = xstrdup(path);
    if (fmt.format == bcf) {
        r->hts = hts_hopen(hf, path, "rb");
        r->hdr = r->hts ? bcf_hdr_read(r->hts) : NULL;
        if (!r->hdr) {
            lreader_close(r);
            return gas_err_set(GAS_EINVAL, "unreadable BCF header");
        }
        r->size = file_size(path);
        r->rec = bcf_init();
        if (bcf_hdr_format(r->hdr, 0, &r->hdr_text) < 0) {
            lreader_close(r);
            return gas_err_set(GAS_EINVAL, "%s: unusable BCF header", path);
        }
        *out = r;
        return 0;
    }
    static const struct {
        enum htsCompression c;
        const char *name, *cat;
    } other_compression[] = {{bzip2_compression, "bzip2", "bzcat"},
                             {xz_compression, "xz", "xzcat"},
                             {zstd_compression, "zstd", "zstdcat"}};
    for (size_t i = 0; i < sizeof other_compression / sizeof *other_compression; i++)
        if (fmt.compression == other_compression[i].c) {
            hclose_abruptly(hf);
            free(r->name);
            free(r);
            return gas_err_set(GAS_EINVAL,
                               "%s is %s-compressed: GAS reads VCF as plain text, gzip or "
                               "bgzip (.vcf.gz) and BCF; recompress it (%s FILE | bgzip > "
                               "FILE.vcf.gz)",
                               path, other_compression[i].name, other_compression[i].cat);
        }
    if (fmt.category != variant_data && fmt.category != unknown_category &&
        fmt.format != text_format) {
        const char *what = hts_format_description(&fmt);
        int rc = gas_err_set(GAS_EINVAL, "%s is %s, not VCF", path, what ? what : "binary data");
        free((char *)what);
        hclose_abruptly(hf);
        free(r->name);
        free(r);
        return rc;
    }
    BGZF *fp = bgzf_hopen(hf, "r");
    if (!fp) {
        free(r->name);
        free(r);
        return gas_err_set(GAS_EIO, "cannot read %s", path);
    }
    r->size = file_size(path);
    if (r->size >= 0 && bgzf_compression(fp) == bgzf)
        r->no_eof = bgzf_check_EOF(fp) == 0;
    lb_init(&r->lb, fp, CHUNK, max);
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
    int rc = lb_next(&r->lb, line, len);
    if (rc < 0 && r->lb.bad_read) { /* the refill lost the good lines it read: find them */
        int64_t brk = break_line(r);
        if (brk > r->lb.lineno + 1)
            rc = corrupt_at(brk);
    }
    return rc;
}

static void block_room(struct lblock *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    b->cap = (b->len + more + 1) * 3 / 2;
    b->text = xrealloc(b->text, b->cap);
}

static void block_fail(struct lblock *b, int rc)
{
    b->rc = rc;
    snprintf(b->msg, sizeof b->msg, "%s", gas_errmsg());
    b->end = 1;
}

static int64_t count_lines(const char *s, size_t n)
{
    int64_t c = 0;
    for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        c++;
    return c;
}

/* BCF: its records as text lines. */
static void bcf_block(struct lreader *r, struct lblock *b, size_t want)
{
    while (b->len < want) {
        char *line;
        size_t len;
        int rc = next_bcf(r, &line, &len);
        if (rc <= 0) {
            if (rc < 0)
                block_fail(b, rc);
            b->end = 1;
            return;
        }
        block_room(b, len + 1);
        memcpy(b->text + b->len, line, len);
        b->len += len;
        b->text[b->len++] = '\n';
        b->nlines++;
    }
}

/* The block ends after its whole lines (what follows cannot be read); returns the number
 * of the first line after them. */
static int64_t whole_lines_only(struct linebuf *lb, struct lblock *b, size_t last)
{
    b->len = last;
    b->nlines = count_lines(b->text, b->len);
    lb->lineno += b->nlines;
    return lb->lineno + 1;
}

static void too_long(struct linebuf *lb, struct lblock *b, size_t last)
{
    int64_t at = whole_lines_only(lb, b, last);
    block_fail(b, gas_err_set(GAS_ETOOBIG,
                              "line %lld: longer than %zu bytes (the max_line_bytes setting)",
                              (long long)at, lb->max));
}

void lreader_block(struct lreader *r, struct lblock *b, size_t want)
{
    b->len = 0;
    b->nlines = 0;
    b->end = b->no_newline = 0;
    b->rc = 0;
    b->msg[0] = 0;
    if (r->hts) {
        b->line0 = r->lineno;
        bcf_block(r, b, want);
        return;
    }
    struct linebuf *lb = &r->lb;
    b->line0 = lb->lineno;
    size_t carry = lb->end - lb->start; /* what lreader_next or the last block left */
    block_room(b, carry + want);
    memcpy(b->text, lb->buf + lb->start, carry);
    b->len = carry;
    lb->start = lb->end = 0;
    const char *nl = b->len ? memrchr(b->text, '\n', b->len) : NULL;
    size_t last = nl ? (size_t)(nl - b->text) + 1 : 0; /* bytes of whole lines */
    while (!lb->eof && (!last || b->len < want)) {
        if (b->len - last > lb->max) { /* the line after the whole ones is too long */
            too_long(lb, b, last);
            return;
        }
        size_t ask = want > b->len + lb->chunk ? want - b->len : lb->chunk;
        block_room(b, ask);
        ssize_t got = bgzf_read(lb->fp, b->text + b->len, ask);
        /* with threads (htslib 1.16), a block that cannot be read or inflated can end the
         * input as if at its end: the reader's error code says it was not */
        if (got < 0 || (got == 0 && lb->fp->errcode)) {
            int64_t at = whole_lines_only(lb, b, last), brk = break_line(r);
            block_fail(b, corrupt_at(brk > at ? brk : at));
            return;
        }
        if (got == 0) {
            lb->eof = 1;
            break;
        }
        nl = memrchr(b->text + b->len, '\n', (size_t)got);
        b->len += (size_t)got;
        if (nl)
            last = (size_t)(nl - b->text) + 1;
    }
    if (lb->eof) {
        if (b->len > last) { /* a last line without its newline */
            if (b->len - last > lb->max) {
                too_long(lb, b, last);
                return;
            }
            block_room(b, 1);
            b->text[b->len++] = '\n';
            b->no_newline = 1;
        }
        b->end = 1;
    } else { /* the partial last line waits for the next block */
        if (b->len - last + 1 > lb->cap) {
            lb->cap = b->len - last + 1;
            lb->buf = xrealloc(lb->buf, lb->cap);
        }
        memcpy(lb->buf, b->text + last, b->len - last);
        lb->end = b->len - last;
        b->len = last;
    }
    b->nlines = count_lines(b->text, b->len);
    lb->lineno += b->nlines;
}

void lreader_close(struct lreader *r)
{
    if (!r)
        return;
    if (r->lb.fp)
        bgzf_close(r->lb.fp);
    lb_release(&r->lb);
    if (r->rec)
        bcf_destroy(r->rec);
    if (r->hdr)
        bcf_hdr_destroy(r->hdr);
    if (r->hts)
        hts_close(r->hts);
    free(r->hdr_text.s);
    free(r->line.s);
    free(r->name);
    free(r);
}

/* ------------------------------------------------------------------ output
 *
 * Threads: the annotating thread fills one of NBUF buffers while a writer thread writes
 * (or BGZF-compresses) the full ones, so that write(2) and compression never stall the
 * record loop. The mutex guards head/count/done/err; a buffer being filled belongs to
 * the producer, a queued one to the writer. Finishing queues the last buffer, sets done,
 * and joins the writer, which drains the queue first.
 *
 * Large plain outputs bypass the page cache: once DIRECT_AFTER bytes are written (whole
 * aligned buffers), the file is switched to O_DIRECT. Filling the page cache with a
 * 500 MB result cost about 1.5 s of system time here against 0.1 s for direct writes,
 * and gasd syncs the file anyway. A file system that refuses O_DIRECT keeps buffered
 * writes; the last, partial buffer is always written buffered. */

#define NBUF         4
#define DIRECT_ALIGN 4096
#define DIRECT_AFTER (8u << 20)

struct owriter {
    char *path, *tmp;
    int fresh;  /* path made here, in place: removed when the run fails */
    char *name; /* for messages: the path as given ("stdout" for -) */
    int fd;
    BGZF *bgzf;
    char *bufs[NBUF];
    size_t lens[NBUF], cap;
    int head, count, fill; /* queued: head .. head+count-1; being filled: fill */
    int done, err, started;
    int no_thread;   /* the writer thread could not be started: the caller writes */
    int why;         /* errno of the failed write */
    int direct;      /* 1: O_DIRECT on, -1: refused or not wanted, 0: not yet */
    int64_t written; /* bytes written to fd */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv_queued, cv_freed;
};

/* Switches O_DIRECT on once the output is large (whole aligned buffers so far), and off
 * for a buffer of a length it cannot take. */
static void set_direct(struct owriter *w, size_t len)
{
    int aligned = len % DIRECT_ALIGN == 0 && w->written % DIRECT_ALIGN == 0;
    if (w->direct == 0 && aligned && w->written >= (int64_t)DIRECT_AFTER) {
        int fl = fcntl(w->fd, F_GETFL);
        w->direct = fl >= 0 && fcntl(w->fd, F_SETFL, fl | O_DIRECT) == 0 ? 1 : -1;
    } else if (w->direct == 1 && !aligned) {
        int fl = fcntl(w->fd, F_GETFL);
        if (fl >= 0)
            fcntl(w->fd, F_SETFL, fl & ~O_DIRECT);
        w->direct = -1;
    }
}

/* Writes a buffer; on failure keeps the system's reason in w->why (the writer thread's
 * errno, which the thread reporting it cannot see). */
static int write_all(struct owriter *w, const char *buf, size_t len)
{
    if (w->bgzf) {
        if (bgzf_write(w->bgzf, buf, len) >= 0)
            return 0;
        w->why = errno ? errno : EIO;
        return GAS_EIO;
    }
    set_direct(w, len);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(w->fd, buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EINVAL && w->direct == 1) { /* refused after all: buffered */
            int fl = fcntl(w->fd, F_GETFL);
            if (fl >= 0 && fcntl(w->fd, F_SETFL, fl & ~O_DIRECT) == 0) {
                w->direct = -1;
                continue;
            }
        }
        if (n <= 0) {
            w->why = n < 0 ? errno : ENOSPC; /* 0 bytes written: no room */
            return GAS_EIO;
        }
        off += (size_t)n;
        w->written += n;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct owriter *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->count == 0 && !w->done)
            pthread_cond_wait(&w->cv_queued, &w->mu);
        if (w->count == 0)
            break;
        int b = w->head, failed = w->err;
        pthread_mutex_unlock(&w->mu);
        int rc = failed ? 0 : write_all(w, w->bufs[b], w->lens[b]);
        pthread_mutex_lock(&w->mu);
        if (rc && !w->err)
            w->err = rc;
        w->head = (w->head + 1) % NBUF;
        w->count--;
        pthread_cond_signal(&w->cv_freed);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int owriter_open(const char *path, int use_bgzf, hts_tpool *pool, int thread, int fresh,
                 struct owriter **out)
{
    struct owriter *w = xcalloc(1, sizeof *w);
    w->no_thread = !thread;
    w->fd = -1;
    w->cap = CHUNK;
    w->bufs[0] = xmalloc_aligned(DIRECT_ALIGN, w->cap); /* the others when needed */
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv_queued, NULL);
    pthread_cond_init(&w->cv_freed, NULL);
    w->name = xstrdup(strcmp(path, "-") ? path : "stdout");
    if (!strcmp(path, "-")) {
        w->fd = dup(1);
        w->direct = -1; /* a pipe or the caller's file: as it is */
    } else if (fresh) { /* a new name in the caller's own directory: nothing to replace */
        w->fd = gas_open_tmp(path, 0600);
        w->path = xstrdup(path);
        w->fresh = w->fd >= 0;
    } else {
        int in_place = 0;
        char *dst = gas_out_path(path, &in_place);
        if (!dst) { /* its reason copied first: gas_err_set formats into the same buffer */
            char why[512];
            snprintf(why, sizeof why, "%s", gas_errmsg());
            int rc = gas_err_set(GAS_EIO, "cannot create %s: %s", path, why);
            owriter_finish(w, 0);
            *out = NULL;
            return rc;
        }
        if (in_place) { /* /dev/null, a FIFO: written as it is, never replaced */
            w->fd = open(dst, O_WRONLY | O_CLOEXEC);
            w->direct = -1;
            free(dst);
        } else { /* beside the file (a symlink's target), renamed over it at the end */
            w->path = dst;
            w->tmp = xasprintf("%s.tmp.%d", dst, (int)getpid());
            w->fd = gas_open_tmp(w->tmp, 0666); /* the umask decides, as for any new file */
        }
    }
    if (w->fd < 0) {
        int rc = gas_err_set(GAS_EIO, "cannot create %s: %s", path, strerror(errno));
        owriter_finish(w, 0);
        *out = NULL;
        return rc;
    }
    if (use_bgzf) {
        w->direct = -1;
        w->bgzf = bgzf_dopen(w->fd, "w6");
        w->fd = -1;
        if (w->bgzf && pool)
            bgzf_thread_pool(w->bgzf, pool, 0);
    }
    *out = w;
    return 0;
}

/* Hands the buffer being filled to the writer and takes a free one. The writer thread is
 * started with the first full buffer: an output of less than one (a small job's) is
 * written by the calling thread at the end. */
static void queue_fill(struct owriter *w, int last)
{
    if (!w->lens[w->fill])
        return;
    if (!w->started && !last && !w->no_thread) {
        if (pthread_create(&w->th, NULL, writer_main, w) == 0)
            w->started = 1;
        else
            w->no_thread = 1;
    }
    if (!w->started) { /* no thread: write here */
        if (!w->err)
            w->err = write_all(w, w->bufs[w->fill], w->lens[w->fill]);
        w->lens[w->fill] = 0;
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->count++;
    pthread_cond_signal(&w->cv_queued);
    while (w->count == NBUF)
        pthread_cond_wait(&w->cv_freed, &w->mu);
    w->fill = (w->head + w->count) % NBUF;
    pthread_mutex_unlock(&w->mu);
    if (!w->bufs[w->fill])
        w->bufs[w->fill] = xmalloc_aligned(DIRECT_ALIGN, w->cap);
    w->lens[w->fill] = 0;
}

void ow_add(struct owriter *w, const char *data, size_t n)
{
    while (n) {
        size_t room = w->cap - w->lens[w->fill];
        size_t k = n < room ? n : room;
        memcpy(w->bufs[w->fill] + w->lens[w->fill], data, k);
        w->lens[w->fill] += k;
        data += k;
        n -= k;
        if (w->lens[w->fill] == w->cap)
            queue_fill(w, 0);
    }
}

int owriter_finish(struct owriter *w, int ok)
{
    int rc = 0;
    if (ok)
        queue_fill(w, 1);
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        if (!ok)
            w->err = GAS_EIO; /* drop what is queued */
        w->done = 1;
        pthread_cond_signal(&w->cv_queued);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->th, NULL);
    }
    if (ok && w->err)
        rc = gas_err_set(GAS_EIO, "write %s: %s", w->name, strerror(w->why ? w->why : EIO));
    if (w->bgzf && bgzf_close(w->bgzf) < 0 && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: compression failed", w->name);
    if (w->fd >= 0 && close(w->fd) < 0 && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: %s", w->name, strerror(errno));
    if (w->fresh && (!ok || rc))
        unlink(w->path);
    if (w->tmp) {
        if (ok && !rc && rename(w->tmp, w->path) < 0)
            rc = gas_err_set(GAS_EIO, "rename to %s: %s", w->path, strerror(errno));
        if (!ok || rc)
            unlink(w->tmp);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv_queued);
    pthread_cond_destroy(&w->cv_freed);
    for (int i = 0; i < NBUF; i++)
        free(w->bufs[i]);
    free(w->path);
    free(w->tmp);
    free(w->name);
    free(w);
    return rc;
}

int annot_input_check(const char *path, size_t max_line)
{
    struct lreader *r = NULL;
    int rc = lreader_open(path, max_line, &r);
    if (rc)
        return rc;
    char *line = NULL;
    size_t len = 0;
    int got = lreader_next(r, &line, &len);
    if (got < 0) {
        rc = got;
    } else if (got == 0) {
        rc = gas_err_set(GAS_EINVAL, "%s is empty once decompressed: not a VCF file", path);
    } else {
        if (len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) /* a UTF-8 BOM, as the engine */
            line += 3, len -= 3;
        if (len >= 4 && !memcmp(line, "PK\3\4", 4))
            rc = gas_err_set(GAS_EINVAL, "%s is a zip archive, not a VCF file: unzip it", path);
        else if (len < 16 || memcmp(line, "##fileformat=VCF", 16))
            rc = gas_err_set(GAS_EINVAL,
                             "%s is not a VCF file: it must start with ##fileformat=VCF%s", path,
                             r->hts || r->lb.fp->is_compressed ? " once decompressed" : "");
    }
    lreader_close(r);
    return rc;
}
