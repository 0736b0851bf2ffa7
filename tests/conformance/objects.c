/* conformance: objects stream to and from files byte for byte, head gives size and MD5
 * etag, copy and delete work, and unsafe keys are refused before anything is written. */
#include "conformance.h"

#include "gas/util.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

static const char *random_file(size_t n, char md5hex[33])
{
    unsigned char *buf = xmalloc(n);
    for (size_t off = 0; off < n;) {
        ssize_t r = getrandom(buf + off, n - off, 0);
        if (r > 0)
            off += (size_t)r;
    }
    unsigned char d[16];
    unsigned dl;
    EVP_Digest(buf, n, d, &dl, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(md5hex + 2 * i, 3, "%02x", d[i]);
    const char *p = t_write_file("blob", buf, n);
    free(buf);
    return p;
}

static int same_file(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    int same = !gas_read_file(a, 64 << 20, &x, &nx) && !gas_read_file(b, 64 << 20, &y, &ny) &&
               nx == ny && !memcmp(x, y, nx);
    free(x);
    free(y);
    return same;
}

static void put_get_head_copy_delete(void)
{
    struct objs *o = cf_be()->objs;
    char *b = cf_bucket(), md5[33];
    const char *src = random_file(3 * 1024 * 1024 + 17, md5);
    const char *key = "gas/user-1/5e1f0a0e~free_1.annot.vcf";
    CHECK_OK(objs_put_file(o, b, key, src));
    struct obj_info info;
    CHECK_OK(objs_head(o, b, key, &info));
    CHECK_INT(info.size, 3 * 1024 * 1024 + 17);
    CHECK_STR(info.etag, md5);
    char *dst = xasprintf("%s/out", t_tmpdir());
    CHECK_OK(objs_get_file(o, b, key, dst));
    CHECK(same_file(src, dst));
    CHECK_OK(objs_copy(o, b, key, b, "copies/one"));
    CHECK_OK(objs_head(o, b, "copies/one", &info));
    CHECK_STR(info.etag, md5);
    CHECK_OK(objs_delete(o, b, key));
    CHECK_RC(objs_head(o, b, key, &info), GAS_ENOTFOUND);
    CHECK_RC(objs_get_file(o, b, key, dst), GAS_ENOTFOUND);
    CHECK_OK(objs_delete(o, b, key)); /* deleting a missing object is fine */
    CHECK_OK(objs_get_file(o, b, "copies/one", dst));
    CHECK(same_file(src, dst));
    /* overwrite replaces content and etag */
    const char *small = t_write_file("small", "abc", 3);
    CHECK_OK(objs_put_file(o, b, "copies/one", small));
    CHECK_OK(objs_head(o, b, "copies/one", &info));
    CHECK_INT(info.size, 3);
    CHECK_STR(info.etag, "900150983cd24fb0d6963f7d28e17f72");
    CHECK_RC(objs_put_file(o, "no-such-bucket-x", "k", small), GAS_ENOTFOUND);
    CHECK_RC(objs_put_file(o, b, "k", "/nonexistent/file"), GAS_ENOTFOUND);
    free(dst);
    free(b);
}

static void empty_object(void)
{
    struct objs *o = cf_be()->objs;
    char *b = cf_bucket();
    const char *src = t_write_file("empty", "", 0);
    CHECK_OK(objs_put_file(o, b, "empty.vcf", src));
    struct obj_info info;
    CHECK_OK(objs_head(o, b, "empty.vcf", &info));
    CHECK_INT(info.size, 0);
    CHECK_STR(info.etag, "d41d8cd98f00b204e9800998ecf8427e");
    free(b);
}

static void unsafe_keys_refused(void)
{
    struct objs *o = cf_be()->objs;
    char *b = cf_bucket();
    const char *src = t_write_file("x", "x", 1);
    char *long_key = xmalloc(OBJ_MAX_KEY + 2);
    memset(long_key, 'k', OBJ_MAX_KEY + 1);
    long_key[OBJ_MAX_KEY + 1] = 0;
    const char *bad[] = {"../escape",
                         "a/../../b",
                         "/etc/passwd",
                         "a//b",
                         "a/./b",
                         "./a",
                         "a/..",
                         "",
                         "a\\b",
                         "a\nb",
                         "a\x7f"
                         "b",
                         long_key};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_RC(objs_put_file(o, b, bad[i], src), GAS_EINVAL);
        struct obj_info info;
        CHECK_RC(objs_head(o, b, bad[i], &info), GAS_EINVAL);
    }
    CHECK_RC(objs_copy(o, b, "fine", b, "../../x"), GAS_EINVAL);
    const char *bad_buckets[] = {"UPPER",          "a",  "-lead", "trail-",
                                 "has_underscore", "..", "a..b",  "a/b"};
    for (size_t i = 0; i < sizeof bad_buckets / sizeof *bad_buckets; i++)
        CHECK_RC(objs_put_file(o, bad_buckets[i], "k", src), GAS_EINVAL);
    CHECK(objs_key_valid("gas/u/j~file name (1).vcf"));
    CHECK(objs_key_valid("a/b..c/d"));
    CHECK(objs_key_valid(".hidden/x"));
    free(long_key);
    free(b);
}

