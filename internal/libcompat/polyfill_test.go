package libcompat

import (
	"path/filepath"
	"strings"
	"testing"
)

const checkPrelude = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)
#define DONE() do { if (failures) return 1; puts("OK"); return 0; } while (0)
`

// polyfillCases are C programs linked against the host glibc 2.36 with
// libcompat_polyfill.a in front, so the polyfill's definition wins over
// libc's; each must define the listed symbols itself and print OK.
var polyfillCases = []struct {
	name   string
	syms   []string
	cflags []string
	src    string
}{
	{"strlcpy_strlcat", []string{"strlcpy", "strlcat"}, nil, `
size_t strlcpy(char *, const char *, size_t);
size_t strlcat(char *, const char *, size_t);
int main(void) {
	char b[8];
	CHECK(strlcpy(b, "hello world", sizeof b) == 11 && strcmp(b, "hello w") == 0);
	CHECK(strlcpy(b, "hi", sizeof b) == 2 && strcmp(b, "hi") == 0);
	memset(b, 'x', sizeof b);
	CHECK(strlcpy(b, "abc", 0) == 3 && b[0] == 'x');
	CHECK(strlcpy(b, "abc", 1) == 3 && b[0] == 0);
	strcpy(b, "ab");
	CHECK(strlcat(b, "cdefghij", sizeof b) == 10 && strcmp(b, "abcdefg") == 0);
	strcpy(b, "ab");
	CHECK(strlcat(b, "cd", sizeof b) == 4 && strcmp(b, "abcd") == 0);
	memset(b, 'x', sizeof b);
	CHECK(strlcat(b, "abc", sizeof b) == sizeof b + 3 && b[7] == 'x');
	CHECK(strlcat(b, "abc", 0) == 3);
	DONE();
}`},
	{"reallocarray", []string{"reallocarray"}, []string{"-D_GNU_SOURCE"}, `
