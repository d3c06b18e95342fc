package verify

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"compatbuild/internal/runtimes"
)

var allRuntimes = []string{"debian:11", "debian:12", "debian:13"}

func TestDriverBuiltLibraryPassesEverywhereAndCalls(t *testing.T) {
	a := artifacts(t)
	o := opts("all")
	o.Call = "hello"
	rep := verifyOK(t, o, a.Good)
	if len(rep.Runtimes) != 3 {
		t.Fatalf("--on all gave %d runtimes, want 3", len(rep.Runtimes))
	}
	for i, name := range allRuntimes {
		if rep.Runtimes[i].Name != name || rep.Runtimes[i].Folder {
			t.Errorf("runtime %d = %+v, want named %s", i, rep.Runtimes[i], name)
		}
		r := cell(t, rep, a.Good, name)
		if r.Status != Pass || r.Output != "hello from the library: 42\n" || r.Call == nil || !r.Call.Called || !r.Call.Returned {
			t.Errorf("%s: %+v", name, r)
		}
		if r.Reason != "loaded; hello() returned" {
			t.Errorf("%s: reason %q", name, r.Reason)
		}
	}
	if want := []string{"2.31", "2.36", "2.41"}; rep.Runtimes[0].Glibc != want[0] || rep.Runtimes[1].Glibc != want[1] || rep.Runtimes[2].Glibc != want[2] {
		t.Errorf("glibc versions %v", rep.Runtimes)
	}
	if rep.Failed() {
		t.Error("Failed() on an all-pass report")
	}
}

// loaderVersionError is glibc's message for a missing symbol version.
var loaderVersionError = regexp.MustCompile("^/.*/libc\\.so\\.6: version `GLIBC_2\\.34' not found \\(required by (/.*)\\)$")

func TestPlainGCCLibraryFailsOnDebian11WithTheLoaderError(t *testing.T) {
	a := artifacts(t)
	o := opts("debian:11", "debian:12")
	o.Call = "hello"
	rep := verifyOK(t, o, a.Plain)
	old := cell(t, rep, a.Plain, "debian:11")
	m := loaderVersionError.FindStringSubmatch(old.LoaderError)
	if old.Status != Fail || m == nil || m[1] != a.Plain || old.Reason != old.LoaderError {
		t.Errorf("debian:11: want the loader's exact version error, got %+v", old)
	}
	if old.ExitCode != hostExitDlopenFailed || old.Call == nil || old.Call.Called {
		t.Errorf("debian:11: exit %d call %+v", old.ExitCode, old.Call)
	}
	// The error names the runtime's libc, not the host's.
	if !strings.HasPrefix(old.LoaderError, rep.Runtimes[0].Root+"/") {
		t.Errorf("loader error %q does not name the runtime's libc under %s", old.LoaderError, rep.Runtimes[0].Root)
	}
	if r := cell(t, rep, a.Plain, "debian:12"); r.Status != Pass || r.Output != "hello from the library: 42\n" {
		t.Errorf("debian:12: %+v", r)
	}
	if !rep.Failed() {
		t.Error("Failed() is false with a failing cell")
	}
}

func TestExecutables(t *testing.T) {
	a := artifacts(t)
	o := opts("debian:11,debian:12", "debian:13")
	o.Args = []string{"one", "two words"}
	rep := verifyOK(t, o, a.ProgGood, a.ProgPlain)
	for _, name := range allRuntimes {
		r := cell(t, rep, a.ProgGood, name)
		if r.Status != Pass || r.Output != "thread said 7; args: one two words\n" || r.ExitCode != 0 || r.Reason != "exit status 0" {
			t.Errorf("proggood on %s: %+v", name, r)
		}
		if r.Call != nil {
			t.Errorf("an executable got a call result: %+v", r.Call)
		}
	}
	old := cell(t, rep, a.ProgPlain, "debian:11")
	if old.Status != Fail || !strings.Contains(old.LoaderError, "version `GLIBC_2.34' not found") ||
		!strings.HasPrefix(old.LoaderError, a.ProgPlain+": ") || old.Reason != old.LoaderError {
		t.Errorf("progplain on debian:11: %+v", old)
	}
	for _, name := range allRuntimes[1:] {
		if r := cell(t, rep, a.ProgPlain, name); r.Status != Pass {
			t.Errorf("progplain on %s: %+v", name, r)
		}
	}
}