/* Above s3_multipart_threshold (set to S3's 5 MiB minimum by main.c) an upload goes in
 * parts on S3: 12 MiB + 7 bytes makes three parts, the last one short. */
static void large_object_in_parts(void)
{
    struct gas_backend *be = cf_be();
    char md5[33];
    size_t n = (12u << 20) + 7;
    const char *src = random_file(n, md5);
    char *b = cf_bucket();
    CHECK_OK(objs_put_file(be->objs, b, "gas/u/j~big.vcf", src));
    struct obj_info info;
    CHECK_OK(objs_head(be->objs, b, "gas/u/j~big.vcf", &info));
    CHECK_INT(info.size, (long long)n);
    if (!strcmp(be->name, "aws")) /* S3's etag of a multipart object: "<md5 of md5s>-<parts>" */
        CHECK(strstr(info.etag, "-3") != NULL);
    else
        CHECK_STR(info.etag, md5);
    char *dst = xasprintf("%s/big.back", t_tmpdir());
    CHECK_OK(objs_get_file(be->objs, b, "gas/u/j~big.vcf", dst));
    CHECK(same_file(src, dst));
    free(dst);
    free(b);
}

static void download_links(void)
{
    struct gas_backend *be = cf_be();
    char *b = cf_bucket(), *url = NULL;
    int rc = objs_link(be->objs, b, "gas/u/j~x.vcf", 600, &url);
    if (!strcmp(be->name, "local")) {
        CHECK_RC(rc, GAS_EUNSUPPORTED);
    } else {
        CHECK_OK(rc);
        CHECK(url && strstr(url, "X-Amz-Signature=") && strstr(url, "X-Amz-Expires=600"));
        CHECK(url && strstr(url, "j~x.vcf") != NULL);
    }
    free(url);
    CHECK_RC(objs_link(be->objs, b, "../x", 600, &url), GAS_EINVAL);
    CHECK_RC(objs_link(be->objs, b, "k", 0, &url), GAS_EINVAL);
    free(url);
    free(b);
}

/* Files handed over (move): a job's outputs, several at once and one alone. Head gives
 * each its size and MD5 (the local backend computes the MD5 at the first head, not at the
 * store), and a key stored again has the new file's. */
static void moved_files(void)
{
    struct objs *o = cf_be()->objs;
    char *b = cf_bucket(), md5[11][33];
    const char *src[11],
        *keys[5] = {"gas/u/j1~a.annot.vcf", "gas/u/j1~a.count.log", "gas/u/j1~a.count.log.json",
                    "gas/u/j2~b.annot.vcf", "gas/u/j2~b.count.log"};
    for (int i = 0; i < 11; i++)
        src[i] = random_file(1000 + (size_t)i * 4099, md5[i]);
    CHECK_OK(objs_put_files(o, b, 5, keys, src, 1));
    struct obj_info info;
    for (int i = 0; i < 5; i++) {
        CHECK_OK(objs_head(o, b, keys[i], &info));
        CHECK_INT(info.size, 1000 + i * 4099);
        CHECK_STR(info.etag, md5[i]);
    }
    CHECK_OK(objs_put_files(o, b, 1, &keys[0], &src[5], 1)); /* the first again, new content */
    CHECK_OK(objs_head(o, b, keys[0], &info));
    CHECK_INT(info.size, 1000 + 5 * 4099);
    CHECK_STR(info.etag, md5[5]);
    char *dst = xasprintf("%s/out", t_tmpdir());
    CHECK_OK(objs_get_file(o, b, keys[3], dst));
    CHECK_OK(objs_head(o, b, keys[3], &info)); /* the row the first head wrote */
    CHECK_STR(info.etag, md5[3]);
    free(dst);
    /* several at once again, two of them over existing objects, the others new (one in a
     * directory of its own): each has its new file's size and MD5 */
    const char *again[5] = {"gas/u/j3~c.annot.vcf", keys[1], "gas/u2/j4~d.annot.vcf", keys[4],
                            "gas/u/j3~c.count.log"};
    CHECK_OK(objs_put_files(o, b, 5, again, &src[6], 1));
    for (int i = 0; i < 5; i++) {
        CHECK_OK(objs_head(o, b, again[i], &info));
        CHECK_INT(info.size, 1000 + (6 + i) * 4099);
        CHECK_STR(info.etag, md5[6 + i]);
    }
    CHECK_OK(objs_head(o, b, keys[3], &info)); /* the others are as they were */
    CHECK_STR(info.etag, md5[3]);
    free(b);
}