#include <stdint.h>
int main(void) {
	errno = 0;
	CHECK(reallocarray(NULL, SIZE_MAX / 2 + 1, 2) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(reallocarray(NULL, 2, SIZE_MAX) == NULL && errno == ENOMEM);
	unsigned char *p = reallocarray(NULL, 10, 10);
	CHECK(p != NULL);
	memset(p, 1, 100);
	p = reallocarray(p, 20, 10);
	CHECK(p != NULL && p[99] == 1);
	free(p);
	DONE();
}`},
	{"getrandom_getentropy", []string{"getrandom", "getentropy"}, nil, `
#include <unistd.h>
#include <sys/random.h>
int main(void) {
	unsigned char a[300], b[300];
	memset(a, 0, sizeof a); memset(b, 0, sizeof b);
	CHECK(getrandom(a, 64, 0) == 64);
	CHECK(getrandom(b, 64, GRND_NONBLOCK) == 64);
	CHECK(memcmp(a, b, 64) != 0);
	int nz = 0;
	for (int i = 0; i < 64; i++) nz += a[i] != 0;
	CHECK(nz > 32);
	memset(a, 0, sizeof a);
	CHECK(getentropy(a, 256) == 0);
	nz = 0;
	for (int i = 0; i < 256; i++) nz += a[i] != 0;
	CHECK(nz > 200);
	errno = 0;
	CHECK(getentropy(a, 257) == -1 && errno == EIO);
	CHECK(getentropy(a, 0) == 0);
	DONE();
}`},
	{"arc4random", []string{"arc4random", "arc4random_buf", "arc4random_uniform"}, nil, `
#include <stdint.h>
int main(void) {
	uint32_t first = arc4random(), same = 1;
	for (int i = 0; i < 100; i++) same &= arc4random() == first;
	CHECK(!same);
	unsigned char buf[4096];
	int seen[256] = {0}, distinct = 0;
	memset(buf, 0, sizeof buf);
	arc4random_buf(buf, sizeof buf);
	for (int i = 0; i < 4096; i++) if (!seen[buf[i]]++) distinct++;
	CHECK(distinct > 240);
	CHECK(arc4random_uniform(0) == 0 && arc4random_uniform(1) == 0);
	uint32_t bounds[] = {2, 3, 7, 1000, 0x80000001u, 0xffffffffu};
	for (int k = 0; k < 6; k++)
		for (int i = 0; i < 2000; i++) CHECK(arc4random_uniform(bounds[k]) < bounds[k]);
	/* 70000 draws over 7 buckets: each near 10000 (sd ~93). */
	int counts[7] = {0};
	for (int i = 0; i < 70000; i++) counts[arc4random_uniform(7)]++;
	for (int k = 0; k < 7; k++) CHECK(counts[k] > 9400 && counts[k] < 10600);
	/* bound 0x80000001: half of all 32-bit values are rejected by a correct
	   implementation; a plain modulo would put ~75% of draws below 2^31. */
	int low = 0;
	for (int i = 0; i < 20000; i++) low += arc4random_uniform(0x80000001u) < 0x40000000u;
	CHECK(low > 9000 && low < 11000);
	DONE();
}`},
	{"explicit_bzero", []string{"explicit_bzero"}, nil, `
int main(void) {
	unsigned char b[32];
	memset(b, 0xaa, sizeof b);
	explicit_bzero(b + 1, 30);
	CHECK(b[0] == 0xaa && b[31] == 0xaa);
	for (int i = 1; i <= 30; i++) CHECK(b[i] == 0);
	explicit_bzero(b, 0);
	CHECK(b[0] == 0xaa);
	DONE();
}`},
	{"fortify", []string{"wcslcpy", "wcslcat", "memset_explicit", "__explicit_bzero_chk", "__strlcpy_chk", "__strlcat_chk",
		"__wcslcpy_chk", "__wcslcat_chk", "__inet_pton_chk", "__inet_ntop_chk", "__memset_explicit_chk"}, nil, `
#include <signal.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/wait.h>
#include <arpa/inet.h>
size_t wcslcpy(wchar_t *, const wchar_t *, size_t);
size_t wcslcat(wchar_t *, const wchar_t *, size_t);
void *memset_explicit(void *, int, size_t);
void __explicit_bzero_chk(void *, size_t, size_t);
void *__memset_explicit_chk(void *, int, size_t, size_t);
size_t __strlcpy_chk(char *, const char *, size_t, size_t);
size_t __strlcat_chk(char *, const char *, size_t, size_t);
size_t __wcslcpy_chk(wchar_t *, const wchar_t *, size_t, size_t);
size_t __wcslcat_chk(wchar_t *, const wchar_t *, size_t, size_t);
int __inet_pton_chk(int, const char *, void *, size_t);
const char *__inet_ntop_chk(int, const void *, char *, socklen_t, size_t);
/* aborts reports whether f() ends the process with SIGABRT (__chk_fail). */
static int aborts(void (*f)(void)) {
	pid_t pid = fork();
	if (pid == 0) { close(2); f(); _exit(0); }
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}
static char small[4];
static wchar_t wsmall[4];
static void over_strlcpy(void) { __strlcpy_chk(small, "abcdef", 8, sizeof small); }
static void over_strlcat(void) { __strlcat_chk(small, "abcdef", 5, sizeof small); }
static void over_wcslcpy(void) { __wcslcpy_chk(wsmall, L"abcdef", 5, 4); }
static void over_wcslcat(void) { __wcslcat_chk(wsmall, L"abcdef", 8, 4); }
static void over_bzero(void) { __explicit_bzero_chk(small, 5, sizeof small); }
static void over_memset(void) { __memset_explicit_chk(small, 1, 5, sizeof small); }
static void over_pton4(void) { __inet_pton_chk(AF_INET, "1.2.3.4", small, 3); }
static void over_pton6(void) { __inet_pton_chk(AF_INET6, "::1", small, 15); }
static void over_ntop(void) { char s[8]; __inet_ntop_chk(AF_INET, small, s, 16, sizeof s); }
int main(void) {
	wchar_t w[6];
	CHECK(wcslcpy(w, L"hello world", 6) == 11 && wcscmp(w, L"hello") == 0);
	CHECK(wcslcpy(w, L"hi", 6) == 2 && wcscmp(w, L"hi") == 0);
	CHECK(wcslcat(w, L"abcdef", 6) == 8 && wcscmp(w, L"hiabc") == 0);
	wmemset(w, L'x', 6);
	CHECK(wcslcat(w, L"ab", 6) == 8 && w[5] == L'x');
	CHECK(__wcslcpy_chk(w, L"abc", 6, 6) == 3 && wcscmp(w, L"abc") == 0);
	CHECK(__wcslcat_chk(w, L"defgh", 6, 6) == 8 && wcscmp(w, L"abcde") == 0);
	char b[8];
	CHECK(__strlcpy_chk(b, "hello world", sizeof b, sizeof b) == 11 && strcmp(b, "hello w") == 0);
	CHECK(__strlcpy_chk(b, "ab", 4, sizeof b) == 2 && strcmp(b, "ab") == 0);
	CHECK(__strlcat_chk(b, "cdefghij", sizeof b, sizeof b) == 10 && strcmp(b, "abcdefg") == 0);
	unsigned char z[16];
	memset(z, 0xaa, sizeof z);
	__explicit_bzero_chk(z + 2, 12, 14);
	CHECK(z[1] == 0xaa && z[2] == 0 && z[13] == 0 && z[14] == 0xaa);
	CHECK(memset_explicit(z, 7, 3) == z && z[0] == 7 && z[2] == 7 && z[3] == 0);
	CHECK(__memset_explicit_chk(z, 9, 16, 16) == z && z[15] == 9);
	unsigned char a4[4], a6[16];
	CHECK(__inet_pton_chk(AF_INET, "192.168.0.77", a4, 4) == 1 && a4[0] == 192 && a4[3] == 77);
	CHECK(__inet_pton_chk(AF_INET, "300.1.1.1", a4, 4) == 0);
	CHECK(__inet_pton_chk(AF_INET6, "fe80::1", a6, sizeof a6) == 1 && a6[0] == 0xfe && a6[15] == 1);
	errno = 0;
	CHECK(__inet_pton_chk(99, "x", a6, sizeof a6) == -1 && errno == EAFNOSUPPORT);
	char s[46];
	CHECK(__inet_ntop_chk(AF_INET, a4, s, 16, sizeof s) == s && strcmp(s, "192.168.0.77") == 0);
	CHECK(__inet_ntop_chk(AF_INET6, a6, s, sizeof s, sizeof s) == s && strcmp(s, "fe80::1") == 0);
	errno = 0;
	CHECK(__inet_ntop_chk(AF_INET, a4, s, 8, sizeof s) == NULL && errno == ENOSPC);
	CHECK(aborts(over_strlcpy) && aborts(over_strlcat) && aborts(over_wcslcpy) && aborts(over_wcslcat));
	CHECK(aborts(over_bzero) && aborts(over_memset) && aborts(over_pton4) && aborts(over_pton6) && aborts(over_ntop));
	DONE();
}`},
	{"gettid", []string{"gettid"}, []string{"-D_GNU_SOURCE", "-pthread"}, `
#include <unistd.h>
#include <sys/syscall.h>
#include <pthread.h>
static void *thr(void *arg) { *(int *)arg = gettid() == (pid_t)syscall(SYS_gettid) && gettid() != getpid(); return 0; }
int main(void) {
	CHECK(gettid() == (pid_t)syscall(SYS_gettid));
	CHECK(gettid() == getpid());
	int ok = 0;
	pthread_t t;
	CHECK(pthread_create(&t, 0, thr, &ok) == 0 && pthread_join(t, 0) == 0 && ok);
	DONE();
}`},
	{"close_range", []string{"close_range"}, []string{"-D_GNU_SOURCE"}, `
#include <unistd.h>
#include <fcntl.h>
#include <linux/close_range.h>
int compat_close_range_fallback(unsigned int, unsigned int, int);
int fake_syscall_calls;
long fake_syscall(long n, ...) { (void)n; fake_syscall_calls++; errno = ENOSYS; return -1; }
static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }
static void test(int (*cr)(unsigned int, unsigned int, int)) {
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY), c = open("/dev/null", O_RDONLY);
	int d = open("/dev/null", O_RDONLY);
	CHECK(a >= 0 && b == a + 1 && c == b + 1 && d == c + 1);
	CHECK(cr(a, c, 0) == 0);
	CHECK(!is_open(a) && !is_open(b) && !is_open(c) && is_open(d));
	CHECK(cr(d, d, CLOSE_RANGE_CLOEXEC) == 0);
	CHECK(is_open(d) && (fcntl(d, F_GETFD) & FD_CLOEXEC));
	errno = 0;
	CHECK(cr(5, 4, 0) == -1 && errno == EINVAL);
	int e = open("/dev/null", O_RDONLY);
	CHECK(cr(e, ~0u, 0) == 0 && !is_open(e) && !is_open(d));
}
int main(void) {
	test(close_range);
	CHECK(fake_syscall_calls == 0);
	test(compat_close_range_fallback); /* the ENOSYS path, same results */
	CHECK(fake_syscall_calls > 0);
	DONE();
}`},
	{"memfd_create", []string{"memfd_create"}, []string{"-D_GNU_SOURCE"}, `
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
int main(void) {
	int fd = memfd_create("libcompat-test", MFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello", 5) == 5);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	char b[6] = {0};
	CHECK(read(fd, b, 5) == 5 && strcmp(b, "hello") == 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	DONE();
}`},
	{"copy_file_range", []string{"copy_file_range"}, []string{"-D_GNU_SOURCE"}, `
#include <unistd.h>
#include <fcntl.h>
int main(int argc, char **argv) {
	(void)argc;
	char src[256], dst[256], data[10000], back[10000];
	snprintf(src, sizeof src, "%s/src", argv[1]);
	snprintf(dst, sizeof dst, "%s/dst", argv[1]);
	for (int i = 0; i < 10000; i++) data[i] = (char)(i * 7);
	int in = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600), out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(in >= 0 && out >= 0 && write(in, data, sizeof data) == sizeof data);
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	size_t done = 0;
	while (done < sizeof data) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, sizeof data - done, 0);
		if (n <= 0) { printf("copy_file_range: %zd errno %d\n", n, errno); return 1; }
		done += (size_t)n;
	}
	CHECK(pread(out, back, sizeof back, 0) == sizeof back && memcmp(data, back, sizeof data) == 0);
	off64_t ioff = 100, ooff = 20000;
	CHECK(copy_file_range(in, &ioff, out, &ooff, 50, 0) == 50 && ioff == 150 && ooff == 20050);
	CHECK(pread(out, back, 50, 20000) == 50 && memcmp(back, data + 100, 50) == 0);
	DONE();
}`},
	{"fcntl64", []string{"fcntl64"}, []string{"-D_FILE_OFFSET_BITS=64"}, `
