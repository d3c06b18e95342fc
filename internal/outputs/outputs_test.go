package outputs

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"compatbuild/internal/abidb"
)

var v217 = abidb.MustParseVersion("2.17")

// build compiles a program (or with -shared a library) plainly; on this
// machine's glibc (≥ 2.34) it needs glibc 2.33 (stat) or 2.34, above 2.17.
func build(t *testing.T, out string, extra ...string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "p.c")
	if err := os.WriteFile(src, []byte("#include <sys/stat.h>\nint f(void) { struct stat st; return stat(\"/\", &st); }\nint main(void) { return f(); }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-o", out, src}, extra...)
	if o, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %v: %v\n%s", args, err, o)
	}
}

func paths(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

func judge(t *testing.T, w *Watch, opt Options) *Result {
	t.Helper()
	if opt.Target.IsZero() {
		opt.Target, opt.ABI = v217, "x86_64"
	}
	res, err := w.Check(opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestOnlyWhatTheCommandWrote: files from before the start are not
// judged; files created, overwritten in place, or renamed into place
// after it are, wherever they are in the tree; object files and
// non-ELF files are not; the root's modification time is left as it was.
func TestOnlyWhatTheCommandWrote(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"sub/deep", ".git"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	build(t, filepath.Join(root, "old"))
	build(t, filepath.Join(root, "overwritten"))
	build(t, filepath.Join(t.TempDir(), "unused"))
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(root, past, past); err != nil {
		t.Fatal(err)
	}
	w, err := Start(root)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if st, _ := os.Stat(root); !st.ModTime().Equal(past) {
		t.Errorf("Start changed the root's modification time to %v", st.ModTime())
	}
	// The command: a new program and library, an object file, a file in
	// VCS metadata, an in-place overwrite, a rename into place.
	build(t, filepath.Join(root, "sub/deep/new"))
	build(t, filepath.Join(root, "sub/libnew.so"), "-shared", "-fPIC")
	build(t, filepath.Join(root, "sub/obj.o"), "-c")
	build(t, filepath.Join(root, ".git/hook"))
	data, _ := os.ReadFile(filepath.Join(root, "old"))
	f, _ := os.OpenFile(filepath.Join(root, "overwritten"), os.O_WRONLY|os.O_TRUNC, 0)
	f.Write(data)
	f.Close()
	moved := filepath.Join(t.TempDir(), "moved")
	build(t, moved)
	os.Rename(moved, filepath.Join(root, "moved")) // same file system or not, a rename sets ctime
	res := judge(t, w, Options{})
	want := []string{"moved", "overwritten", "sub/deep/new", "sub/libnew.so"}
	if got := paths(res.Above); !slices.Equal(got, want) {
		t.Errorf("judged above the target: %v, want %v", got, want)
	}
	if res.Files != 4 {
		t.Errorf("%d executables and shared libraries written, want 4", res.Files)
	}
	for _, f := range res.Above {
		if f.Report.Glibc == nil || abidb.MustParseVersion(f.Report.Glibc.Floor).Less(abidb.MustParseVersion("2.33")) {
			t.Errorf("%s: report %+v, want a glibc floor of at least 2.33", f.Path, f.Report.Glibc)
		}
	}
}

// TestSkipPruneAndABI: --scan-skip patterns match a relative path or a
// base name and keep a directory out; Prune replaces a directory by the
// ones it names; files of another ABI than the target's are not judged.
func TestSkipPruneAndABI(t *testing.T) {
	root := t.TempDir()
	w, err := Start(root)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, p := range []string{"tools/gen", "a/helper", "target/release/build-script", "target/x/out/lib.so", "app", "m.cpython-311-x86_64-linux-gnu.so", "addon.node", "readme.txt"} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		build(t, filepath.Join(root, p))
	}
	res := judge(t, w, Options{Skip: []string{"tools", "help*"}, Prune: func(dir string) (bool, []string) {
		if filepath.Base(dir) == "target" {
			return true, []string{filepath.Join(dir, "x/out")}
		}
		return false, nil
	}})
	// readme.txt is an executable too, but a build never names one so:
	// files named as sources, text or objects are not looked at.
	if got, want := paths(res.Above), []string{"addon.node", "app", "m.cpython-311-x86_64-linux-gnu.so", "target/x/out/lib.so"}; !slices.Equal(got, want) {
		t.Errorf("judged %v, want %v", got, want)
	}
	res = judge(t, w, Options{Target: v217, ABI: "aarch64"})
	if len(res.Above) != 0 || res.Files != 0 {
		t.Errorf("judged x86_64 files for an aarch64 target: %v", paths(res.Above))
	}
}

// TestLinkLogAndCauses: an output the driver recorded is told apart (it
// was changed after its link), and the causes name what the tree shows.
func TestLinkLogAndCauses(t *testing.T) {
	root := t.TempDir()
	w, err := Start(root)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	name, value := w.Env()
	t.Setenv(name, value)
	build(t, filepath.Join(root, "linked"))
	RecordLink(filepath.Join(root, "linked"))
	os.Mkdir(filepath.Join(root, "sub"), 0o755)
	build(t, filepath.Join(root, "sub", "tool"))
	os.WriteFile(filepath.Join(root, "Makefile"), []byte("CC = gcc\nall:\n\t@gcc -o sub/tool tool.c\n"), 0o644)
	res := judge(t, w, Options{})
	if len(res.Above) != 2 {
		t.Fatalf("judged %v, want linked and sub/tool", paths(res.Above))
	}
	if f := res.Above[0]; !f.Linked || !strings.Contains(f.Cause, "compatbuild linked it") {
		t.Errorf("linked: Linked %v, cause %q", f.Linked, f.Cause)
	}
	if f := res.Above[1]; f.Linked || f.Cause != "Makefile:3 runs gcc by name instead of $(CC)/$(CXX)" {
		t.Errorf("sub/tool: Linked %v, cause %q", f.Linked, f.Cause)
	}
	var b strings.Builder
	res.Write(&b, v217, "--no-scan")
	for _, want := range []string{"2 files the command wrote need a newer glibc than the target 2.17", "ABOVE  sub/tool: needs glibc", "--no-scan turns this check off"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestMakefileCauses(t *testing.T) {
	for _, c := range []struct{ makefile, want string }{
		{"override CC = gcc\n", "Makefile:1 sets `override CC = gcc`, which beats the CC compatbuild passes to make"},
		{"x:\n\t$(LD) -shared -o x.so x.o\n", "Makefile:2 links with $(LD), the linker itself, which compatbuild cannot stand in for: link through $(CC)"},
		{"x:\n\t@V=1 x86_64-linux-gnu-gcc-12 -o x x.c\n", "Makefile:2 runs x86_64-linux-gnu-gcc-12 by name instead of $(CC)/$(CXX)"},
		{"x:\n\tclang++ -o x x.cc\n", "Makefile:2 runs clang++ by name instead of $(CC)/$(CXX)"},
		{"CC := gcc\nx:\n\t$(CC) -o x x.c\n", "Makefile:1 sets `CC = gcc`; compatbuild passes CC and CXX on make's command line (MAKEFLAGS), which beats that, unless a recipe passes its own (make CC=...) or a sub-build does not read MAKEFLAGS"},
		{"x:\n\t$(CC) -o x x.c\n\techo gcc\n", ""},
		// Two outputs built by name: each is blamed on its own line, by
		// the name in the recipe or by the rule's target.
		{"tool: t.c\n\tgcc t.c -o tool\nx: x.c\n\tgcc -shared x.c -o \"lib x.so\"\n", "Makefile:4 runs gcc by name instead of $(CC)/$(CXX)"},
		{"tool: t.c\n\tgcc t.c -o $@\nx: x.c\n\tgcc -shared x.c -o $@\n", "Makefile:4 runs gcc by name instead of $(CC)/$(CXX)"},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "Makefile"), []byte(c.makefile), 0o644)
		out := "x"
		if strings.Contains(c.makefile, "lib x.so") {
			out = "lib x.so"
		}
		if got := makefileCause(dir, dir, out); got != c.want {
			t.Errorf("for %q: %q, want %q", c.makefile, got, c.want)
		}
	}
}

// RecordLink writes nothing without a log, and never creates one.
func TestRecordLinkNeedsAnExistingLog(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	t.Setenv(LogVar, log)
	build(t, filepath.Join(dir, "p"))
	RecordLink(filepath.Join(dir, "p"))
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Errorf("RecordLink created %s: %v", log, err)
	}
}

func TestPseudoFileSystemsAreNotWalked(t *testing.T) {
	if !pseudoFS("/proc") || !pseudoFS("/sys") {
		t.Errorf("pseudoFS(/proc) = %v, pseudoFS(/sys) = %v; want both true", pseudoFS("/proc"), pseudoFS("/sys"))
	}
	if pseudoFS(t.TempDir()) {
		t.Errorf("a temporary directory counts as a pseudo file system")
	}
}
