/* posix_spawn's newer file actions and attributes and pidfd_spawn, mixed
 * with the standard ones glibc's own functions add: each spawn runs this
 * program again ("child" mode), which prints what it sees (directory,
 * descriptors, signals, ids, cgroup, terminal). Then the same on an old
 * kernel: a fresh copy of the program ("oldkernel" mode) makes clone3
 * (and close_range, waitid(P_PIDFD)) fail as kernels before 5.3 (5.9,
 * 5.4) do, through a seccomp filter. Everything printed is the same on
 * every glibc and on this kernel only. argv[1]: an empty scratch
 * directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* glibc 2.39's, which glibc 2.36's headers lack. */
int pidfd_spawn(int *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, char *const[], char *const[]);
int pidfd_spawnp(int *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, char *const[], char *const[]);
int posix_spawnattr_setcgroup_np(posix_spawnattr_t *, int);
int posix_spawnattr_getcgroup_np(const posix_spawnattr_t *, int *);
#ifndef POSIX_SPAWN_SETCGROUP
#define POSIX_SPAWN_SETCGROUP 0x100
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;
static char self[PATH_MAX];

static const char *ename(int e)
{
	static char buf[32];
	switch (e) {
	case 0: return "0";
	case EACCES: return "EACCES";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENOEXEC: return "ENOEXEC";
	case ENOSYS: return "ENOSYS";
	case ENOTSUP: return "ENOTSUP";
	case ENOTDIR: return "ENOTDIR";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EPERM: return "EPERM";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

/* ---- child mode: report what the spawned process sees ---- */

static const char *disposition(int sig)
{
	struct sigaction sa;
	sigaction(sig, NULL, &sa);
	return sa.sa_handler == SIG_DFL ? "dfl" : sa.sa_handler == SIG_IGN ? "ign" : "handler";
}

/* The child's report goes to the file $SPAWN_TEST_OUT names, which the
 * parent prints after the child has ended. */
static int child(int argc, char **argv)
{
	const char *what = argv[2];
	const char *out = getenv("SPAWN_TEST_OUT");
	if (out != NULL && freopen(out, "a", stdout) == NULL)
		return 99;
	if (strcmp(what, "state") == 0) {
		/* The directory, relative to the scratch directory. */
		char cwd[PATH_MAX];
		const char *dir = getenv("SPAWN_TEST_DIR");
		size_t n = strlen(dir);
		if (getcwd(cwd, sizeof cwd) == NULL)
			strcpy(cwd, "?");
		printf("    child: cwd %s;", strncmp(cwd, dir, n) == 0 ? (cwd[n] ? cwd + n + 1 : ".") : cwd);
		for (int i = 3; i < argc; i++) {
			int fd = atoi(argv[i]);
			printf(" %d %s", fd, fcntl(fd, F_GETFD) != -1 ? "open" : "closed");
		}
		printf("\n");
	} else if (strcmp(what, "read") == 0) {
		char buf[64] = "";
		ssize_t n = read(atoi(argv[3]), buf, sizeof buf - 1);
		printf("    child: read %zd \"%.*s\"\n", n, n > 0 ? (int)strcspn(buf, "\n") : 0, buf);
	} else if (strcmp(what, "sig") == 0) {
		sigset_t m;
		sigprocmask(SIG_BLOCK, NULL, &m);
		printf("    child: USR1 %s USR2 %s TERM %s; blocked USR1 %d USR2 %d INT %d\n", disposition(SIGUSR1),
		       disposition(SIGUSR2), disposition(SIGTERM), sigismember(&m, SIGUSR1), sigismember(&m, SIGUSR2),
		       sigismember(&m, SIGINT));
	} else if (strcmp(what, "ids") == 0) {
		printf("    child: pgid is pid %d, sid is pid %d, euid is uid %d\n", getpgid(0) == getpid(),
		       getsid(0) == getpid(), geteuid() == getuid());
	} else if (strcmp(what, "sched") == 0) {
		int p = sched_getscheduler(0);
		printf("    child: policy %s\n", p == SCHED_OTHER ? "other" : p == SCHED_BATCH ? "batch" : p == SCHED_IDLE ? "idle" : "?");
	} else if (strcmp(what, "cgroup") == 0) {
		char line[512], want[256];
		int in = 0;
		FILE *f = fopen("/proc/self/cgroup", "r");
		snprintf(want, sizeof want, "/%s\n", argv[3]);
		while (f && fgets(line, sizeof line, f))
			if (strncmp(line, "0::", 3) == 0 && strlen(line) >= strlen(want) && strcmp(line + strlen(line) - strlen(want), want) == 0)
				in = 1;
		printf("    child: in the new cgroup %d\n", in);
	} else if (strcmp(what, "tty") == 0) {
		int fd = atoi(argv[3]);
		printf("    child: foreground group of the terminal is its own %d\n", tcgetpgrp(fd) == getpgrp());
	} else if (strcmp(what, "exit") == 0) {
		return atoi(argv[3]);
	}
	return 0;
}

/* ---- parent: spawn and say what happened ---- */

/* run spawns self (or file; with usepath, through PATH) with args after
 * "child", waits, and prints label: the result, then what the child
 * reported and how it ended. */
static int run(const char *label, int usepath, const char *file, posix_spawn_file_actions_t *fa, posix_spawnattr_t *at,
	       const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = {"spawned", "child", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
	const char *out = getenv("SPAWN_TEST_OUT");
	pid_t pid = -1;
	int st = 0;
	fclose(fopen(out, "w"));
	int r = usepath ? posix_spawnp(&pid, file, fa, at, argv, environ) : posix_spawn(&pid, file ? file : self, fa, at, argv, environ);
	if (r == 0)
		waitpid(pid, &st, 0);
	printf("%s: %s\n", label, ename(r));
	char line[512];
	FILE *f = fopen(out, "r");
	while (f && fgets(line, sizeof line, f))
		fputs(line, stdout);
	if (f)
		fclose(f);
	if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		printf("    exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return r;
}

static void file_actions(const char *dir)
{
	posix_spawn_file_actions_t fa;
	char path[PATH_MAX];

	mkdir("sub", 0755);
	mkdir("sub/deeper", 0755);
	FILE *f = fopen("sub/note", "w");
	fputs("in sub\n", f);
	fclose(f);

	posix_spawn_file_actions_init(&fa);
	printf("addchdir_np sub: %s\n", ename(posix_spawn_file_actions_addchdir_np(&fa, "sub")));
	run("  spawn", 0, NULL, &fa, NULL, "state", NULL, NULL, NULL);
	/* Relative paths of later actions, and the chdir after, start there. */
	posix_spawn_file_actions_addopen(&fa, 5, "note", O_RDONLY, 0);
	posix_spawn_file_actions_addchdir_np(&fa, "deeper");
	run("chdir, open relative, chdir again", 0, NULL, &fa, NULL, "read", "5", NULL, NULL);
	run("  where it ends", 0, NULL, &fa, NULL, "state", NULL, NULL, NULL);
	posix_spawn_file_actions_destroy(&fa);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, "missing");
	run("addchdir_np to a missing directory", 0, NULL, &fa, NULL, "state", NULL, NULL, NULL);
	posix_spawn_file_actions_destroy(&fa);

	snprintf(path, sizeof path, "%s/sub/deeper", dir);
	int dfd = open(path, O_RDONLY | O_DIRECTORY);
	posix_spawn_file_actions_init(&fa);
	printf("addfchdir_np: %s\n", ename(posix_spawn_file_actions_addfchdir_np(&fa, dfd)));
	run("  spawn", 0, NULL, &fa, NULL, "state", NULL, NULL, NULL);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawn_file_actions_init(&fa);
	printf("addfchdir_np -1 (checked at spawn): %s\n", ename(posix_spawn_file_actions_addfchdir_np(&fa, -1)));
	run("  spawn", 0, NULL, &fa, NULL, "state", NULL, NULL, NULL);
	posix_spawn_file_actions_destroy(&fa);

	/* Descriptors 40, 41, 100 are open and inherited. */
	int nul = open("/dev/null", O_RDONLY);
	dup2(nul, 40);
	dup2(nul, 41);
	dup2(nul, 100);
	posix_spawn_file_actions_init(&fa);
	printf("addclosefrom_np 41: %s\n", ename(posix_spawn_file_actions_addclosefrom_np(&fa, 41)));
	run("  spawn", 0, NULL, &fa, NULL, "state", "40", "41", "100");
	posix_spawn_file_actions_destroy(&fa);
	posix_spawn_file_actions_init(&fa);
	printf("addclosefrom_np -1: %s, too large: %s\n", ename(posix_spawn_file_actions_addclosefrom_np(&fa, -1)),
	       ename(posix_spawn_file_actions_addclosefrom_np(&fa, INT_MAX)));
	posix_spawn_file_actions_destroy(&fa);

	/* Order: glibc's adddup2 before and after a closefrom. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, 40, 50);
	posix_spawn_file_actions_addclosefrom_np(&fa, 45);
	posix_spawn_file_actions_adddup2(&fa, 40, 60);
	run("dup2 to 50, closefrom 45, dup2 to 60", 0, NULL, &fa, NULL, "state", "40", "50", "60");
	posix_spawn_file_actions_destroy(&fa);

	/* Twenty records, glibc's and the newer ones alternating (the list
	 * grows by realloc in both), then a close and a same-descriptor dup2,
	 * which clears FD_CLOEXEC. */
	fcntl(41, F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 10; i++) {
		posix_spawn_file_actions_adddup2(&fa, 40, 60 + i);
		posix_spawn_file_actions_addfchdir_np(&fa, dfd);
	}
	posix_spawn_file_actions_addclosefrom_np(&fa, 65);
	posix_spawn_file_actions_addclose(&fa, 61);
	posix_spawn_file_actions_adddup2(&fa, 41, 41);
	run("twenty mixed records, closefrom 65, close 61, dup2 41 to itself", 0, NULL, &fa, NULL, "state", "60", "61", "64");
	run("  the rest", 0, NULL, &fa, NULL, "state", "65", "69", "41");
	posix_spawn_file_actions_destroy(&fa);
	close(dfd);

	/* Copies of paths freed by destroy, whichever glibc runs. */
	for (int i = 0; i < 1000; i++) {
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 3, "sub/note", O_RDONLY, 0);
		posix_spawn_file_actions_addchdir_np(&fa, "sub");
		posix_spawn_file_actions_addclose(&fa, 3);
		posix_spawn_file_actions_destroy(&fa);
	}
	printf("init, addopen, addchdir_np, destroy 1000 times: done\n");
}

static void tcsetpgrp_action(void)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	printf("addtcsetpgrp_np -1: %s\n", ename(posix_spawn_file_actions_addtcsetpgrp_np(&fa, -1)));
	posix_spawn_file_actions_destroy(&fa);

	/* A session of its own with a pseudo-terminal as its controlling
	 * terminal: the child, in a new process group, takes the terminal. */
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
		printf("no pseudo-terminal: %s\n", ename(errno));
		return;
	}
	char *name = ptsname(m);
	fflush(stdout);
	pid_t helper = fork();
	if (helper == 0) {
		setsid();
		int s = open(name, O_RDWR);
		posix_spawnattr_t at;
		posix_spawnattr_init(&at);
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&at, 0);
		posix_spawn_file_actions_init(&fa);
		printf("addtcsetpgrp_np on the terminal: %s\n", ename(posix_spawn_file_actions_addtcsetpgrp_np(&fa, s)));
		char fd[16];
		snprintf(fd, sizeof fd, "%d", s);
		run("  spawn in a new group", 0, NULL, &fa, &at, "tty", fd, NULL, NULL);
		fflush(stdout);
		_exit(0);
	}
	waitpid(helper, NULL, 0);
	close(m);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void attributes(void)
{
	posix_spawnattr_t at;
	sigset_t s;

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);

	run("no attributes", 0, NULL, NULL, NULL, "sig", NULL, NULL, NULL);
	posix_spawnattr_init(&at);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	posix_spawnattr_setsigdefault(&at, &s);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	posix_spawnattr_setsigmask(&at, &s);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	run("SETSIGDEF USR2, SETSIGMASK USR1", 0, NULL, NULL, &at, "sig", NULL, NULL, NULL);
	posix_spawnattr_destroy(&at);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_UNBLOCK, &s, NULL);

	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	run("SETPGROUP 0", 0, NULL, NULL, &at, "ids", NULL, NULL, NULL);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_RESETIDS | POSIX_SPAWN_USEVFORK);
	run("SETSID, RESETIDS, USEVFORK", 0, NULL, NULL, &at, "ids", NULL, NULL, NULL);
	posix_spawnattr_setpgroup(&at, 1);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	run("SETPGROUP 1 (not ours)", 0, NULL, NULL, &at, "ids", NULL, NULL, NULL);
	posix_spawnattr_destroy(&at);

	struct sched_param sp = {0};
	posix_spawnattr_init(&at);
	posix_spawnattr_setschedpolicy(&at, SCHED_BATCH);
	posix_spawnattr_setschedparam(&at, &sp);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSCHEDULER);
	/* glibc's posix_spawn ignores both scheduling flags (see spawn.c). */
	run("SETSCHEDULER batch", 0, NULL, NULL, &at, "sched", NULL, NULL, NULL);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSCHEDPARAM);
	run("SETSCHEDPARAM priority 0", 0, NULL, NULL, &at, "sched", NULL, NULL, NULL);
	posix_spawnattr_setschedpolicy(&at, 99);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSCHEDULER);
	run("SETSCHEDULER policy 99", 0, NULL, NULL, &at, "sched", NULL, NULL, NULL);
	printf("setflags 0x400: %s; SETCGROUP|SETSID: %s\n", ename(posix_spawnattr_setflags(&at, 0x400)),
	       ename(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETCGROUP | POSIX_SPAWN_SETSID)));
	posix_spawnattr_destroy(&at);
}

