package libcompat

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// newVersion is a name that gained a version node after 2.17 while its
// older versions stayed: one member of the kind the ABI-change table
// classifies.
type newVersion struct {
	abi, lib, name string
	node           abidb.Version // the new node's release
	older          []string      // the versions it kept
}

// newVersions scans the ABI data of every ABI and release for them.
func newVersions(t *testing.T) []newVersion {
	t.Helper()
	var out []newVersion
	seen := map[string]bool{}
	v217 := abidb.MustParseVersion("2.17")
	for _, abi := range abidb.ABIs {
		db, err := abidb.Load(abi)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range db.Releases() {
			libs, err := db.Libraries(rel)
			if err != nil {
				t.Fatal(err)
			}
			for _, lib := range libs {
				exports, err := db.Exports(lib, rel)
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < len(exports); {
					j := i + 1
					for j < len(exports) && exports[j].Name == exports[i].Name {
						j++
					}
					group := exports[i:j]
					i = j
					for k, sv := range group[1:] {
						_, v, ok := abidb.NodeVersion(sv.Node)
						key := fmt.Sprint(abi, lib, sv.Name, sv.Node)
						if !ok || !v217.Less(v) || seen[key] {
							continue
						}
						seen[key] = true
						var older []string
						for _, o := range group[:k+1] {
							older = append(older, o.Node)
						}
						out = append(out, newVersion{abi, lib, sv.Name, v, older})
					}
				}
			}
		}
	}
	return out
}

// Every name of the ABI data (every ABI, 2.17-2.44) that gained a version
// node after 2.17 while keeping older ones has a line saying whether its
// ABI changed, and every line covers some such name (on each ABI it
// names): the table is complete and has no dead lines.
func TestEveryNewVersionIsClassified(t *testing.T) {
	used := map[int]map[string]bool{} // by line
	names := map[string]bool{}
	for _, nv := range newVersions(t) {
		names[nv.name] = true
		c, ok := ClassifyABIChange(nv.abi, nv.name, Version{nv.node.Major, nv.node.Minor})
		if !ok {
			t.Errorf("%s %s: %s@GLIBC_%s is new beside %v, and abichange.go does not say whether its ABI changed", nv.abi, nv.lib, nv.name, nv.node, nv.older)
			continue
		}
		if used[c.Line] == nil {
			used[c.Line] = map[string]bool{}
		}
		used[c.Line][nv.abi] = true
	}
	lines := tableOK(t)
	for i := range lines {
		c := &lines[i]
		if len(used[c.Line]) == 0 {
			t.Errorf("line %d (%q, %s) covers no name of the ABI data", c.Line, c.Names, c.Release)
		}
		for _, abi := range strings.Fields(c.ABIs) {
			if !used[c.Line][abi] {
				t.Errorf("line %d (%q, %s) names %s, where the data has none of them", c.Line, c.Names, c.Release, abi)
			}
		}
		for _, p := range strings.Fields(c.Names) {
			if !strings.HasSuffix(p, "*") && !names[p] {
				t.Errorf("line %d (%q) names %s, which gained no version after 2.17", c.Line, c.Names, p)
			}
		}
	}
}

