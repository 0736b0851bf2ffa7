/* model: everything the console shows, collected in one go from the backend: the
 * snapshot (queues, workers, counts), every job as a compact row, users with their job
 * counts, the dead letters of every queue, the history of the samples and what is wrong
 * (the health alert). The console's collector thread builds a fresh model each refresh
 * and hands it to the UI, which only draws; batch mode (`gas top -b`) prints the same
 * model.
 *
 * Collection is incremental where the backend allows it (BE_TBL_CHANGES): a model_source
 * keeps every job row between refreshes and reads only the jobs written since the last
 * one; the rows are shared (reference counted, never changed once published) by every
 * model that has the same version, so an unchanged table costs one small query and the
 * UI keeps its sorted order. */
#ifndef GAS_TUI_MODEL_H
#define GAS_TUI_MODEL_H

#include "snapshot.h"
#include "gas/workers.h"

#define HISTORY 120

struct job_row {
    char id[37], user[40], file[64]; /* file: a longer name's ends (ui_elide) */
    char error[52];                  /* the start of a FAILED job's error (the filter matches it) */
    signed char status, archive;
    char unannotated; /* COMPLETED without annotation: 1 its build has no sources, 2 none of
                       * its records on a contig they know; or 3 its build in doubt (its
                       * records' positions point to another: cli_note_unannotated) */
    char build[16];   /* annotation_build: the build it was taken to be on */
    int name;         /* a longer file name whole: job_row_long_name (0: none); 216 bytes in all */
    int64_t submit, complete, failed, attempts, changed; /* failed: its fail_time */
    int64_t submit_ms; /* job_item_submit_ms: orders one second's jobs */
};

/* Whole file names longer than a row keeps, for the filter (model.c). */
struct long_names;

/* Job rows shared by models: refs counts the models (and the source) that hold them. */
struct job_rows {
    int refs;
    unsigned version;
    struct long_names *names; /* shared with the source and its other rows */
    struct job_row *v;
    int n;
    /* the rows that differ from version `base` (0: unknown), so that a sorted view of the
     * base can be brought up to date without sorting everything again */
    unsigned base;
    int *changed, nchanged;
};

struct user_row {
    char id[40], name[40], email[64];
    signed char role;
    int jobs, archived, restoring, failed;
};

struct dead_row {
    char queue[64], id[40], body[400], reason[400];
    char job[37]; /* the job the message names, if any, and its status (-1: none) */
    signed char job_status;
    int receives;
    double sent;
};

/* "12s", "5m", "3h", "2d" */
const char *ui_age_text(double seconds, char *buf, size_t n);
/* s in at most width columns, its cut marked "..": one word (an id, a file, a path) or a
 * file name with spaces keeps its head and tail ("3f2504e0..c3301", "free_..vcf.gz"), text
 * keeps its start ("no job 00000000-00.."); s itself when it fits. Into out (n bytes).
 * (ui_draw.c; the model keeps long file names so too.) */
const char *ui_elide(const char *s, int width, char *out, size_t n);

/* One sample per collection, oldest first. */
struct model_history {
    int n;
    double t[HISTORY];
    int64_t work[SNAP_QUEUES][HISTORY]; /* visible + in flight + delayed */
    int64_t dead[HISTORY], failed[HISTORY];
    /* the console's last redrive: how many letters it moved, when (0: none). Letters that
     * come back after it, up to that many, fail again: a note, not a new alarm */
    int64_t redriven;
    double redrive_t;
};

struct model {
    struct snapshot snap;
    struct job_rows *rows; /* shared */
    const struct job_row *jobs;
    int njobs;
    unsigned jobs_version;
    struct user_row *users;
    int nusers;
    unsigned users_version;
#define DEAD_LISTED 100 /* dead letters listed per queue (gas dlq list says so when more) */
    struct dead_row *dead;
    int ndead;       /* listed: the oldest DEAD_LISTED of each queue */
    long dead_total; /* in the dead-letter queues (their counts): what redrive all moves */
    struct model_history hist; /* including this sample */
    double completed_per_min, failed_per_min;
    char alert[200]; /* what is wrong (empty: healthy): the first of alerts */
#define MODEL_ALERTS 4
    struct model_alert {
        char key[96]; /* what it is about ("lost:<worker>", "dead:<when they last grew>",
                         "idle:<log2 of the work waiting>"): an admin's acknowledgement
                         holds until the key changes */
        char text[200];
    } alerts[MODEL_ALERTS]; /* every alarm, most urgent first */
    int nalerts;
    char note[200];    /* what is worth knowing but not an alarm (a lost worker since replaced) */
    char note_key[96]; /* what it is about, as an alert's key ("replaced:<worker>",
                          "back:<redrive>:<count>"): x hides it until the key changes */
    double collect_seconds;
    double oldest;   /* when the oldest part shown was read (a part that failed: as last read) */
    int incremental; /* the jobs came from a changes-since read */
};

/* What the collector keeps between refreshes (rows, the id index, the change mark). */
struct model_source;
/* r's file name whole when the row keeps only its ends (r->file cut), else NULL. */
const char *job_row_long_name(const struct job_rows *rs, const struct job_row *r);
struct model_source *model_source_new(void);
void model_source_free(struct model_source *s);

/* Builds m from the backend (m is overwritten; free with model_free). hist (kept by the
 * caller across models) gets this sample. On a backend error the model holds what was
 * read and snap.error says what failed. */
int model_collect(struct gas_app *app, struct model_source *src, struct model_history *hist,
                  struct model *m);
void model_free(struct model *m);
cJSON *model_json(const struct model *m);

#endif