static void exec_errors(const char *dir)
{
	char path[PATH_MAX];
	FILE *f = fopen("plain", "w");
	fputs("plain text\n", f);
	fclose(f);
	chmod("plain", 0644);
	f = fopen("garbage", "w");
	fputs("\x01\x02 not a program\n", f);
	fclose(f);
	chmod("garbage", 0755);
	mkdir("a", 0755);
	mkdir("b", 0755);
	f = fopen("a/prog", "w");
	fclose(f);
	chmod("a/prog", 0644);
	symlink(self, "b/prog");

	run("posix_spawn missing file", 0, "missing", NULL, NULL, "exit", "0", NULL, NULL);
	run("posix_spawn not executable", 0, "plain", NULL, NULL, "exit", "0", NULL, NULL);
	run("posix_spawn no format (no shell fallback)", 0, "garbage", NULL, NULL, "exit", "0", NULL, NULL);
	run("posix_spawn a directory", 0, "sub", NULL, NULL, "exit", "0", NULL, NULL);
	run("posix_spawn through a file", 0, "plain/x", NULL, NULL, "exit", "0", NULL, NULL);
	run("child exits 3", 0, NULL, NULL, NULL, "exit", "3", NULL, NULL);

	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	snprintf(path, sizeof path, "%s/a:%s/b", dir, dir);
	setenv("PATH", path, 1);
	run("posix_spawnp: a/prog not executable, b/prog is", 1, "prog", NULL, NULL, "exit", "4", NULL, NULL);
	snprintf(path, sizeof path, "%s/a:%s/none", dir, dir);
	setenv("PATH", path, 1);
	run("posix_spawnp: only a/prog", 1, "prog", NULL, NULL, "exit", "0", NULL, NULL);
	run("posix_spawnp: no such program", 1, "nothing-here", NULL, NULL, "exit", "0", NULL, NULL);
	run("posix_spawnp: empty name", 1, "", NULL, NULL, "exit", "0", NULL, NULL);
	char longname[300];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	run("posix_spawnp: 299-byte name", 1, longname, NULL, NULL, "exit", "0", NULL, NULL);
	setenv("PATH", "::b", 1);
	run("posix_spawnp: PATH ::b (empty entries are the directory)", 1, "prog", NULL, NULL, "exit", "5", NULL, NULL);
	snprintf(path, sizeof path, "%s/b/prog", dir);
	run("posix_spawnp with a slash", 1, path, NULL, NULL, "exit", "0", NULL, NULL);
	if (old)
		setenv("PATH", old, 1);
	else
		unsetenv("PATH");
}