// tableOK returns the parsed table, failing the test when it is malformed.
func tableOK(t *testing.T) []ABIChange {
	t.Helper()
	lines, err := ABIChanges()
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// At most one line per name and ABI says the headers decide, the sources
// of its polyfills implement both forms (they test its COMPAT_FORM_
// macro), and on x86_64 every name the headers decide has its new form
// provided below its release.
func TestABIChangeTable(t *testing.T) {
	table := tableOK(t)
	for i := range table {
		if c := &table[i]; c.Polyfill != "" {
			src, _, _ := strings.Cut(c.Polyfill, ":")
			checkFormSource(t, c, src)
		}
	}
	for _, nv := range newVersions(t) {
		var lines []*ABIChange
		for i := range table {
			if c := &table[i]; c.Decision == ByHeaders && c.Covers(nv.abi, nv.name) {
				lines = append(lines, c)
			}
		}
		if len(lines) > 1 {
			t.Errorf("%s %s: %d lines say the headers decide", nv.abi, nv.name, len(lines))
		}
		if len(lines) == 0 || nv.abi != "x86_64" {
			continue
		}
		c := lines[0]
		e, inCatalogue := Lookup(nv.name)
		switch {
		case inCatalogue && e.Status == StatusPolyfill:
			checkFormSource(t, c, e.Source)
		case inCatalogue && e.Status == StatusAlias:
			if _, ok := DecidedByHeaders("x86_64", e.Target); !ok {
				t.Errorf("%s is an alias of %s, whose form the headers do not decide", nv.name, e.Target)
			}
		case !inCatalogue && c.Polyfill != "":
		default:
			t.Errorf("%s: the headers decide its form, and nothing provides the new one below %s", nv.name, c.Release)
		}
	}
}

// checkFormSource fails unless src (under src/common/polyfill) tests the
// line's COMPAT_FORM_ macro.
func checkFormSource(t *testing.T, c *ABIChange, src string) {
	t.Helper()
	data, err := fs.ReadFile(sources, "src/common/polyfill/"+src)
	if err != nil {
		t.Errorf("%q: %v", c.Names, err)
		return
	}
	if c.Form == "" || !strings.Contains(string(data), "COMPAT_FORM_"+c.Form) {
		t.Errorf("%q: %s does not implement both forms (COMPAT_FORM_%s)", c.Names, src, c.Form)
	}
}

// Every line is well-formed on its own; the message names the line and
// the fix.
func TestABIChangeTableParseErrors(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"a\t2.31\tsame\t-\t-\t-", "got 6 fields"},
		{"a\t2.31\tsame\t-\t-\t-\t ", "a has no reason"},
		{"a-b\t2.31\tsame\t-\t-\t-\tr", `"a-b" is not a symbol name`},
		{"a\tGLIBC_2.31\tsame\t-\t-\t-\tr", `release "GLIBC_2.31"`},
		{"a\t2.31\tmaybe\t-\t-\t-\tr", `decision "maybe"`},
		{"a\t2.31\theaders until 2.30\t-\t-\t-\tr", "want headers until a release after 2.31"},
		{"a\t2.31 2.32\theaders\t-\t-\t-\tr", "a headers line has one release"},
		{"a\t2.31\tsame\t-\tF\t-\tr", "a same line has no form or polyfill"},
		{"a\t2.31\theaders\t-\tF-1\t-\tr", `form "F-1" is not a C identifier`},
		{"a*\t2.31\theaders\t-\tF\tcfbaud.c\tr", "a line with a polyfill covers every ABI, lists exact names"},
		{"a\t2.31\theaders\t-\tF\tmissing.c\tr", `polyfill "missing.c"`},
	} {
		_, err := parseABIChanges([]byte("# header\n" + c.line + "\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "catalogue/abichange.tsv:2:") {
			t.Errorf("line %q: got %v, want an error with %q", c.line, err, c.want)
		}
	}
	lines, err := parseABIChanges([]byte("a b*\t2.18 2.28\tsame\tx86_64 i386\t-\t-\tr\nc\t2.19\theaders until 2.20\ts390x\t-\t-\tr\n"))
	if err != nil || len(lines) != 2 || lines[0].Also[0] != (Version{2, 28}) || lines[1].Until != (Version{2, 20}) || lines[1].Decision != ByHeaders || lines[0].ABIs != "x86_64 i386" {
		t.Errorf("parsed %+v, %v", lines, err)
	}
}

func nodes(vs ...string) []abidb.Version {
	var out []abidb.Version
	for _, v := range vs {
		out = append(out, abidb.MustParseVersion(v))
	}
	return out
}

// The release of the headers picks the version a link binds: the newest
// of the form they declare, even below the target's newest; none when the
// target lacks that form or the headers are unknown.
func TestBindVersion(t *testing.T) {
	for _, c := range []struct {
		abi, name string
		nodes     []abidb.Version
		headers   Version
		want      int
		decided   bool
	}{
		{"x86_64", "totalorder", nodes("2.25", "2.31"), Version{2, 30}, 0, true},
		{"x86_64", "totalorder", nodes("2.25", "2.31"), Version{2, 31}, 1, true},
		{"x86_64", "totalorderf64x", nodes("2.27"), Version{2, 36}, -1, true},
		{"x86_64", "totalordermagl", nodes("2.25"), Version{2, 30}, 0, true},
		{"x86_64", "fromfp", nodes("2.25", "2.43"), Version{2, 36}, 0, true},
		{"x86_64", "ufromfpxf128", nodes("2.26", "2.43"), Version{2, 43}, 1, true},
		{"x86_64", "fromfpl", nodes("2.25"), Version{2, 44}, -1, true},
		{"x86_64", "cfsetospeed", nodes("2.2.5", "2.42"), Version{2, 41}, 0, true},
		{"x86_64", "cfsetospeed", nodes("2.2.5"), Version{2, 42}, -1, true},
		{"x86_64", "cfgetispeed", nodes("2.2.5", "2.42"), Version{}, -1, true},
		{"s390x", "setjmp", nodes("2.2", "2.19"), Version{2, 36}, 0, true},
		{"s390x", "setjmp", nodes("2.2", "2.19"), Version{2, 19}, 1, true},
		{"x86_64", "setjmp", nodes("2.2.5"), Version{2, 36}, 0, false},
		{"x86_64", "glob", nodes("2.2.5", "2.27"), Version{2, 20}, 1, false},
		{"amd64", "fromfp", nodes("2.25", "2.43"), Version{2, 43}, 1, true},
	} {
		got, decided := BindVersion(c.abi, c.name, c.nodes, c.headers)
		if got != c.want || decided != c.decided {
			t.Errorf("BindVersion(%s, %s, %v, headers %v) = %d, %v; want %d, %v", c.abi, c.name, c.nodes, c.headers, got, decided, c.want, c.decided)
		}
	}
}

