package libcompat

import (
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// TestABICatalogue: abi.tsv parses; each of its lines names a symbol the
// named ABI's glibc added after 2.17; the 32-bit ABIs' time64 entry
// points (what glibc 2.34 added on i386 and arm that x86_64 never had) all
// have a line; and CatalogueFor gives those ABIs, and only them, the lines.
func TestABICatalogue(t *testing.T) {
	lines, err := abiCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	x86 := abidb.MustLoad("x86_64")
	v217, v234 := abidb.MustParseVersion("2.17"), abidb.MustParseVersion("2.34")
	named := map[string]map[string]bool{}
	for _, l := range lines {
		for _, abi := range l.abis {
			db := abidb.MustLoad(abi)
			if _, _, ok := db.LibraryOf(l.Symbol, db.Last()); !ok {
				t.Errorf("abi.tsv:%d: %s glibc never exports %s", l.Line, abi, l.Symbol)
			}
			if _, _, ok := db.LibraryOf(l.Symbol, v217); ok {
				t.Errorf("abi.tsv:%d: %s already has %s at 2.17", l.Line, abi, l.Symbol)
			}
			if named[abi] == nil {
				named[abi] = map[string]bool{}
			}
			named[abi][l.Symbol] = true
		}
	}
	for _, abi := range []string{"i386", "arm"} {
		db := abidb.MustLoad(abi)
		exports, err := db.Exports("libc", v234)
		if err != nil {
			t.Fatal(err)
		}
		var missing []string
		n := 0
		for _, sv := range exports {
			if sv.Node != "GLIBC_2.34" || !strings.Contains(sv.Name, "64") {
				continue
			}
			if _, _, ok := x86.LibraryOf(sv.Name, v234); ok {
				continue
			}
			n++
			if !named[abi][sv.Name] {
				missing = append(missing, sv.Name)
			}
		}
		if n < 80 || len(missing) > 0 {
			t.Errorf("%s: %d time64 symbols, without a line in abi.tsv: %v", abi, n, missing)
		}
		entries, err := CatalogueFor(abi)
		if err != nil {
			t.Fatal(err)
		}
		e, ok := LookupFor("__clock_gettime64", abi)
		if !ok || e.Status != StatusPolyfill || e.Source != "time64.c" || len(entries) < len(lines) {
			t.Errorf("%s: __clock_gettime64 is %+v, %v", abi, e, ok)
		}
	}
	if _, ok := LookupFor("__clock_gettime64", "aarch64"); ok {
		t.Error("aarch64 sees the time64 lines of the 32-bit ABIs")
	}
	if _, phrase, ok := DescribeFor("__ppoll64", "i386"); !ok || !strings.Contains(phrase, "-D_TIME_BITS=64") {
		t.Errorf("__ppoll64 on i386: %q", phrase)
	}
}