/* A store of many objects at once (the local backend syncs them together): each reads back
 * byte for byte, copies, and deletes alone, the rest staying readable; a key stored again
 * alone has the new bytes. */
static void many_at_once_read_copy_delete(void)
{
    struct objs *o = cf_be()->objs;
    char *b = cf_bucket(), md5[7][33], *keep[7];
    const char *src[7], *keys[6] = {"r/j1.annot.vcf", "r/j1.count.log", "r/j2.annot.vcf",
                                    "r/j2.count.log", "r/j3.annot.vcf", "r/j3.count.log"};
    for (int i = 0; i < 7; i++) {
        src[i] = random_file(i == 1 ? 0 : 3000 + (size_t)i * 70001, md5[i]);
        keep[i] = xasprintf("%s.keep", src[i]);
        CHECK_OK(gas_copy_file(src[i], keep[i], 0600));
    }
    CHECK_OK(objs_put_files(o, b, 6, keys, src, 1));
    char *dst = xasprintf("%s/many-out", t_tmpdir());
    struct obj_info info;
    for (int i = 0; i < 6; i++) {
        CHECK_OK(objs_get_file(o, b, keys[i], dst));
        CHECK(same_file(dst, keep[i]));
        CHECK_OK(objs_head(o, b, keys[i], &info));
        CHECK_INT(info.size, i == 1 ? 0 : 3000 + i * 70001);
        CHECK_STR(info.etag, md5[i]);
    }
    CHECK_OK(objs_copy(o, b, keys[2], b, "r/copy.vcf"));
    CHECK_OK(objs_get_file(o, b, "r/copy.vcf", dst));
    CHECK(same_file(dst, keep[2]));
    CHECK_OK(objs_delete(o, b, keys[2]));
    CHECK_RC(objs_head(o, b, keys[2], &info), GAS_ENOTFOUND);
    CHECK_RC(objs_get_file(o, b, keys[2], dst), GAS_ENOTFOUND);
    CHECK_OK(objs_get_file(o, b, keys[3], dst)); /* its neighbours stay */
    CHECK(same_file(dst, keep[3]));
    CHECK_OK(objs_put_file(o, b, keys[4], src[6])); /* stored again alone */
    CHECK_OK(objs_get_file(o, b, keys[4], dst));
    CHECK(same_file(dst, keep[6]));
    CHECK_OK(objs_head(o, b, keys[4], &info));
    CHECK_STR(info.etag, md5[6]);
    for (int i = 0; i < 6; i++) {
        int rc = objs_delete(o, b, keys[i]);
        CHECK(rc == 0 || rc == GAS_ENOTFOUND);
        CHECK_RC(objs_head(o, b, keys[i], &info), GAS_ENOTFOUND);
    }
    CHECK_OK(objs_get_file(o, b, "r/copy.vcf", dst)); /* the copy is its own */
    CHECK(same_file(dst, keep[2]));
    for (int i = 0; i < 7; i++)
        free(keep[i]);
    free(dst);
    free(b);
}

const struct t_case cf_objects_cases[] = {
    T(large_object_in_parts), T(download_links), T(put_get_head_copy_delete),      T(empty_object),
    T(unsafe_keys_refused),   T(moved_files),    T(many_at_once_read_copy_delete),
};
const int cf_objects_n = sizeof cf_objects_cases / sizeof *cf_objects_cases;
