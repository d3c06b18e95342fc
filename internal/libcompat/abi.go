package libcompat

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"compatbuild/internal/abidb"
)

// The catalogue covers glibc's x86_64 symbols; its releases and libraries
// come from the ABI database (glibc's own abilists).
var x86 = sync.OnceValues(func() (*abidb.DB, error) { return abidb.Load("x86_64") })

var v217 = abidb.MustParseVersion("2.17")

// firstRelease is the first release after 2.17 whose libraries let a new
// link bind sym; ok is false when 2.17 already has it or no release does.
func firstRelease(sym string) (abidb.Version, bool) {
	idx, err := newerIndex()
	if err != nil {
		return abidb.Version{}, false
	}
	ns, ok := idx.byName[sym]
	return ns.Release, ok
}

// NewerSymbol is a symbol that glibc's x86_64 libraries first let a new
// link bind after 2.17.
type NewerSymbol struct {
	Symbol  string
	Library string        // the library that first exported it (abidb name, e.g. "libpthread")
	Release abidb.Version // the first release exporting it
	Node    string        // its version node there, e.g. GLIBC_2.30
	Kind    abidb.Kind
}

// NewerSymbols lists every symbol glibc exported (x86_64, for new links)
// after 2.17, sorted by name. This is what the catalogue must cover.
func NewerSymbols() ([]NewerSymbol, error) {
	idx, err := newerIndex()
	if err != nil {
		return nil, err
	}
	return idx.list, nil
}

type newerSymbols struct {
	list   []NewerSymbol
	byName map[string]NewerSymbol
}

