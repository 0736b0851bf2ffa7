/* objs_download: an object written to a user's path as cp and curl -o write it (see
 * include/gas/backend.h). Only a regular (or missing) file is replaced by rename; every
 * other kind of file is opened and written, so a symlink, a FIFO or a device node at the
 * path stays what it is. */
#include "gas/backend.h"
#include "gas/err.h"
#include "gas/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Regular or missing file: a temporary file beside it, renamed over it. */
static int replace_regular(struct objs *o, const char *bucket, const char *key, const char *dst,
                           const struct stat *old)
{
    char *d = xstrdup(dst), *dir = dirname(d);
    char *tmp = xasprintf("%s/.gas-download.XXXXXX", dir);
    int fd = mkstemp(tmp), rc = 0;
    if (fd < 0 && errno == ENOENT) /* the folder: what the user can fix */
        rc = gas_err_set(GAS_ENOTFOUND, "%s: no such directory (make it first)", dir);
    else if (fd < 0)
        rc = gas_err_set(GAS_EIO, "create a file beside %s: %s", dst, strerror(errno));
    free(d);
    if (fd < 0) {
        free(tmp);
        return rc;
    }
    close(fd);
    mode_t mode;
    if (old) {
        mode = old->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    rc = objs_get_file(o, bucket, key, tmp);
    if (!rc && chmod(tmp, mode) < 0)
        rc = gas_err_set(GAS_EIO, "chmod %s: %s", tmp, strerror(errno));
    if (!rc && rename(tmp, dst) < 0)
        rc = gas_err_set(GAS_EIO, "write %s: %s", dst, strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int copy_fd(int in, int out, const char *dst)
{
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return gas_err_set(GAS_EIO, "read the downloaded object: %s", strerror(errno));
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return gas_err_set(GAS_EIO, "write %s: %s", dst, strerror(errno));
            off += w;
        }
    }
    return 0;
}

/* FIFO, device, socket: fetched whole into a private file, then written in place. */
static int write_in_place(struct objs *o, const char *bucket, const char *key, const char *dst)
{
    const char *td = getenv("TMPDIR");
    char *tmp = xasprintf("%s/gas-download-XXXXXX", td && *td ? td : "/tmp");
    int fd = mkstemp(tmp), rc = 0, out = -1;
    if (fd < 0) {
        rc = gas_err_set(GAS_EIO, "create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    rc = objs_get_file(o, bucket, key, tmp);
    int in = rc ? -1 : open(tmp, O_RDONLY | O_CLOEXEC);
    unlink(tmp);
    if (!rc && in < 0)
        rc = gas_err_set(GAS_EIO, "open %s: %s", tmp, strerror(errno));
    if (!rc && (out = open(dst, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC)) < 0)
        rc = gas_err_set(GAS_EIO, "open %s: %s", dst, strerror(errno));
    if (!rc)
        rc = copy_fd(in, out, dst);
    if (out >= 0 && close(out) < 0 && !rc)
        rc = gas_err_set(GAS_EIO, "write %s: %s", dst, strerror(errno));
    if (in >= 0)
        close(in);
    free(tmp);
    return rc;
}

int objs_download(struct objs *o, const char *bucket, const char *key, const char *path)
{
    if (!path || !*path)
        return gas_err_set(GAS_EINVAL, "no output file");
    char *dst = gas_follow_links(path);
    if (!dst)
        return GAS_EIO;
    struct stat sb;
    int rc;
    if (stat(dst, &sb) < 0) {
        rc = errno == ENOENT ? replace_regular(o, bucket, key, dst, NULL)
                             : gas_err_set(GAS_EIO, "%s: %s", dst, strerror(errno));
    } else if (S_ISDIR(sb.st_mode)) {
        rc = gas_err_set(GAS_EIO, "%s is a directory", path);
    } else if (S_ISREG(sb.st_mode)) {
        rc = replace_regular(o, bucket, key, dst, &sb);
    } else {
        rc = write_in_place(o, bucket, key, dst);
    }
    free(dst);
    return rc;
}
