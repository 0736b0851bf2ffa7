/* log: leveled, thread-safe logging, one line per event, as text or JSON lines.
 *
 * Threads: each event is formatted into a private buffer and written with one write(2)
 * call, so lines from several threads and processes never interleave. The level is an
 * atomic; the secret list has its own mutex. Each thread may carry a job id and a queue
 * name (thread-local) that are added to its lines.
 *
 * Secrets never reach the output: values registered with log_add_secret() are replaced
 * wherever they appear, and values after well-known secret names (secret keys, session
 * tokens, signatures, Authorization headers, passwords) are redacted. */
#ifndef GAS_LOG_H
#define GAS_LOG_H

#include <stddef.h>

enum log_level { GAS_LOG_DEBUG, GAS_LOG_INFO, GAS_LOG_WARN, GAS_LOG_ERROR, GAS_LOG_OFF };

/* fd: where lines go (2 for stderr). json: 1 for JSON lines. */
void log_setup(enum log_level level, int json, int fd);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* "debug", "info", "warn", "error", "off" -> level, or -1. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);
/* Process-wide worker id added to every line (copied). */
void log_set_worker(const char *worker_id);
/* This thread's job id / queue name, added to its lines; NULL clears (copied). */
void log_ctx_job(const char *job_id);
void log_ctx_queue(const char *queue);
/* A string that must never be printed (copied; ignored when shorter than 4 bytes). */
void log_add_secret(const char *secret);
/* Frees the secret list and context (for leak checkers at exit). */
void log_shutdown(void);

void log_msg(enum log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define log_debug(comp, ...) log_msg(GAS_LOG_DEBUG, comp, __VA_ARGS__)
#define log_info(comp, ...)  log_msg(GAS_LOG_INFO, comp, __VA_ARGS__)
#define log_warn(comp, ...)  log_msg(GAS_LOG_WARN, comp, __VA_ARGS__)
#define log_error(comp, ...) log_msg(GAS_LOG_ERROR, comp, __VA_ARGS__)

/* Redacts secrets in text in place (also used before showing error text on screens). */
void log_redact(char *text, size_t cap);

#endif
