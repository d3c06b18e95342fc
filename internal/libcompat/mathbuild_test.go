package libcompat

import (
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The pieces of libcompat_m.a's build on their own; the driver's math
// tests (internal/driver/math_test.go, mvec_test.go) run the result.

func TestParseMvec(t *testing.T) {
	for _, c := range []struct {
		sym, scalar string
		isa         byte
		lanes       int
		params      string
		float       bool
	}{
		{"_ZGVbN2v_sin", "sin", 'b', 2, "v", false},
		{"_ZGVbN4v_sinf", "sinf", 'b', 4, "v", true},
		{"_ZGVcN4vv_pow", "pow", 'c', 4, "vv", false},
		{"_ZGVdN8v_erff", "erff", 'd', 8, "v", true},
		{"_ZGVdN4v_erf", "erf", 'd', 4, "v", false},
		{"_ZGVeN8vvv_sincos", "sincos", 'e', 8, "vvv", false},
		{"_ZGVeN16vvv_sincosf", "sincosf", 'e', 16, "vvv", true},
	} {
		v, err := parseMvec(c.sym, c.scalar)
		if err != nil {
			t.Errorf("%s: %v", c.sym, err)
			continue
		}
		if v.isa != c.isa || v.lanes != c.lanes || v.params != c.params || v.float != c.float {
			t.Errorf("%s: got %+v", c.sym, v)
		}
	}
	for _, c := range [][2]string{
		{"_ZGVbM2v_sin", "sin"},          // masked: glibc has none
		{"_ZGVxN2v_sin", "sin"},          // no such ISA
		{"_ZGVbN4v_sin", "sin"},          // four doubles do not fit an xmm register
		{"_ZGVbN2v_sin", "cos"},          // wrong scalar
		{"_ZGVbN2vvv_pow", "pow"},        // vvv is sincos's form only
		{"_ZGVbN2l_sin", "sin"},          // linear parameters: none in glibc
		{"sin", "sin"},                   // not a vector name
		{"_ZGVdN4v_erff", "erff"},        // four floats do not fill a ymm register
		{"_ZGVbN2v_log", "log1p"},        // names another function
		{"_ZGVcN4v_", "expm1"},           // no function name
		{"_ZGVeN16v_exp", "exp"},         // sixteen doubles do not fit a zmm register
		{"_ZGVbN2v_sinf", "sinf"},        // two floats do not fill an xmm register
		{"_ZGVdN4vvvv_sincos", "sincos"}, // too many parameters
	} {
		if v, err := parseMvec(c[0], c[1]); err == nil {
			t.Errorf("parseMvec(%s, %s) = %+v, want an error", c[0], c[1], v)
		}
	}
}

// Every vector entry of the catalogue parses, and the wrappers compile
// warning-free, a unit per ISA, and define exactly the catalogue's names.
func TestMvecSourceCompiles(t *testing.T) {
	needTools(t)
	entries, err := Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	vs := map[byte][]mvecVariant{}
	var want, got []string
	for _, e := range entries {
		if e.Status != StatusVector {
			continue
		}
		v, err := parseMvec(e.Symbol, e.Target)
		if err != nil {
			t.Fatal(err)
		}
		vs[v.isa] = append(vs[v.isa], v)
		want = append(want, e.Symbol)
	}
	if len(want) != 216 {
		t.Errorf("%d vector entries, want glibc's 216", len(want))
	}
	dir := t.TempDir()
	if err := extractSources(dir); err != nil {
		t.Fatal(err)
	}
	for isa, list := range vs {
		src := writeFile(t, dir, "mvec_"+string(isa)+".c", mvecSource(list))
		args := []string{"-c", "-O0", "-Wall", "-Wextra", "-Werror", "-fPIC", "-fvisibility=hidden", "-ffunction-sections", "-Isrc/common/include", "-Isrc/x86_64", src, "-o", "mvec.o"}
		if f := mvecISA[isa].flag; f != "" {
			args = append(args, f)
		}
		run(t, dir, "gcc", args...)
		data, err := os.ReadFile(filepath.Join(dir, "mvec.o"))
		if err != nil {
			t.Fatal(err)
		}
		o, err := parseRelObj(data)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.globalDefs()...)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the wrappers define %d symbols, the catalogue has %d vector entries", len(got), len(want))
	}
}