/* The cgroup v2 hierarchy's mount point, from mountinfo. */
static int cgroup2_root(char *out, size_t n)
{
	char line[1024];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int found = 0;
	while (f && !found && fgets(line, sizeof line, f)) {
		char *sep = strstr(line, " - cgroup2 ");
		if (!sep)
			continue;
		char *p = line;
		for (int i = 0; i < 4 && p; i++)
			p = strchr(p + 1, ' ');
		if (p) {
			char *end = strchr(p + 1, ' ');
			snprintf(out, n, "%.*s", (int)(end - p - 1), p + 1);
			found = 1;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static void cgroups(const char *dir)
{
	posix_spawnattr_t at;
	int cg = -2;
	posix_spawnattr_init(&at);
	posix_spawnattr_getcgroup_np(&at, &cg);
	printf("getcgroup_np after init: %d\n", cg);
	posix_spawnattr_setcgroup_np(&at, 42);
	posix_spawnattr_getcgroup_np(&at, &cg);
	printf("setcgroup_np 42, getcgroup_np: %d\n", cg);

	printf("setflags SETCGROUP: %s\n", ename(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETCGROUP)));
	posix_spawnattr_setcgroup_np(&at, -1);
	run("SETCGROUP -1", 0, NULL, NULL, &at, "exit", "0", NULL, NULL);
	int notcg = open(dir, O_RDONLY | O_DIRECTORY);
	posix_spawnattr_setcgroup_np(&at, notcg);
	run("SETCGROUP a directory that is no cgroup", 0, NULL, NULL, &at, "exit", "0", NULL, NULL);
	close(notcg);

	/* A cgroup of our own below ours, where this system lets us make one. */
	char root[512], mine[512] = "", line[512], cgdir[1200], name[64];
	FILE *f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "0::", 3) == 0)
			snprintf(mine, sizeof mine, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	if (f)
		fclose(f);
	snprintf(name, sizeof name, "compatbuild-spawn-%d", (int)getpid());
	if (!cgroup2_root(root, sizeof root)) {
		printf("a new cgroup: no cgroup v2 hierarchy\n");
	} else {
		snprintf(cgdir, sizeof cgdir, "%s%s/%s", root, strcmp(mine, "/") == 0 ? "" : mine, name);
		if (mkdir(cgdir, 0755) != 0) {
			printf("a new cgroup: cannot make one here (%s)\n", ename(errno));
		} else {
			int fd = open(cgdir, O_RDONLY | O_DIRECTORY);
			posix_spawnattr_setcgroup_np(&at, fd);
			run("SETCGROUP a new cgroup", 0, NULL, NULL, &at, "cgroup", name, NULL, NULL);
			close(fd);
			rmdir(cgdir);
		}
	}
	posix_spawnattr_destroy(&at);
}

static void pidfds(const char *dir)
{
	char *argv[] = {"spawned", "child", "exit", "7", NULL};
	int pidfd = -1;
	fflush(stdout);
	int r = pidfd_spawn(&pidfd, self, NULL, NULL, argv, environ);
	printf("pidfd_spawn: %s", ename(r));
	if (r == 0) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		int cloexec = (fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0;
		int w = waitid(P_PIDFD, pidfd, &si, WEXITED);
		printf(", close-on-exec %d, waitid(P_PIDFD): %d, %s %d", cloexec, w, si.si_code == CLD_EXITED ? "exited" : "?", si.si_status);
		close(pidfd);
	}
	printf("\n");

	int probe = open("/dev/null", O_RDONLY);
	close(probe);
	pidfd = -1;
	r = pidfd_spawn(&pidfd, "missing", NULL, NULL, argv, environ);
	int after = open("/dev/null", O_RDONLY);
	close(after);
	printf("pidfd_spawn missing file: %s, pidfd untouched %d, no descriptor left %d\n", ename(r), pidfd == -1, after == probe);

	char path[PATH_MAX], *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	snprintf(path, sizeof path, "%s/a:%s/b", dir, dir);
	setenv("PATH", path, 1);
	argv[3] = "9";
	r = pidfd_spawnp(&pidfd, "prog", NULL, NULL, argv, environ);
	printf("pidfd_spawnp through PATH: %s", ename(r));
	if (r == 0) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		waitid(P_PIDFD, pidfd, &si, WEXITED);
		printf(", exited %d", si.si_status);
		close(pidfd);
	}
	printf("\n");
	if (old)
		setenv("PATH", old, 1);
}

