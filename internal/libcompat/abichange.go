package libcompat

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"compatbuild/internal/abidb"
)

// Names that gained a new version node after 2.17 while glibc kept the
// older versions for old binaries. For most, every version has the same C
// signature and meaning for a program built with any release's headers,
// and a link binds the newest version the target has, as a build on the
// target itself would. For a few, the new version has another ABI under
// the same name (other argument or result types, other values of the
// constants a program passes), and the headers a program was compiled
// with decide which form its object file calls: an old target's newest
// version can be the other form, a silently wrong program.
//
// catalogue/abichange.tsv is that classification as data, one line per
// name or pattern, release and reason, for every ABI of the ABI database
// (TestEveryNewVersionIsClassified fails on a name it does not cover); its
// header says what each decision does. In short, for a line decided
// ByHeaders with release R and headers of release H (Target.Headers):
// H ≥ R binds the target's version R or, below R, a polyfill of the new
// form; H < R binds the target's newest version older than R even where
// it has R's, as the program built on glibc H does and glibc keeps for it
// (glibc 2.31's NEWS on totalorder: "Existing binaries that pass
// floating-point arguments directly will continue to work"); an unknown H
// binds and polyfills neither, and a link calling the name fails saying
// why (ABIChangeNote). The table is in catalogue/ so the sources'
// fingerprint, which keys every sysroot, covers it.

// abiChanges is the parsed table, read on first use (cold links only).
var abiChanges = sync.OnceValues(func() ([]ABIChange, error) {
	data, err := catalogueFS.ReadFile(abiChangeFile)
	if err != nil {
		return nil, fmt.Errorf("libcompat: %v", err)
	}
	return parseABIChanges(data)
})

const abiChangeFile = "catalogue/abichange.tsv"

// table returns the parsed lines, or none when the embedded table is
// malformed (which TestABIChangeTable reports).
func table() []ABIChange {
	lines, _ := abiChanges()
	return lines
}

// Decision says who decides which version of a name a new link binds.
type Decision uint8

const (
	// SameABI: every version has the same C signature and meaning; the
	// newest version the target has is right for any headers.
	SameABI Decision = iota
	// ByHeaders: the versions are two forms of one name, and the release
	// of the headers the program was compiled with says which it calls.
	ByHeaders
)

// ABIChange is one line of the table: names that gained a version node
// at Release while older versions stay.
type ABIChange struct {
	Line int // in catalogue/abichange.tsv
	// Names are space-separated symbol names; a name ending in * stands
	// for every name with that prefix.
	Names string
	// ABIs limits the line to these ABIs (abidb names, space-separated);
	// empty for every ABI whose data has the names at Release.
	ABIs    string
	Release Version
	// Also are more releases a SameABI line covers (a name with a version
	// in several nodes).
	Also     []Version
	Until    Version // ByHeaders: headers from this release declare the old form again (a reverted change); zero if never
	Decision Decision
	// Form (ByHeaders) names the macro COMPAT_FORM_<Form> that polyfill
	// sources implementing both forms test: 1 when the headers declare
	// the new form.
	Form string
	// Polyfill (ByHeaders, names glibc had by 2.17) is source[:member]
	// under src/common/polyfill defining the new form for targets below
	// Release, built into libcompat_polyfill.a like a catalogue polyfill
	// (each name compiled with -DCOMPAT_OBJ_<name>). Names newer than 2.17
	// have theirs in the catalogue.
	Polyfill string
	Reason   string
}

// ABIChanges returns the table, in its order.
func ABIChanges() ([]ABIChange, error) {
	lines, err := abiChanges()
	return slices.Clone(lines), err
}

