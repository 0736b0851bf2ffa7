/* treehash: Glacier's SHA-256 tree hash against the vectors in ../shared/testdata/README.md
 * (the byte 'a' repeated N times, checked there with botocore), on whole files and on
 * ranges (multipart parts). */
#include "../harness.h"

#include "../../common/aws/aws.h"
#include "gas/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const struct {
    int64_t n;
    const char *hash;
} vectors[] = {
    {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {1024, "2edc986847e209b4016e141a6dc8716d3207350f416969382d431539bf292e4a"},
    {1048576, "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360"},
    {4194304, "9491cb2ed1d4e7cd53215f4017c23ec4ad21d7050a1e6bb636c4f67e8cddb844"},
    {4194324, "12f3cbd6101b981cde074039f6f728071da8879d6f632de8afc7cdf00661b08f"},
};

static int vectors_from_shared(void)
{
    char *text = NULL;
    size_t n = 0;
    if (gas_read_file("../shared/testdata/README.md", 1 << 20, &text, &n)) {
        t_fail(__FILE__, __LINE__,
               "../shared/testdata/README.md is missing (run from the "
               "project root with shared/ beside it)");
        return 0;
    }
    int ok = 1;
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++)
        if (!strstr(text, vectors[i].hash)) {
            t_fail(__FILE__, __LINE__, "vector %s is not in the shared README", vectors[i].hash);
            ok = 0;
        }
    free(text);
    return ok;
}

static void known_vectors(void)
{
    if (!vectors_from_shared())
        return;
    char *data = xmalloc(4194324);
    memset(data, 'a', 4194324);
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
        const char *path = t_write_file("a.bin", data, (size_t)vectors[i].n);
        int fd = open(path, O_RDONLY);
        char out[65] = "";
        CHECK_OK(glacier_tree_hash(fd, 0, vectors[i].n, out));
        CHECK_STR(out, vectors[i].hash);
        close(fd);
    }
    free(data);
}

static void ranges_and_short_files(void)
{
    char *data = xmalloc(3 << 20);
    memset(data, 'a', 3 << 20);
    memset(data, 'b', 1 << 20); /* the first MiB differs: a range past it is all 'a' */
    const char *path = t_write_file("r.bin", data, 3 << 20);
    int fd = open(path, O_RDONLY);
    char out[65] = "";
    CHECK_OK(glacier_tree_hash(fd, 1 << 20, 1048576, out));
    CHECK_STR(out, vectors[2].hash);
    CHECK_RC(glacier_tree_hash(fd, 2 << 20, 2 << 20, out), GAS_EIO); /* past the end */
    close(fd);
    free(data);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {T(known_vectors), T(ranges_and_short_files)};
    return t_main("treehash", cases, 2, argc, argv);
}
