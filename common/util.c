/* util: allocation wrappers, strbuf, time, uuid, file helpers. */
#include "gas/util.h"
#include "gas/fault.h"

#include "gas/err.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "gas: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xmalloc_aligned(size_t align, size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, align, n ? n : 1))
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    n = strnlen(s, n); /* like strndup: at most n bytes, never past the terminator */
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = NULL;
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom(strlen(fmt));
    return p;
}

void sb_init(struct strbuf *sb, size_t max)
{
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    sb->max = max;
}

void sb_release(struct strbuf *sb)
{
    free(sb->buf);
    sb_init(sb, sb->max);
}

int sb_add(struct strbuf *sb, const char *data, size_t n)
{
    if (sb->max && sb->len + n > sb->max)
        return GAS_ETOOBIG;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + n + 1)
            cap *= 2;
        sb->buf = xrealloc(sb->buf, cap);
        sb->cap = cap;
    }
    if (n)
        memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
    return 0;
}

int sb_adds(struct strbuf *sb, const char *s)
{
    return sb_add(sb, s, strlen(s));
}

int sb_addf(struct strbuf *sb, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return GAS_EINVAL;
    if ((size_t)n < sizeof small)
        return sb_add(sb, small, (size_t)n);
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = sb_add(sb, big, (size_t)n);
    free(big);
    return rc;
}

char *sb_detach(struct strbuf *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sb_init(sb, sb->max);
    return p;
}

char *gas_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

double gas_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int64_t gas_now_s(void)
{
    return (int64_t)time(NULL);
}

double gas_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void gas_sleep(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void gas_iso8601(int64_t epoch_s, char *buf, size_t n)
{
    time_t t = (time_t)epoch_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void uuid_random(unsigned char b[16])
{
    size_t got = 0;
    while (got < 16) {
        ssize_t r = getrandom(b + got, 16 - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            perror("gas: getrandom");
            abort();
        }
        got += (size_t)r;
    }
}

static void uuid_format(unsigned char b[16], int version, char out[37])
{
    b[6] = (unsigned char)((b[6] & 0x0f) | version << 4);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

void gas_uuid4(char out[37])
{
    unsigned char b[16];
    uuid_random(b);
    uuid_format(b, 4, out);
}

void gas_uuid7(char out[37])
{
    unsigned char b[16];
    uuid_random(b);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    for (int i = 0; i < 6; i++) /* 48 bits of milliseconds, big-endian */
        b[i] = (unsigned char)(ms >> (40 - 8 * i));
    uuid_format(b, 7, out);
}

int gas_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return 0;
    }
    return 1;
}

/* The whole path first (it usually exists, or only its last part is missing), then the
 * missing parents from the top: a few system calls, not one per component each time. */
int gas_mkdirs(const char *path, unsigned mode)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return gas_err_set(gas_errno_code(errno), "mkdir %s: %s", path, strerror(errno));
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, mode) < 0 && errno != EEXIST) {
                rc = gas_err_set(gas_errno_code(errno), "mkdir %s: %s", p, strerror(errno));
                break;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return rc;
}

int gas_group_sync(struct gas_sync_group *g, pthread_mutex_t *lock, pthread_cond_t *cv,
                   int (*sync)(void *arg), void *arg)
{
    pthread_mutex_lock(lock);
    uint64_t mine = ++g->asked;
    int rc = 0;
    while (g->done < mine && !rc) {
        if (g->syncing) {
            pthread_cond_wait(cv, lock);
            continue;
        }
        g->syncing = 1;
        uint64_t upto = g->asked;
        pthread_mutex_unlock(lock);
        rc = sync(arg);
        pthread_mutex_lock(lock);
        g->syncing = 0;
        if (!rc && g->done < upto)
            g->done = upto;
        pthread_cond_broadcast(cv);
    }
    pthread_mutex_unlock(lock);
    return rc;
}

/* The file systems gas_sync_fs syncs: a descriptor and a sync group for each. */
struct fs_group {
    dev_t dev;
    int fd;
    struct gas_sync_group sync;
};
static struct fs_group fs_groups[8];
static int nfs_groups;
static pthread_mutex_t fs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fs_synced = PTHREAD_COND_INITIALIZER;

static struct fs_group *fs_group_of(const char *path, const struct stat *sb)
{
    for (int i = 0; i < nfs_groups; i++)
        if (fs_groups[i].dev == sb->st_dev)
            return &fs_groups[i];
    if (nfs_groups == (int)(sizeof fs_groups / sizeof *fs_groups))
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct fs_group *g = &fs_groups[nfs_groups++];
    g->dev = sb->st_dev;
    g->fd = fd;
    return g;
}

static int syncfs_of(void *arg)
{
    return syncfs(((struct fs_group *)arg)->fd) < 0 ? errno : 0;
}

int gas_sync_fs(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) < 0)
        return gas_err_set(GAS_EIO, "stat %s: %s", path, strerror(errno));
    pthread_mutex_lock(&fs_lock);
    struct fs_group *g = fs_group_of(path, &sb); /* kept once made: stays valid */
    pthread_mutex_unlock(&fs_lock);
    int bad;
    if (g) {
        bad = gas_group_sync(&g->sync, &fs_lock, &fs_synced, syncfs_of, g);
    } else { /* none kept: this call alone */
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        bad = fd < 0 || syncfs(fd) < 0 ? errno : 0;
        if (fd >= 0)
            close(fd);
    }
    return bad ? gas_err_set(GAS_EIO, "sync %s: %s", path, strerror(bad)) : 0;
}

int gas_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return gas_err_set(GAS_EIO, "open %s: %s", dir, strerror(errno));
    int rc = fsync(fd) < 0 ? gas_err_set(GAS_EIO, "fsync %s: %s", dir, strerror(errno)) : 0;
    close(fd);
    return rc;
}

