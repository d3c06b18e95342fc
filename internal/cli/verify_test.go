package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The verify command end to end: artifacts built by 'compatbuild cc' and
// by plain gcc, verified under real Debian runtimes (fetched once into the
// user's cache through apt; see internal/runtimes).

const verifyLibSource = `#include <pthread.h>
#include <stdio.h>
static void *worker(void *arg) { *(int *)arg = 42; return NULL; }
void hello(void) {
	pthread_t t; int v = 0;
	pthread_create(&t, NULL, worker, &v);
	pthread_join(t, NULL);
	printf("hello %d\n", v);
}
`

const verifyProgSource = `#include <pthread.h>
#include <stdio.h>
static void *worker(void *arg) { *(int *)arg = 7; return NULL; }
int main(int argc, char **argv) {
	pthread_t t; int v = 0;
	pthread_create(&t, NULL, worker, &v);
	pthread_join(t, NULL);
	printf("thread %d, %d args:", v, argc - 1);
	for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
	printf("\n");
	return 0;
}
`

// verifyArtifacts builds libgood.so and prog with 'compatbuild cc --glibc
// 2.17', libplain.so and progplain with gcc, into a fresh directory.
func verifyArtifacts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	os.WriteFile(p("lib.c"), []byte(verifyLibSource), 0o644)
	os.WriteFile(p("prog.c"), []byte(verifyProgSource), 0o644)
	for _, args := range [][]string{
		{"cc", "--glibc", "2.17", "-shared", "-fPIC", p("lib.c"), "-o", p("libgood.so")},
		{"cc", "--glibc", "2.17", p("prog.c"), "-o", p("prog")},
	} {
		if code, out, errs := run(args...); code != 0 {
			t.Fatalf("compatbuild %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
	}
	for _, args := range [][]string{
		{"-shared", "-fPIC", p("lib.c"), "-o", p("libplain.so")},
		{p("prog.c"), "-o", p("progplain")},
	} {
		if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return dir
}

func TestVerifyMatrixAndExitCodes(t *testing.T) {
	dir := verifyArtifacts(t)
	good, plain := filepath.Join(dir, "libgood.so"), filepath.Join(dir, "libplain.so")
	code, out, errs := run("verify", "--on", "debian:11,debian:12", "--call", "hello", good, plain)
	if code != ExitFail || errs != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errs, out)
	}
	lines := strings.Split(out, "\n")
	// The first column is as wide as the longest path, plain's.
	wantHead := []string{
		"ARTIFACT" + strings.Repeat(" ", len(plain)-len("ARTIFACT")) + "  debian:11   debian:12",
		strings.Repeat(" ", len(plain)) + "  glibc 2.31  glibc 2.36",
		good + "   PASS        PASS",
		plain + "  FAIL        PASS",
	}
	for i, w := range wantHead {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i, lines[i], w)
		}
	}
	for _, w := range []string{
		"\nPASS " + good + " on debian:11 (glibc 2.31): loaded; hello() returned\n    | hello 42\n",
		"\nFAIL " + plain + " on debian:11 (glibc 2.31): /",
		"/libc.so.6: version `GLIBC_2.34' not found (required by " + plain + ")\n",
		"\nPASS " + plain + " on debian:12 (glibc 2.36): loaded; hello() returned\n",
		"\n2 artifacts × 2 runtimes: 3 pass, 1 fail\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if code, out, _ := run("verify", "--on", "debian:12", plain); code != ExitOK || !strings.Contains(out, "1 pass, 0 fail") {
		t.Errorf("plain on debian:12: exit %d\n%s", code, out)
	}
	// Default runtime: debian:11, the oldest.
	if code, out, _ := run("verify", plain); code != ExitFail || !strings.Contains(out, "FAIL "+plain+" on debian:11 (glibc 2.31)") {
		t.Errorf("default runtime: exit %d\n%s", code, out)
	}
}

func TestVerifyExecutableArgsAndFlagsAfterArtifacts(t *testing.T) {
	dir := verifyArtifacts(t)
	prog, plain := filepath.Join(dir, "prog"), filepath.Join(dir, "progplain")
	code, out, errs := run("verify", prog, "--on", "all", "--", "one", "two words", "--json")
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errs, out)
	}
	for _, rt := range []string{"debian:11 (glibc 2.31)", "debian:12 (glibc 2.36)", "debian:13 (glibc 2.41)"} {
		if w := "PASS " + prog + " on " + rt + ": exit status 0\n    | thread 7, 3 args: [one] [two words] [--json]\n"; !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = run("verify", "--on=debian:11", plain)
	if code != ExitFail || !strings.Contains(out, "FAIL "+plain+" on debian:11 (glibc 2.31): "+plain+": /") || !strings.Contains(out, "version `GLIBC_2.34' not found (required by "+plain+")") {
		t.Errorf("progplain: exit %d\n%s", code, out)
	}
}

