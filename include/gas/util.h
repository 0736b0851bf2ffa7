/* util: allocation that aborts on failure, bounded string buffers, time, uuid v4 and
 * small file-system helpers shared by every module. */
#ifndef GAS_UTIL_H
#define GAS_UTIL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <pthread.h>
#include <stdint.h>

/* Allocation failure is not recoverable here: these print and abort. */
void *xmalloc(size_t n);
void *xmalloc_aligned(size_t align, size_t n); /* align: a power of two, >= sizeof(void *) */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable string with an explicit maximum (0 = unbounded, for our own text only). */
struct strbuf {
    char *buf; /* always NUL-terminated once anything was added; owned */
    size_t len, cap, max;
};
#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }
void sb_init(struct strbuf *sb, size_t max);
void sb_release(struct strbuf *sb);
/* These return 0, or GAS_ETOOBIG (and add nothing) when max would be passed. */
int sb_add(struct strbuf *sb, const char *data, size_t n);
int sb_adds(struct strbuf *sb, const char *s);
int sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_detach(struct strbuf *sb); /* caller owns the result ("" if empty) */

/* Trims leading and trailing white space in place; returns the first non-space byte. */
char *gas_trim(char *s);

/* Wall-clock time: seconds since the epoch. */
double gas_now(void);
int64_t gas_now_s(void);
/* Monotonic seconds, for deadlines and durations. */
double gas_mono(void);
void gas_sleep(double seconds);
/* ISO-8601 UTC, e.g. 2026-11-22T12:00:00Z, into buf (>= 21 bytes). */
void gas_iso8601(int64_t epoch_s, char *buf, size_t n);

/* Random uuid v4, lowercase, into out[37]. */
void gas_uuid4(char out[37]);
/* Time-ordered uuid v7 (RFC 9562: milliseconds since 1970, then random), lowercase, into
 * out[37]: ids made one after another sort together, so an index of them is written at a
 * few pages rather than one random page per id (the embedded queue's message ids and
 * receipts). */
void gas_uuid7(char out[37]);
/* 1 if s is a canonical lowercase/uppercase 8-4-4-4-12 uuid. */
int gas_is_uuid(const char *s);

/* This process as "<host>-<pid>" (a gasd's worker id; the owner part of scratch names). */
void gas_owner_id(char *buf, size_t n);

/* mkdir -p with the given mode for every created level; 0 or GAS_EIO. */
int gas_mkdirs(const char *path, unsigned mode);
/* fsync a directory so that a rename inside it is durable. */
int gas_fsync_dir(const char *dir);
/* Group commit: threads ask that what they wrote before be made durable; one thread at a
 * time runs sync(arg) for every thread that asked before it started, the others wait for
 * it (under lock, signalled on cv). 0, or sync's nonzero result. */
struct gas_sync_group {
    uint64_t asked, done;
    int syncing;
};
int gas_group_sync(struct gas_sync_group *g, pthread_mutex_t *lock, pthread_cond_t *cv,
                   int (*sync)(void *arg), void *arg);
/* Makes everything written so far on the file system holding path durable (syncfs), one
 * sync shared by the threads that ask meanwhile (group commit for many files at once). */
int gas_sync_fs(const char *path);
/* Reads a whole file of at most max bytes; *out is the caller's (NUL-terminated). */
int gas_read_file(const char *path, size_t max, char **out, size_t *len);
/* Copies src to dst durably: dst.tmp, fsync, rename, fsync dir; mode for the new file. */
int gas_copy_file(const char *src, const char *dst, unsigned mode);
/* The same, ending with GAS_ETIMEOUT ("interrupted") between chunks once *cancel is set. */
int gas_copy_file_cancel(const char *src, const char *dst, unsigned mode, const atomic_int *cancel);
/* Either of those (durable), or a copy still renamed into place whole but not synced: for
 * scratch files nobody needs after a power loss (two fsyncs less). */
int gas_copy_file_as(const char *src, const char *dst, unsigned mode, const atomic_int *cancel,
                     int durable);

/* The path a write to path lands on, symlinks followed (the last may dangle); NULL with the
 * error set (a loop). Caller frees. */
char *gas_follow_links(const char *path);
/* Where an output named path goes, as cp writes it: gas_follow_links's path, with
 * *in_place 1 for an existing file that is not regular (a FIFO, a device such as
 * /dev/null: opened and written, never replaced) and 0 for a regular or missing file
 * (written beside and renamed over it). NULL with the error set for a directory. */
char *gas_out_path(const char *path, int *in_place);
/* Creates tmp for writing, never through a link nor into a file already there (one there is
 * removed first: a leftover, or a symlink planted to make us write elsewhere); -1 + errno. */
int gas_open_tmp(const char *tmp, unsigned mode);
/* s with control characters other than newline and tab made '?' (text quoted from users'
 * files and messages, before it reaches a terminal); returns s. */
char *gas_printable(char *s);
/* 1 if s is well-formed UTF-8. */
int gas_utf8_valid(const char *s);
/* fopen(path, "r") of a regular file only: a FIFO, device or directory is an error (never
 * a hang nor an endless read); NULL with the error set. */
FILE *gas_fopen_regular(const char *path);

#endif
