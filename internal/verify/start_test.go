package verify

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"compatbuild/internal/runtimes"
)

// A PIE built for glibc 2.17 that uses copy-relocated data (stdout,
// environ, optarg) runs under verify through its own PT_INTERP, and what
// it prints proves the C library is the runtime's (gnu_get_libc_version
// says 2.31, not this machine's) and that the kernel mapped the loader as
// its interpreter (AT_BASE set, /proc/self/exe is the program itself).
func TestPIEStartsThroughItsInterpreter(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "startinfo")
	if err := driverLink("2.17", "-O2", "-fPIE", "-pie", "testdata/startinfo.c", "-o", prog); err != nil {
		t.Fatal(err)
	}
	o := opts("debian:11")
	o.Args = []string{"-o", "given"}
	r := verifyOK(t, o, prog).Results[0]
	want := "libc 2.31 opt given env "
	if r.Status != Pass || r.Start != string(runtimes.StartInterpreter) || !strings.HasPrefix(r.Output, want) ||
		!strings.HasSuffix(r.Output, " at_base 1 exe "+prog+"\n") {
		t.Errorf("got %s %q (started %q); want %q... at_base 1 exe %s", r.Status, r.Output, r.Start, want, prog)
	}
	if strings.Contains(r.Output, "env 0 ") {
		t.Errorf("the program saw no environment: %q", r.Output)
	}
}

// A FIFO (or device) named as an artifact is refused at once, one line;
// opening it would block verify forever.
func TestFIFOIsRefusedWithoutHanging(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "libplugin.so")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), []string{fifo, "/dev/zero"}, opts("debian:11"))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), fifo+" is not a regular file (a FIFO)") ||
			!strings.Contains(err.Error(), "/dev/zero is not a regular file (a character device)") {
			t.Errorf("got %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("verify hangs on a FIFO")
	}
}

// A damaged cached runtime is reported as such, with the directory to
// remove, before any artifact is judged on it.
func TestDamagedRuntimeIsNotBlamedOnTheArtifact(t *testing.T) {
	a := artifacts(t)
	cache := t.TempDir()
	src := debian11Root(t)
	dir := filepath.Join(cache, filepath.Base(src))
	if out, err := exec.Command("cp", "-a", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	if err := os.Truncate(filepath.Join(dir, "lib/x86_64-linux-gnu/libm.so.6"), 100); err != nil {
		t.Fatal(err)
	}
	o := opts("debian:11")
	o.RuntimeCacheDir = cache
	_, err := Run(context.Background(), []string{a.Good}, o)
	if err == nil || !strings.Contains(err.Error(), "is damaged: lib/x86_64-linux-gnu/") || !strings.Contains(err.Error(), "remove "+dir+" to fetch it again") {
		t.Errorf("got %v", err)
	}
}

// A host that reports another C library than the runtime's fails: the
// runtime's loader was not the one that ran.
func TestHostOnAnotherLibcFails(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "report")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("libc 2.36\nloaded\nok\n")
	res := judgeLibrary(Result{Host: HostDlopen}, f, "2.31", Options{})
	if res.Status != Fail || !strings.Contains(res.Reason, "ran on glibc 2.36, not the runtime's 2.31") {
		t.Errorf("got %+v", res)
	}
	res = judgeLibrary(Result{Host: HostDlopen}, f, "2.36", Options{})
	if res.Status != Pass {
		t.Errorf("same libc: %+v", res)
	}
}

// The JSON result names how the program started and the host.
func TestResultNamesStartAndHost(t *testing.T) {
	a := artifacts(t)
	rep := verifyOK(t, opts("debian:11"), a.Good, a.ProgGood)
	var b strings.Builder
	rep.WriteJSON(&b)
	var doc struct {
		Results []struct{ Host, Start string }
	}
	json.Unmarshal([]byte(b.String()), &doc)
	if len(doc.Results) != 2 || doc.Results[0].Host != "dlopen" || doc.Results[0].Start != "interpreter" ||
		doc.Results[1].Host != "" || doc.Results[1].Start != "interpreter" {
		t.Errorf("got %+v", doc.Results)
	}
}

// An extracted root whose library symlinks are absolute (as container
// exports often have them: libc.so.6 -> /lib/x86_64-linux-gnu/libc-2.31.so)
// gives the verdicts of the same root with relative links: the links are
// followed inside the root, as on the target, not into this machine's /lib.
func TestFolderWithAbsoluteSymlinks(t *testing.T) {
	a := artifacts(t)
	root := filepath.Join(t.TempDir(), "root")
	if out, err := exec.Command("cp", "-a", debian11Root(t), root).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	made := 0
	for _, dir := range []string{"lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64"} {
		entries, _ := os.ReadDir(filepath.Join(root, dir))
		for _, e := range entries {
			p := filepath.Join(root, dir, e.Name())
			target, err := os.Readlink(p)
			if err != nil || strings.HasPrefix(target, "/") {
				continue
			}
			abs := filepath.Join("/", dir, target)
			if os.Remove(p) != nil || os.Symlink(abs, p) != nil {
				t.Fatal(err)
			}
			made++
		}
	}
	if target, _ := os.Readlink(filepath.Join(root, "lib/x86_64-linux-gnu/libc.so.6")); !strings.HasPrefix(target, "/lib/x86_64-linux-gnu/libc-2.31") || made < 10 {
		t.Fatalf("libc.so.6 -> %q, %d links made absolute", target, made)
	}
	rep := verifyOK(t, opts(root), a.Good, a.ProgGood)
	for _, r := range rep.Results {
		if r.Status != Pass || len(r.HostLibraries) != 0 {
			t.Errorf("%s: %s: %s %v", r.Artifact, r.Status, r.Reason, r.HostLibraries)
		}
	}
}
