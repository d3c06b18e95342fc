package libcompat

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"compatbuild/internal/abidb"
)

// The catalogue's per-ABI column: catalogue/abi.tsv holds the lines that
// apply to some ABIs only (symbols glibc added after 2.17 on those ABIs,
// such as the time64 entry points of i386 and arm in 2.34, or a different
// answer there); every other ABI takes libc.tsv's, libm.tsv's or
// libmvec.tsv's line. The format is described at the top of the file.
//
// Three rules apply besides the lines (CatalogueFor):
//   - a line whose symbol the ABI's glibc never exported does not apply to
//     that ABI: libmvec's x86_64 vector variants, the _Float128 and
//     _Float64x names on arm, __x86_get_cpuid_feature_leaf elsewhere than
//     x86;
//   - on an ABI without alias thunks (archInfo.thunks, powerpc64le) every
//     alias is refused;
//   - an alias serves a link only where the target has the alias's target
//     or the catalogue provides it: selectObjectsFor leaves the others out,
//     and DescribeFor names the target's own answer.
const abiTable = "catalogue/abi.tsv"

// abiLine is one line of catalogue/abi.tsv.
type abiLine struct {
	Entry
	abis []string
}

var abiCatalogue = sync.OnceValues(func() ([]abiLine, error) { return parseABICatalogue(catalogueFS, sources) })

func parseABICatalogue(tables, srcs fs.FS) ([]abiLine, error) {
	data, err := fs.ReadFile(tables, abiTable)
	if err != nil {
		return nil, fmt.Errorf("libcompat: catalogue: %v", err)
	}
	var out []abiLine
	var errs []string
	seen := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d: %s", abiTable, n, fmt.Sprintf(format, args...)))
		}
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 || len(f) > 5 {
			bad("want symbol<TAB>abis<TAB>status<TAB>impl<TAB>note, got %d fields", len(f))
			continue
		}
		// The table is filled in by CatalogueFor: the replaced line's, or
		// the one of the library that exports the symbol on the ABI.
		l := abiLine{Entry: Entry{Line: n, Symbol: f[0], Status: Status(f[2])}, abis: strings.Split(f[1], ",")}
		if len(f) == 5 {
			l.Note = strings.TrimSpace(f[4])
		}
		for _, a := range l.abis {
			if _, ok := arches[a]; !ok {
				bad("unknown ABI %q", a)
			}
			key := l.Symbol + "/" + a
			if prev, dup := seen[key]; dup {
				bad("%s is listed twice for %s (also line %d)", l.Symbol, a, prev)
			}
			seen[key] = n
		}
		switch l.Status {
		case StatusPolyfill:
			l.Source, l.Member, _ = strings.Cut(f[3], ":")
			if l.Member == "" {
				l.Member = defaultMember(l.Symbol)
			}
			if _, err := fs.Stat(srcs, "src/common/polyfill/"+l.Source); err != nil {
				bad("polyfill source %q does not exist under src/common/polyfill", l.Source)
			}
		case StatusAlias:
			l.Target, l.Library, _ = strings.Cut(f[3], "@")
			l.Member = defaultMember(l.Symbol)
			if !isCIdent(l.Target) || (l.Library != "" && !isCIdent(l.Library)) || l.Target == l.Symbol {
				bad("alias target %q: want another symbol, or symbol@library", f[3])
			}
		case StatusRefused:
			if f[3] != "-" || l.Note == "" {
				bad("refused takes impl - and a note saying why and what to do")
			}
		default:
			bad("status %q: abi.tsv takes polyfill, alias or refused", f[2])
		}
		out = append(out, l)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("libcompat: catalogue:\n  %s", strings.Join(errs, "\n  "))
	}
	return out, nil
}

// abiName is the ABI name of arch (an ABI name or an alias such as arm64).
func abiName(arch string) string {
	if a, ok := archAliases[arch]; ok {
		return a
	}
	return arch
}

// perABI caches CatalogueFor: each ABI's catalogue is worked out once per
// process, on first use.
var perABI sync.Map // ABI name → func() ([]Entry, map[string]int, error)

// CatalogueFor returns the catalogue as it applies to the ABI arch:
// libc.tsv, libm.tsv and libmvec.tsv with abi.tsv's lines for arch in
// place of (or added to) theirs, without the lines of symbols arch's glibc
// never exported, and with every alias refused where arch has no alias
// thunks; sorted by table and symbol as Catalogue is, added lines last.
func CatalogueFor(arch string) ([]Entry, error) {
	entries, _, err := catalogueFor(abiName(arch))
	return entries, err
}