int gas_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "open %s: %s", path,
                           strerror(errno));
    struct strbuf sb;
    sb_init(&sb, max);
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb_add(&sb, buf, n) < 0) {
            rc = gas_err_set(GAS_ETOOBIG, "%s: larger than %zu bytes", path, max);
            break;
        }
    }
    if (!rc && ferror(f))
        rc = gas_err_set(GAS_EIO, "read %s: %s", path, strerror(errno));
    fclose(f);
    if (rc) {
        sb_release(&sb);
        return rc;
    }
    if (len)
        *len = sb.len;
    *out = sb_detach(&sb);
    return 0;
}

int gas_copy_file(const char *src, const char *dst, unsigned mode)
{
    return gas_copy_file_cancel(src, dst, mode, NULL);
}

FILE *gas_fopen_regular(const char *path)
{
    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        gas_err_set(GAS_EINVAL, "%s: %s", path,
                    S_ISDIR(sb.st_mode)    ? "is a directory, not a file"
                    : S_ISFIFO(sb.st_mode) ? "is a FIFO, not a file"
                                           : "not a regular file (a device?)");
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "r");
    if (!f) {
        gas_err_set(GAS_EIO, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

int gas_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;
        if (n < 0 || (n == 1 && *p < 0xc2) || (n == 3 && *p > 0xf4))
            return 0;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        p += n + 1;
    }
    return 1;
}

char *gas_printable(char *s)
{
    for (unsigned char *p = (unsigned char *)s; p && *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            *p = '?';
    return s;
}

int gas_open_tmp(const char *tmp, unsigned mode)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = open(tmp, flags, mode);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0) /* a leftover (or a planted link) */
        fd = open(tmp, flags, mode);
    return fd;
}

int gas_copy_file_cancel(const char *src, const char *dst, unsigned mode, const atomic_int *cancel)
{
    return gas_copy_file_as(src, dst, mode, cancel, 1);
}

int gas_copy_file_as(const char *src, const char *dst, unsigned mode, const atomic_int *cancel,
                     int durable)
{
    int in = -1, out = -1, rc = 0;
    char *tmp = xasprintf("%s.tmp.%d", dst, (int)getpid());
    char *dir = xstrdup(dst);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        rc = gas_err_set(errno == ENOENT ? GAS_ENOTFOUND : GAS_EIO, "open %s: %s", src,
                         strerror(errno));
        goto out;
    }
    out = gas_open_tmp(tmp, mode);
    if (out < 0) {
        rc = gas_err_set(gas_errno_code(errno), "create %s: %s", tmp, strerror(errno));
        goto out;
    }
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = gas_err_set(GAS_EIO, "read %s: %s", src, strerror(errno));
            goto out;
        }
        fault_point("copy.chunk"); /* tests: GAS_FAULT=copy.chunk:sleep=S slows copies */
        if (cancel && atomic_load(cancel)) {
            rc = gas_err_set(GAS_ETIMEOUT, "copy %s to %s: interrupted", src, dst);
            goto out;
        }
        for (ssize_t off = 0, w; off < n; off += w) /* a short write: the next one says why */
            if ((w = write(out, buf + off, (size_t)(n - off))) < 0 && errno == EINTR) {
                w = 0;
            } else if (w < 0) {
                rc = gas_err_set(gas_errno_code(errno), "copy %s to %s: %s", src, dst,
                                 strerror(errno));
                goto out;
            }
    }
    if ((durable && fsync(out) < 0) || close(out) < 0) {
        out = -1;
        rc = gas_err_set(GAS_EIO, "write %s: %s", tmp, strerror(errno));
        goto out;
    }
    out = -1;
    if (rename(tmp, dst) < 0) {
        rc = gas_err_set(gas_errno_code(errno), "rename to %s: %s", dst, strerror(errno));
        goto out;
    }
    rc = durable ? gas_fsync_dir(slash ? dir : ".") : 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (rc)
        unlink(tmp);
    free(tmp);
    free(dir);
    return rc;
}

void gas_owner_id(char *buf, size_t n)
{
    char host[64] = "host";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = 0;
    snprintf(buf, n, "%s-%d", host, (int)getpid());
}

#define MAX_LINKS 40 /* as the kernel's ELOOP bound */

/* The path a write to path lands on: symlinks followed, the last one possibly dangling.
 * Returns the caller's string, or NULL with the error set. */
char *gas_follow_links(const char *path)
{
    char *p = xstrdup(path);
    for (int i = 0; i < MAX_LINKS; i++) {
        struct stat sb;
        if (lstat(p, &sb) < 0 || !S_ISLNK(sb.st_mode))
            return p;
        char target[PATH_MAX];
        ssize_t n = readlink(p, target, sizeof target - 1);
        if (n < 0) {
            gas_err_set(GAS_EIO, "readlink %s: %s", p, strerror(errno));
            free(p);
            return NULL;
        }
        target[n] = 0;
        char *next;
        if (target[0] == '/') {
            next = xstrdup(target);
        } else {
            char *d = xstrdup(p);
            next = xasprintf("%s/%s", dirname(d), target);
            free(d);
        }
        free(p);
        p = next;
    }
    gas_err_set(GAS_EIO, "%s: too many levels of symbolic links", path);
    free(p);
    return NULL;
}

char *gas_out_path(const char *path, int *in_place)
{
    *in_place = 0;
    char *p = gas_follow_links(path);
    if (!p)
        return NULL;
    struct stat sb;
    int exists = stat(p, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode)) {
        gas_err_set(GAS_EIO, "%s is a directory (give the output file's name)", path);
        free(p);
        return NULL;
    }
    *in_place = exists && !S_ISREG(sb.st_mode);
    return p;
}
