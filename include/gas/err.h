/* err: GAS error codes, classified once, with a per-thread message.
 *
 * Functions return 0 on success and a negative gas_err on failure. The function that
 * detects a failure records a message with gas_err_set(); callers read it with
 * gas_errmsg() (borrowed, valid until the thread's next gas_err_set). Pipelines decide
 * what to do from gas_err_class(), never from individual codes. */
#ifndef GAS_ERR_H
#define GAS_ERR_H

enum gas_err {
    GAS_OK = 0,
    GAS_EINVAL = -1,    /* bad input: malformed data, bad argument, bad key */
    GAS_ENOTFOUND = -2, /* item, object, message or archive does not exist */
    GAS_ECONFLICT = -3, /* condition failed / already exists / state changed */
    GAS_EBUSY = -4,     /* database locked, throttled: try again */
    GAS_EIO = -5,       /* local I/O failure */
    GAS_ETIMEOUT = -6,  /* an operation did not finish in time */
    GAS_ECAPACITY = -7, /* the cold store refused for lack of capacity (Expedited) */
    GAS_ESTALE = -8,    /* a receipt handle that no longer owns its message */
    GAS_ENOTREADY = -9, /* a retrieval that is still in progress */
    GAS_ETOOBIG = -10,  /* an input over its bound */
    GAS_ENET = -11,     /* network failure, 5xx */
    GAS_EAUTH = -12,    /* credentials missing or refused */
    GAS_EUNSUPPORTED = -13,
    GAS_EINTERNAL = -14, /* a bug or an impossible state */
    GAS_ERR_MIN = -14
};

/* What a caller should do about an error. */
enum gas_err_class {
    GAS_CLASS_OK,
    GAS_CLASS_RETRYABLE, /* try again later: the message comes back by visibility timeout */
    GAS_CLASS_NOT_FOUND,
    GAS_CLASS_CONFLICT,  /* someone else changed the state: re-read, usually nothing to do */
    GAS_CLASS_BAD_INPUT, /* retrying will not help: fail the job / dead-letter the message */
    GAS_CLASS_FATAL      /* configuration or internal error */
};

enum gas_err_class gas_err_class(int err);
int gas_err_retryable(int err);
/* Short stable name, e.g. "ENOTFOUND". */
const char *gas_err_name(int err);
/* Records a printf-style message for this thread and returns err; clears the service
 * code and request id (an error of our own has none). */
int gas_err_set(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a service's answer: its error code (e.g. "ConditionalCheckFailedException",
 * "NoSuchBucket") and request id travel as data beside the message, set together. */
int gas_err_set_service(int err, const char *code, const char *request_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* This thread's last service error code / request id ("" if the last error had none). */
const char *gas_err_code(void);
const char *gas_err_request_id(void);
/* 1 if the last error came from a service and its code contains s. */
int gas_err_code_has(const char *s);
/* The code of the last error recorded on this thread (0 after gas_err_clear). */
int gas_err_last(void);
/* Forgets this thread's error (message, code, request id), e.g. before each message a
 * pipeline handles, so that a later report never shows a stale reason. */
void gas_err_clear(void);
/* The gas_err for an errno: names and paths that can never work (ENAMETOOLONG, ELOOP,
 * ENOTDIR, EISDIR, EINVAL, EFBIG) are GAS_EINVAL; ENOENT is GAS_ENOTFOUND; the rest
 * (ENOSPC, EIO, EACCES, ...) GAS_EIO, which may pass. */
int gas_errno_code(int errnum);
/* This thread's last message, or the code's generic text if none was set. */
const char *gas_errmsg(void);
/* Prefixes this thread's message with "what: " and returns err unchanged. */
int gas_err_wrap(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A condition no retry mends and going on could worsen (the database file damaged): the
 * first one is kept, process-wide; gasd stops on it, saying why. */
void gas_fatal_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first fatal condition's text, or NULL. */
const char *gas_fatal(void);

#endif