// newerIndex walks the ABI database once per process: what 2.17 lets a
// link bind, then, release by release, each name seen for the first time.
var newerIndex = sync.OnceValues(func() (*newerSymbols, error) {
	db, err := x86()
	if err != nil {
		return nil, err
	}
	bindable := func(r abidb.Version, visit func(lib string, sv abidb.SymbolVersion)) error {
		libs, err := db.Libraries(r)
		if err != nil {
			return err
		}
		for _, lib := range libs {
			exports, err := db.Exports(lib, r)
			if err != nil {
				return err
			}
			for _, sv := range exports {
				if sv.Default {
					visit(lib, sv)
				}
			}
		}
		return nil
	}
	seen := map[string]bool{}
	if err := bindable(v217, func(_ string, sv abidb.SymbolVersion) { seen[sv.Name] = true }); err != nil {
		return nil, err
	}
	idx := &newerSymbols{byName: map[string]NewerSymbol{}}
	for _, r := range db.Releases() {
		if !v217.Less(r) {
			continue
		}
		err := bindable(r, func(_ string, sv abidb.SymbolVersion) {
			if seen[sv.Name] {
				return
			}
			seen[sv.Name] = true
			// Where a name is in two libraries at once, the one a link
			// binds (the newest default version) is its library.
			lib, bound, _ := db.LibraryOf(sv.Name, r)
			ns := NewerSymbol{Symbol: sv.Name, Library: lib, Release: r, Node: bound.Node, Kind: bound.Kind}
			idx.byName[ns.Symbol] = ns
			idx.list = append(idx.list, ns)
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(idx.list, func(i, j int) bool { return idx.list[i].Symbol < idx.list[j].Symbol })
	return idx, nil
})

// tableOf names the catalogue table that covers lib's symbols.
func tableOf(lib string) string {
	for _, t := range Tables {
		if slices.Contains(t.Libraries, lib) {
			return t.Name
		}
	}
	return ""
}

// ValidateCatalogue checks the tables against glibc's ABI data and the
// archives: every newer symbol of a table's libraries has a line (tables
// that are still empty are reported by Coverage, not here), every line
// names such a symbol, every alias target exists wherever the alias is
// used, with the same kind, and every nonshared entry is what
// libc_nonshared.a defines below the symbol's release. It returns one
// message per problem.
func ValidateCatalogue() []string {
	entries, err := Catalogue()
	if err != nil {
		return []string{err.Error()}
	}
	newer, err := NewerSymbols()
	if err != nil {
		return []string{err.Error()}
	}
	db, _ := x86()
	var bad []string
	badf := func(e Entry, format string, args ...any) {
		bad = append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: %s", e.Table, e.Line, e.Symbol, fmt.Sprintf(format, args...)))
	}
	filled := map[string]bool{}
	for _, e := range entries {
		filled[e.Table] = true
	}
	byName := map[string]NewerSymbol{}
	for _, ns := range newer {
		byName[ns.Symbol] = ns
		table := tableOf(ns.Library)
		if _, ok := Lookup(ns.Symbol); !ok && filled[table] {
			bad = append(bad, fmt.Sprintf("catalogue/%s.tsv: %s (%s, glibc %s) has no line: give it a status", table, ns.Symbol, db.Soname(ns.Library), ns.Release))
		}
	}
	for _, e := range entries {
		ns, ok := byName[e.Symbol]
		if !ok {
			badf(e, "not a symbol glibc added after 2.17 (x86_64): remove the line")
			continue
		}
		if want := tableOf(ns.Library); want != e.Table {
			badf(e, "%s's symbols belong in catalogue/%s.tsv", db.Soname(ns.Library), want)
		}
		switch e.Status {
		case StatusAlias:
			bad = append(bad, validateAlias(db, e, ns)...)
		case StatusVector:
			if _, ok := byName[e.Target]; ok {
				badf(e, "vector wrapper of %s, which is itself newer than 2.17", e.Target)
			} else if lib, _, ok := db.LibraryOf(e.Target, v217); !ok || lib != "libm" {
				badf(e, "vector wrapper of %s, which libm 2.17 does not export", e.Target)
			}
		case StatusNonshared:
			for _, r := range db.Releases() {
				if r.Less(v217) || !r.Less(ns.Release) {
					continue
				}
				v := Version{r.Major, r.Minor}
				if !slices.Contains(objectSymbols(nonsharedObjects(v)), e.Symbol) {
					badf(e, "status nonshared, but libc_nonshared.a for %s does not define it", r)
					break
				}
			}
		}
		if e.Status == StatusAlias && ns.Kind != abidb.Func {
			badf(e, "aliases are for functions; glibc's %s is an %v", e.Symbol, ns.Kind)
		}
	}
	overrides, err := Overrides()
	if err != nil {
		return append(bad, err.Error())
	}
	return append(bad, validateOverrides(overrides)...)
}

// validateAlias checks that e's target can be bound at every release
// below e's own: exported by e.Library (or, without one, by a library the
// table's links always include) as a function, or itself provided by the
// catalogue there.
func validateAlias(db *abidb.DB, e Entry, ns NewerSymbol) []string {
	var bad []string
	if e.Library != "" && db.Soname(e.Library) == "" {
		return []string{fmt.Sprintf("catalogue/%s.tsv:%d: %s: %q is not a glibc library", e.Table, e.Line, e.Symbol, e.Library)}
	}
	allowed := []string{"libc", "ld"}
	for _, t := range Tables {
		if t.Name == e.Table {
			allowed = append(allowed, t.Libraries...)
		}
	}
	if t, ok := Lookup(e.Target); ok {
		switch {
		case e.Library != "":
			bad = append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: target %s is a catalogue symbol; it cannot also be named @%s", e.Table, e.Line, e.Symbol, e.Target, e.Library))
		case t.Status == StatusRefused || t.Status == StatusVector:
			bad = append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: target %s is %s", e.Table, e.Line, e.Symbol, e.Target, t.Status))
		case t.Archive() != e.Archive() && t.Status != StatusNonshared:
			bad = append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: target %s is built into %s, not %s", e.Table, e.Line, e.Symbol, e.Target, t.Archive(), e.Archive()))
		}
		return bad
	}
	for _, r := range db.Releases() {
		if r.Less(v217) || !r.Less(ns.Release) {
			continue
		}
		lib, sv, ok := db.LibraryOf(e.Target, r)
		if e.Library != "" {
			var err error
			sv, err = db.Bind(e.Library, e.Target, r)
			lib, ok = e.Library, err == nil
		}
		switch {
		case !ok:
			return append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: alias target %s is not linkable at glibc %s", e.Table, e.Line, e.Symbol, e.Impl(), r))
		case e.Library == "" && !slices.Contains(allowed, lib):
			return append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: alias target %s is in %s at %s: name the library (%s@%s)", e.Table, e.Line, e.Symbol, e.Target, db.Soname(lib), r, e.Target, lib))
		case sv.Kind != abidb.Func:
			return append(bad, fmt.Sprintf("catalogue/%s.tsv:%d: %s: alias target %s is an %v", e.Table, e.Line, e.Symbol, e.Target, sv.Kind))
		}
	}
	return bad
}

// AliasLibraries lists, sorted, the glibc libraries (abidb names) that
// the aliases built into archive (PolyfillName or MathName) for t name
// with @library: the sysroot offers them as-needed after that archive, so
// a thunk pulled from it finds its target, and the output depends on the
// library only when a thunk is used.
func AliasLibraries(t Target, archive string) ([]string, error) {
	entries, err := Catalogue()
	if err != nil {
		return nil, err
	}
	has := t.has()
	var out []string
	for _, e := range entries {
		if e.Status == StatusAlias && e.Library != "" && e.Archive() == archive && !has(e.Symbol) && !slices.Contains(out, e.Library) {
			out = append(out, e.Library)
		}
	}
	sort.Strings(out)
	return out, nil
}
