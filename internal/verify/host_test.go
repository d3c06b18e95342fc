package verify

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/runtimes"
)

func TestHostGlibc(t *testing.T) {
	last := abidb.MustLoad("x86_64").Last().String()
	for in, want := range map[string]string{
		"2.31": "2.31", "2.41": "2.41", "2.17": "2.17", "2.12": "2.17", "2.5": "2.17",
		"2.99": last, "3.0": last, "2.35.1": "2.35",
	} {
		got, err := HostGlibc(in)
		if err != nil || got.String() != want {
			t.Errorf("HostGlibc(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2", "two.31", "2.31-1"} {
		if _, err := HostGlibc(bad); err == nil {
			t.Errorf("HostGlibc(%q): no error", bad)
		}
	}
}

// A cold cache hit by several callers at once ends with one complete host,
// the same path for all, no temporary leftovers, and a glibc floor within
// the target (read independently of the driver's own check).
func TestEnsureHostConcurrentColdCache(t *testing.T) {
	root := t.TempDir()
	v := abidb.MustParseVersion("2.31")
	const n = 4
	paths := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = EnsureHost(context.Background(), root, v)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Fatalf("caller %d: %q, %v (caller 0: %q)", i, paths[i], errs[i], paths[0])
		}
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(filepath.Dir(paths[0])) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("cache holds %q, want only %s", names, filepath.Dir(paths[0]))
	}
	if !strings.HasPrefix(filepath.Base(filepath.Dir(paths[0])), "dlopen-host-x86_64-glibc2.31-") {
		t.Errorf("host name %s", paths[0])
	}
	info, err := elfinfo.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Analyze(info, v)
	if err != nil || rep.Status != check.StatusOK {
		t.Errorf("host floor: %+v %v", rep, err)
	}
	out, err := exec.Command("readelf", "-V", "-W", paths[0]).Output()
	if err != nil {
		t.Fatalf("readelf: %v", err)
	}
	for _, f := range strings.Fields(string(out)) {
		if nv, err := abidb.ParseVersion(strings.TrimPrefix(f, "GLIBC_")); err == nil && strings.HasPrefix(f, "GLIBC_") && v.Less(nv) {
			t.Errorf("readelf: host needs %s, above 2.31", f)
		}
	}

	// Warm: the same file, not rebuilt.
	st, _ := os.Stat(paths[0])
	time.Sleep(10 * time.Millisecond)
	again, err := EnsureHost(context.Background(), root, v)
	st2, _ := os.Stat(again)
	if err != nil || again != paths[0] || !st2.ModTime().Equal(st.ModTime()) {
		t.Errorf("warm call: %q %v, mtime %v -> %v", again, err, st.ModTime(), st2.ModTime())
	}
	// A damaged host is built again, not used.
	if err := os.Truncate(paths[0], 100); err != nil {
		t.Fatal(err)
	}
	again, err = EnsureHost(context.Background(), root, v)
	if err != nil || again != paths[0] {
		t.Fatalf("after damage: %q %v", again, err)
	}
	if fi, _ := os.Stat(again); fi == nil || fi.Size() <= 100 {
		t.Errorf("the truncated host was used")
	}
	// A verify cache others can write to is refused.
	os.Chmod(root, 0o777)
	if _, err := EnsureHost(context.Background(), root, v); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Errorf("a shared cache: %v", err)
	}
	os.Chmod(root, 0o700)
	// Another glibc is another host.
	other, err := EnsureHost(context.Background(), root, abidb.MustParseVersion("2.36"))
	if err != nil || other == paths[0] || !strings.Contains(other, "glibc2.36-") {
		t.Errorf("2.36 host: %q %v", other, err)
	}
}

func TestEnsureHostWithoutCompiler(t *testing.T) {
	t.Setenv("CC", "no-such-compiler-xyz")
	_, err := EnsureHost(context.Background(), t.TempDir(), abidb.MustParseVersion("2.31"))
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "no-such-compiler-xyz") {
		t.Errorf("err = %v", err)
	}
}

// The host speaks its protocol on stderr when fd 3 is not open, and
// refuses bad arguments with its usage status.
func TestHostProtocolWithoutFD3(t *testing.T) {
	a := artifacts(t)
	host, err := EnsureHost(context.Background(), "", abidb.MustParseVersion("2.31"))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtimes.GetWithOptions(context.Background(), "debian:11", runtimes.Options{CacheDir: runtimeCache})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := rt.Command(context.Background(), host, a.Good, "answer", "int")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.String() != "libc 2.31\nloaded\ncalling answer\nreturned 42\nok\n" {
		t.Errorf("answer: %v, stderr %q", err, stderr.String())
	}
	stderr.Reset()
	cmd = rt.Command(context.Background(), host, a.Plain)
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cmd.ProcessState.ExitCode() != hostExitDlopenFailed || !strings.HasPrefix(stderr.String(), "libc 2.31\ndlopen-failed /") ||
		!strings.HasSuffix(stderr.String(), "version `GLIBC_2.34' not found (required by "+a.Plain+")\n") {
		t.Errorf("plain: %v, stderr %q", err, stderr.String())
	}
	cmd = rt.Command(context.Background(), host)
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != hostExitUsage {
		t.Errorf("no arguments: %v", err)
	}
}
