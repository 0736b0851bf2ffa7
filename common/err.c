/* err: error classification and the per-thread error message. */
#include "gas/err.h"

#include "gas/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    enum gas_err_class cls;
    const char *text;
} table[] = {
    [0] = {"OK", GAS_CLASS_OK, "success"},
    [1] = {"EINVAL", GAS_CLASS_BAD_INPUT, "invalid input"},
    [2] = {"ENOTFOUND", GAS_CLASS_NOT_FOUND, "not found"},
    [3] = {"ECONFLICT", GAS_CLASS_CONFLICT, "condition failed"},
    [4] = {"EBUSY", GAS_CLASS_RETRYABLE, "busy, try again"},
    [5] = {"EIO", GAS_CLASS_RETRYABLE, "i/o error"},
    [6] = {"ETIMEOUT", GAS_CLASS_RETRYABLE, "timed out"},
    [7] = {"ECAPACITY", GAS_CLASS_RETRYABLE, "insufficient capacity"},
    [8] = {"ESTALE", GAS_CLASS_CONFLICT, "stale receipt handle"},
    [9] = {"ENOTREADY", GAS_CLASS_RETRYABLE, "not ready yet"},
    [10] = {"ETOOBIG", GAS_CLASS_BAD_INPUT, "input too large"},
    [11] = {"ENET", GAS_CLASS_RETRYABLE, "network error"},
    [12] = {"EAUTH", GAS_CLASS_FATAL, "authentication failed"},
    [13] = {"EUNSUPPORTED", GAS_CLASS_FATAL, "not supported"},
    [14] = {"EINTERNAL", GAS_CLASS_FATAL, "internal error"},
};

static _Thread_local char msgbuf[1024];
static _Thread_local int msgcode;
static _Thread_local char svc_code[128], svc_request[128];

static int idx(int err)
{
    if (err > 0 || err < GAS_ERR_MIN)
        return 14;
    return -err;
}

enum gas_err_class gas_err_class(int err)
{
    return table[idx(err)].cls;
}
int gas_err_retryable(int err)
{
    return gas_err_class(err) == GAS_CLASS_RETRYABLE;
}
const char *gas_err_name(int err)
{
    return table[idx(err)].name;
}

int gas_err_set(int err, const char *fmt, ...)
{
    char text[sizeof msgbuf]; /* an argument may be gas_errmsg() itself */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    memcpy(msgbuf, text, sizeof msgbuf);
    log_redact(msgbuf, sizeof msgbuf); /* an error shown anywhere (a CLI, an item) keeps none */
    msgcode = err;
    svc_code[0] = svc_request[0] = 0;
    return err;
}

int gas_err_set_service(int err, const char *code, const char *request_id, const char *fmt, ...)
{
    char text[sizeof msgbuf]; /* an argument may be gas_errmsg() itself */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    memcpy(msgbuf, text, sizeof msgbuf);
    log_redact(msgbuf, sizeof msgbuf);
    msgcode = err;
    snprintf(svc_code, sizeof svc_code, "%s", code ? code : "");
    snprintf(svc_request, sizeof svc_request, "%s", request_id ? request_id : "");
    return err;
}

const char *gas_err_code(void)
{
    return svc_code;
}
const char *gas_err_request_id(void)
{
    return svc_request;
}
int gas_err_code_has(const char *s)
{
    return svc_code[0] && strstr(svc_code, s) != NULL;
}
int gas_err_last(void)
{
    return msgcode;
}
void gas_err_clear(void)
{
    msgbuf[0] = svc_code[0] = svc_request[0] = 0;
    msgcode = 0;
}

int gas_errno_code(int errnum)
{
    switch (errnum) {
    case ENAMETOOLONG:
    case ELOOP:
    case ENOTDIR:
    case EISDIR:
    case EINVAL:
    case EFBIG: return GAS_EINVAL;
    case ENOENT: return GAS_ENOTFOUND;
    default: return GAS_EIO;
    }
}

int gas_err_wrap(int err, const char *fmt, ...)
{
    char prefix[512], old[sizeof msgbuf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, gas_errmsg(), sizeof old);
    old[sizeof old - 1] = 0;
    snprintf(msgbuf, sizeof msgbuf, "%s: %s", prefix, old);
    log_redact(msgbuf, sizeof msgbuf);
    msgcode = err;
    return err;
}

const char *gas_errmsg(void)
{
    if (msgbuf[0])
        return msgbuf;
    return table[idx(msgcode)].text;
}

static char fatal_text[512];
static atomic_int fatal_set;

void gas_fatal_set(const char *fmt, ...)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&fatal_set, &expected, 1))
        return; /* the first one is what went wrong */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fatal_text, sizeof fatal_text, fmt, ap);
    va_end(ap);
    atomic_store(&fatal_set, 2); /* the text is whole */
}

const char *gas_fatal(void)
{
    return atomic_load(&fatal_set) == 2 ? fatal_text : NULL;
}
