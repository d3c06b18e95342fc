package libcompat

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The catalogue agrees with glibc's ABI data: every symbol glibc added
// after 2.17 in a table's libraries has a line (a table nobody has started
// is reported by the coverage numbers instead), no line names anything
// else, alias targets exist wherever they are used.
func TestCatalogue(t *testing.T) {
	for _, msg := range ValidateCatalogue() {
		t.Error(msg)
	}
	cov, err := CatalogueCoverage()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cov {
		if c.Table == "libc" && c.Missing != 0 {
			t.Errorf("%s: %d newer symbols without a status", c.Library, c.Missing)
		}
	}
}

// Every table line is well-formed on its own; the message names the file,
// the line and the fix.
func TestCatalogueParseErrors(t *testing.T) {
	srcs := fstest.MapFS{"src/common/polyfill/a.c": {}, "src/common/polyfill/b.c": {}}
	for _, c := range []struct{ libc, want string }{
		{"x\tpolyfill\n", "want symbol<TAB>status<TAB>impl<TAB>note, got 2 fields"},
		{"x\tbogus\t-\n", `unknown status "bogus"`},
		{"x\trefused\t-\n", "x is refused without a reason"},
		{"x\trefused\t-\t \n", "x is refused without a reason"},
		{"x\tpolyfill\tmissing.c\n", `polyfill source "missing.c" does not exist`},
		{"x\tpolyfill\ta.txt\n", `want a .c or .S file`},
		{"x\tpolyfill\t../a.c\n", `does not exist under src/common/polyfill`},
		{"x\tpolyfill\ta.c:bad-member\n", `member "bad-member" is not an identifier`},
		{"b\tpolyfill\ta.c\na\tpolyfill\ta.c\n", "a is out of order (after b)"},
		{"a\tpolyfill\ta.c\na\talias\tb\n", "a is listed twice"},
		{"x\talias\tx\n", "x is an alias of itself"},
		{"x\talias\tfoo@lib-resolv\n", "want symbol or symbol@library"},
		{"x\tnonshared\tstat\n", "status nonshared takes impl -"},
		{"x\tvector\tsin\n", "status vector is for libmvec.tsv only"},
		{"x\tpolyfill\ta.c:m\ny\tpolyfill\tb.c:m\n", "member m of libcompat_polyfill.a is also built from a.c"},
		{"1x\tpolyfill\ta.c\n", `"1x" is not a symbol name`},
	} {
		tables := fstest.MapFS{
			"catalogue/libc.tsv":    {Data: []byte("# header\n" + c.libc)},
			"catalogue/libm.tsv":    {Data: []byte("# empty\n")},
			"catalogue/libmvec.tsv": {Data: []byte("")},
		}
		_, err := parseCatalogue(tables, srcs)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "catalogue/libc.tsv:") {
			t.Errorf("table %q: got %v, want an error with %q", c.libc, err, c.want)
		}
	}
	// Sections restart the order; groups share a member; a trailing tab
	// and comments are fine.
	tables := fstest.MapFS{
		"catalogue/libc.tsv":    {Data: []byte("b\tpolyfill\ta.c:g\t\n# section\na\tpolyfill\ta.c:g\nc\talias\t__c@libresolv\tnote\n")},
		"catalogue/libm.tsv":    {Data: []byte("")},
		"catalogue/libmvec.tsv": {Data: []byte("v\tvector\tsin\n")},
	}
	c, err := parseCatalogue(tables, srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.entries) != 4 || c.entries[1].Member != "g" || c.entries[2].Library != "libresolv" || c.entries[2].Impl() != "__c@libresolv" || c.entries[3].Archive() != MathName {
		t.Errorf("parsed %+v", c.entries)
	}
}

