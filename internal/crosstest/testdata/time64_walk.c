/* Tree walks and glob under -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 on a
   32-bit ABI, over files whose times are after 2038 (and one before 1970):
   nftw with and without FTW_PHYS, with FTW_CHDIR (from a relative start,
   and with FTW_DEPTH), ftw, a walk whose paths pass PATH_MAX, and glob
   with and without GLOB_ALTDIRFUNC. Each callback line says whether the
   stat it got holds the entry's times exactly; lines are sorted, so the
   output does not depend on readdir's order. It prints what glibc's own
   functions (>= 2.34) print, and the same when linked for an older glibc
   against compatbuild's polyfills. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

_Static_assert(sizeof(time_t) == 8, "build with -D_TIME_BITS=64");

#define T_F 4102444800LL	/* 2100-01-01, f */
#define T_SUB 4133980800LL	/* 2101, sub */
#define T_G (-1000000000LL)	/* 1938, sub/g */
#define T_LINK 4165516800LL	/* 2102, the link itself */
#define T_DANGLING 4197052800LL /* 2103, the dangling link itself */
#define T_TOP 3000000000LL	/* 2065, the top directory */
#define NSEC 123456789L

static const char *ok(int c) { return c ? "ok" : "WRONG"; }

static char lines[64][160];
static int nlines;
static const char *top; /* the walk's start as the callback sees it */

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void flush(const char *title, int r) {
	qsort(lines, nlines, sizeof lines[0], cmp);
	printf("%s: %d\n", title, r);
	for (int i = 0; i < nlines; i++)
		printf("  %s\n", lines[i]);
	nlines = 0;
}

/* want is the mtime an entry's stat holds: the link's own under lstat. */
static long long want(const char *rel, int own) {
	if (!*rel) return T_TOP;
	if (!strcmp(rel, "/f")) return T_F;
	if (!strcmp(rel, "/sub")) return T_SUB;
	if (!strcmp(rel, "/sub/g")) return T_G;
	if (!strcmp(rel, "/link")) return own ? T_LINK : T_F;
	if (!strcmp(rel, "/dangling")) return T_DANGLING;
	return 0;
}

static const char *flagname(int flag) {
	static const char *n[] = {"F", "D", "DNR", "NS", "SL", "DP", "SLN"};
	return flag >= 0 && flag <= 6 ? n[flag] : "?";
}

static void record(const char *path, const struct stat *st, int flag, int own) {
	const char *rel = path + strlen(top);
	if (nlines == 64) return;
	if (flag == FTW_NS) { /* POSIX leaves the stat undefined */
		snprintf(lines[nlines++], sizeof lines[0], "%s NS", *rel ? rel : ".");
		return;
	}
	long long w = want(rel, own || flag == FTW_SL || flag == FTW_SLN);
	snprintf(lines[nlines++], sizeof lines[0], "%s %s mtime %lld.%09ld atime %s %s", *rel ? rel : ".", flagname(flag),
		 (long long)st->st_mtime, st->st_mtim.tv_nsec, ok(st->st_atime == w + 1), ok(st->st_mtime == w && st->st_mtim.tv_nsec == NSEC));
}

static int walk(const char *p, const struct stat *st, int flag, struct FTW *f) { (void)f; record(p, st, flag, 0); return 0; }
static int walk_phys(const char *p, const struct stat *st, int flag, struct FTW *f) { (void)f; record(p, st, flag, 1); return 0; }
static int walk_ftw(const char *p, const struct stat *st, int flag) { record(p, st, flag, 0); return 0; }

static int deep_seen, deep_level;
static int walk_deep(const char *p, const struct stat *st, int flag, struct FTW *f) {
	if (flag == FTW_F && !strcmp(p + f->base, "deep") && st->st_mtime == T_F && st->st_mtim.tv_nsec == NSEC) {
		deep_seen++;
		deep_level = f->level;
	}
	return 0;
}
static int walk_deep_ftw(const char *p, const struct stat *st, int flag) {
	size_t n = strlen(p);
	if (flag == FTW_F && n > 5 && !strcmp(p + n - 5, "/deep") && st->st_mtime == T_F) deep_seen++;
	return 0;
}

/* GLOB_ALTDIRFUNC: the program's own time64 stat and lstat. */
static long long glob_f, glob_sub;
static void seen(const char *p, const struct stat *st) {
	size_t n = strlen(p);
	if (n > 2 && !strcmp(p + n - 2, "/f")) glob_f = st->st_mtime;
	if (n > 4 && !strcmp(p + n - 4, "/sub")) glob_sub = st->st_mtime;
}
static int my_stat(const char *p, struct stat *st) { int r = stat(p, st); if (!r) seen(p, st); return r; }
static int my_lstat(const char *p, struct stat *st) { int r = lstat(p, st); if (!r) seen(p, st); return r; }
static void *my_opendir(const char *p) { return opendir(p); }
/* Without d_type glob must stat each name to mark directories. */
static void *my_readdir(void *d) {
	struct dirent *e = readdir(d);
	if (e) e->d_type = DT_UNKNOWN;
	return e;
}
static void my_closedir(void *d) { closedir(d); }

static void print_glob(const char *title, int r, glob_t *g, size_t skip) {
	printf("%s: %d", title, r);
	for (size_t i = 0; r == 0 && i < g->gl_pathc; i++)
		printf(" %s", g->gl_pathv[i] + skip);
	printf("\n");
	if (r == 0) globfree(g);
}