func TestVerifyJSON(t *testing.T) {
	dir := verifyArtifacts(t)
	good, plain := filepath.Join(dir, "libgood.so"), filepath.Join(dir, "libplain.so")
	code, out, _ := run("verify", "--json", "--on", "debian:11", "--on", "debian:13", good, plain)
	if code != ExitFail {
		t.Errorf("exit %d, want %d", code, ExitFail)
	}
	var doc struct {
		Schema  string `json:"schema"`
		Results []struct {
			Artifact, Runtime, Status, LoaderError string
		} `json:"results"`
		Summary struct{ Pass, Fail int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Schema != "compatbuild.verify/v1" || len(doc.Results) != 4 || doc.Summary.Pass != 3 || doc.Summary.Fail != 1 {
		t.Errorf("%+v", doc)
	}
	got := []string{}
	for _, r := range doc.Results {
		got = append(got, filepath.Base(r.Artifact)+"@"+r.Runtime+"="+r.Status)
	}
	if strings.Join(got, " ") != "libgood.so@debian:11=pass libgood.so@debian:13=pass libplain.so@debian:11=fail libplain.so@debian:13=pass" {
		t.Errorf("results %v", got)
	}
	code, out, _ = run("verify", "--json", "--on", "debian:13", good)
	if code != ExitOK || !strings.Contains(out, `"status": "pass"`) {
		t.Errorf("all pass: exit %d\n%s", code, out)
	}
}

func TestVerifyBadInputIsOneLineExit2(t *testing.T) {
	dir := verifyArtifacts(t)
	good := filepath.Join(dir, "libgood.so")
	text := filepath.Join(t.TempDir(), "README")
	os.WriteFile(text, []byte("not a program\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", text}, text + " is not an ELF file"},
		{[]string{"verify", filepath.Join(dir, "missing.so")}, "missing.so: no such file"},
		{[]string{"verify", "--on", "ubuntu:20.04", good}, `unknown runtime "ubuntu:20.04"`},
		{[]string{"verify", "--on", filepath.Join(dir, "no-such-root"), good}, "no-such-root"},
		{[]string{"verify"}, "verify needs at least one shared library or executable"},
		{[]string{"verify", "--on", "debian:11"}, "verify needs at least one"},
		{[]string{"verify", "--expect-return", "x", good}, "want an integer"},
		{[]string{"verify", "--expect-return", "0", good}, "--call NAME"},
		{[]string{"verify", "--timeout", "0s", good}, "--timeout must be positive"},
		{[]string{"verify", "--no-such-flag", good}, "no-such-flag"},
	} {
		code, out, errs := run(tc.args...)
		if code != ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args[1:], code, out)
		}
		if lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(errs, "compatbuild: ") || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: stderr %q, want one line with %q", tc.args[1:], errs, tc.want)
		}
	}
	// Two bad artifacts: one line each.
	code, _, errs := run("verify", text, filepath.Join(dir, "missing.so"))
	if lines := strings.Split(strings.TrimSpace(errs), "\n"); code != ExitUsage || len(lines) != 2 || !strings.HasPrefix(lines[1], "compatbuild: verify: ") {
		t.Errorf("two bad artifacts: exit %d, stderr %q", code, errs)
	}
}

func TestVerifyHelp(t *testing.T) {
	code, out, errs := run("verify", "--help")
	if code != ExitOK || errs != "" || !strings.Contains(out, "Examples:") || !strings.Contains(out, "compatbuild verify --on all") ||
		!strings.Contains(out, "-lib-path") || !strings.Contains(out, "docker export") {
		t.Errorf("exit %d stderr %q\n%s", code, errs, out)
	}
	if _, out, _ := run("--help"); !strings.Contains(out, "verify") {
		t.Errorf("verify is not listed in compatbuild --help:\n%s", out)
	}
}

// Progress lines are for terminals only: logs, pipes and files stay quiet.
func TestVerifyProgressOnlyOnATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	for _, out := range []io.Writer{&bytes.Buffer{}, w, null} {
		if isTerminal(out) {
			t.Errorf("%T counted as a terminal", out)
		}
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		defer tty.Close()
		if !isTerminal(tty) {
			t.Errorf("/dev/tty is not a terminal")
		}
	}
}
