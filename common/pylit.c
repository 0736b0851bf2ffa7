/* pylit: Python literals as published by GAS web apps that send str(dict) instead of JSON
 * (see include/gas/pylit.h). A recursive-descent reader over a bounded buffer: it builds
 * cJSON values and evaluates nothing; depth, string lengths and the input size are capped. */
#include "gas/pylit.h"

#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PYLIT_MAX_DEPTH 32

struct rd {
    const char *s, *end, *p;
    int depth;
    char why[96]; /* the first thing that went wrong */
};

static int fail(struct rd *r, const char *what)
{
    if (!r->why[0])
        snprintf(r->why, sizeof r->why, "%s at byte %zu", what, (size_t)(r->p - r->s));
    return -1;
}

static void skip_ws(struct rd *r)
{
    while (r->p < r->end && strchr(" \t\r\n", *r->p) && *r->p)
        r->p++;
}

static int word(struct rd *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
        return 0;
    const char *after = r->p + n;
    if (after < r->end && (isalnum((unsigned char)*after) || *after == '_'))
        return 0;
    r->p = after;
    return 1;
}

/* Appends the UTF-8 encoding of cp to the buffer at *o (room for 4 bytes is the caller's). */
static int put_utf8(struct rd *r, char **o, unsigned long cp)
{
    char *b = *o;
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return fail(r, "string escape is not a usable character");
    if (cp < 0x80) {
        *b++ = (char)cp;
    } else if (cp < 0x800) {
        *b++ = (char)(0xc0 | (cp >> 6));
        *b++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *b++ = (char)(0xe0 | (cp >> 12));
        *b++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *b++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *b++ = (char)(0xf0 | (cp >> 18));
        *b++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *b++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *b++ = (char)(0x80 | (cp & 0x3f));
    }
    *o = b;
    return 0;
}

static int hex_escape(struct rd *r, int digits, unsigned long *cp)
{
    if (r->end - r->p < digits)
        return fail(r, "short \\x/\\u escape");
    *cp = 0;
    for (int i = 0; i < digits; i++) {
        char c = r->p[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return fail(r, "bad hex digit in escape");
        *cp = *cp * 16 + (unsigned long)v;
    }
    r->p += digits;
    return 0;
}

static int escape(struct rd *r, char **o)
{
    char c = *r->p++;
    unsigned long cp;
    switch (c) {
    case '\\':
    case '\'':
    case '"': *(*o)++ = c; return 0;
    case 'n': *(*o)++ = '\n'; return 0;
    case 't': *(*o)++ = '\t'; return 0;
    case 'r': *(*o)++ = '\r'; return 0;
    case 'x': return hex_escape(r, 2, &cp) ? -1 : put_utf8(r, o, cp);
    case 'u': return hex_escape(r, 4, &cp) ? -1 : put_utf8(r, o, cp);
    case 'U': return hex_escape(r, 8, &cp) ? -1 : put_utf8(r, o, cp);
    default: r->p--; return fail(r, "unsupported string escape");
    }
}

/* A quoted string ('...' or "..."; no prefixes, no triple quotes); the caller's. */
static char *string(struct rd *r)
{
    char q = *r->p++;
    const char *start = r->p;
    /* the decoded text is never longer than 4/2 of the source (\xNN -> 2 bytes) */
    char *buf = xmalloc((size_t)(r->end - start) * 2 + 8), *o = buf;
    while (r->p < r->end && *r->p != q) {
        if (*r->p == '\n' || !*r->p) {
            fail(r, "unterminated string");
            goto bad;
        }
        if (*r->p == '\\') {
            r->p++;
            if (r->p >= r->end || escape(r, &o)) {
                fail(r, "unterminated string");
                goto bad;
            }
            continue;
        }
        *o++ = *r->p++;
    }
    if (r->p >= r->end) {
        fail(r, "unterminated string");
        goto bad;
    }
    r->p++;
    *o = 0;
    return buf;
bad:
    free(buf);
    return NULL;
}

static cJSON *number(struct rd *r)
{
    const char *start = r->p;
    if (r->p < r->end && (*r->p == '-' || *r->p == '+'))
        r->p++;
    while (r->p < r->end && (isdigit((unsigned char)*r->p) || (*r->p && strchr(".eE+-_", *r->p))))
        r->p++;
    size_t n = (size_t)(r->p - start);
    if (n == 0 || n > 64) {
        fail(r, "not a value");
        return NULL;
    }
    char tmp[72];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (start[i] != '_')
            tmp[k++] = start[i];
    tmp[k] = 0;
    char *e;
    errno = 0;
    double d = strtod(tmp, &e);
    if (*e || e == tmp || !isfinite(d)) {
        r->p = start;
        fail(r, "not a number");
        return NULL;
    }
    return cJSON_CreateNumber(d);
}

/* Decimal('1.7e9') or Decimal("5") as boto3 returns DynamoDB numbers: a number. */
static cJSON *decimal(struct rd *r)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '(')
        return fail(r, "Decimal without '('"), NULL;
    r->p++;
    skip_ws(r);
    if (r->p >= r->end || (*r->p != '\'' && *r->p != '"'))
        return fail(r, "Decimal without a quoted number"), NULL;
    char *txt = string(r);
    if (!txt)
        return NULL;
    struct rd sub = {.s = txt, .end = txt + strlen(txt), .p = txt};
    cJSON *v = number(&sub);
    int whole = v && sub.p == sub.end;
    free(txt);
    skip_ws(r);
    if (!whole || r->p >= r->end || *r->p != ')') {
        cJSON_Delete(v);
        return fail(r, "Decimal is not a number"), NULL;
    }
    r->p++;
    return v;
}

