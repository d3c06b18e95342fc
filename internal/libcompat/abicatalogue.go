package libcompat

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The catalogue's per-ABI column: catalogue/abi.tsv holds the lines that
// apply to some ABIs only (symbols glibc added after 2.17 on those ABIs,
// such as the time64 entry points of i386 and arm in 2.34, or a different
// answer there); every other ABI takes libc.tsv's line. The format is
// described at the top of the file.
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
		l := abiLine{Entry: Entry{Table: "libc", Line: n, Symbol: f[0], Status: Status(f[2])}, abis: strings.Split(f[1], ",")}
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
		case StatusRefused:
			if f[3] != "-" || l.Note == "" {
				bad("refused takes impl - and a note saying why and what to do")
			}
		default:
			bad("status %q: abi.tsv takes polyfill or refused", f[2])
		}
		out = append(out, l)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("libcompat: catalogue:\n  %s", strings.Join(errs, "\n  "))
	}
	return out, nil
}

// CatalogueFor returns the catalogue as it applies to the ABI arch:
// libc.tsv, libm.tsv and libmvec.tsv with abi.tsv's lines for arch in
// place of (or added to) theirs, sorted by table and symbol.
func CatalogueFor(arch string) ([]Entry, error) {
	base, err := Catalogue()
	if err != nil {
		return nil, err
	}
	if a, ok := archAliases[arch]; ok {
		arch = a
	}
	lines, err := abiCatalogue()
	if err != nil {
		return nil, err
	}
	own := map[string]Entry{}
	for _, l := range lines {
		if slices.Contains(l.abis, arch) {
			own[l.Symbol] = l.Entry
		}
	}
	if len(own) == 0 {
		return base, nil
	}
	out := make([]Entry, 0, len(base)+len(own))
	for _, e := range base {
		if o, ok := own[e.Symbol]; ok {
			e = o
			delete(own, e.Symbol)
		}
		out = append(out, e)
	}
	var added []Entry
	for _, e := range own {
		added = append(added, e)
	}
	sort.Slice(added, func(i, j int) bool { return added[i].Symbol < added[j].Symbol })
	return append(out, added...), nil
}

// LookupFor is Lookup in the catalogue of the ABI arch.
func LookupFor(sym, arch string) (Entry, bool) {
	entries, err := CatalogueFor(arch)
	if err != nil {
		return Entry{}, false
	}
	for _, e := range entries {
		if e.Symbol == sym {
			return e, true
		}
	}
	return Entry{}, false
}

// DescribeFor is Describe for the ABI arch: abi.tsv's answer where it has
// one for arch.
func DescribeFor(sym, arch string) (Entry, string, bool) {
	e, ok := LookupFor(sym, arch)
	if !ok {
		return e, "", false
	}
	if a, known := lookupArch(arch); known && a.thunks == "" && e.Status == StatusAlias {
		e.Status = StatusRefused
		e.Note = "compatbuild builds no alias thunks on " + arch + " (a tail call would return with the callee's TOC pointer): raise --glibc to the release that added it"
		return e, e.Note, true
	}
	if base, ok := Lookup(sym); ok && base == e {
		return Describe(sym)
	}
	switch e.Status {
	case StatusPolyfill:
		return e, "compatbuild links its own " + sym + " (internal/libcompat/src/common/polyfill/" + e.Source + ")", true
	default:
		return e, e.Note, true
	}
}