// parseABIChanges reads the table and checks each line on its own.
func parseABIChanges(data []byte) ([]ABIChange, error) {
	var out []ABIChange
	var errs []string
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d: %s", abiChangeFile, n, fmt.Sprintf(format, args...)))
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			bad("want names<TAB>release<TAB>decision<TAB>abis<TAB>form<TAB>polyfill<TAB>reason, got %d fields", len(f))
			continue
		}
		opt := func(s string) string {
			if s == "-" {
				return ""
			}
			return s
		}
		c := ABIChange{Line: n, Names: f[0], ABIs: opt(f[3]), Form: opt(f[4]), Polyfill: opt(f[5]), Reason: strings.TrimSpace(f[6])}
		for _, p := range strings.Fields(c.Names) {
			if !isCIdent(strings.TrimSuffix(p, "*")) {
				bad("%q is not a symbol name or prefix*", p)
			}
		}
		rels := strings.Fields(f[1])
		for j, r := range rels {
			v, err := ParseVersion(r)
			if err != nil || strings.HasPrefix(r, "GLIBC_") {
				bad("release %q: want e.g. 2.31", r)
				continue
			}
			if j == 0 {
				c.Release = v
			} else {
				c.Also = append(c.Also, v)
			}
		}
		switch dec := strings.Fields(f[2]); {
		case len(dec) == 1 && dec[0] == "same":
			c.Decision = SameABI
			if c.Form != "" || c.Polyfill != "" {
				bad("a same line has no form or polyfill")
			}
		case len(dec) >= 1 && dec[0] == "headers":
			c.Decision = ByHeaders
			if len(dec) == 3 && dec[1] == "until" {
				v, err := ParseVersion(dec[2])
				if err != nil || !c.Release.Less(v) {
					bad("%q: want headers until a release after %s", f[2], c.Release)
				}
				c.Until = v
			} else if len(dec) != 1 {
				bad("decision %q: want same, headers or headers until RELEASE", f[2])
			}
			if len(rels) != 1 {
				bad("a headers line has one release")
			}
		default:
			bad("decision %q: want same, headers or headers until RELEASE", f[2])
		}
		if c.Form != "" && !isCIdent(c.Form) {
			bad("form %q is not a C identifier", c.Form)
		}
		if c.Polyfill != "" {
			src, member, _ := strings.Cut(c.Polyfill, ":")
			if c.ABIs != "" || strings.Contains(c.Names, "*") || c.Form == "" {
				bad("a line with a polyfill covers every ABI, lists exact names and has a form")
			}
			if _, err := fs.Stat(sources, "src/common/polyfill/"+src); err != nil || path.Ext(src) != ".c" || (member != "" && !isCIdent(member)) {
				bad("polyfill %q: want source.c[:member] under src/common/polyfill", c.Polyfill)
			}
		}
		if c.Reason == "" {
			bad("%s has no reason: say what changed and why the decision is right", c.Names)
		}
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("libcompat: ABI-change table:\n  %s", strings.Join(errs, "\n  "))
	}
	return out, nil
}

// covers reports whether the line is about release r.
func (c *ABIChange) covers(r Version) bool { return c.Release == r || slices.Contains(c.Also, r) }

// Covers reports whether the line is about name on abi.
func (c *ABIChange) Covers(abi, name string) bool {
	if c.ABIs != "" && !slices.Contains(strings.Fields(c.ABIs), abi) {
		return false
	}
	for _, p := range strings.Fields(c.Names) {
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(name, prefix) || p == name {
			return true
		}
	}
	return false
}

// NewForm reports whether headers of glibc release h declare the form
// Release introduced; false for an unknown release (zero).
func (c *ABIChange) NewForm(h Version) bool {
	return h != (Version{}) && h.AtLeast(c.Release) && (c.Until == (Version{}) || h.Less(c.Until))
}

// Binds reports whether a program compiled with headers of release h
// calls the version node of release node (GLIBC_2.2.5 → 2.2.5): the new
// form's nodes are those from Release on. False for an unknown h.
func (c *ABIChange) Binds(node abidb.Version, h Version) bool {
	if h == (Version{}) {
		return false
	}
	return c.NewForm(h) != node.Less(abidb.Version{Major: c.Release.Major, Minor: c.Release.Minor})
}

// ClassifyABIChange returns the line covering name on abi for a version
// node of release node.
func ClassifyABIChange(abi, name string, release Version) (*ABIChange, bool) {
	abi = canonicalABI(abi)
	lines := table()
	for i := range lines {
		if c := &lines[i]; c.covers(release) && c.Covers(abi, name) {
			return c, true
		}
	}
	return nil, false
}

// DecidedByHeaders returns the ByHeaders line for name on abi: the name
// has two forms and the compiler's headers say which a program calls.
func DecidedByHeaders(abi, name string) (*ABIChange, bool) {
	idx := byHeadersIndex()
	cs := idx.exact[name]
	for _, p := range idx.prefixes {
		if strings.HasPrefix(name, p.prefix) {
			cs = append(slices.Clip(cs), p.lines...)
		}
	}
	abi = canonicalABI(abi)
	for _, c := range cs {
		if c.Covers(abi, name) {
			return c, true
		}
	}
	return nil, false
}

