package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// unprivilegedUID is the user TestVerifyAsUnprivilegedUser switches to
// when the tests run as root (nobody/nogroup on Debian).
const unprivilegedUID = 65534

// helloLibrary is a plugin whose function says which C library runs it
// and as whom.
const helloLibrary = `#include <gnu/libc-version.h>
#include <stdio.h>
#include <unistd.h>
void hello(void) { printf("hello from glibc %s as uid %u\n", gnu_get_libc_version(), (unsigned)getuid()); fflush(stdout); }
`

// TestVerifyAsUnprivilegedUser: compatbuild verify run by a user who is
// not root, end to end: the user's own private cache (a runtime fetched
// through apt into it, the dlopen host built in it), a program and a
// plugin built for glibc 2.17 started through their PT_INTERP under
// Debian 11's glibc 2.31 in a user namespace mapped to that user, keeping
// the user's ids and no capability, and the host's mounts untouched.
func TestVerifyAsUnprivilegedUser(t *testing.T) {
	t.Parallel()
	world, err := os.MkdirTemp("", "compatbuild-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(world) })
	if err := os.Chmod(world, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(world, "compatbuild")
	if out, err := exec.Command("cp", compatbuild, bin).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The artifacts are built by the user running the tests, readable by
	// everyone, as a build machine hands them on.
	prog := filepath.Join(world, "privileges")
	mustCB(t, world, "cc", "--glibc", "2.17", "-O2", filepath.Join(mustAbs(t, "../../internal/runtimes/testdata"), "privileges.c"), "-o", prog)
	if err := os.WriteFile(filepath.Join(world, "hello.c"), []byte(helloLibrary), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(world, "libhello.so")
	mustCB(t, world, "cc", "--glibc", "2.17", "-O2", "-shared", "-fPIC", "hello.c", "-o", lib)

	home := filepath.Join(world, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(home, "cache")
	cmd := exec.CommandContext(t.Context(), bin, "verify", "--json", "--on", "debian:11", "--call", "hello", lib, prog)
	cmd.Dir = world
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CACHE_HOME=" + cache}
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		uid, gid = unprivilegedUID, unprivilegedUID
		if err := os.Chown(home, uid, gid); err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}

	mountsBefore, _ := os.ReadFile("/proc/self/mountinfo")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("compatbuild verify as uid %d: %v\n%s%s", uid, err, out, stderr)
	}
	var doc struct {
		Results []struct {
			Artifact, Status, Reason, Output, Start string
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.Results) != 2 {
		t.Fatalf("verify --json printed %s (%v), want two results", out, err)
	}
	wantOutput := map[string][]string{
		lib: {fmt.Sprintf("hello from glibc 2.31 as uid %d\n", uid)},
		prog: {"libc 2.31 ", fmt.Sprintf(" uid %d euid %d gid %d egid %d ", uid, uid, gid, gid),
			fmt.Sprintf(" uidmap %d:%d:1 ", uid, uid), " at_base 1 ",
			" CapInh 0000000000000000 CapPrm 0000000000000000 CapEff 0000000000000000 CapAmb 0000000000000000\n"},
	}
	if _, err := os.Stat("/etc/ld.so.cache"); err == nil {
		wantOutput[prog] = append(wantOutput[prog], " ldcache 0 ") // /dev/null stands over it
	}
	for _, r := range doc.Results {
		if r.Status != "pass" || r.Start != "interpreter" {
			t.Errorf("%s: %s, started %q (%s); want a pass through the interpreter", r.Artifact, r.Status, r.Start, r.Reason)
		}
		for _, want := range wantOutput[r.Artifact] {
			if !strings.Contains(r.Output, want) {
				t.Errorf("%s printed %q, want %q in it", r.Artifact, r.Output, want)
			}
		}
	}
	if after, _ := os.ReadFile("/proc/self/mountinfo"); string(after) != string(mountsBefore) {
		t.Errorf("the host's mounts changed:\n%s\nbefore:\n%s", after, mountsBefore)
	}
	// Everything verify kept is in the user's own cache, and the user's.
	for _, pattern := range []string{"compatbuild/runtimes/debian-11-amd64", "compatbuild/verify/dlopen-host-*"} {
		matches, _ := filepath.Glob(filepath.Join(cache, pattern))
		if len(matches) == 0 {
			t.Errorf("nothing at %s in the user's cache", pattern)
		}
		for _, m := range matches {
			if fi, err := os.Stat(m); err != nil || fi.Sys().(*syscall.Stat_t).Uid != uint32(uid) {
				t.Errorf("%s is not the user's: %v", m, err)
			}
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
