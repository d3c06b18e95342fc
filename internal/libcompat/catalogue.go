package libcompat

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// The newer-symbol catalogue: one line per symbol glibc exported (x86_64)
// after 2.17, saying what a link for an older target gets instead. It is
// policy as data, read by the archive builder, the driver's explanations,
// `compatbuild explain` and the generator of docs/newer-symbols.md. The
// format is described at the top of catalogue/libc.tsv.
//
//go:embed catalogue/*.tsv
var catalogueFS embed.FS

// Status is a catalogue entry's answer for targets below the symbol's
// first release.
type Status string

const (
	// StatusPolyfill: a C or assembly source under src/common/polyfill
	// defines the symbol (hidden) in terms of what the target has.
	StatusPolyfill Status = "polyfill"
	// StatusAlias: a hidden thunk that tail-calls an older symbol with the
	// same ABI and meaning (res_search → __res_search in libresolv.so.2).
	StatusAlias Status = "alias"
	// StatusNonshared: libc_nonshared.a defines it below its release (the
	// stat family before 2.33, pthread_atfork always).
	StatusNonshared Status = "nonshared"
	// StatusRefused: nothing faithful exists on the older glibc and its
	// oldest kernel; the note says why and what to do.
	StatusRefused Status = "refused"
	// StatusVector: a libmvec vector-ABI name built as per-lane calls to
	// the scalar libm function named by Target (libmvec.tsv only).
	StatusVector Status = "vector"
)

// Tables are the catalogue's files, each with the glibc libraries whose
// newer symbols it must list, and the archive its members go to.
var Tables = []struct {
	Name      string   // file name without .tsv
	Libraries []string // glibc libraries (abidb names) it covers
	Archive   string   // archive its polyfills and aliases are built into
}{
	{"libc", []string{"libc", "ld", "libpthread", "libdl", "librt", "libutil", "libanl", "libresolv", "libc_malloc_debug"}, PolyfillName},
	{"libm", []string{"libm"}, MathName},
	{"libmvec", []string{"libmvec"}, MathName},
}

// Entry is one line of the catalogue.
type Entry struct {
	Table  string // "libc", "libm" or "libmvec"
	Line   int    // line number in the table, for messages
	Symbol string
	Status Status
	// Source is, for polyfills, the source path under src/common/polyfill.
	Source string
	// Member is, for polyfills and aliases, the archive member (without
	// ".o") that defines Symbol: by default the symbol without leading
	// underscores; polyfills sharing one source may share one member.
	Member string
	// Target is what an alias's thunk jumps to, or a vector wrapper's
	// scalar function.
	Target string
	// Library is the glibc library (abidb name, e.g. "libresolv") that
	// exports an alias's Target when the link may not otherwise include
	// it; the sysroot offers it as-needed after the polyfills.
	Library string
	Note    string
}

// Archive names the archive the entry's member is built into ("" for
// statuses that build nothing).
func (e Entry) Archive() string {
	switch e.Status {
	case StatusPolyfill, StatusAlias, StatusVector:
		for _, t := range Tables {
			if t.Name == e.Table {
				return t.Archive
			}
		}
	}
	return ""
}

// Impl is the third column as written: source[:member], target[@library],
// or "-".
func (e Entry) Impl() string {
	switch e.Status {
	case StatusPolyfill:
		if e.Member != defaultMember(e.Symbol) {
			return e.Source + ":" + e.Member
		}
		return e.Source
	case StatusAlias:
		if e.Library != "" {
			return e.Target + "@" + e.Library
		}
		return e.Target
	case StatusVector:
		return e.Target
	}
	return "-"
}

func defaultMember(sym string) string { return strings.TrimLeft(sym, "_") }

// catalogue is parsed once per process, on first use: most compatbuild
// processes (a warm link that needs no polyfill) never read it.
var catalogue = sync.OnceValues(func() (*parsedCatalogue, error) {
	return parseCatalogue(catalogueFS, sources)
})

type parsedCatalogue struct {
	entries   []Entry
	bySym     map[string]int
	overrides []Override
}

// Catalogue returns every entry of every table, in table order and then
// file order.
func Catalogue() ([]Entry, error) {
	c, err := catalogue()
	if err != nil {
		return nil, err
	}
	return c.entries, nil
}

// Lookup returns the catalogue entry of sym.
func Lookup(sym string) (Entry, bool) {
	c, err := catalogue()
	if err != nil {
		return Entry{}, false
	}
	i, ok := c.bySym[sym]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i], true
}

