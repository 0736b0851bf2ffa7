/* json: small helpers over cJSON for reading and writing items and message bodies, and
 * the SNS envelope that wraps messages delivered through a topic. */
#ifndef GAS_JSON_H
#define GAS_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Parses text (len bytes, at most max) that must be one JSON object. GAS_ETOOBIG or
 * GAS_EINVAL with a message saying why. *out is the caller's (cJSON_Delete). */
int json_parse_object(const char *text, size_t len, size_t max, cJSON **out);
/* A string member, or NULL if missing or not a string (borrowed). */
const char *json_str(const cJSON *obj, const char *name);
/* A numeric member (a JSON number, or a string of digits as DynamoDB's N may arrive):
 * 0, GAS_ENOTFOUND if missing, GAS_EINVAL if not a whole number. */
int json_int(const cJSON *obj, const char *name, int64_t *out);
/* Replaces or adds a member. */
void json_set_str(cJSON *obj, const char *name, const char *value);
void json_set_int(cJSON *obj, const char *name, int64_t value);
/* Compact text of obj; the caller's (free). */
char *json_print(const cJSON *obj);

/* Wraps body in an SNS Notification envelope for topic; the caller's. */
char *json_sns_wrap(const char *topic, const char *msg_id, const char *body);
/* If body is an SNS envelope, *inner gets its "Message" (caller's) and 1 is returned;
 * if it is not an envelope, 0 and *inner = NULL. An envelope without a string Message is
 * GAS_EINVAL. */
int json_sns_unwrap(const cJSON *body, char **inner);

#endif
