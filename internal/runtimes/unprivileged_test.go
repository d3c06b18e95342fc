package runtimes

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The non-root way of StartInterpreter (a user namespace mapped to the
// user's own uid, an ambient CAP_SYS_ADMIN for the launcher's mounts,
// dropped before the program runs) proven for real: this test binary,
// copied where an unprivileged user can run it, is started as uid/gid
// 65534 (or, when the tests do not run as root, as the user running them)
// and starts a program under a runtime copy that user can read.

// unprivilegedEnv makes this test binary the unprivileged helper: its
// value is an unprivilegedJob in JSON.
const unprivilegedEnv = "COMPATBUILD_RUNTIMES_TEST_UNPRIVILEGED"

// unprivilegedUID is the user the test switches to when it runs as root
// (nobody/nogroup on Debian).
const unprivilegedUID = 65534

type unprivilegedJob struct {
	Root string // a runtime's root filesystem, readable by the helper's user
	Prog string // the program to start under it
}

type unprivilegedResult struct {
	Probe  string // the namespace probe's failure, "" when it succeeded
	How    Start  // how Command starts Prog for this user
	Output string // the program's output
	Err    string // how the program ended, "" for exit status 0
}

// The helper runs before TestMain (and before any test flag is parsed),
// like the launcher itself.
func init() {
	if job := os.Getenv(unprivilegedEnv); job != "" {
		os.Exit(unprivilegedHelper(job))
	}
}

func unprivilegedHelper(jobJSON string) int {
	// The launcher and the program are started with this environment:
	// they must not become helpers themselves.
	os.Unsetenv(unprivilegedEnv)
	var job unprivilegedJob
	if err := json.Unmarshal([]byte(jobJSON), &job); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var res unprivilegedResult
	// The probe's own words, so a kernel that refuses user namespaces
	// is named in the failure rather than seen as a fallback.
	probe, err := launcherCommand(ctx, launchSpec{Mode: "probe"}, os.Environ(), nil)
	if err == nil {
		var out []byte
		if out, err = probe.CombinedOutput(); err != nil {
			err = fmt.Errorf("%v", strings.TrimSpace(err.Error()+" "+strings.TrimSpace(string(out))))
		}
	}
	if err != nil {
		res.Probe = err.Error()
	}
	r, err := FromFolder(job.Root, "amd64")
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 2
	}
	res.How = r.How(job.Prog)
	out, err := r.Command(ctx, job.Prog).CombinedOutput()
	res.Output = string(out)
	if err != nil {
		res.Err = err.Error()
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}

// worldReadableDir returns a fresh directory under the system's temporary
// directory that every user can read and search (t.TempDir's parent is
// private to the user running the tests).
func worldReadableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "compatbuild-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// asUnprivileged sets cmd to run as the unprivileged user when the tests
// run as root, and returns the uid and gid it runs as.
func asUnprivileged(cmd *exec.Cmd) (uid, gid int) {
	if os.Geteuid() != 0 {
		return os.Getuid(), os.Getgid()
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: unprivilegedUID, Gid: unprivilegedUID}}
	return unprivilegedUID, unprivilegedUID
}

// parseFields reads "name value name value ..." into a map.
func parseFields(line string) map[string]string {
	f := strings.Fields(line)
	m := map[string]string{}
	for i := 0; i+1 < len(f); i += 2 {
		m[f[i]] = f[i+1]
	}
	return m
}

// TestStartAsUnprivilegedUser: a non-root user's program starts through
// its PT_INTERP with the runtime's glibc (Debian 13's 2.41, newer than the
// host's, so the version tells the C libraries apart), keeps the user's
// own ids, holds no capability at all, sees an empty ld.so.cache, and
// nothing changes in the host's mounts.
func TestStartAsUnprivilegedUser(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	world := worldReadableDir(t)
	root := filepath.Join(world, "root")
	if out, err := exec.Command("cp", "-a", r.Root, root).CombinedOutput(); err != nil {
		t.Fatalf("copying the runtime: %v\n%s", err, out)
	}
	prog := filepath.Join(world, "privileges")
	if out, err := exec.Command("gcc", "-O2", "-o", prog, "testdata/privileges.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	helper := filepath.Join(world, "runtimes.test")
	if err := copyFile(self, helper); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(helper, 0o755); err != nil {
		t.Fatal(err)
	}
	job, _ := json.Marshal(unprivilegedJob{Root: root, Prog: prog})
	cmd := exec.CommandContext(ctxFor(t), helper)
	cmd.Dir = world
	cmd.Env = []string{unprivilegedEnv + "=" + string(job), "PATH=" + os.Getenv("PATH"), "HOME=" + world}
	uid, gid := asUnprivileged(cmd)

	mountsBefore, _ := os.ReadFile("/proc/self/mountinfo")
	hostCache, _ := os.Stat("/etc/ld.so.cache")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("the helper as uid %d: %v\n%s%s", uid, err, out, stderr)
	}
	var res unprivilegedResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("helper printed %q: %v", out, err)
	}
	if res.Probe != "" {
		t.Fatalf("this kernel refuses uid %d a user namespace with a private mount namespace (%s): compatbuild verify "+
			"cannot start programs through their PT_INTERP for non-root users here. Allow unprivileged user namespaces "+
			"(sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, "+
			"kernel.apparmor_restrict_unprivileged_userns=0) on the machine that runs the tests", uid, res.Probe)
	}
	if res.How != StartInterpreter {
		t.Errorf("How = %s for uid %d, want %s", res.How, uid, StartInterpreter)
	}
	if res.Err != "" {
		t.Fatalf("the program as uid %d: %s\n%s", uid, res.Err, res.Output)
	}
	got := parseFields(res.Output)
	want := map[string]string{
		"libc": "2.41", "at_base": "1",
		"uid": fmt.Sprint(uid), "euid": fmt.Sprint(uid), "gid": fmt.Sprint(gid), "egid": fmt.Sprint(gid),
		// A user namespace mapped to the user alone: the non-root way.
		"uidmap": fmt.Sprintf("%d:%d:1", uid, uid),
		"CapInh": "0000000000000000", "CapPrm": "0000000000000000",
		"CapEff": "0000000000000000", "CapAmb": "0000000000000000",
	}
	if hostCache != nil {
		want["ldcache"] = "0" // /dev/null stands over it
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q; the program printed %q", k, got[k], v, res.Output)
		}
	}
	if after, _ := os.ReadFile("/proc/self/mountinfo"); string(after) != string(mountsBefore) {
		t.Errorf("the host's mounts changed:\n%s\nbefore:\n%s", after, mountsBefore)
	}
	if now, _ := os.Stat("/etc/ld.so.cache"); hostCache != nil && (now == nil || !os.SameFile(now, hostCache) || now.Size() != hostCache.Size()) {
		t.Errorf("the host's /etc/ld.so.cache changed")
	}
}
