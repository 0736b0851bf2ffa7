/* gas aws: AWS-specific administration.
 *   gas aws bootstrap   creates, idempotently, everything GAS runs on in the account and
 *                       region of the config: the DynamoDB tables (jobs with the
 *                       user_id_index GSI), the SQS queues with dead-letter queues and
 *                       redrive policies, the SNS topics with their subscriptions (the
 *                       archive queue delayed by the grace period, at most 900 s), the S3
 *                       buckets (public access blocked), and the cold store: the archive
 *                       bucket with restore completions sent to the thaw topic, or the
 *                       Glacier vault; with notify_via = ses, the sender's bounces and
 *                       complaints to the SES events topic. Prints one line per resource. */
#include "cli.h"
#include "commands.h"

#include "gas/awsapi.h"
#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/topology.h"

#include <stdio.h>
#include <string.h>

/* With notify_via = ses: SES's bounces and complaints of the sender go to the events topic.
 * A sender SES does not know (yet) is a warning with the command to run later. */
static void ses_notifications(const struct cfg *cfg)
{
    const char *sender = cfg_str(cfg, CFG_SES_SENDER), *topic = cfg_str(cfg, CFG_SES_EVENTS_TOPIC);
    if (strcmp(cfg_str(cfg, CFG_NOTIFY_VIA), "ses") || !*sender)
        return;
    struct aws_client *ac = NULL;
    int rc = aws_client_new(cfg, &ac);
    if (!rc)
        rc = aws_ses_notify_to(ac, sender, cfg_str(cfg, CFG_AWS_ACCOUNT_ID), topic);
    aws_client_free(ac);
    if (!rc)
        printf("ses    %s: Bounce, Complaint -> topic %s\n", sender, topic);
    else
        fprintf(stderr,
                "gas aws bootstrap: warning: %s\n  once the sender is verified: aws ses "
                "set-identity-notification-topic --identity %s --notification-type Bounce "
                "--sns-topic <ARN of %s> (and Complaint)\n",
                gas_errmsg(), sender, topic);
}

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
    if (!rc)
        ses_notifications(cfg);
    backend_close(be);
    if (rc) {
        fprintf(stderr, "gas aws bootstrap: %s\n", gas_errmsg());
        return 1;
    }
    printf("bootstrap complete\n");
    return 0;
}