// docs/newer-symbols.md and the README's coverage table are what the
// generator makes of the tables today.
func TestNewerSymbolsDocIsCurrent(t *testing.T) {
	want, err := NewerSymbolsDoc()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "docs", "newer-symbols.md"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("docs/newer-symbols.md is stale (%v): run go generate ./internal/libcompat", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if current, err := UpdateReadme(readme); err != nil || !bytes.Equal(current, readme) {
		t.Fatalf("README.md's coverage table is stale (%v): run go generate ./internal/libcompat", err)
	}
}

// A thunk is a valid relocatable object the linkers accept: it defines its
// name hidden, jumps to its target, and a program calling it through a
// function pointer (an indirect branch) and directly gets the target's
// behaviour, with GNU ld, gold and lld.
func TestThunkObject(t *testing.T) {
	needTools(t)
	obj, err := thunkObject(elf.EM_X86_64, "compat_puts", "puts")
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		t.Fatal(err)
	}
	syms, _ := f.Symbols()
	var def, undef bool
	for _, s := range syms {
		def = def || (s.Name == "compat_puts" && s.Section != elf.SHN_UNDEF && elf.ST_VISIBILITY(s.Other) == elf.STV_HIDDEN && elf.ST_TYPE(s.Info) == elf.STT_FUNC)
		undef = undef || (s.Name == "puts" && s.Section == elf.SHN_UNDEF)
	}
	if !def || !undef {
		t.Fatalf("symbols %v: want compat_puts hidden and defined, puts undefined", syms)
	}
	if _, err := thunkObject(elf.EM_AARCH64, "a", "b"); err == nil || !strings.Contains(err.Error(), "no thunk encoding") {
		t.Errorf("aarch64: %v", err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "thunk.o", string(obj))
	writeFile(t, dir, "m.c", `int compat_puts(const char *);
int (*volatile p)(const char *) = compat_puts;
int main(void) { compat_puts("direct"); return p("indirect") < 0; }
`)
	for _, ld := range []string{"bfd", "gold", "lld"} {
		out := filepath.Join(dir, "m-"+ld)
		if msg, err := runErr(dir, "gcc", "-fuse-ld="+ld, "-O2", "m.c", "thunk.o", "-o", out); err != nil {
			t.Errorf("link with %s: %v\n%s", ld, err, msg)
			continue
		}
		if got := run(t, dir, out); got != "direct\nindirect\n" {
			t.Errorf("%s: printed %q", ld, got)
		}
		if msg, err := runErr(dir, "gcc", "-fuse-ld="+ld, "-shared", "-fPIC", "m.c", "thunk.o", "-o", out+".so"); err != nil {
			t.Errorf("shared library with %s: %v\n%s", ld, err, msg)
		} else if _, ok := importedSymbols(t, out+".so")["compat_puts"]; ok {
			t.Errorf("%s: the shared library imports its own thunk", ld)
		}
	}
}

// overrides.tsv is checked line by line against the polyfill members; the
// message names the file, the line and the fix.
func TestOverridesParseErrors(t *testing.T) {
	srcs := fstest.MapFS{"src/common/polyfill/a.c": {}}
	libc := "new1\tpolyfill\ta.c:m\nnew2\tpolyfill\ta.c:m\nother\talias\tstrlen\n"
	for _, c := range []struct{ overrides, want string }{
		{"f\tm\t-\n", "want function<TAB>member<TAB>with<TAB>note"},
		{"f\tm\t-\t \n", "want function<TAB>member<TAB>with<TAB>note"},
		{"f\tnope\t-\tx\n", `f: "nope" is not a polyfill member of catalogue/libc.tsv`},
		{"f\tm\tother\tx\n", "f: other is not a symbol of member m"},
		{"new1\tm\t-\tx\n", "new1 is a catalogue symbol"},
		{"g\tm\t-\tx\nf\tm\t-\tx\n", "f is out of order (after g)"},
		{"f\tm\t-\tx\nf\tm\tnew1\tx\n", "f is listed twice"},
		{"1f\tm\t-\tx\n", `"1f" is not a function name`},
	} {
		tables := fstest.MapFS{
			"catalogue/libc.tsv":      {Data: []byte(libc)},
			"catalogue/libm.tsv":      {Data: []byte("")},
			"catalogue/libmvec.tsv":   {Data: []byte("")},
			"catalogue/overrides.tsv": {Data: []byte("# header\n" + c.overrides)},
		}
		_, err := parseCatalogue(tables, srcs)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "catalogue/overrides.tsv:") {
			t.Errorf("overrides %q: got %v, want an error with %q", c.overrides, err, c.want)
		}
	}
	tables := fstest.MapFS{
		"catalogue/libc.tsv":      {Data: []byte(libc)},
		"catalogue/libm.tsv":      {Data: []byte("")},
		"catalogue/libmvec.tsv":   {Data: []byte("")},
		"catalogue/overrides.tsv": {Data: []byte("f\tm\t-\tnote\ng\tm\tnew2\tnote\n")},
	}
	c, err := parseCatalogue(tables, srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.overrides) != 2 || c.overrides[0].With != "" || c.overrides[1].With != "new2" {
		t.Errorf("parsed %+v", c.overrides)
	}
	// A member replaces f wherever it is built, g only where it holds new2.
	if got := activeOverrides(c.overrides, "m", []string{"new1"}); !reflect.DeepEqual(got, []string{"f"}) {
		t.Errorf("with new1 only: %v", got)
	}
	if got := activeOverrides(c.overrides, "m", []string{"new1", "new2"}); !reflect.DeepEqual(got, []string{"f", "g"}) {
		t.Errorf("with new1 and new2: %v", got)
	}
}

// The replacements the sysroot reads at each target: posix_spawn's part
// wherever the spawn member is built (below 2.39), with
// posix_spawn_file_actions_destroy only where addchdir_np is compatbuild's
// (below 2.29); pthread_create's below 2.32; nothing from 2.39 on.
func TestOverrideSymbolsByTarget(t *testing.T) {
	spawn := []string{"posix_spawn", "posix_spawnattr_setflags", "posix_spawnp"}
	threads := []string{"pthread_attr_destroy", "pthread_attr_init", "pthread_create"}
	for _, c := range []struct {
		v    Version
		want []string
	}{
		{Version{2, 17}, slices.Concat([]string{"posix_spawn", "posix_spawn_file_actions_destroy", "posix_spawnattr_setflags", "posix_spawnp"}, threads)},
		{Version{2, 28}, slices.Concat([]string{"posix_spawn", "posix_spawn_file_actions_destroy", "posix_spawnattr_setflags", "posix_spawnp"}, threads)},
		{Version{2, 29}, slices.Concat(spawn, threads)},
		{Version{2, 32}, spawn},
		{Version{2, 38}, spawn},
		{Version{2, 39}, nil},
	} {
		got, err := OverrideSymbols(Target{Arch: "x86_64", Glibc: c.v})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: replaces %v, want %v", c.v, got, c.want)
		}
	}
}
