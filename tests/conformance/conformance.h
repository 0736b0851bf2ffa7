/* conformance: the backend test suite, written against include/gas/backend.h only, so
 * that every backend (local; aws against moto_server) runs the same cases. The backend
 * comes from the environment (GAS_BACKEND, GAS_CONFIG, GAS_* keys); every case makes
 * its own uniquely named tables, queues, topics and buckets, so runs never collide. */
#ifndef GAS_CONFORMANCE_H
#define GAS_CONFORMANCE_H

#include "../harness.h"

#include "gas/backend.h"
#include "gas/config.h"

struct gas_backend *cf_be(void);
struct cfg *cf_cfg(void);
/* Opens a fresh backend from cf_cfg() (for child processes after fork). */
struct gas_backend *cf_open(void);
/* A unique resource name "<base>-<run>-<n>" (the caller's). */
char *cf_name(const char *base);
/* A fresh queue with a dead-letter queue; visibility and max receives as given. */
struct queue *cf_queue(int visibility_s, int max_receives);
/* A fresh bucket name, created. */
char *cf_bucket(void);

extern const struct t_case cf_table_cases[], cf_queue_cases[], cf_topic_cases[], cf_objects_cases[],
    cf_cold_cases[];
extern const int cf_table_n, cf_queue_n, cf_topic_n, cf_objects_n, cf_cold_n;

#endif