// splitObject's members link and run like the whole object: with gcc and,
// where installed, clang (whose .llvm_addrsig section is dropped). A
// static variable two functions share would become two variables: that is
// refused.
func TestSplitObject(t *testing.T) {
	needTools(t)
	const src = `
static const double table[4] = {1, 2, 3, 4};
static int calls;
static double helper(int i) { return table[i & 3]; }
__attribute__((visibility("hidden"))) int hits;
double first(int i) { hits++; return helper(i) * 2; }
double second(int i) { calls++; return first(i) + helper(i + 1) + calls; }
int third(void) { return hits; }
`
	const main = `
#include <stdio.h>
double first(int), second(int); int third(void);
int main(void) { printf("%g %g %d\n", first(1), second(2), third()); return 0; }
`
	for _, cc := range []string{"gcc", "clang"} {
		t.Run(cc, func(t *testing.T) {
			if _, err := exec.LookPath(cc); err != nil {
				t.Skipf("%s not installed", cc)
			}
			dir := t.TempDir()
			writeFile(t, dir, "lib.c", src)
			writeFile(t, dir, "main.c", main)
			run(t, dir, cc, "-c", "-O2", "-fPIC", "-ffunction-sections", "-fdata-sections", "-fasynchronous-unwind-tables", "lib.c", "-o", "lib.o")
			data, err := os.ReadFile(filepath.Join(dir, "lib.o"))
			if err != nil {
				t.Fatal(err)
			}
			o, err := parseRelObj(data)
			if err != nil {
				t.Fatal(err)
			}
			parts, err := splitObject(o)
			if err != nil {
				t.Fatal(err)
			}
			var names, members []string
			for _, p := range parts {
				names = append(names, strings.Join(p.symbols, ","))
				po, err := parseRelObj(p.data)
				if err != nil {
					t.Fatalf("%v: %v", p.symbols, err)
				}
				if defs := po.globalDefs(); !slices.Equal(defs, p.symbols) {
					t.Errorf("member of %v defines %v", p.symbols, defs)
				}
				m := writeFile(t, dir, p.symbols[0]+".o", string(p.data))
				members = append(members, m)
				// the member of first alone: helper, table and
				// counter come along, hits is a reference
				if p.symbols[0] == "first" && !slices.Contains(po.undefinedRefs(), "hits") {
					t.Errorf("first's member does not reference hits: %v", po.undefinedRefs())
				}
			}
			if strings.Join(names, " ") != "first hits second third" {
				t.Errorf("members %v, want first, hits, second, third", names)
			}
			run(t, dir, cc, "main.c", "lib.o", "-o", "whole")
			run(t, dir, cc, append([]string{"main.c", "-o", "split"}, members...)...)
			want := run(t, dir, filepath.Join(dir, "whole"))
			if got := run(t, dir, filepath.Join(dir, "split")); got != want {
				t.Errorf("split objects print %q, the whole object %q", got, want)
			}
			writeFile(t, dir, "shared.c", "static int n;\nint f(void) { return n++; }\nint g(void) { return n--; }\n")
			run(t, dir, cc, "-c", "-O2", "-fPIC", "-ffunction-sections", "-fdata-sections", "shared.c", "-o", "shared.o")
			if data, err := os.ReadFile(filepath.Join(dir, "shared.o")); err != nil {
				t.Fatal(err)
			} else if o, err := parseRelObj(data); err != nil {
				t.Fatal(err)
			} else if _, err := splitObject(o); err == nil || !strings.Contains(err.Error(), "share the static variables") {
				t.Errorf("splitting f and g that share n: got %v", err)
			}
			// each member keeps its function's unwind entry
			for _, m := range members {
				f, err := elf.Open(m)
				if err != nil {
					t.Fatal(err)
				}
				hasText := false
				for _, s := range f.Sections {
					hasText = hasText || strings.HasPrefix(s.Name, ".text") && s.Size > 0
				}
				if hasText && f.Section(".eh_frame") == nil {
					t.Errorf("%s: code without .eh_frame", filepath.Base(m))
				}
				f.Close()
			}
		})
	}
}

// The libquadmath members copied for sinq are hidden, so a plugin linked
// with them exports nothing of libquadmath, and their signgam is ours.
func TestQuadmathMembers(t *testing.T) {
	needTools(t)
	qm := findQuadmath(context.Background(), []string{"gcc"})
	if qm == "" {
		t.Skip("gcc has no libquadmath.a")
	}
	data, err := os.ReadFile(qm)
	if err != nil {
		t.Fatal(err)
	}
	members, err := quadmathMembers(data, []string{"sinq", "lgammaq", "no_such_symbol"})
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, m := range members {
		if !strings.HasPrefix(m.name, quadmathPrefix) {
			t.Errorf("member %s lacks the %s prefix", m.name, quadmathPrefix)
		}
		o, err := parseRelObj(m.data)
		if err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		for _, s := range o.symbols[1:] {
			if s.bind != elf.STB_LOCAL && s.defined() {
				defined[s.name] = true
				if elf.SymVis(s.other&3) != elf.STV_HIDDEN {
					t.Errorf("%s: %s is not hidden", m.name, s.name)
				}
			}
			if s.name == "signgam" {
				t.Errorf("%s still references signgam", m.name)
			}
		}
	}
	for _, s := range []string{"sinq", "lgammaq"} {
		if !defined[s] {
			t.Errorf("no member defines %s", s)
		}
	}
	if len(members) > 40 {
		t.Errorf("%d members for sinq and lgammaq: more than they reach?", len(members))
	}
}