static void settimes(int dirfd, const char *path, long long t, int flags) {
	struct timespec ts[2] = {{t + 1, NSEC}, {t, NSEC}};
	if (utimensat(dirfd, path, ts, flags)) { printf("utimensat %s: %s\n", path, strerror(errno)); exit(1); }
}

/* nostatx: a seccomp filter answers statx with ENOSYS, as a kernel
   before 4.11 does (i386 only: qemu-user refuses filters). glibc 2.34's
   stat then reads the 32-bit fstatat64 and so does the polyfill's walk:
   the times after 2038 come out as that system call gives them, alike. */
static int nostatx(void) {
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_statx, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof f / sizeof f[0], f};
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

int main(int argc, char **argv) {
	if (argc > 1 && !strcmp(argv[1], "nostatx") && nostatx()) { printf("seccomp: %s\n", strerror(errno)); return 1; }
	char dir[4096], path[4200], cwd[4096], cwd2[4096];
	snprintf(dir, sizeof dir, "%s.walk%s", argv[0], argc > 1 ? argv[1] : "");
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path)) return 1;
	if (mkdir(dir, 0700)) return 1;
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	if (d < 0 || mkdirat(d, "sub", 0700) || symlinkat("f", d, "link") || symlinkat("nowhere", d, "dangling")) return 2;
	close(openat(d, "f", O_CREAT | O_WRONLY, 0600));
	close(openat(d, "sub/g", O_CREAT | O_WRONLY, 0600));
	settimes(d, "f", T_F, 0);
	settimes(d, "sub/g", T_G, 0);
	settimes(d, "sub", T_SUB, 0);
	settimes(d, "link", T_LINK, AT_SYMLINK_NOFOLLOW);
	settimes(d, "dangling", T_DANGLING, AT_SYMLINK_NOFOLLOW);
	settimes(d, ".", T_TOP, 0);

	top = dir;
	flush("nftw", nftw(dir, walk, 4, 0));
	flush("nftw FTW_PHYS", nftw(dir, walk_phys, 4, FTW_PHYS));
	flush("nftw FTW_MOUNT", nftw(dir, walk, 4, FTW_MOUNT));
	flush("nftw FTW_CHDIR", nftw(dir, walk, 4, FTW_CHDIR));
	flush("ftw", ftw(dir, walk_ftw, 4));
	/* From a relative start: the walk's paths are relative to where it
	   began, not to where FTW_CHDIR has taken it. One descriptor: the
	   walk reads directories ahead instead of keeping them open. */
	char *slash = strrchr(dir, '/');
	*slash = 0;
	if (chdir(dir) || !getcwd(cwd, sizeof cwd)) return 3;
	top = slash + 1;
	flush("nftw relative FTW_CHDIR|FTW_DEPTH|FTW_PHYS", nftw(top, walk_phys, 1, FTW_CHDIR | FTW_DEPTH | FTW_PHYS));
	flush("nftw relative FTW_DEPTH", nftw(top, walk, 1, FTW_DEPTH));
	printf("cwd kept: %s\n", ok(getcwd(cwd2, sizeof cwd2) && !strcmp(cwd, cwd2)));
	*slash = '/';

	/* glob reads names and types; with GLOB_ALTDIRFUNC it stats through
	   the program's time64 functions. */
	size_t skip = strlen(dir);
	glob_t g = {0};
	g.gl_opendir = my_opendir; g.gl_readdir = (void *)my_readdir; g.gl_closedir = my_closedir;
	g.gl_stat = my_stat; g.gl_lstat = my_lstat;
	snprintf(path, sizeof path, "%s/*", dir);
	int r = glob(path, GLOB_ALTDIRFUNC | GLOB_MARK, NULL, &g);
	print_glob("glob GLOB_ALTDIRFUNC|GLOB_MARK", r, &g, skip);
	printf("  gl_stat saw f %s sub %s\n", ok(glob_f == T_F), ok(glob_sub == T_SUB));
	r = glob(path, GLOB_MARK, NULL, &g);
	print_glob("glob GLOB_MARK", r, &g, skip);
	snprintf(path, sizeof path, "%s/sub", dir);
	r = glob(path, GLOB_MARK, NULL, &g);
	print_glob("glob GLOB_MARK no wildcard", r, &g, skip);
	snprintf(path, sizeof path, "%s/f", dir);
	r = glob(path, 0, NULL, &g);
	print_glob("glob no wildcard", r, &g, skip);
	snprintf(path, sizeof path, "%s/s*", dir);
	r = glob(path, GLOB_ONLYDIR | GLOB_MARK, NULL, &g);
	print_glob("glob GLOB_ONLYDIR|GLOB_MARK", r, &g, skip);

	/* The PATH_MAX limit: a file 40 directories of 120 bytes down (last:
	   it changes sub's times). */
	char name[121];
	memset(name, 'd', 120);
	name[120] = 0;
	int fd = openat(d, "sub", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 40; i++) {
		int next;
		if (mkdirat(fd, name, 0700) || (next = openat(fd, name, O_RDONLY | O_DIRECTORY)) < 0) return 4;
		close(fd);
		fd = next;
	}
	close(openat(fd, "deep", O_CREAT | O_WRONLY, 0600));
	settimes(fd, "deep", T_F, 0);
	close(fd);
	snprintf(path, sizeof path, "%s/sub", dir);
	r = nftw(path, walk_deep, 8, FTW_PHYS);
	printf("nftw past PATH_MAX: %d %d level %d\n", r, deep_seen, deep_level);
	deep_seen = 0;
	r = ftw(path, walk_deep_ftw, 8);
	printf("ftw past PATH_MAX: %d %d\n", r, deep_seen);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	return system(path) != 0;
}