// Each form macro is 1 exactly when the headers declare the new form.
func TestFormDefines(t *testing.T) {
	for h, want := range map[Version]string{
		{2, 30}: "-DCOMPAT_FORM_TOTALORDER_C23=0 -DCOMPAT_FORM_FROMFP_C23=0 -DCOMPAT_FORM_TERMIOS_BAUD=0",
		{2, 36}: "-DCOMPAT_FORM_TOTALORDER_C23=1 -DCOMPAT_FORM_FROMFP_C23=0 -DCOMPAT_FORM_TERMIOS_BAUD=0",
		{2, 42}: "-DCOMPAT_FORM_TOTALORDER_C23=1 -DCOMPAT_FORM_FROMFP_C23=0 -DCOMPAT_FORM_TERMIOS_BAUD=1",
		{2, 43}: "-DCOMPAT_FORM_TOTALORDER_C23=1 -DCOMPAT_FORM_FROMFP_C23=1 -DCOMPAT_FORM_TERMIOS_BAUD=1",
		{}:      "-DCOMPAT_FORM_TOTALORDER_C23=0 -DCOMPAT_FORM_FROMFP_C23=0 -DCOMPAT_FORM_TERMIOS_BAUD=0",
	} {
		if got := strings.Join(FormDefines(Target{Arch: "x86_64", Glibc: Version{2, 17}, Headers: h}), " "); got != want {
			t.Errorf("headers %v: %s, want %s", h, got, want)
		}
	}
}

// What the archives hold at 2.17 follows the headers: the form each name
// is called in, and none of the names the headers decide when they are
// unknown.
func TestArchivesFollowTheHeaders(t *testing.T) {
	for _, c := range []struct {
		headers  Version
		has, not []string
	}{
		{Version{2, 30}, []string{"totalorder", "fromfp", "cfgetibaud"}, []string{"cfsetospeed"}},
		{Version{2, 43}, []string{"totalorder", "fromfp", "cfsetospeed", "cfgetispeed", "cfsetspeed", "cfgetibaud"}, nil},
		{Version{}, []string{"cfgetibaud", "roundeven"}, []string{"totalorder", "fromfpxf128", "cfsetospeed"}},
	} {
		_, pf, m, err := ArchiveSymbols(Target{Arch: "x86_64", Glibc: Version{2, 17}, Headers: c.headers})
		if err != nil {
			t.Fatal(err)
		}
		all := append(pf, m...)
		for _, s := range c.has {
			if !slices.Contains(all, s) {
				t.Errorf("headers %v: the archives lack %s", c.headers, s)
			}
		}
		for _, s := range c.not {
			if slices.Contains(all, s) {
				t.Errorf("headers %v: the archives define %s", c.headers, s)
			}
		}
	}
	// A target with the new form's version needs no polyfill of it; one
	// with only the old form needs it for new headers only.
	for _, c := range []struct {
		glibc, headers Version
		sym            string
		want           bool
	}{
		{Version{2, 41}, Version{2, 43}, "fromfp", true},
		{Version{2, 41}, Version{2, 41}, "fromfp", false},
		{Version{2, 43}, Version{2, 43}, "fromfp", false},
		{Version{2, 28}, Version{2, 31}, "totalorderf64", true},
		{Version{2, 28}, Version{2, 30}, "totalorderf64", false},
		{Version{2, 41}, Version{2, 42}, "cfsetispeed", true},
	} {
		_, pf, m, err := ArchiveSymbols(Target{Arch: "x86_64", Glibc: c.glibc, Headers: c.headers})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(append(pf, m...), c.sym); got != c.want {
			t.Errorf("glibc %v, headers %v: archives define %s: %v, want %v", c.glibc, c.headers, c.sym, got, c.want)
		}
	}
}

