/* libFuzzer target: a queue message body as gasd receives it (from SQS, possibly wrapped
 * in an SNS envelope, possibly an S3 or Glacier event): parse, unwrap, and read it as a
 * request, a result and a thaw notice. Nothing may crash, leak or read out of bounds. */
#include "gas/err.h"
#include "gas/json.h"
#include "gas/msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = 0;
    cJSON *m = NULL;
    if (msg_parse(body, 1 << 20, &m) == 0) {
        char *inner = NULL;
        if (json_sns_unwrap(m, &inner) == 1 && inner) {
            cJSON *in = NULL;
            if (msg_parse(inner, 1 << 20, &in) == 0) {
                cJSON_Delete(m);
                m = in;
            }
        }
        free(inner);
        (void)msg_job_id(m);
        char *job = NULL, *rid = NULL;
        msg_thaw_target(m, &job, &rid);
        free(job);
        free(rid);
    }
    cJSON_Delete(m);
    free(body);
    return 0;
}
