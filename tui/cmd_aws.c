/* gas aws: AWS-specific administration.
 *   gas aws bootstrap   creates, idempotently, everything GAS runs on in the account and
 *                       region of the config: the DynamoDB tables (jobs with the
 *                       user_id_index GSI), the SQS queues with dead-letter queues and
 *                       redrive policies, the SNS topics with their subscriptions (the
 *                       archive queue delayed by the grace period, at most 900 s), the S3
 *                       buckets (public access blocked), and the cold store: the archive
 *                       bucket with restore completions sent to the thaw topic, or the
 *                       Glacier vault. Prints one line per resource. */
#include "cli.h"
#include "commands.h"

#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/topology.h"

#include <stdio.h>
#include <string.h>

int cmd_aws(struct cli *c)
{
    const struct cfg *cfg = c->cfg;
    if (strcmp(cfg_str(cfg, CFG_BACKEND), "aws")) {
        fprintf(stderr,
                "gas aws bootstrap: the configured backend is \"%s\"; set backend = aws "
                "(or GAS_BACKEND=aws)\n",
                cfg_str(cfg, CFG_BACKEND));
        return 2;
    }
    struct gas_backend *be = NULL;
    int rc = backend_open(cfg, &be);
    if (!rc) {
        const char *ep = cfg_str(cfg, CFG_AWS_ENDPOINT);
        printf("region %s%s%s\n", cfg_str(cfg, CFG_AWS_REGION), *ep ? ", endpoint " : "", ep);
        rc = topology_ensure(be, cfg, stdout);
    }
    backend_close(be);
    if (rc) {
        fprintf(stderr, "gas aws bootstrap: %s\n", gas_errmsg());
        return 1;
    }
    printf("bootstrap complete\n");
    return 0;
}