func TestFolderRuntimeGivesTheSameVerdicts(t *testing.T) {
	a := artifacts(t)
	root := debian11Root(t)
	o := opts(root, "debian:11")
	o.Call = "hello"
	paths := []string{a.Good, a.Plain, a.ProgGood, a.ProgPlain}
	rep := verifyOK(t, o, paths...)
	if len(rep.Runtimes) != 2 || !rep.Runtimes[0].Folder || rep.Runtimes[0].Name != root || rep.Runtimes[0].Glibc != "2.31" || rep.Runtimes[1].Folder {
		t.Fatalf("runtimes %+v", rep.Runtimes)
	}
	want := map[string]Status{a.Good: Pass, a.Plain: Fail, a.ProgGood: Pass, a.ProgPlain: Fail}
	for _, p := range paths {
		f, n := cell(t, rep, p, root), cell(t, rep, p, "debian:11")
		if f.Status != want[p] || n.Status != want[p] || f.Reason != n.Reason || f.Output != n.Output {
			t.Errorf("%s: folder %s %q, named %s %q, want %s", filepath.Base(p), f.Status, f.Reason, n.Status, n.Reason, want[p])
		}
	}
}

func TestExpectReturn(t *testing.T) {
	a := artifacts(t)
	o := opts()
	o.Call = "answer"
	want := 42
	o.ExpectReturn = &want
	r := verifyOK(t, o, a.Good).Results[0]
	if r.Status != Pass || r.Call.Value == nil || *r.Call.Value != 42 || r.Reason != "loaded; answer() returned 42" {
		t.Errorf("answer() == 42: %+v %+v", r, r.Call)
	}
	other := 41
	o.ExpectReturn = &other
	r = verifyOK(t, o, a.Good).Results[0]
	if r.Status != Fail || r.Reason != "loaded; answer() returned 42, want 41" {
		t.Errorf("answer() == 41: %+v", r)
	}
	if r.Runtime != DefaultRuntime {
		t.Errorf("default runtime %s, want %s", r.Runtime, DefaultRuntime)
	}
}

func TestCallFailures(t *testing.T) {
	a := artifacts(t)
	for _, tc := range []struct {
		call, reason string
		exit         int
		signal       string
	}{
		{"no_such_function", "loaded, but no_such_function was not found: " + a.Good + ": undefined symbol: no_such_function", hostExitDlsymFailed, ""},
		{"leave", "the process exited with status 3 in leave()", 3, ""},
		{"crash", "killed by SIGSEGV in crash()", -1, "SIGSEGV"},
	} {
		o := opts()
		o.Call = tc.call
		r := verifyOK(t, o, a.Good).Results[0]
		if r.Status != Fail || r.Reason != tc.reason || r.ExitCode != tc.exit || r.Signal != tc.signal {
			t.Errorf("--call %s: got %s %q exit %d signal %q, want %q", tc.call, r.Status, r.Reason, r.ExitCode, r.Signal, tc.reason)
		}
	}
	o := opts()
	o.Call = "leave"
	if r := verifyOK(t, o, a.Good).Results[0]; r.Output != "leaving\n" || r.Call.Returned || !r.Call.Called {
		t.Errorf("leave: output %q call %+v", r.Output, r.Call)
	}
}

func TestConstructorCrash(t *testing.T) {
	a := artifacts(t)
	r := verifyOK(t, opts(), a.CtorCrash).Results[0]
	if r.Status != Fail || r.Signal != "SIGSEGV" || !strings.HasPrefix(r.Reason, "killed by SIGSEGV during dlopen") || r.Output != "constructor starts\n" {
		t.Errorf("%+v", r)
	}
}

