/* pylit: reads the Python literal that `str(dict)` prints (single-quoted strings, True,
 * False, None, tuples, Decimal('1.7e9') as boto3 returns DynamoDB numbers), which some GAS
 * web apps publish instead of JSON. Nothing is evaluated: only literals are accepted;
 * nesting is limited to 32 levels and the text to max bytes. */
#ifndef GAS_PYLIT_H
#define GAS_PYLIT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Parses len bytes of text (at most max) that must be one dict literal into a cJSON object
 * (tuples become arrays, Decimal a number, None null). GAS_EINVAL with what was wrong and
 * where, GAS_ETOOBIG over max; *out is the caller's (cJSON_Delete). */
int pylit_parse_object(const char *text, size_t len, size_t max, cJSON **out);

#endif
