/* pipelines: the table of gasd's pipelines. A new pipeline is one file plus one line. */
#include "worker.h"

#include <string.h>

const struct pipeline pipelines[] = {
    /* name, queue, threads, load_job, handler, per-thread init and done, batch end */
    {"annotate", CFG_REQUESTS_QUEUE, CFG_ANNOTATE_THREADS, 1, pipe_annotate, annotate_thread_init,
     annotate_thread_done, annotate_batch_end},
    {"notify", CFG_NOTIFY_QUEUE, CFG_NOTIFY_THREADS, 1, pipe_notify, notify_thread_init,
     notify_thread_done, notify_batch_end},
    {"archive", CFG_ARCHIVE_QUEUE, CFG_ARCHIVE_THREADS, 1, pipe_archive, NULL, NULL, NULL},
    {"restore", CFG_RESTORE_QUEUE, CFG_RESTORE_THREADS, 0, pipe_restore, NULL, NULL, NULL},
    /* thaw: the job comes from a retrieval notice in one of three shapes (msg_thaw_target) */
    {"thaw", CFG_THAW_QUEUE, CFG_THAW_THREADS, 0, pipe_thaw, NULL, NULL, NULL},
    /* SES bounces and complaints: the job comes from the event's tag or message id */
    {"ses_events", CFG_SES_EVENTS_QUEUE, CFG_SES_EVENTS_THREADS, 0, pipe_ses_events, NULL, NULL,
     NULL},
};
const int npipelines = sizeof pipelines / sizeof *pipelines;

int pipeline_index(const char *name)
{
    for (int i = 0; i < npipelines; i++)
        if (!strcmp(pipelines[i].name, name))
            return i;
    return -1;
}