func TestExecutableExitStatusAndTimeout(t *testing.T) {
	a := artifacts(t)
	o := opts()
	o.Args = []string{"fail"}
	r := verifyOK(t, o, a.ProgGood).Results[0]
	if r.Status != Fail || r.ExitCode != 3 || r.Reason != "exit status 3, want 0; last output line: thread said 7; args: fail" || r.LoaderError != "" {
		t.Errorf("exit 3 against 0: %+v", r)
	}
	o.ExpectExit = 3
	if r := verifyOK(t, o, a.ProgGood).Results[0]; r.Status != Pass || r.Reason != "exit status 3" {
		t.Errorf("exit 3 expected: %+v", r)
	}
	// A loader failure fails even when its status is the expected one.
	o.ExpectExit = 1
	o.Args = nil
	if r := verifyOK(t, o, a.ProgPlain).Results[0]; r.Status != Fail || r.LoaderError == "" {
		t.Errorf("loader failure with --expect-exit 1: %+v", r)
	}

	o = opts()
	o.Args = []string{"hang"}
	o.Timeout = 500 * time.Millisecond
	start := time.Now()
	r = verifyOK(t, o, a.ProgGood).Results[0]
	if r.Status != Fail || !r.TimedOut || r.Reason != "timed out after 500ms and was killed" {
		t.Errorf("hang: %+v", r)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a 500ms timeout took %v", d)
	}
}

func TestStaticExecutableRunsDirectly(t *testing.T) {
	a := artifacts(t)
	o := opts()
	o.Args = []string{"x"}
	rep := verifyOK(t, o, a.Static)
	r := rep.Results[0]
	if rep.Artifacts[0].Kind != "static-executable" || r.Status != Pass || r.Output != "thread said 7; args: x\n" ||
		!strings.Contains(r.Reason, "statically linked") || len(r.Command) == 0 || r.Command[0] != a.Static {
		t.Errorf("%+v", r)
	}
}

func TestLibraryFromTheHostFails(t *testing.T) {
	a := artifacts(t)
	o := opts()
	o.Call = "zversion"
	r := verifyOK(t, o, a.ZUser).Results[0]
	if r.Status != Fail || len(r.HostLibraries) != 1 || r.HostLibraries[0].Name != "libz.so.1" ||
		!strings.HasPrefix(r.Reason, "loaded; zversion() returned, but libz.so.1 is not in the runtime and the loader took the host's /") ||
		!strings.Contains(r.Reason, "--package") {
		t.Errorf("without zlib1g: %+v", r)
	}
	// With Debian 11's own zlib in the runtime it passes, and the output
	// proves which zlib ran: bullseye has 1.2.11, the host (bookworm) 1.2.13.
	o.Packages = []string{"zlib1g"}
	r = verifyOK(t, o, a.ZUser).Results[0]
	if r.Status != Pass || r.Output != "zlib 1.2.11\n" || len(r.HostLibraries) != 0 {
		t.Errorf("with --package zlib1g: %+v", r)
	}
}

func TestLibPath(t *testing.T) {
	a := artifacts(t)
	o := opts()
	o.Call = "use_dep"
	r := verifyOK(t, o, a.User).Results[0]
	if r.Status != Fail || r.LoaderError != "libdep.so: cannot open shared object file: No such file or directory" {
		t.Errorf("without --lib-path: %+v", r)
	}
	o.LibPath = []string{filepath.Dir(a.Dep)}
	r = verifyOK(t, o, a.User).Results[0]
	if r.Status != Pass || r.Output != "dep says 5\n" {
		t.Errorf("with --lib-path: %+v", r)
	}
	if r.Start != string(runtimes.StartInterpreter) || r.Host != HostDlopen {
		t.Errorf("started %q by host %q, want the dlopen host started through its interpreter", r.Start, r.Host)
	}
	// A directory with a C library would replace the runtime's glibc.
	o.LibPath = []string{"/lib/x86_64-linux-gnu"}
	if _, err := Run(context.Background(), []string{a.User}, o); err == nil || !strings.Contains(err.Error(), "holds libc.so.6") {
		t.Errorf("lib-path with libc.so.6: %v", err)
	}
}

