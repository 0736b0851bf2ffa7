/* console: the pieces of `gas console` shared by its files.
 *
 * console.c runs the loop (collector thread, keys, prompts, header, hint bar); each view
 * is a panel in its own file (view_*.c) with draw / key / on_model; bindings.c holds the
 * one table of keys that drives dispatch, the `?` help and the hint bar; ui_list.c is the
 * list every list view uses (cursor, motions, sort, filter, marks); ui_draw.c the drawing
 * helpers. Only the UI thread touches anything declared here except `struct console`'s
 * fields marked "shared" (see console.c). */
#ifndef GAS_TUI_CONSOLE_H
#define GAS_TUI_CONSOLE_H

#include "model.h"

#include <pthread.h>

struct cfg;

enum view { V_OVERVIEW, V_JOBS, V_USERS, V_DEAD, V_WORKERS, V_DETAIL, V_HELP, V_COUNT };
#define VB(v)     (1u << (v))
#define V_LISTS   (VB(V_JOBS) | VB(V_USERS) | VB(V_DEAD) | VB(V_WORKERS))
#define V_TOP     (VB(V_OVERVIEW) | V_LISTS)
#define V_ANY     (V_TOP | VB(V_DETAIL) | VB(V_HELP))
#define V_SCROLLS (V_LISTS | VB(V_DETAIL) | VB(V_HELP))

/* What a key does (bindings.c maps keys to these, per view). */
enum action {
    ACT_NONE,
    ACT_VIEW1,
    ACT_VIEW2,
    ACT_VIEW3,
    ACT_VIEW4,
    ACT_VIEW5,
    ACT_NEXT_VIEW,
    ACT_PREV_VIEW,
    ACT_DOWN,
    ACT_UP,
    ACT_TOP,
    ACT_BOTTOM,
    ACT_PAGE_DOWN,
    ACT_PAGE_UP,
    ACT_HALF_DOWN,
    ACT_HALF_UP,
    ACT_SORT_NEXT,
    ACT_SORT_PREV,
    ACT_SORT_FLIP,
    ACT_FILTER,
    ACT_MATCH_NEXT,
    ACT_MATCH_PREV,
    ACT_ESCAPE,
    ACT_MARK,
    ACT_OPEN,
    ACT_RETRY,
    ACT_CANCEL,
    ACT_UPGRADE,
    ACT_DOWNGRADE,
    ACT_REDRIVE,
    ACT_REDRIVE_ALL,
    ACT_DELETE_DEAD,
    ACT_LOG,
    ACT_YANK,
    ACT_BACK,
    ACT_PAUSE,
    ACT_REFRESH,
    ACT_ACK,
    ACT_HELP,
    ACT_QUIT,
    ACT_COUNT
};

/* Key handler results (htop's HANDLED / REDRAW). */
enum { K_IGNORED = 0, K_HANDLED = 1, K_REDRAW = 2 };

struct binding {
    int key;           /* curses key code */
    const char *name;  /* as tmux send-keys spells it: j, Down, C-d, NPage, F6, Space */
    const char *label; /* as the help shows it */
    unsigned views;    /* VB() bits */
    enum action action;
    const char *help;
    const char *hint; /* the word in the view's hint bar (NULL: not there) */
};
extern const struct binding ui_bindings[];
extern const int ui_nbindings;
/* The binding for key in view, or NULL. */
const struct binding *ui_binding(int key, enum view v);
const char *ui_action_name(enum action a);
const char *ui_view_name(enum view v);
/* Help lines (one per action and views, keys joined); the caller frees each and the array. */
int ui_help_lines(char ***lines);
#define ACT_BIT(a) (UINT64_C(1) << (a))
_Static_assert(ACT_COUNT <= 64, "actions fit in a uint64_t of ACT_BIT");
/* The one-line hint for a view, from the bindings flagged hint: those that fit in width,
 * without the actions when read_only, nor those in refused (ACT_BIT). */
void ui_hint(enum view v, int read_only, uint64_t refused, int width, char *buf, size_t n);
/* The actions that change something (refused, and not hinted, when read-only). */
int ui_is_change(enum action a);
/* Prints the table for `gas console --list-bindings`. */
void ui_list_bindings(void);

/* ------------------------------------------------------------------ drawing (ui_draw.c) */
enum { C_OK = 1, C_BAD, C_BUSY, C_COLD, C_HEAD, C_DIM, C_MATCH, C_ALERT };
struct console;
void ui_colors(int color);
void ui_attr(const struct console *c, int pair, int on);
/* Text clipped to the screen width from (y, x). */
/* Text at (y, x) up to the right edge; text cut there ends in "..", so that a cut number
 * is never read as a whole one (padding spaces are cut without a mark). Wide characters
 * (the sparkline's blocks) count by their cells. */
