/* Built by the cc crate. With the build machine's headers and
 * _FILE_OFFSET_BITS=64 these calls bind to stat64@GLIBC_2.33 and
 * fcntl64@GLIBC_2.28 unless the link goes through compatbuild. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int native_check(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -2;
    int flags = fcntl(fd, F_GETFD);
    close(fd);
    return flags < 0 ? -3 : S_ISDIR(st.st_mode);
}
