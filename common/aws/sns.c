/* aws topic: SNS over the query protocol. A subscription is an SQS subscription of the
 * queue (RawMessageDelivery as asked); its delay becomes the queue's DelaySeconds, as SNS
 * has no delay of its own, so a queue delays everything it gets (GAS gives the delayed
 * archive queue a subscription of its own). */
#include "aws.h"

#include "gas/err.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct aws_topic {
    struct topic pub;
    pthread_mutex_t mu; /* guards arn */
    char *arn;          /* NULL until first needed when opened lazily */
};

static struct aws_topic *at_of(struct topic *t)
{
    return (struct aws_topic *)t;
}

/* The topic's ARN (borrowed, for the handle's life): made from the account id on first
 * need when the handle was opened lazily (STS once per process, unless aws_account_id is
 * configured). */
static int topic_arn(struct topic *t, const char **arn)
{
    struct aws_topic *at = at_of(t);
    pthread_mutex_lock(&at->mu);
    int rc = at->arn ? 0 : aws_arn(aws_of(t->be), "sns", t->name, &at->arn);
    *arn = at->arn;
    pthread_mutex_unlock(&at->mu);
    return rc;
}

/* A topic that is not there: say which (a lazily opened handle finds out here). */
static int missing_topic(struct aws_be *ab, int rc, const char *name)
{
    if (rc == GAS_ENOTFOUND || (rc && gas_err_code_has("NotFound")))
        return aws_missing(ab, GAS_ENOTFOUND, "topic", name);
    return rc;
}

static int t_publish(struct topic *t, const char *body, char **msg_id)
{
    const char *arn = NULL;
    int rc = topic_arn(t, &arn);
    if (rc)
        return rc;
    const char *f[] = {"Action", "Publish", "Version", "2010-03-31", "TopicArn",
                       arn,      "Message", body,      NULL};
    char *xml = NULL;
    rc = missing_topic(aws_of(t->be), aws_query(aws_of(t->be), "sns", f, &xml), t->name);
    if (!rc && msg_id)
        *msg_id = aws_xml_text(xml, "MessageId");
    free(xml);
    return rc;
}

static int t_subscribe(struct topic *t, const char *queue, int delay_s, int raw)
{
    struct aws_be *ab = aws_of(t->be);
    char *qarn = NULL, *url = NULL, *xml = NULL, *sub = NULL;
    const char *tarn = NULL;
    int rc = topic_arn(t, &tarn);
    if (!rc)
        rc = aws_arn(ab, "sqs", queue, &qarn);
    if (!rc)
        rc = aws_queue_url(ab, queue, &url);
    if (!rc) {
        const char *f[] = {"Action",
                           "Subscribe",
                           "Version",
                           "2010-03-31",
                           "TopicArn",
                           tarn,
                           "Protocol",
                           "sqs",
                           "Endpoint",
                           qarn,
                           "ReturnSubscriptionArn",
                           "true",
                           NULL};
        rc = missing_topic(ab, aws_query(ab, "sns", f, &xml), t->name);
    }
    if (!rc && !(sub = aws_xml_text(xml, "SubscriptionArn")))
        rc = gas_err_set(GAS_EINVAL, "sns: Subscribe answer without SubscriptionArn");
    if (!rc && raw) { /* new subscriptions are not raw: one that is stays so (gasd reads both) */
        const char *f[] = {"Action",
                           "SetSubscriptionAttributes",
                           "Version",
                           "2010-03-31",
                           "SubscriptionArn",
                           sub,
                           "AttributeName",
                           "RawMessageDelivery",
                           "AttributeValue",
                           raw ? "true" : "false",
                           NULL};
        rc = aws_query(ab, "sns", f, NULL);
    }
    if (!rc && delay_s > 0) { /* 0: the queue's own delay is left as it is */
        char d[16];
        snprintf(d, sizeof d, "%d", delay_s);
        rc = aws_queue_set_attr(ab, url, "DelaySeconds", d);
    }
    free(qarn);
    free(url);
    free(xml);
    free(sub);
    return rc;
}

static void t_close(struct topic *t)
{
    pthread_mutex_destroy(&at_of(t)->mu);
    free(at_of(t)->arn);
    free(t->name);
    free(t);
}

static const struct topic_ops sns_ops = {
    .publish = t_publish,
    .subscribe = t_subscribe,
    .close = t_close,
};

int aws_topic_open(struct gas_backend *be, const char *name, struct topic **out)
{
    struct aws_be *ab = aws_of(be);
    *out = NULL;
    char *arn = NULL;
    int rc = be->lazy_open ? 0 : aws_arn(ab, "sns", name, &arn);
    if (!rc && !be->lazy_open) {
        const char *f[] = {"Action", "GetTopicAttributes", "Version", "2010-03-31", "TopicArn", arn,
                           NULL};
        rc = aws_query(ab, "sns", f, NULL);
        if (rc == GAS_ENOTFOUND)
            rc = aws_missing(ab, rc, "topic", name);
    }
    if (rc) {
        free(arn);
        return rc;
    }
    struct aws_topic *at = xcalloc(1, sizeof *at);
    at->pub.ops = &sns_ops;
    at->pub.be = be;
    at->pub.name = xstrdup(name);
    at->arn = arn;
    pthread_mutex_init(&at->mu, NULL);
    *out = &at->pub;
    return 0;
}

int aws_topic_create(struct gas_backend *be, const char *name)
{
    struct aws_be *ab = aws_of(be);
    const char *f[] = {"Action", "CreateTopic", "Version", "2010-03-31", "Name", name, NULL};
    char *xml = NULL, *arn = NULL;
    char acct[32];
    int rc = aws_query(ab, "sns", f, &xml);
    if (!rc && !(arn = aws_xml_text(xml, "TopicArn")))
        rc = gas_err_set(GAS_EINVAL, "sns: CreateTopic answer without TopicArn");
    if (!rc)
        rc = aws_account(ab, acct);
    if (!rc) {
        /* S3 (restore events), Glacier (job notices) and SES (bounces and complaints:
         * ses_events) of this account may publish */
        char *policy =
            xasprintf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"gas-cold-events\","
                      "\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"s3.amazonaws.com\","
                      "\"glacier.amazonaws.com\",\"ses.amazonaws.com\"]},\"Action\":\"sns:"
                      "Publish\",\"Resource\":\"%s\","
                      "\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"%s\"}}}]}",
                      arn, acct);
        const char *sf[] = {"Action", "SetTopicAttributes", "Version", "2010-03-31",     "TopicArn",
                            arn,      "AttributeName",      "Policy",  "AttributeValue", policy,
                            NULL};
        rc = aws_query(ab, "sns", sf, NULL);
        free(policy);
    }
    free(xml);
    free(arn);
    return rc;
}
