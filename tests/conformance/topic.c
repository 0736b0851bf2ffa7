/* conformance: topics fan out to every subscribed queue, raw or in an SNS envelope, with
 * a per-subscription delay. */
#include "conformance.h"

#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>

static struct topic *fresh_topic(void)
{
    char *name = cf_name("topic");
    struct topic *t = NULL;
    CHECK_OK(be_create_topic(cf_be(), name));
    CHECK_OK(be_topic(cf_be(), name, &t));
    free(name);
    return t;
}

static void fan_out_raw_and_envelope(void)
{
    struct topic *t = fresh_topic();
    struct queue *raw = cf_queue(30, 5), *env = cf_queue(30, 5), *late = cf_queue(30, 5);
    if (!t || !raw || !env || !late)
        return;
    CHECK_OK(topic_subscribe(t, raw->name, 0, 1));
    CHECK_OK(topic_subscribe(t, env->name, 0, 0));
    CHECK_OK(topic_subscribe(t, late->name, 2, 1));
    CHECK_OK(topic_subscribe(t, late->name, 2, 1)); /* idempotent */
    const char *body = "{\"job_id\":\"j1\",\"complete_time\":1700000000}";
    char *mid = NULL;
    CHECK_OK(topic_publish(t, body, &mid));
    CHECK(mid && *mid);

    struct queue_msg m;
    int n;
    CHECK_OK(queue_receive(raw, 1, 1, -1, &m, &n));
    CHECK_INT(n, 1);
    if (n) {
        CHECK_STR(m.body, body);
        queue_msg_release(&m);
    }
    CHECK_OK(queue_receive(env, 1, 1, -1, &m, &n));
    CHECK_INT(n, 1);
    if (n) {
        cJSON *j = NULL;
        char *inner = NULL;
        CHECK_OK(json_parse_object(m.body, strlen(m.body), 1 << 20, &j));
        CHECK_INT(j ? json_sns_unwrap(j, &inner) : -1, 1);
        CHECK_STR(inner, body);
        CHECK_STR(json_str(j, "MessageId"), mid);
        free(inner);
        cJSON_Delete(j);
        queue_msg_release(&m);
    }
    struct queue_depths d;
    CHECK_OK(queue_depths(late, &d));
    CHECK_INT(d.delayed, 1);
    CHECK_OK(queue_receive(late, 1, 0, -1, &m, &n));
    CHECK_INT(n, 0);
    gas_sleep(2.2);
    CHECK_OK(queue_receive(late, 1, 1, -1, &m, &n));
    CHECK_INT(n, 1);
    if (n)
        queue_msg_release(&m);
    free(mid);
    topic_close(t);
    queue_close(raw);
    queue_close(env);
    queue_close(late);
}

static void publish_without_subscribers(void)
{
    struct topic *t = fresh_topic();
    if (!t)
        return;
    CHECK_OK(topic_publish(t, "{\"x\":1}", NULL));
    CHECK_RC(topic_publish(t, "", NULL), GAS_EINVAL);
    CHECK_RC(topic_subscribe(t, "no-such-queue-x", 0, 1), GAS_ENOTFOUND);
    CHECK_RC(topic_subscribe(t, "q", 901, 1), GAS_EINVAL);
    topic_close(t);
    struct topic *none;
    CHECK_RC(be_topic(cf_be(), "no-such-topic-x", &none), GAS_ENOTFOUND);
}

const struct t_case cf_topic_cases[] = {
    T(fan_out_raw_and_envelope),
    T(publish_without_subscribers),
};
const int cf_topic_n = sizeof cf_topic_cases / sizeof *cf_topic_cases;