static cJSON *value(struct rd *r);

/* dict, list or tuple: open is '{', '[' or '(' */
static cJSON *container(struct rd *r)
{
    char open = *r->p++, close = open == '{' ? '}' : open == '[' ? ']' : ')';
    if (++r->depth > PYLIT_MAX_DEPTH)
        return fail(r, "nested too deeply"), NULL;
    cJSON *c = open == '{' ? cJSON_CreateObject() : cJSON_CreateArray();
    for (;;) {
        skip_ws(r);
        if (r->p < r->end && *r->p == close) {
            r->p++;
            break;
        }
        char *key = NULL;
        if (open == '{') {
            if (r->p >= r->end || (*r->p != '\'' && *r->p != '"'))
                goto bad_key;
            if (!(key = string(r)))
                goto bad;
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') {
                free(key);
                fail(r, "expected ':'");
                goto bad;
            }
            r->p++;
        }
        cJSON *v = value(r);
        if (!v) {
            free(key);
            goto bad;
        }
        if (key) {
            cJSON_DeleteItemFromObjectCaseSensitive(c, key); /* Python: the last one wins */
            cJSON_AddItemToObject(c, key, v);
            free(key);
        } else {
            cJSON_AddItemToArray(c, v);
        }
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            break;
        }
        fail(r, open == '{' ? "expected ',' or '}'" : "expected ',' or a closing bracket");
        goto bad;
    }
    r->depth--;
    return c;
bad_key:
    fail(r, "dict key is not a string");
bad:
    cJSON_Delete(c);
    return NULL;
}

static cJSON *value(struct rd *r)
{
    skip_ws(r);
    if (r->p >= r->end)
        return fail(r, "unexpected end"), NULL;
    char c = *r->p;
    if (c == '{' || c == '[' || c == '(')
        return container(r);
    if (c == '\'' || c == '"') {
        char *s = string(r);
        if (!s)
            return NULL;
        cJSON *v = cJSON_CreateString(s);
        free(s);
        return v;
    }
    if (word(r, "True"))
        return cJSON_CreateTrue();
    if (word(r, "False"))
        return cJSON_CreateFalse();
    if (word(r, "None"))
        return cJSON_CreateNull();
    if (word(r, "Decimal"))
        return decimal(r);
    if (c == '-' || c == '+' || c == '.' || isdigit((unsigned char)c))
        return number(r);
    return fail(r, "not a Python literal"), NULL;
}

int pylit_parse_object(const char *text, size_t len, size_t max, cJSON **out)
{
    *out = NULL;
    if (len > max)
        return gas_err_set(GAS_ETOOBIG, "python literal of %zu bytes is over the %zu byte limit",
                           len, max);
    struct rd r = {.s = text, .end = text + len, .p = text};
    skip_ws(&r);
    if (r.p >= r.end || *r.p != '{')
        return gas_err_set(GAS_EINVAL, "python literal is not a dict");
    cJSON *v = value(&r);
    if (v) {
        skip_ws(&r);
        if (r.p < r.end) {
            cJSON_Delete(v);
            v = NULL;
            fail(&r, "trailing data");
        }
    }
    if (!v)
        return gas_err_set(GAS_EINVAL, "malformed python literal: %s", r.why);
    *out = v;
    return 0;
}