func TestBadInputIsReportedBeforeAnythingRuns(t *testing.T) {
	a := artifacts(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello\n"), 0o644)
	truncated := filepath.Join(dir, "broken.so")
	os.WriteFile(truncated, []byte("\x7fELF\x02\x01\x01"), 0o644)
	noexec := filepath.Join(dir, "noexec")
	data, _ := os.ReadFile(a.ProgGood)
	os.WriteFile(noexec, data, 0o644)
	cacheBefore := listDir(t, os.Getenv("XDG_CACHE_HOME"))

	for _, tc := range []struct {
		paths []string
		on    []string
		want  []string
	}{
		{[]string{text}, nil, []string{text + " is not an ELF file"}},
		{[]string{filepath.Join(dir, "missing.so")}, nil, []string{"missing.so: no such file"}},
		{[]string{dir}, nil, []string{"is a directory"}},
		{[]string{a.Object}, nil, []string{"is an object file, not linked yet"}},
		{[]string{truncated}, nil, []string{"broken.so: malformed ELF file"}},
		{[]string{noexec}, nil, []string{"without execute permission"}},
		{[]string{text, a.Object}, nil, []string{"not an ELF file", "object file"}},
		{[]string{a.Good}, []string{"centos:7"}, []string{`unknown runtime "centos:7"`}},
		{[]string{a.Good}, []string{"debian:99"}, []string{`unknown runtime "debian:99"`}},
		{[]string{a.Good}, []string{filepath.Join(dir, "no-root")}, []string{"no-root"}},
		{[]string{a.Good}, []string{dir}, []string{"has no glibc dynamic loader"}},
		{nil, nil, []string{"no artifact given"}},
	} {
		o := opts(tc.on...)
		rep, err := Run(context.Background(), tc.paths, o)
		if err == nil || rep != nil {
			t.Errorf("%v on %v: no error", tc.paths, tc.on)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(tc.want) {
			t.Errorf("%v on %v: %d error lines, want %d: %q", tc.paths, tc.on, len(lines), len(tc.want), err)
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("%v on %v: line %q does not say %q", tc.paths, tc.on, lines[i], w)
			}
		}
	}
	o := opts()
	one := 1
	o.ExpectReturn = &one
	if _, err := Run(context.Background(), []string{a.Good}, o); err == nil || !strings.Contains(err.Error(), "--call NAME") {
		t.Errorf("expect-return without call: %v", err)
	}
	if after := listDir(t, os.Getenv("XDG_CACHE_HOME")); after != cacheBefore {
		t.Errorf("bad input built something: cache went from %q to %q", cacheBefore, after)
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		names = append(names, p)
		return nil
	})
	return strings.Join(names, "\n")
}

func TestRuntimeNames(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, "debian:11"},
		{[]string{"all"}, "debian:11 debian:12 debian:13"},
		{[]string{"debian:13,debian:11", "debian:13"}, "debian:13 debian:11"},
		{[]string{"/x", "all", " debian:12 "}, "/x debian:11 debian:12 debian:13"},
		{[]string{","}, "debian:11"},
	} {
		if got := strings.Join(runtimeNames(tc.in), " "); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
	if !strings.Contains(strings.Join(runtimes.Names(), " "), DefaultRuntime) {
		t.Errorf("default runtime %s is not a known name", DefaultRuntime)
	}
}

func TestAliasIsOneRuntime(t *testing.T) {
	a := artifacts(t)
	rep := verifyOK(t, opts("debian:11", "debian:bullseye"), a.Good)
	if len(rep.Runtimes) != 1 {
		t.Errorf("debian:11 and debian:bullseye gave %d runtimes", len(rep.Runtimes))
	}
}
