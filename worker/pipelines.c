/* pipelines: the table of gasd's pipelines. A new pipeline is one file plus one line. */
#include "worker.h"

#include <string.h>

const struct pipeline pipelines[] = {
    {"annotate", CFG_REQUESTS_QUEUE, CFG_ANNOTATE_THREADS, pipe_annotate, annotate_thread_init,
     annotate_thread_done},
    {"notify", CFG_NOTIFY_QUEUE, CFG_NOTIFY_THREADS, pipe_notify, notify_thread_init,
     notify_thread_done},
    {"archive", CFG_ARCHIVE_QUEUE, CFG_ARCHIVE_THREADS, pipe_archive, NULL, NULL},
    {"restore", CFG_RESTORE_QUEUE, CFG_RESTORE_THREADS, pipe_restore, NULL, NULL},
    {"thaw", CFG_THAW_QUEUE, CFG_THAW_THREADS, pipe_thaw, NULL, NULL},
};
const int npipelines = sizeof pipelines / sizeof *pipelines;

int pipeline_index(const char *name)
{
    for (int i = 0; i < npipelines; i++)
        if (!strcmp(pipelines[i].name, name))
            return i;
    return -1;
}