// parseCatalogue reads every table from tables and checks each line on its
// own (the checks against glibc's ABI data are in ValidateCatalogue).
// Sources of polyfills must exist in srcs under src/common/polyfill.
func parseCatalogue(tables fs.FS, srcs fs.FS) (*parsedCatalogue, error) {
	c := &parsedCatalogue{bySym: map[string]int{}}
	var errs []string
	members := map[string]map[string]string{} // archive → member → who
	for _, t := range Tables {
		file := "catalogue/" + t.Name + ".tsv"
		data, err := fs.ReadFile(tables, file)
		if err != nil {
			return nil, fmt.Errorf("libcompat: catalogue: %v", err)
		}
		prev := ""
		for i, line := range strings.Split(string(data), "\n") {
			n := i + 1
			bad := func(format string, args ...any) {
				errs = append(errs, fmt.Sprintf("%s:%d: %s", file, n, fmt.Sprintf(format, args...)))
			}
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
				prev = "" // sections restart the sort order
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) < 3 || len(f) > 4 {
				bad("want symbol<TAB>status<TAB>impl<TAB>note, got %d fields", len(f))
				continue
			}
			e := Entry{Table: t.Name, Line: n, Symbol: f[0], Status: Status(f[1])}
			if len(f) == 4 {
				e.Note = strings.TrimSpace(f[3])
			}
			impl := f[2]
			if !isCIdent(e.Symbol) {
				bad("%q is not a symbol name", e.Symbol)
				continue
			}
			if prev != "" && e.Symbol < prev {
				bad("%s is out of order (after %s): keep each section sorted", e.Symbol, prev)
			}
			prev = e.Symbol
			if j, dup := c.bySym[e.Symbol]; dup {
				o := c.entries[j]
				bad("%s is listed twice (also catalogue/%s.tsv:%d)", e.Symbol, o.Table, o.Line)
				continue
			}
			switch e.Status {
			case StatusPolyfill:
				e.Source, e.Member, _ = strings.Cut(impl, ":")
				if e.Member == "" {
					e.Member = defaultMember(e.Symbol)
				}
				if ext := path.Ext(e.Source); ext != ".c" && ext != ".S" {
					bad("polyfill source %q: want a .c or .S file under src/common/polyfill", e.Source)
				} else if _, err := fs.Stat(srcs, "src/common/polyfill/"+e.Source); err != nil || path.Clean(e.Source) != e.Source || strings.HasPrefix(e.Source, "../") {
					bad("polyfill source %q does not exist under src/common/polyfill", e.Source)
				}
				if !isCIdent(e.Member) {
					bad("member %q is not an identifier", e.Member)
				}
			case StatusAlias:
				e.Target, e.Library, _ = strings.Cut(impl, "@")
				e.Member = defaultMember(e.Symbol)
				if !isCIdent(e.Target) || (e.Library != "" && !isCIdent(e.Library)) {
					bad("alias target %q: want symbol or symbol@library", impl)
				}
				if e.Target == e.Symbol {
					bad("%s is an alias of itself", e.Symbol)
				}
			case StatusVector:
				e.Target = impl
				if t.Name != "libmvec" {
					bad("status vector is for libmvec.tsv only")
				}
				if !isCIdent(impl) {
					bad("vector wrapper of %q: want the scalar function's name", impl)
				}
			case StatusNonshared, StatusRefused:
				if impl != "-" {
					bad("status %s takes impl -, got %q", e.Status, impl)
				}
				if e.Status == StatusRefused && e.Note == "" {
					bad("%s is refused without a reason: the note must say why and what to do instead", e.Symbol)
				}
			default:
				bad("unknown status %q (want polyfill, alias, nonshared, refused or vector)", f[1])
				continue
			}
			if e.Member != "" {
				arch := e.Archive()
				if members[arch] == nil {
					members[arch] = map[string]string{}
				}
				key := e.Source
				if e.Status != StatusPolyfill {
					key = "alias " + e.Symbol
				}
				if who, ok := members[arch][e.Member]; ok && who != key {
					bad("member %s of %s is also built from %s", e.Member, arch, who)
				}
				members[arch][e.Member] = key
			}
			c.bySym[e.Symbol] = len(c.entries)
			c.entries = append(c.entries, e)
		}
	}
	errs = append(errs, parseOverrides(tables, c)...)
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("libcompat: catalogue:\n  %s", strings.Join(errs, "\n  "))
	}
	return c, nil
}

func isCIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