// BindVersion says which of a name's version nodes at a target (oldest
// first) a new link binds for a program compiled with headers of release
// h: decided is false for a name whose versions the headers do not decide
// (bind the newest, as ever); otherwise i is the newest node of the form
// the headers declare, or -1 when the target has none of that form (or h
// is unknown): then a polyfill of that form, or nothing, provides it.
func BindVersion(abi, name string, nodes []abidb.Version, h Version) (i int, decided bool) {
	c, ok := DecidedByHeaders(abi, name)
	if !ok {
		return len(nodes) - 1, false
	}
	for i := len(nodes) - 1; i >= 0; i-- {
		if c.Binds(nodes[i], h) {
			return i, true
		}
	}
	return -1, true
}

// ABIChangeNote explains, for a name the headers decide that a link left
// undefined, what the program calls and why the target cannot give it;
// ok is false for other names. target is the target release, h the
// headers' (zero: unknown).
func ABIChangeNote(abi, name string, target, h Version) (string, bool) {
	c, ok := DecidedByHeaders(abi, name)
	if !ok {
		return "", false
	}
	if h == (Version{}) {
		return fmt.Sprintf("has two forms under one name (%s), and compatbuild could not tell which your compiler's headers declare (its <features.h> defines no __GLIBC__/__GLIBC_MINOR__), so it binds neither: compile with glibc's headers", c.Reason), true
	}
	if c.NewForm(h) {
		return fmt.Sprintf("is called in the form glibc %s introduced, as your compiler's glibc %s headers declare it (%s); the target glibc %s has only the older form, and compatbuild has no implementation of the newer: raise --glibc to %s, or compile with headers older than glibc %s", c.Release, h, c.Reason, target, c.Release, c.Release), true
	}
	return fmt.Sprintf("is called in the form before glibc %s, as your compiler's glibc %s headers declare it (%s); the target glibc %s has no version of that form, and compatbuild has no implementation of it: compile with glibc %s's headers or newer, or raise --glibc to a release that has the name", c.Release, h, c.Reason, target, c.Release), true
}

// FormDefines are the -DCOMPAT_FORM_<Form>=0|1 options of t's compiles:
// 1 where t's headers declare a line's new form.
func FormDefines(t Target) []string {
	abi := canonicalABI(t.Arch)
	var out []string
	seen := map[string]bool{}
	lines := table()
	for i := range lines {
		c := &lines[i]
		if c.Form == "" || seen[c.Form] || (c.ABIs != "" && !slices.Contains(strings.Fields(c.ABIs), abi)) {
			continue
		}
		seen[c.Form] = true
		v := "0"
		if c.NewForm(t.Headers) {
			v = "1"
		}
		out = append(out, "-DCOMPAT_FORM_"+c.Form+"="+v)
	}
	return out
}

// abiChangePolyfills lists the names of the ByHeaders lines with a
// Polyfill, each with its source and member, as catalogue entries of
// libcompat_polyfill.a. Such a line covers every ABI (its source takes
// the per-ABI facts from arch.h; TestABIChangeTable).
func abiChangePolyfills() []Entry {
	var out []Entry
	lines := table()
	for i := range lines {
		c := &lines[i]
		if c.Polyfill == "" {
			continue
		}
		src, member, _ := strings.Cut(c.Polyfill, ":")
		for _, n := range strings.Fields(c.Names) {
			m := member
			if m == "" {
				m = defaultMember(n)
			}
			out = append(out, Entry{Table: "libc", Symbol: n, Status: StatusPolyfill, Source: src, Member: m, Note: c.Reason})
		}
	}
	return out
}

func canonicalABI(abi string) string {
	if a, ok := archAliases[abi]; ok {
		return a
	}
	return abi
}

type prefixLines struct {
	prefix string
	lines  []*ABIChange
}

var byHeadersIndex = sync.OnceValue(func() (idx struct {
	exact    map[string][]*ABIChange
	prefixes []prefixLines
}) {
	idx.exact = map[string][]*ABIChange{}
	lines := table()
	for i := range lines {
		c := &lines[i]
		if c.Decision != ByHeaders {
			continue
		}
		for _, p := range strings.Fields(c.Names) {
			if prefix, ok := strings.CutSuffix(p, "*"); ok {
				idx.prefixes = append(idx.prefixes, prefixLines{prefix, []*ABIChange{c}})
			} else {
				idx.exact[p] = append(idx.exact[p], c)
			}
		}
	}
	return idx
})
