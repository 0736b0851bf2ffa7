/* model: everything the console shows, collected in one go from the backend: the
 * snapshot (queues, workers, counts), every job as a compact row, users with their job
 * counts, and the dead letters of every queue. A collector thread (collector.c) builds a
 * fresh model each refresh and hands it to the UI, which only draws; batch mode
 * (`gas top -b`) prints the same model. */
#ifndef GAS_TUI_MODEL_H
#define GAS_TUI_MODEL_H

#include "snapshot.h"

#define HISTORY 60

struct job_row {
    char id[37], user[40], file[48], worker[40];
    signed char status, archive;
    int64_t submit, complete, attempts;
};

struct user_row {
    char id[40], name[40], email[64];
    signed char role;
    int jobs, archived, restoring;
};

struct dead_row {
    char queue[64], id[40], body[200];
    int receives;
    double sent;
};

struct model {
    struct snapshot snap;
    struct job_row *jobs;
    int njobs;
    struct user_row *users;
    int nusers;
    struct dead_row *dead;
    int ndead;
    /* visible depth of each queue over the last HISTORY refreshes, oldest first */
    int64_t history[SNAP_QUEUES][HISTORY];
    int nhistory;
    double collect_seconds;
};

/* Builds m from the backend (m is overwritten; free with model_free). On a backend error
 * the model holds what was read and snap.error says what failed. */
int model_collect(struct gas_app *app, struct model *m);
void model_free(struct model *m);
/* Appends this model's queue depths to a running history (kept across models). */
void model_history(struct model *m, int64_t hist[SNAP_QUEUES][HISTORY], int *n);
cJSON *model_json(const struct model *m);

#endif