// Both forms of every source that has two compile without a warning, under
// gcc and clang, with the flags of the archive they go to: each build uses
// one (the archives are built whole with gcc's headers elsewhere).
func TestBothFormsCompile(t *testing.T) {
	needTools(t, "clang")
	work := t.TempDir()
	if err := extractSources(work); err != nil {
		t.Fatal(err)
	}
	arch := arches["x86_64"]
	type unit struct {
		src     string
		defines []string
	}
	var units []unit
	for _, src := range []string{"math/fromfp.c", "math/totalorder.c"} {
		units = append(units, unit{"src/common/polyfill/" + src, mathSourceFlags("polyfill/" + src)})
	}
	cf := []string{"-Og", "-DCOMPAT_WEAK"}
	for _, e := range append(abiChangePolyfills(), Entry{Symbol: "cfsetbaud"}, Entry{Symbol: "cfgetibaud"}) {
		cf = append(cf, "-DCOMPAT_OBJ_"+e.Symbol)
	}
	units = append(units, unit{"src/common/polyfill/cfbaud.c", cf})
	for _, cc := range []string{"gcc", "clang"} {
		for _, h := range []Version{{2, 30}, {2, 44}} {
			opt := buildOptions{forms: FormDefines(Target{Arch: "x86_64", Headers: h}), extraCFlags: []string{"-Wall", "-Wextra", "-Werror"}}
			for i, u := range units {
				j := &job{out: fmt.Sprintf("%s-%s-%d.o", cc, h, i), src: u.src, defines: u.defines, pic: true}
				if err := compileOne(context.Background(), []string{cc}, work, arch, compileFlags(work, arch), j, opt); err != nil {
					t.Errorf("%s, headers %s: %v", cc, h, err)
				}
			}
		}
	}
}

// ProbeHeaders reads the release and the <features.h> of a compiler's
// headers through the compiler, so an -isystem in the command (a wrapper
// that puts other headers first) counts; no <features.h> is no release,
// and a compiler that cannot run is an error.
func TestProbeHeaders(t *testing.T) {
	needTools(t)
	ctx := context.Background()
	real, err := ProbeHeaders(ctx, []string{"gcc"})
	if err != nil || real.Release.Less(Version{2, 17}) || filepath.Base(real.Features) != "features.h" {
		t.Fatalf("gcc: %+v, %v", real, err)
	}
	inc := filepath.Join(t.TempDir(), "inc dir")
	if err := os.MkdirAll(inc, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, inc, "features.h", "#include_next <features.h>\n#undef __GLIBC_MINOR__\n#define __GLIBC_MINOR__ 43\n")
	fake, err := ProbeHeaders(ctx, []string{"gcc", "-isystem", inc})
	if err != nil || fake.Release != (Version{2, 43}) || fake.Features != filepath.Join(inc, "features.h") {
		t.Errorf("gcc -isystem %s: %+v, %v", inc, fake, err)
	}
	writeFile(t, inc, "features.h", "#define __FEATURES_H 1\n")
	if none, err := ProbeHeaders(ctx, []string{"gcc", "-isystem", inc}); err != nil || none.Release != (Version{}) || none.Features == "" {
		t.Errorf("headers that are not glibc's: %+v, %v", none, err)
	}
	if none, err := ProbeHeaders(ctx, []string{"gcc", "-nostdinc"}); err != nil || none != (HeaderInfo{}) {
		t.Errorf("no <features.h>: %+v, %v", none, err)
	}
	if _, err := ProbeHeaders(ctx, []string{"/nonexistent/cc"}); err == nil {
		t.Error("a missing compiler is no error")
	}
}

func TestParseProbe(t *testing.T) {
	out := "# 0 \"<stdin>\"\n# 1 \"/opt/my \\\"odd\\\" dir/features.h\" 1 3 4\n# 1 \"/usr/include/features.h\" 1 3 4\n\ncompatbuild_glibc_release_2_31\n"
	got := parseProbe([]byte(out))
	if want := (HeaderInfo{Release: Version{2, 31}, Features: `/opt/my "odd" dir/features.h`}); got != want {
		t.Errorf("parseProbe = %+v, want %+v", got, want)
	}
	if got := parseProbe([]byte("compatbuild_glibc_release___GLIBC_____GLIBC_MINOR__\n")); got != (HeaderInfo{}) {
		t.Errorf("no glibc: %+v", got)
	}
}

// docs/abi-changes.md is what the generator makes of the table today.
func TestABIChangesDocIsCurrent(t *testing.T) {
	want, err := ABIChangesDoc()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "docs", "abi-changes.md"))
	if err != nil || string(got) != string(want) {
		t.Fatalf("docs/abi-changes.md is stale (%v): run go generate ./internal/libcompat", err)
	}
}
