package libcompat

import (
	"slices"
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
	if _, phrase, ok := DescribeFor("__ppoll64", "i386", Version{2, 17}); !ok || !strings.Contains(phrase, "time64_io.c") {
		t.Errorf("__ppoll64 on i386: %q", phrase)
	}
	// Every time64 entry point has an answer but fts's (whose FTSENT the
	// older libc owns), whose refusal says what to do.
	for _, abi := range []string{"i386", "arm"} {
		entries, err := CatalogueFor(abi)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.Contains(e.Symbol, "64") || !strings.HasPrefix(e.Symbol, "_") || e.Status != StatusRefused {
				continue
			}
			if !strings.HasPrefix(e.Symbol, "__fts64_") || !strings.Contains(e.Note, "-D_TIME_BITS=64") {
				t.Errorf("%s: %s refused: %s", abi, e.Symbol, e.Note)
			}
		}
	}
}

// TestABICatalogueMath: every libm polyfill has its answer in abi.tsv for
// each other ABI whose glibc has the symbol after the ABI's first release
// (or changed its arguments since, as totalorder did in 2.31), so a new
// x86_64 polyfill is decided per ABI; every alias line's target exists on
// its ABIs; and the rules without lines hold: no ABI but x86_64 sees the
// x86_64 vector variants of libmvec, arm sees no _Float128 name,
// powerpc64le no alias.
func TestABICatalogueMath(t *testing.T) {
	lines, err := abiCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]map[string]abiLine{}
	for _, l := range lines {
		for _, abi := range l.abis {
			if own[abi] == nil {
				own[abi] = map[string]abiLine{}
			}
			own[abi][l.Symbol] = l
			if l.Status == StatusAlias {
				db := abidb.MustLoad(abi)
				if len(db.History(l.Target)) == 0 {
					t.Errorf("abi.tsv:%d: %s's alias target %s is not in %s's glibc", l.Line, l.Symbol, l.Target, abi)
				}
			}
		}
	}
	base, err := Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	for abi, first := range map[string]string{"i386": "2.17", "aarch64": "2.17", "arm": "2.17", "powerpc64le": "2.19", "s390x": "2.17", "riscv64": "2.27"} {
		db := abidb.MustLoad(abi)
		v := abidb.MustParseVersion(first)
		for _, e := range base {
			if e.Table != "libm" || e.Status != StatusPolyfill || len(db.History(e.Symbol)) == 0 {
				continue
			}
			_, _, atFirst := db.LibraryOf(e.Symbol, v)
			// A two-form name is polyfilled in its newer form below that
			// form's release (abichange.tsv).
			c, twoForms := DecidedByHeaders(abi, e.Symbol)
			if atFirst && !(twoForms && (Version{v.Major, v.Minor}).Less(c.Release)) {
				continue
			}
			if _, ok := own[abi][e.Symbol]; !ok {
				t.Errorf("%s (libm.tsv:%d) has no line for %s in abi.tsv: its polyfill is x86_64 code", e.Symbol, e.Line, abi)
			}
		}
		entries, err := CatalogueFor(abi)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			switch {
			case strings.HasPrefix(e.Symbol, "_ZGV"):
				t.Errorf("%s: %s is x86_64's vector ABI", abi, e.Symbol)
			case abi == "arm" && (strings.Contains(e.Symbol, "f128") || strings.Contains(e.Symbol, "f64x")):
				t.Errorf("arm has no %s", e.Symbol)
			case abi == "powerpc64le" && e.Status == StatusAlias:
				t.Errorf("powerpc64le builds no thunks, but %s is an alias", e.Symbol)
			case e.Status == StatusAlias && e.Table == "libm" && strings.Contains(e.Symbol, "f128") && !strings.HasSuffix(e.Target, "l") && !strings.Contains(e.Target, "l_") && !strings.Contains(e.Target, "f128"):
				t.Errorf("%s: %s aliases %s, neither a _Float128 nor a long double function", abi, e.Symbol, e.Target)
			}
		}
	}
	if e, ok := LookupFor("acosf128", "aarch64"); !ok || e.Status != StatusAlias || e.Target != "acosl" || e.Archive() != MathName {
		t.Errorf("acosf128 on aarch64: %+v", e)
	}
	if e, ok := LookupFor("strtof128", "s390x"); !ok || e.Status != StatusAlias || e.Target != "strtold" || e.Archive() != PolyfillName {
		t.Errorf("strtof128 on s390x: %+v", e)
	}
	if e, ok := LookupFor("strtof128", "powerpc64le"); !ok || e.Status != StatusPolyfill {
		t.Errorf("strtof128 on powerpc64le: %+v (f128.c reads the FPSCR there)", e)
	}
}

// TestABIAliasesServeOnlyWhereTheirTargetIs: on aarch64 at 2.17 the
// _Float128 and _FloatN names of functions 2.17 has are thunks in
// libcompat_m.a, those of functions only x86_64's polyfills provide are
// left out, and the explanation names the target's refusal; at 2.41,
// where sinpif is glibc's own, sinpif32 binds it.
func TestABIAliasesServeOnlyWhereTheirTargetIs(t *testing.T) {
	at := func(v Version) []string {
		t.Helper()
		_, _, math, err := ArchiveSymbols(Target{Arch: "aarch64", Glibc: v, Has: hasAt("aarch64", v)})
		if err != nil {
			t.Fatal(err)
		}
		return math
	}
	m217 := at(Version{2, 17})
	for _, sym := range []string{"acosf128", "sinf32", "acosf64x", "strtof128"} {
		if want := sym != "strtof128"; slices.Contains(m217, sym) != want {
			t.Errorf("libcompat_m.a for aarch64 2.17 defines %s: %v, want %v", sym, !want, want)
		}
	}
	for _, sym := range []string{"sinpif32", "sinpif128", "roundevenf32", "sinpi"} {
		if slices.Contains(m217, sym) {
			t.Errorf("libcompat_m.a for aarch64 2.17 defines %s, whose target it cannot bind", sym)
		}
	}
	if _, phrase, ok := DescribeFor("sinpif32", "aarch64", Version{2, 17}); !ok || !strings.Contains(phrase, "sinpif") || !strings.Contains(phrase, "raise --glibc to 2.41") {
		t.Errorf("sinpif32 on aarch64 2.17: %q", phrase)
	}
	if _, phrase, ok := DescribeFor("roundevenf32", "aarch64", Version{2, 25}); !ok || strings.Contains(phrase, "cannot provide") {
		t.Errorf("roundevenf32 on aarch64 2.25, where roundevenf is glibc's: %q", phrase)
	}
	if !slices.Contains(at(Version{2, 25}), "roundevenf32") {
		t.Error("libcompat_m.a for aarch64 2.25 lacks roundevenf32 (-> roundevenf, glibc's own there)")
	}
}

// hasAt is what the sysroot gives Target.Has: the names a new link can
// bind at v on abi.
func hasAt(abi string, v Version) func(string) bool {
	db := abidb.MustLoad(abi)
	target := abidb.MustParseVersion(v.String())
	set := map[string]bool{}
	libs, _ := db.Libraries(target)
	for _, lib := range libs {
		exports, _ := db.Exports(lib, target)
		for _, sv := range exports {
			if sv.Default {
				set[sv.Name] = true
			}
		}
	}
	return func(s string) bool { return set[s] }
}
