package libcompat

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
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