/* ---- oldkernel mode: a seccomp filter takes system calls away ---- */

/* The filter applies to this ABI's system calls only (435 and 436 are
 * clone3 and close_range on every one). Under qemu-user, which refuses
 * seccomp filters, the program reports that, and glibc's run and ours
 * print the same. */
#if defined(__x86_64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AUDIT_ARCH_SELF AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define AUDIT_ARCH_SELF AUDIT_ARCH_RISCV64
#else
#error "no AUDIT_ARCH for this ABI"
#endif

#define DENY(nr, err) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))

static int filter(int clone3_err, int no_waitid_pidfd)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		DENY(435 /* clone3 */, clone3_err),
		DENY(436 /* close_range */, ENOSYS),
		/* waitid(P_PIDFD, ...): EINVAL, as before Linux 5.4. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_waitid, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, P_PIDFD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, no_waitid_pidfd ? (SECCOMP_RET_ERRNO | EINVAL) : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static int oldkernel(const char *mode)
{
	/* Before 5.3 no clone3; 5.3 and 5.4 reject CLONE_CLEAR_SIGHAND; before
	 * 5.4 no waitid(P_PIDFD). */
	int clone3_err = strcmp(mode, "clone3-einval") == 0 ? EINVAL : ENOSYS;
	int no_pidfd_wait = strcmp(mode, "no-pidfd-wait") == 0;
	if (filter(clone3_err, no_pidfd_wait) != 0) {
		printf("seccomp filter: %s\n", ename(errno));
		return 1;
	}
	printf("kernel without clone3%s%s:\n", clone3_err == EINVAL ? "'s CLONE_CLEAR_SIGHAND" : "",
	       no_pidfd_wait ? " and waitid(P_PIDFD)" : "");
	long raw = syscall(435, NULL, 0);
	printf("  raw clone3: %ld %s\n", raw, ename(errno));

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, "sub");
	posix_spawn_file_actions_addclosefrom_np(&fa, 41);
	int nul = open("/dev/null", O_RDONLY);
	dup2(nul, 40);
	dup2(nul, 41);
	dup2(nul, 100);
	run("  chdir, closefrom 41 (close_range missing too)", 0, NULL, &fa, NULL, "state", "40", "41", "100");
	posix_spawn_file_actions_destroy(&fa);

	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, SIG_IGN);
	run("  handlers reset by hand", 0, NULL, NULL, NULL, "sig", NULL, NULL, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setcgroup_np(&at, open(".", O_RDONLY | O_DIRECTORY));
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETCGROUP);
	run("  SETCGROUP", 0, NULL, NULL, &at, "exit", "0", NULL, NULL);
	posix_spawnattr_destroy(&at);

	char *argv[] = {"spawned", "child", "exit", "6", NULL};
	int pidfd = -1;
	fflush(stdout);
	int r = pidfd_spawn(&pidfd, self, NULL, NULL, argv, environ);
	printf("  pidfd_spawn: %s", ename(r));
	if (r == 0) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		waitid(P_PIDFD, pidfd, &si, WEXITED);
		printf(", exited %d", si.si_status);
	}
	printf("\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 2;
	self[n] = 0;
	if (argc >= 3 && strcmp(argv[1], "child") == 0)
		return child(argc, argv);
	if (argc == 4 && strcmp(argv[1], "oldkernel") == 0) {
		if (chdir(argv[2]) != 0)
			return 2;
		return oldkernel(argv[3]);
	}
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: spawn DIR\n");
		return 2;
	}
	char out[PATH_MAX], dir[PATH_MAX];
	if (getcwd(dir, sizeof dir) == NULL)
		return 2;
	snprintf(out, sizeof out, "%s/child.out", dir);
	setenv("SPAWN_TEST_OUT", out, 1);
	setenv("SPAWN_TEST_DIR", dir, 1);
	file_actions(argv[1]);
	tcsetpgrp_action();
	attributes();
	exec_errors(argv[1]);
	cgroups(argv[1]);
	pidfds(argv[1]);
	/* Each old kernel in a fresh process (glibc remembers what it found). */
	const char *kernels[] = {"clone3-enosys", "clone3-einval", "no-pidfd-wait"};
	for (int i = 0; i < 3; i++) {
		fflush(stdout);
		pid_t p = fork();
		if (p == 0) {
			execl(self, "spawn", "oldkernel", argv[1], kernels[i], (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	return 0;
}
