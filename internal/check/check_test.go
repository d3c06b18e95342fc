package check

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/elfinfo"
)

// The host is Debian 12 (glibc 2.36, gcc 12): what it links binds to 2.36's
// default versions, which is exactly the floor creep compatbuild exists for.
const pluginSource = `
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
static void *worker(void *arg) { return arg; }
int plugin_entry(const char *path) {
	pthread_t t;
	struct stat st;
	if (pthread_create(&t, 0, worker, 0) != 0) return -1;
	pthread_join(t, 0);
	if (stat(path, &st) != 0) return -2;
	return fcntl(0, F_GETFL);
}
`

func compile(t *testing.T, src string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	c := filepath.Join(dir, "src.c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command("gcc", append(append([]string{"-o", out, c}, args...), "-D_FILE_OFFSET_BITS=64")...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc %v: %v\n%s", args, err, msg)
	}
	return out
}

func analyzePath(t *testing.T, path, target string) *FileReport {
	t.Helper()
	info, err := elfinfo.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v abidb.Version
	if target != "" {
		v = abidb.MustParseVersion(target)
	}
	r, err := Analyze(info, v)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func forcing(r *FileReport) map[string][]string {
	out := map[string][]string{}
	for _, req := range r.Glibc.Forcing {
		out[req.Version] = req.Symbols
	}
	return out
}

func TestSharedLibraryFloorAndForcingSymbols(t *testing.T) {
	so := compile(t, pluginSource, "-shared", "-fPIC")
	r := analyzePath(t, so, "")
	if r.Kind != "shared-library" || r.ABI != "x86_64" || r.Glibc.Floor != "2.34" || r.Status != StatusOK {
		t.Fatalf("got kind %s abi %s floor %s status %s", r.Kind, r.ABI, r.Glibc.Floor, r.Status)
	}
	// Without a target, only the newest requirement is named.
	if got := forcing(r); len(got) != 1 || !slices.Contains(got["GLIBC_2.34"], "pthread_create") {
		t.Errorf("forcing without target = %v, want GLIBC_2.34: pthread_create", got)
	}
	if r.Manylinux != "manylinux_2_34_x86_64" {
		t.Errorf("manylinux = %s", r.Manylinux)
	}
	// With 2.17 as the floor, every requirement above it is named, with the
	// release that introduced it.
	r = analyzePath(t, so, "2.17")
	if r.Status != StatusAbove {
		t.Fatalf("status = %s, want above", r.Status)
	}
	got := forcing(r)
	want := map[string]string{"GLIBC_2.34": "pthread_create", "GLIBC_2.33": "stat64", "GLIBC_2.28": "fcntl64"}
	for node, sym := range want {
		if !slices.Contains(got[node], sym) {
			t.Errorf("forcing[%s] = %v, want it to contain %s", node, got[node], sym)
		}
	}
	for _, req := range r.Glibc.Forcing {
		if req.Library != "libc.so.6" || !strings.HasSuffix(req.Version, req.Release) {
			t.Errorf("requirement %+v: want libc.so.6 and the node's own release", req)
		}
		if abidb.MustParseVersion(req.Release).Compare(abidb.MustParseVersion("2.17")) <= 0 {
			t.Errorf("requirement %s at or below the target listed as forcing", req.Version)
		}
	}
	if r := analyzePath(t, so, "2.34"); r.Status != StatusOK || len(r.Glibc.Forcing) != 0 {
		t.Errorf("at 2.34: status %s forcing %v", r.Status, r.Glibc.Forcing)
	}
}

func TestExecutableFloor(t *testing.T) {
	exe := compile(t, pluginSource+"int main(int c, char **v) { return plugin_entry(v[0]); }\n")
	r := analyzePath(t, exe, "2.31")
	if r.Kind != "pie-executable" || r.Glibc.Floor != "2.34" || r.Status != StatusAbove {
		t.Fatalf("kind %s floor %s status %s", r.Kind, r.Glibc.Floor, r.Status)
	}
	got := forcing(r)
	if !slices.Equal(got["GLIBC_2.34"], []string{"__libc_start_main", "pthread_create", "pthread_join"}) || !slices.Contains(got["GLIBC_2.33"], "stat64") {
		t.Errorf("forcing above 2.31 = %v", got)
	}
	if _, ok := got["GLIBC_2.28"]; ok {
		t.Error("fcntl64 (2.28) listed as above 2.31")
	}
}

func TestRelrMarkerIsExplained(t *testing.T) {
	so := compile(t, "#include <stdio.h>\nint x, *p = &x, *q = &x;\nint f(void) { return puts(\"hi\"); }\n", "-shared", "-fPIC", "-Wl,-z,pack-relative-relocs")
	r := analyzePath(t, so, "2.31")
	var relr *Requirement
	for i, req := range r.Glibc.Forcing {
		if req.Version == "GLIBC_ABI_DT_RELR" {
			relr = &r.Glibc.Forcing[i]
		}
	}
	if relr == nil || relr.Release != "2.36" || !strings.Contains(relr.Marker, "pack-relative-relocs") || len(relr.Symbols) != 0 {
		t.Fatalf("GLIBC_ABI_DT_RELR requirement = %+v (forcing %+v)", relr, r.Glibc.Forcing)
	}
	if r.Glibc.Floor != "2.36" {
		t.Errorf("floor = %s, want 2.36", r.Glibc.Floor)
	}
}

func TestWeakAndPrivateNeeds(t *testing.T) {
	info := &elfinfo.File{
		Path: "synthetic", ABI: "x86_64", Kind: elfinfo.SharedLibrary, Needed: []string{"libc.so.6", "ld-linux-x86-64.so.2"},
		Needs: []elfinfo.Need{
			{Library: "libc.so.6", Version: "GLIBC_2.2.5"},
			{Library: "libc.so.6", Version: "GLIBC_2.30", Weak: true},
			{Library: "ld-linux-x86-64.so.2", Version: "GLIBC_PRIVATE"},
		},
		Imports: []elfinfo.Import{{Name: "gettid", Version: "GLIBC_2.30", Library: "libc.so.6", Weak: true}, {Name: "_dl_x", Version: "GLIBC_PRIVATE", Library: "ld-linux-x86-64.so.2"}},
	}
	r, err := Analyze(info, abidb.MustParseVersion("2.17"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Glibc.Floor != "2.2.5" {
		t.Errorf("weak GLIBC_2.30 raised the floor to %s", r.Glibc.Floor)
	}
	if r.Glibc.Portable || r.Status != StatusAbove || r.Manylinux != "" {
		t.Errorf("GLIBC_PRIVATE: portable %v status %s manylinux %q", r.Glibc.Portable, r.Status, r.Manylinux)
	}
	if len(r.Glibc.Forcing) != 1 || !r.Glibc.Forcing[0].Private || r.Glibc.Forcing[0].Symbols[0] != "_dl_x" {
		t.Errorf("forcing = %+v", r.Glibc.Forcing)
	}
}

func TestToolchainFloors(t *testing.T) {
	info := &elfinfo.File{Path: "cxx", ABI: "x86_64", Kind: elfinfo.PIEExecutable, Needed: []string{"libstdc++.so.6"},
		Needs: []elfinfo.Need{
			{Library: "libstdc++.so.6", Version: "GLIBCXX_3.4"},
			{Library: "libstdc++.so.6", Version: "GLIBCXX_3.4.30"},
			{Library: "libstdc++.so.6", Version: "GLIBCXX_3.4.9"},
			{Library: "libstdc++.so.6", Version: "CXXABI_1.3.13"},
			{Library: "libgcc_s.so.1", Version: "GCC_4.2.0"},
		}}
	r, err := Analyze(info, abidb.Version{})
	if err != nil {
		t.Fatal(err)
	}
	if r.GLIBCXX == nil || r.GLIBCXX.Version != "GLIBCXX_3.4.30" || r.GLIBCXX.GCC != "12.1.0" {
		t.Errorf("GLIBCXX = %+v", r.GLIBCXX)
	}
	if r.CXXABI == nil || r.CXXABI.GCC != "11.1.0" || r.GCC == nil || r.GCC.GCC != "4.2" {
		t.Errorf("CXXABI = %+v GCC = %+v", r.CXXABI, r.GCC)
	}
}

func TestPathsWalksSkipsAndReportsErrors(t *testing.T) {
	dir := t.TempDir()
	so := compile(t, pluginSource, "-shared", "-fPIC")
	data, _ := os.ReadFile(so)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "libplugin.so"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "README"), []byte("not elf"), 0o644)
	os.WriteFile(filepath.Join(dir, "truncated.so"), data[:100], 0o644)
	os.Symlink("sub/libplugin.so", filepath.Join(dir, "link.so"))

	rep := Paths([]string{dir}, abidb.MustParseVersion("2.17"))
	if rep.Totals.Files != 2 || rep.Totals.Errors != 1 || rep.Totals.Above != 1 || rep.ExitCode() != 2 {
		t.Fatalf("totals %+v exit %d", rep.Totals, rep.ExitCode())
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	out := text.String()
	for _, want := range []string{"ERROR  " + filepath.Join(dir, "truncated.so") + ": malformed ELF", "ABOVE  " + filepath.Join(dir, "sub", "libplugin.so"), "pthread_create", "2 files: 0 within glibc 2.17, 1 above, 1 error"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if rep := Paths([]string{filepath.Join(dir, "sub")}, abidb.MustParseVersion("2.34")); rep.ExitCode() != 0 {
		t.Errorf("within 2.34: exit %d", rep.ExitCode())
	}
	if rep := Paths([]string{filepath.Join(dir, "sub")}, abidb.MustParseVersion("2.33")); rep.ExitCode() != 1 {
		t.Errorf("above 2.33: exit %d", rep.ExitCode())
	}
}

func TestJSONShape(t *testing.T) {
	so := compile(t, pluginSource, "-shared", "-fPIC")
	var buf bytes.Buffer
	if err := Paths([]string{so}, abidb.MustParseVersion("2.17")).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema string `json:"schema"`
		Target string `json:"target"`
		Files  []struct {
			Path, Status, ABI, Manylinux string
			Glibc                        struct {
				Floor    string
				Portable bool
				Forcing  []struct {
					Version, Release, Library string
					Symbols                   []string
				}
			}
			RunsOn []struct{ Distro, Release, Glibc string } `json:"runs_on"`
		}
		Summary struct{ Files, Within, Above, Errors int }
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	f := doc.Files[0]
	if doc.Schema != Schema || doc.Target != "2.17" || f.Status != "above" || f.Glibc.Floor != "2.34" || !f.Glibc.Portable || doc.Summary.Above != 1 {
		t.Errorf("unexpected document:\n%s", buf.String())
	}
	if len(f.RunsOn) == 0 || f.RunsOn[0].Distro != "RHEL" || f.RunsOn[0].Release != "9" {
		t.Errorf("runs_on = %+v", f.RunsOn)
	}
}

func TestSurelyWithinAgreesWithAnalyze(t *testing.T) {
	so := compile(t, pluginSource, "-shared", "-fPIC")
	relr := compile(t, "#include <stdio.h>\nint x, *p = &x;\nint f(void) { return puts(\"hi\"); }\n", "-shared", "-fPIC", "-Wl,-z,pack-relative-relocs")
	for _, c := range []struct {
		path, target string
		sure         bool
	}{
		{so, "2.34", true}, {so, "2.33", false}, {so, "2.17", false},
		{relr, "2.44", false}, // a marker node: only the database knows its release
	} {
		info, err := elfinfo.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		target := abidb.MustParseVersion(c.target)
		got := SurelyWithin(info, target)
		r, _ := Analyze(info, target)
		if got != c.sure || (got && r.Status != StatusOK) {
			t.Errorf("%s at %s: SurelyWithin %v (want %v), Analyze says %s", filepath.Base(c.path), c.target, got, c.sure, r.Status)
		}
	}
}