void ui_text(int y, int x, const char *s);
void ui_put(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "2026-11-30 07:51:54 UTC (5m ago)" or "-" */
const char *ui_when(int64_t t, double now, char *buf, size_t n);
/* Case-insensitive unless the needle has an upper-case letter (smartcase); the match
 * position or NULL. */
const char *ui_match(const char *hay, const char *needle);
int ui_status_pair(int status, int archive);

/* ------------------------------------------------------------------ lists (ui_list.c) */
#define UI_CELL 160
struct column {
    const char *title;
    int width;              /* 0: the rest of the line */
    int min_cols, max_cols; /* shown only when the screen is that wide (0: any) */
    int right;              /* right-aligned */
    int (*cmp)(const struct model *m, int a, int b);
};
struct list_type {
    const char *noun; /* "jobs" */
    const struct column *cols;
    int ncols;
    int (*count)(const struct model *m);
    /* the row's key (stable across refreshes) and one cell's text */
    const char *(*key)(const struct model *m, int row);
    void (*cell)(const struct model *m, int row, int col, double now, char *buf, size_t n);
    int (*pair)(const struct model *m, int row); /* colour of the row */
    int default_sort, default_desc;
    /* more text the filter matches that no column shows whole (the i-th; NULL: no more):
     * a job's error, a dead letter's whole reason and body */
    const char *(*extra)(const struct model *m, int row, int i);
    /* optional: what the status line adds after "row N/M noun" (e.g. that not all are listed) */
    void (*note)(const struct model *m, char *buf, size_t n);
};
struct ui_list {
    const struct list_type *type;
    int cur, top, rows_shown;
    int line;     /* the cursor's line in the list at the last draw (cur - top) */
    int reanchor; /* the order or the list's height changed: list_draw places top anew */
    int pin;      /* g / Home: the cursor stays on the first row as rows come (PIN_TOP), G /
                     End on the last (PIN_BOTTOM), until another key moves it or the list is
                     sorted or filtered anew; 0: it follows its row */
    char cur_key[UI_CELL];
    int sort, desc;
    char filter[64];
    /* order: filtered and sorted row indexes; cached until the rows, filter or sort change */
    int *order, n, cap;
    unsigned order_version;
    int order_sort, order_desc;
    char order_filter[64];
    double sort_ms; /* the last rebuild of the order */
    char **marks;
    int nmarks;
};
enum { PIN_TOP = 1, PIN_BOTTOM };
void list_init(struct ui_list *l, const struct list_type *t);
void list_release(struct ui_list *l);
/* What the list knows of the model's rows: their version (0: unknown, rebuild) and the
 * rows changed since version base (0: unknown). */
struct list_changes {
    unsigned version, base;
    const int *changed;
    int nchanged;
};
/* Rebuilds (or patches) the order if the rows, the filter or the sort changed, and puts
 * the cursor back on its row (by key) when the row is still there. */
void list_sync(struct ui_list *l, const struct model *m, const struct list_changes *ch);
/* The model row under the cursor, or -1. */
int list_current(const struct ui_list *l);
int list_motion(struct ui_list *l, const struct model *m, enum action a, int page);
void list_draw(struct console *c, struct ui_list *l, const struct model *m, int y, int h);
int list_sort_key(struct ui_list *l, enum action a);
int list_mark(struct ui_list *l, const struct model *m);
int list_marked(const struct ui_list *l, const char *key);
void list_clear_marks(struct ui_list *l);
/* Moves to the next (dir 1) / previous (-1) row that matches the filter text. */
int list_find(struct ui_list *l, const struct model *m, const char *text, int dir);
/* Every column's text of a row, for the filter. */
int list_row_matches(const struct ui_list *l, const struct model *m, int row, const char *text);
/* Whether filter is "name=value" naming no column of t (1: cols then lists the columns,
 * in lower case, for the message). */
int list_unknown_column(const struct list_type *t, const char *filter, char *cols, size_t n);

/* ------------------------------------------------------------------ panels */
struct panel {
    enum view view;
    const char *title;
    void (*draw)(struct console *c, const struct model *m, int y, int h);
    int (*key)(struct console *c, const struct model *m, enum action a);
    void (*on_model)(struct console *c, const struct model *m);
    struct ui_list *(*list)(struct console *c); /* the panel's list, if it is one */
    /* The actions (ACT_BIT) that what is under the cursor (or marked) cannot take now: the
     * hint bar leaves them out (the key still answers, saying why). NULL: none. */
    uint64_t (*refused)(struct console *c, const struct model *m);
};
extern const struct panel view_overview, view_jobs, view_users, view_dead, view_workers,
    view_detail, view_help;
extern const struct list_type jobs_list, user_rows_list, dead_list, worker_rows;

/* A confirmation waiting for y/n: what it does and to which rows (keys copied). */
struct pending {
    enum action action;
    enum view view;
    char **keys;
    int nkeys;
    char question[256];
};

struct console {
    struct gas_app *app;
    const struct cfg *cfg;
    int read_only, color, utf8;
    double interval;
    int heartbeat;
    /* shared with the collector (under lock) */
    pthread_mutex_t lock;
    pthread_cond_t cv;
    struct model *latest, *held;
    unsigned long gen;
    int want, stop, paused;
    char error[256];
    struct model_history hist;
    int64_t redriven; /* the last redrive's letters and time: copied into hist by the */
    double redrive_t; /* collector, which owns it */
    pthread_t th;
    /* UI state */
    enum view view, back, help_back; /* where detail / help return to */
    int jobs_of_user; /* the jobs view was opened on a user's jobs (Enter in Users): Esc returns */
    struct ui_list lists[V_COUNT];
    int scroll[V_COUNT]; /* detail and help */
    int page[V_COUNT];   /* ... and the text lines they showed last: what PgDn moves */
    int quit;
    char status[256];
    int status_bad;
    /* prompts: filter being typed or a y/n question; keys go to them first */
    int filtering;
    char filter_was[V_COUNT][64]; /* each list's last filter, kept or cleared by Esc (n / N
                                     in that list) */
    char search_was[64]; /* the detail's last search (n / N there): apart from the lists' */
    struct pending pending;
    /* detail */
    char detail_job[40];
    int detail_log;    /* 1: the whole count log */
    int detail_follow; /* with detail_log: kept at its end as it grows (G; g/k/PgUp stop it) */
    char *detail_text; /* the count log or the failure */
    char detail_text_job[40];
    int detail_text_status;
    double draw_ms, sync_ms;
    char where[256]; /* the backend and what it points at */
    /* alerts and notes acknowledged (x): their keys (model_alert.key, model.note_key), the
     * newest last */
#define ACKED_MAX 16
    char acked[ACKED_MAX][96];
    int nacked;
};
/* The alerts not acknowledged: the first (NULL: none) and how many more. */
const struct model_alert *console_alert(const struct console *c, const struct model *m, int *more);
/* The note (model.note) unless acknowledged (x) and unchanged since; NULL: none shown. */
const char *console_note(const struct console *c, const struct model *m);
/* 1 when the admin acknowledged this alert (x) and it has not changed since. */
int console_alert_acked(const struct console *c, const struct model_alert *al);

void console_say(struct console *c, int bad, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void console_request_refresh(struct console *c);
/* Asks y/n before an action on keys (copied); the question names them. */
void console_confirm(struct console *c, enum action a, char **keys, int nkeys,
                     const char *question);
/* The keys an action applies to: the marked rows, else the row under the cursor. Returns
 * how many (the caller frees them with console_free_keys). */
int console_targets(struct console *c, const struct model *m, struct ui_list *l, char ***keys);
void console_free_keys(char **keys, int n);
/* Runs a confirmed action (console_actions.c). */
void console_run(struct console *c, const struct model *m, const struct pending *p);
const struct panel *console_panel(enum view v);
void console_open_detail(struct console *c, const struct model *m, const char *job_id);
/* Jobs (view_jobs.c, also used by the detail): why an action does not apply to a job in
 * status (buf, or NULL: it does); the y/n question (a retry of a job that failed on its
 * input says it will fail again: job_error_permanent). */
const char *job_refusal(enum action a, int status, char *buf, size_t n);
void job_question(enum action a, const char *what, int status, const char *error, char *q,
                  size_t n);
/* The question for u on a job's owner; 0 (and the console says why) if nothing to do. */
int job_upgrade_question(struct console *c, const struct model *m, const char *user,
                         const char *job, char *q, size_t n);
/* Users (view_users.c): the model's row of a user (or NULL); the question for u (upgrade,
 * or restore again for a premium user with archived results), 0 if nothing to do. */
const struct user_row *user_find(const struct model *m, const char *user);
int user_upgrade_question(const struct user_row *u, char *q, size_t n);
/* Frees what the detail view caches (at exit). */
void view_detail_release(void);
/* The search being typed in the detail view (its text: lists[V_DETAIL].filter): to its
 * first line from where / was pressed. */
void view_detail_search(struct console *c);

#endif