func catalogueFor(abi string) ([]Entry, map[string]int, error) {
	get, _ := perABI.LoadOrStore(abi, sync.OnceValues(func() (*abiCatalogueOf, error) { return buildCatalogueFor(abi) }))
	c, err := get.(func() (*abiCatalogueOf, error))()
	if err != nil {
		return nil, nil, err
	}
	return c.entries, c.bySym, nil
}

type abiCatalogueOf struct {
	entries []Entry
	bySym   map[string]int
}

func buildCatalogueFor(abi string) (*abiCatalogueOf, error) {
	base, err := Catalogue()
	if err != nil {
		return nil, err
	}
	lines, err := abiCatalogue()
	if err != nil {
		return nil, err
	}
	arch, known := arches[abi]
	own := map[string]Entry{}
	for _, l := range lines {
		if slices.Contains(l.abis, abi) {
			own[l.Symbol] = l.Entry
		}
	}
	var db *abidb.DB
	if abi != "x86_64" && known {
		if db, err = abidb.Load(abi); err != nil {
			return nil, err
		}
	}
	out := make([]Entry, 0, len(base)+len(own))
	for _, e := range base {
		if o, ok := own[e.Symbol]; ok {
			o.Table = e.Table
			e = o
			delete(own, e.Symbol)
		}
		if db != nil && len(db.History(e.Symbol)) == 0 {
			continue // never on this ABI: nothing to stand in for
		}
		out = append(out, e)
	}
	var added []Entry
	for _, e := range own {
		e.Table = "libc"
		if db != nil {
			if lib, _, ok := db.LibraryOf(e.Symbol, db.Last()); ok {
				e.Table = tableOf(lib)
			}
		}
		added = append(added, e)
	}
	sort.Slice(added, func(i, j int) bool { return added[i].Symbol < added[j].Symbol })
	out = append(out, added...)
	if known && arch.thunks == "" {
		for i, e := range out {
			if e.Status == StatusAlias {
				out[i].Status, out[i].Target, out[i].Library, out[i].Member = StatusRefused, "", "", ""
				out[i].Note = "compatbuild builds no alias thunks on " + abi + " (a tail call would return with the callee's TOC pointer): raise --glibc to the release that added it"
			}
		}
	}
	c := &abiCatalogueOf{entries: out, bySym: make(map[string]int, len(out))}
	for i, e := range out {
		c.bySym[e.Symbol] = i
	}
	return c, nil
}

// LookupFor is Lookup in the catalogue of the ABI arch.
func LookupFor(sym, arch string) (Entry, bool) {
	entries, bySym, err := catalogueFor(abiName(arch))
	if err != nil {
		return Entry{}, false
	}
	i, ok := bySym[sym]
	if !ok {
		return Entry{}, false
	}
	return entries[i], true
}

// DescribeFor is Describe for a link for glibc on the ABI arch: abi.tsv's
// answer where it has one for arch, and for an alias whose target glibc
// lacks too and the catalogue refuses on arch, that refusal (the alias
// cannot serve the link).
func DescribeFor(sym, arch string, glibc Version) (Entry, string, bool) {
	e, ok := LookupFor(sym, arch)
	if !ok {
		return e, "", false
	}
	if e.Status == StatusAlias {
		if t, ok := LookupFor(e.Target, arch); ok && t.Status == StatusRefused && !targetHas(arch, e.Target, glibc) {
			e.Status, e.Note = StatusRefused, "compatbuild would bind it to "+e.Target+", which glibc "+glibc.String()+" lacks as well and compatbuild cannot provide on "+abiName(arch)+": "+t.Note
			return e, e.Note, true
		}
	}
	if base, ok := Lookup(sym); ok && base == e {
		return Describe(sym)
	}
	switch e.Status {
	case StatusPolyfill:
		return e, "links its own " + sym + " (internal/libcompat/src/common/polyfill/" + e.Source + ")", true
	case StatusAlias:
		return e, "binds it to " + e.Target, true
	default:
		return e, e.Note, true
	}
}

// targetHas reports whether glibc on the ABI arch lets a new link bind
// sym.
func targetHas(arch, sym string, glibc Version) bool {
	db, err := abidb.Load(abiName(arch))
	if err != nil {
		return false
	}
	v, err := abidb.ParseVersion(glibc.String())
	if err != nil {
		return false
	}
	_, _, ok := db.LibraryOf(sym, v)
	return ok
}