#include <unistd.h>
#include <fcntl.h>
int main(void) {
	int fd = open("/dev/null", O_RDWR | O_APPEND);
	CHECK(fd >= 0);
	int fl = fcntl(fd, F_GETFL);
	CHECK(fl != -1 && (fl & O_APPEND) && (fl & O_ACCMODE) == O_RDWR);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	int d = fcntl(fd, F_DUPFD, 100);
	CHECK(d >= 100);
	struct flock lk = {0};
	lk.l_type = F_WRLCK; lk.l_whence = SEEK_SET; lk.l_len = 0;
	CHECK(fcntl(fd, F_GETLK, &lk) == 0 && lk.l_type == F_UNLCK);
	errno = 0;
	CHECK(fcntl(-1, F_GETFL) == -1 && errno == EBADF);
	DONE();
}`},
	{"libc_single_threaded", []string{"__libc_single_threaded"}, nil, `
extern char __libc_single_threaded;
int main(void) {
	CHECK(__libc_single_threaded == 0);
	DONE();
}`},
	{"statx", []string{"statx"}, []string{"-D_GNU_SOURCE"}, `
#include <fcntl.h>
#include <sys/stat.h>
int main(void) {
	struct statx sx;
	struct stat st;
	CHECK(statx(AT_FDCWD, "/", 0, STATX_INO, &sx) == 0);
	CHECK(stat("/", &st) == 0 && st.st_ino == sx.stx_ino);
	DONE();
}`},
	{"isoc23", []string{"__isoc23_strtol", "__isoc23_strtoul", "__isoc23_strtoll", "__isoc23_strtoull",
		"__isoc23_strtoimax", "__isoc23_strtoumax", "__isoc23_strtol_l", "__isoc23_wcstol",
		"__isoc23_wcstoull", "__isoc23_wcstoll_l", "__isoc23_sscanf", "__isoc23_vsscanf", "__isoc23_swscanf"},
		[]string{"-D_GNU_SOURCE"}, `
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <wchar.h>
#include <locale.h>
long __isoc23_strtol(const char *, char **, int);
unsigned long __isoc23_strtoul(const char *, char **, int);
long long __isoc23_strtoll(const char *, char **, int);
unsigned long long __isoc23_strtoull(const char *, char **, int);
intmax_t __isoc23_strtoimax(const char *, char **, int);
uintmax_t __isoc23_strtoumax(const char *, char **, int);
long __isoc23_strtol_l(const char *, char **, int, locale_t);
long __isoc23_wcstol(const wchar_t *, wchar_t **, int);
unsigned long long __isoc23_wcstoull(const wchar_t *, wchar_t **, int);
long long __isoc23_wcstoll_l(const wchar_t *, wchar_t **, int, locale_t);
int __isoc23_sscanf(const char *, const char *, ...);
int __isoc23_vsscanf(const char *, const char *, va_list);
int __isoc23_swscanf(const wchar_t *, const wchar_t *, ...);
static int vs(const char *s, const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = __isoc23_vsscanf(s, fmt, ap); va_end(ap); return r; }
#define ONES64 "1111111111111111111111111111111111111111111111111111111111111111"
#define ZEROS63 "000000000000000000000000000000000000000000000000000000000000000"
int main(void) {
	char *end;
	const char *s;
	CHECK(__isoc23_strtol("0b101", NULL, 0) == 5);
	s = "0b101"; CHECK(__isoc23_strtol(s, &end, 2) == 5 && end == s + 5);
	s = "0B11z"; CHECK(__isoc23_strtol(s, &end, 0) == 3 && end == s + 4);
	s = "  -0b11"; CHECK(__isoc23_strtol(s, &end, 0) == -3 && end == s + 7);
	s = "+0b1"; CHECK(__isoc23_strtol(s, &end, 2) == 1 && end == s + 4);
	s = "0x1f"; CHECK(__isoc23_strtol(s, &end, 0) == 31 && end == s + 4);
	s = "077"; CHECK(__isoc23_strtol(s, &end, 0) == 63 && end == s + 3);
	s = "0b"; CHECK(__isoc23_strtol(s, &end, 0) == 0 && end == s + 1);
	s = "0b2"; CHECK(__isoc23_strtol(s, &end, 0) == 0 && end == s + 1);
	s = "00b1"; CHECK(__isoc23_strtol(s, &end, 0) == 0 && end == s + 2);
	s = "10b1"; CHECK(__isoc23_strtol(s, &end, 2) == 2 && end == s + 2);
	s = "0b101"; CHECK(__isoc23_strtol(s, &end, 16) == 0xb101 && end == s + 5);
	s = "0b101"; CHECK(__isoc23_strtol(s, &end, 10) == 0 && end == s + 1);
	s = "xyz"; CHECK(__isoc23_strtol(s, &end, 0) == 0 && end == s);
	errno = 1234; CHECK(__isoc23_strtol("0b101", NULL, 0) == 5 && errno == 1234);
	errno = 0; CHECK(__isoc23_strtol("0b" ONES64, &end, 0) == LONG_MAX && errno == ERANGE && *end == 0);
	errno = 0; CHECK(__isoc23_strtol("-0b1" ZEROS63, NULL, 0) == LONG_MIN && errno == 0);
	errno = 0; CHECK(__isoc23_strtol("-0b11" ZEROS63, NULL, 0) == LONG_MIN && errno == ERANGE);
	errno = 0; CHECK(__isoc23_strtol("0b1" ONES64, NULL, 0) == LONG_MAX && errno == ERANGE);
	errno = 0; CHECK(__isoc23_strtoul("0b" ONES64, NULL, 0) == ULONG_MAX && errno == 0);
	errno = 0; CHECK(__isoc23_strtoul("-0b1", NULL, 0) == ULONG_MAX && errno == 0);
	errno = 0; CHECK(__isoc23_strtoull("0b1" ONES64, NULL, 2) == ULLONG_MAX && errno == ERANGE);
	CHECK(__isoc23_strtoll("-0b1111", NULL, 0) == -15);
	CHECK(__isoc23_strtoimax("0b1000", NULL, 0) == 8);
	CHECK(__isoc23_strtoumax("0b1000", NULL, 2) == 8);
	CHECK(__isoc23_strtoul("0x10", NULL, 0) == 16);
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	CHECK(c != (locale_t)0 && __isoc23_strtol_l("0b110", NULL, 0, c) == 6);
	wchar_t *wend;
	const wchar_t *w = L" 0b110!";
	CHECK(__isoc23_wcstol(w, &wend, 0) == 6 && wend == w + 6);
	CHECK(__isoc23_wcstol(L"0x1f", NULL, 0) == 31);
	CHECK(__isoc23_wcstoull(L"0b11", NULL, 2) == 3);
	CHECK(__isoc23_wcstoll_l(L"-0b11", NULL, 0, c) == -3);
	int i = 0; char ch = 0;
	CHECK(__isoc23_sscanf("42 x", "%d %c", &i, &ch) == 2 && i == 42 && ch == 'x');
	CHECK(vs("17", "%d", &i) == 1 && i == 17);
	CHECK(__isoc23_swscanf(L"99", L"%d", &i) == 1 && i == 99);
	DONE();
}`},
}

func TestPolyfillBehaviour(t *testing.T) {
	needTools(t)
	f := build217(t)
	srcDir := t.TempDir()
	if err := extractSources(srcDir); err != nil {
		t.Fatal(err)
	}
	for _, c := range polyfillCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "t.c", checkPrelude+c.src)
			args := append([]string{"-O2", "-U_FORTIFY_SOURCE", "-Wall", "-Wno-unused"}, c.cflags...)
			args = append(args, "t.c")
			if c.name == "close_range" {
				// The same source compiled to take the ENOSYS path.
				run(t, dir, "gcc", append(compileFlags(srcDir, arches["x86_64"]),
					"-I"+filepath.Join(srcDir, "src/x86_64"), "-I"+filepath.Join(srcDir, "src/common/include"),
					"-Dsyscall=fake_syscall", "-Dclose_range=compat_close_range_fallback",
					"-o", "fallback.o", filepath.Join(srcDir, "src/common/polyfill/close_range.c"))...)
				args = append(args, "fallback.o")
			}
			args = append(args, f.Polyfill, "-o", "t")
			run(t, dir, "gcc", args...)
			definesItself(t, filepath.Join(dir, "t"), c.syms...)
			out := run(t, dir, "./t", dir)
			if strings.TrimSpace(out) != "OK" {
				t.Errorf("output:\n%s", out)
			}
		})
	}
}
