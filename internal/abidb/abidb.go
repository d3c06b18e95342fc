// Package abidb answers questions about glibc's ABI history: which symbols
// and symbol versions each glibc library exported in each release from 2.17
// to 2.44, for every ABI glibc ships abilists for. The data is derived from
// glibc's own *.abilist files by ./gen and embedded, so nothing is read from
// disk at run time.
package abidb

//go:generate go run ./gen -src ../../../shared/glibc-abi -out data

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/*.abidb.gz
var dataFS embed.FS

// ABIs lists the ABIs the database covers, in a fixed order.
var ABIs = []string{"x86_64", "i386", "aarch64", "arm", "powerpc64le", "s390x", "riscv64"}

// Kind is what a symbol is: glibc's abilists know functions and data
// objects; TLS is for stubs built from other sources.
type Kind uint8

const (
	Func Kind = iota
	Object
	TLS
)

func (k Kind) String() string {
	switch k {
	case Func:
		return "function"
	case Object:
		return "object"
	case TLS:
		return "tls"
	}
	return "unknown"
}

// SymbolVersion is one symbol@node pair as a library exports it.
type SymbolVersion struct {
	Name string
	Node string // version node, e.g. GLIBC_2.14
	Kind Kind
	Size uint64 // object size in bytes; 0 for functions
	// Default is set by Exports and Bind: a new link at the target binds
	// this version (name@@node). False for older versions and for every
	// version of a compat-only symbol (see DB.CompatOnly).
	Default bool
	// Weak and Alias are set by Exports, from real glibc builds (see
	// gen/aliases.go): Weak says glibc binds this name STB_WEAK; entries
	// with the same non-empty Alias are one object in the real library
	// (one address: environ, _environ and __environ), named by the
	// object's first name@node. Empty for an object with one name.
	Weak  bool
	Alias string
	// releases is the set of releases (bit i = DB.Releases()[i]) that export it.
	releases uint64
}

type library struct {
	name  string
	nodes map[string]uint64
	// raw holds the library's "s" and "c" records until first use.
	raw     []byte
	rawLine int
	once    sync.Once
	symbols map[string][]SymbolVersion // sorted oldest node first
	compat  map[string]uint64          // releases in which a name has no default version
	objects []object                   // "o" records: names that are one object
	// defaults are the names whose default version is not the newest in
	// some releases ("d" records).
	defaults map[string][]defaultNode
}

// object is one "o" record: the names (name@node) of one object of the
// real library in the releases of mask, and which of them are weak.
type object struct {
	mask    uint64
	members []string
	weak    []bool
}

// defaultNode says node is a name's default version in the releases of mask.
type defaultNode struct {
	node string
	mask uint64
}

type marker struct {
	node, lib string
	release   Version
}

// DB is the history of one ABI.
type DB struct {
	abi      string
	releases []Version
	libs     map[string]*library
	libNames []string
	markers  []marker
}

var (
	loadMu sync.Mutex
	loaded = map[string]*DB{}
)

// Load returns the database for abi (one of ABIs), decoding it on first use.
func Load(abi string) (*DB, error) {
	loadMu.Lock()
	defer loadMu.Unlock()
	if db := loaded[abi]; db != nil {
		return db, nil
	}
	if !slices.Contains(ABIs, abi) {
		return nil, fmt.Errorf("unsupported ABI %q: compatbuild knows %s", abi, strings.Join(ABIs, ", "))
	}
	f, err := dataFS.Open("data/" + abi + ".abidb.gz")
	if err != nil {
		return nil, fmt.Errorf("abidb: embedded data for %s missing: %w", abi, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("abidb: embedded data for %s: %w", abi, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("abidb: embedded data for %s: %w", abi, err)
	}
	db, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("abidb: embedded data for %s: %w", abi, err)
	}
	loaded[abi] = db
	return db, nil
}

// MustLoad is Load for ABIs known to be present (tests, tables).
func MustLoad(abi string) *DB {
	db, err := Load(abi)
	if err != nil {
		panic(err)
	}
	return db
}

// decode reads the header, library and node records eagerly and leaves
// each library's symbol and compat records ("s", "c") as raw text, parsed
// on first use: most callers (every link's output check) only need nodes.
func decode(data []byte) (*DB, error) {
	db := &DB{libs: map[string]*library{}}
	var cur *library
	rawStart := -1
	for line, start := 1, 0; start < len(data); line++ {
		end := len(data)
		if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
			end = start + i
		}
		text := data[start:end]
		lineStart := start
		start = end + 1
		if len(text) > 1 && (text[0] == 's' || text[0] == 'c' || text[0] == 'd' || text[0] == 'o') && text[1] == ' ' {
			// A library's symbol records are one contiguous block.
			if cur == nil || (cur.raw != nil && rawStart < 0) {
				return nil, fmt.Errorf("line %d: symbol record outside its library's block", line)
			}
			if rawStart < 0 {
				rawStart, cur.rawLine = lineStart, line
			}
			cur.raw = data[rawStart:end]
			continue
		}
		rawStart = -1
		f := strings.Fields(string(text))
		bad := func() error { return fmt.Errorf("line %d: malformed record %q", line, text) }
		if len(f) == 0 {
			return nil, bad()
		}
		switch f[0] {
		case "compatbuild-abidb":
			if len(f) != 2 || (f[1] != "1" && f[1] != "2" && f[1] != "3" && f[1] != "4") {
				return nil, fmt.Errorf("line %d: unsupported format %q", line, text)
			}
		case "abi":
			if len(f) != 2 {
				return nil, bad()
			}
			db.abi = f[1]
		case "releases":
			for _, s := range f[1:] {
				v, err := ParseVersion(s)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				db.releases = append(db.releases, v)
			}
		case "lib":
			if len(f) != 2 {
				return nil, bad()
			}
			cur = &library{name: f[1], nodes: map[string]uint64{}}
			db.libs[cur.name] = cur
			db.libNames = append(db.libNames, cur.name)
		case "n":
			if cur == nil || len(f) != 3 {
				return nil, bad()
			}
			mask, err := strconv.ParseUint(f[2], 16, 64)
			if err != nil {
				return nil, bad()
			}
			cur.nodes[f[1]] = mask
		case "m":
			if len(f) != 4 {
				return nil, bad()
			}
			v, err := ParseVersion(f[3])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			db.markers = append(db.markers, marker{f[1], f[2], v})
		default:
			return nil, bad()
		}
	}
	if db.abi == "" || len(db.releases) == 0 || len(db.libs) == 0 {
		return nil, fmt.Errorf("incomplete database (abi %q, %d releases, %d libraries)", db.abi, len(db.releases), len(db.libs))
	}
	return db, nil
}

// parseSymbols turns a library's raw "s", "c", "d" and "o" records into maps. The
// data is embedded and validated by the generator and by tests that parse
// every library, so a malformed record here is a build defect: it panics.
func (l *library) parseSymbols() {
	l.symbols = map[string][]SymbolVersion{}
	l.compat = map[string]uint64{}
	for i, text := range strings.Split(string(l.raw), "\n") {
		f := strings.Fields(text)
		bad := func() {
			panic(fmt.Sprintf("abidb: embedded data, library %s, line %d: malformed record %q", l.name, l.rawLine+i, text))
		}
		if len(f) < 3 {
			bad()
		}
		if f[0] == "c" {
			mask, err := strconv.ParseUint(f[2], 16, 64)
			if err != nil || len(f) != 3 {
				bad()
			}
			l.compat[f[1]] = mask
			continue
		}
		if f[0] == "d" {
			if len(f) != 4 {
				bad()
			}
			mask, err := strconv.ParseUint(f[3], 16, 64)
			if err != nil {
				bad()
			}
			if l.defaults == nil {
				l.defaults = map[string][]defaultNode{}
			}
			l.defaults[f[1]] = append(l.defaults[f[1]], defaultNode{f[2], mask})
			continue
		}
		if f[0] == "o" {
			mask, err := strconv.ParseUint(f[1], 16, 64)
			if err != nil {
				bad()
			}
			o := object{mask: mask}
			for _, m := range f[2:] {
				key, weak := strings.CutSuffix(m, ":weak")
				if !strings.Contains(key, "@") {
					bad()
				}
				o.members, o.weak = append(o.members, key), append(o.weak, weak)
			}
			l.objects = append(l.objects, o)
			continue
		}
		if len(f) < 5 {
			bad()
		}
		sv := SymbolVersion{Name: f[1], Node: f[2]}
		maskField := f[4]
		switch {
		case f[3] == "F" && len(f) == 5:
			sv.Kind = Func
		case f[3] == "D" && len(f) == 6:
			sv.Kind = Object
			size, err := strconv.ParseUint(f[4], 16, 64)
			if err != nil {
				bad()
			}
			sv.Size, maskField = size, f[5]
		default:
			bad()
		}
		mask, err := strconv.ParseUint(maskField, 16, 64)
		if err != nil {
			bad()
		}
		sv.releases = mask
		l.symbols[sv.Name] = append(l.symbols[sv.Name], sv)
	}
}

// syms returns the library's symbols, parsing them on first use.
func (l *library) syms() map[string][]SymbolVersion {
	l.once.Do(l.parseSymbols)
	return l.symbols
}

// defaultAt returns the node of name's default version at release bit
// when it is not the newest listed ("d" records), else "".
func (l *library) defaultAt(name string, bit int) string {
	l.once.Do(l.parseSymbols)
	for _, d := range l.defaults[name] {
		if d.mask&(1<<bit) != 0 {
			return d.node
		}
	}
	return ""
}

// compatMasks returns the compat-only records, parsing them on first use.
func (l *library) compatMasks() map[string]uint64 {
	l.once.Do(l.parseSymbols)
	return l.compat
}

// ABI names the ABI this database describes.
func (db *DB) ABI() string { return db.abi }

// Releases lists the glibc releases with data for this ABI, oldest first.
// riscv64, for example, starts at 2.27, where glibc first supported it.
func (db *DB) Releases() []Version {
	var out []Version
	for i, r := range db.releases {
		if db.anyLibAt(i) {
			out = append(out, r)
		}
	}
	return out
}

func (db *DB) anyLibAt(bit int) bool {
	for _, l := range db.libs {
		for _, m := range l.nodes {
			if m&(1<<bit) != 0 {
				return true
			}
		}
	}
	return false
}

// First is the oldest release with data for this ABI.
func (db *DB) First() Version { return db.Releases()[0] }

// Last is the newest release in the database.
func (db *DB) Last() Version { return db.releases[len(db.releases)-1] }

// releaseBit maps a target to the release whose lists describe it and a
// node filter: a target inside the database uses its own lists; an older
// target (e.g. 2.12) uses the oldest lists, keeping only nodes ≤ target.
// libraryAt returns lib's data and target's release bit, or says which
// of the two the database lacks.
func (db *DB) libraryAt(lib string, target Version) (*library, int, error) {
	bit, err := db.releaseBit(target)
	if err != nil {
		return nil, 0, err
	}
	l := db.libs[lib]
	if l == nil {
		return nil, 0, fmt.Errorf("%s has no library %q", db.abi, lib)
	}
	return l, bit, nil
}

func (db *DB) releaseBit(target Version) (bit int, err error) {
	rels := db.Releases()
	if target.Less(rels[0]) {
		return slices.Index(db.releases, rels[0]), nil
	}
	for i, r := range db.releases {
		if r == (Version{target.Major, target.Minor, 0}) {
			if !db.anyLibAt(i) {
				break
			}
			return i, nil
		}
	}
	return 0, fmt.Errorf("glibc %s is not a release compatbuild knows for %s: use %s to %s", target, db.abi, rels[0], db.Last())
}

func (db *DB) nodeAllowed(node string, target Version) bool {
	family, v, ok := NodeVersion(node)
	if !ok || family != "GLIBC" {
		return true // e.g. GCC_3.0 on i386: present since the baseline
	}
	return !target.Less(v)
}

// Libraries lists the libraries (short names like "libc", "libpthread")
// that exist at target, sorted.
func (db *DB) Libraries(target Version) ([]string, error) {
	bit, err := db.releaseBit(target)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range db.libNames {
		for _, m := range db.libs[name].nodes {
			if m&(1<<bit) != 0 {
				out = append(out, name)
				break
			}
		}
	}
	return out, nil
}

// Nodes lists the version nodes lib defines at target, oldest first,
// including nodes that carry no symbol and symbol-less markers.
func (db *DB) Nodes(lib string, target Version) ([]string, error) {
	l, bit, err := db.libraryAt(lib, target)
	if err != nil {
		return nil, err
	}
	var out []string
	for n, m := range l.nodes {
		if m&(1<<bit) != 0 && db.nodeAllowed(n, target) {
			out = append(out, n)
		}
	}
	for _, mk := range db.markers {
		if mk.lib == lib && !target.Less(mk.release) {
			out = append(out, mk.node)
		}
	}
	sortNodes(out)
	return out, nil
}

// Exports lists every symbol@node that lib exports at target, sorted by name
// and then oldest node first. For each name, the last entry is the one a new
// link binds to (Default is set), unless the symbol is compat-only at
// target: then no entry is the default and new links cannot bind it.
func (db *DB) Exports(lib string, target Version) ([]SymbolVersion, error) {
	l, bit, err := db.libraryAt(lib, target)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(l.syms()))
	for n := range l.syms() {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []SymbolVersion
	for _, n := range names {
		first := len(out)
		for _, sv := range l.syms()[n] {
			if sv.releases&(1<<bit) != 0 && db.nodeAllowed(sv.Node, target) {
				out = append(out, sv)
			}
		}
		if len(out) > first && l.compatMasks()[n]&(1<<bit) == 0 {
			def := len(out) - 1
			if node := l.defaultAt(n, bit); node != "" {
				for i := first; i < len(out); i++ {
					if out[i].Node == node {
						def = i
					}
				}
			}
			out[def].Default = true
		}
	}
	l.markIdentity(out, bit)
	return out, nil
}

// markIdentity sets Weak and Alias on exports (one library's, at release
// bit) from the library's object records.
func (l *library) markIdentity(exports []SymbolVersion, bit int) {
	index := make(map[string]int, len(exports))
	for i, sv := range exports {
		index[sv.Name+"@"+sv.Node] = i
	}
	for _, o := range l.objects {
		if o.mask&(1<<bit) == 0 {
			continue
		}
		alias := ""
		if len(o.members) > 1 {
			alias = o.members[0]
		}
		for j, key := range o.members {
			if i, ok := index[key]; ok {
				exports[i].Weak, exports[i].Alias = o.weak[j], alias
			}
		}
	}
}

// CompatOnly reports whether lib exports symbol at target only as
// compatibility versions (name@node, no name@@node): binaries linked
// against older releases still resolve it, new links cannot bind it
// (sys_errlist from 2.32, the malloc hooks from 2.34). since is the first
// release (within the database's range) where that holds.
func (db *DB) CompatOnly(lib, symbol string, target Version) (since Version, ok bool) {
	bit, err := db.releaseBit(target)
	if err != nil {
		return Version{}, false
	}
	l := db.libs[lib]
	if l == nil || l.compatMasks()[symbol]&(1<<bit) == 0 {
		return Version{}, false
	}
	for i, r := range db.releases {
		if l.compatMasks()[symbol]&(1<<i) != 0 {
			return r, true
		}
	}
	return Version{}, false
}

// NotAvailableError says a symbol cannot be linked at the target release.
type NotAvailableError struct {
	ABI, Lib, Symbol string
	Target           Version
	Since            Version // first release that has it in Lib; zero if none
	Removed          bool    // Lib had it before Target but no longer does
	// CompatOnly: Lib still exports it at Target, but only for binaries
	// linked against older releases (no default version since CompatSince).
	CompatOnly  bool
	CompatSince Version
}

func (e *NotAvailableError) Error() string {
	if e.CompatOnly {
		return fmt.Sprintf("%s is only a compatibility symbol of %s since glibc %s (target %s, %s): old binaries still load, new links cannot use it", e.Symbol, e.Lib, e.CompatSince, e.Target, e.ABI)
	}
	if e.Removed {
		return fmt.Sprintf("%s is no longer exported by %s at glibc %s (%s)", e.Symbol, e.Lib, e.Target, e.ABI)
	}
	if e.Since.IsZero() {
		return fmt.Sprintf("%s is not exported by %s in any glibc release up to %s (%s)", e.Symbol, e.Lib, lastKnown, e.ABI)
	}
	return fmt.Sprintf("%s is not available in %s before glibc %s (target %s, %s)", e.Symbol, e.Lib, e.Since, e.Target, e.ABI)
}

const lastKnown = "2.44"

// Bind returns the symbol version that a link of symbol against lib at the
// target release binds to: the newest version lib lists at that release.
// If there is none it returns a *NotAvailableError.
func (db *DB) Bind(lib, symbol string, target Version) (SymbolVersion, error) {
	l, bit, err := db.libraryAt(lib, target)
	if err != nil {
		return SymbolVersion{}, err
	}
	var best SymbolVersion
	found := false
	def := l.defaultAt(symbol, bit)
	for _, sv := range l.syms()[symbol] {
		if sv.releases&(1<<bit) != 0 && db.nodeAllowed(sv.Node, target) && (def == "" || sv.Node == def) {
			best, found = sv, true
		}
	}
	e := &NotAvailableError{ABI: db.abi, Lib: lib, Symbol: symbol, Target: target}
	if found {
		if since, compat := db.CompatOnly(lib, symbol, target); compat {
			e.CompatOnly, e.CompatSince = true, since
			return SymbolVersion{}, e
		}
		best.Default = true
		return best, nil
	}
	for _, sv := range l.syms()[symbol] {
		since := db.introduced(sv)
		if target.Less(since) && (e.Since.IsZero() || since.Less(e.Since)) {
			e.Since = since
		}
		if !since.IsZero() && !target.Less(since) {
			e.Removed = true
		}
	}
	return SymbolVersion{}, e
}

// introduced is the oldest release that exported sv: the first list that
// has it, or for entries already in the oldest list, the release named by
// its node (glibc 2.15 introduced GLIBC_2.15 symbols).
func (db *DB) introduced(sv SymbolVersion) Version {
	first := db.First()
	for i, r := range db.releases {
		if sv.releases&(1<<i) == 0 {
			continue
		}
		if r == first {
			if _, v, ok := NodeVersion(sv.Node); ok && v.Less(first) {
				return v
			}
		}
		return r
	}
	return Version{}
}

// LibraryOf says which library a link against target resolves symbol from:
// the library whose default version of it is newest (in 2.34
// pthread_key_create is in libc.so.6 as GLIBC_2.34 and only as a compat
// placeholder nowhere else). ok is false when no library has it.
func (db *DB) LibraryOf(symbol string, target Version) (lib string, sv SymbolVersion, ok bool) {
	for _, name := range db.libNames {
		got, err := db.Bind(name, symbol, target)
		if err != nil {
			continue
		}
		if !ok || nodeLess(sv.Node, got.Node) {
			lib, sv, ok = name, got, true
		}
	}
	return lib, sv, ok
}

// NodeRelease returns the glibc release that introduced a version node:
// GLIBC_2.34 → 2.34, GLIBC_2.3.4 → 2.3.4, and the symbol-less markers from
// the table (GLIBC_ABI_DT_RELR → 2.36). ok is false for nodes glibc never
// had on this ABI, GLIBC_PRIVATE included.
func (db *DB) NodeRelease(node string) (Version, bool) {
	for _, mk := range db.markers {
		if mk.node == node {
			return mk.release, true
		}
	}
	family, v, ok := NodeVersion(node)
	if !ok || family != "GLIBC" {
		return Version{}, false
	}
	for _, l := range db.libs {
		if _, ok := l.nodes[node]; ok {
			return v, true
		}
	}
	return Version{}, false
}

// IsMarker reports whether node is a symbol-less version node.
func (db *DB) IsMarker(node string) bool {
	for _, mk := range db.markers {
		if mk.node == node {
			return true
		}
	}
	return false
}

// History returns every version of symbol in every library, with the
// releases (from this database's range) that export it.
func (db *DB) History(symbol string) []Appearance {
	var out []Appearance
	for _, name := range db.libNames {
		for _, sv := range db.libs[name].syms()[symbol] {
			a := Appearance{Lib: name, SymbolVersion: sv}
			for i, r := range db.releases {
				if sv.releases&(1<<i) != 0 {
					a.Releases = append(a.Releases, r)
				}
			}
			out = append(out, a)
		}
	}
	return out
}

// Appearance is one symbol@node in one library and the releases that
// export it.
type Appearance struct {
	Lib string
	SymbolVersion
	Releases []Version
}

func sortNodes(nodes []string) {
	sort.SliceStable(nodes, func(i, j int) bool { return nodeLess(nodes[i], nodes[j]) })
}

// nodeLess orders numbered nodes by number and puts names without a number
// (markers) after them.
func nodeLess(a, b string) bool {
	fa, va, oka := NodeVersion(a)
	fb, vb, okb := NodeVersion(b)
	switch {
	case oka && okb && fa == fb:
		if c := va.Compare(vb); c != 0 {
			return c < 0
		}
	case oka != okb:
		return oka
	}
	return a < b
}

// Fingerprint identifies the embedded data for abi (its SHA-256, recorded
// by the generator), so caches built from it can be keyed by content.
func Fingerprint(abi string) (string, error) {
	sum, ok := fingerprints[abi]
	if !ok {
		return "", fmt.Errorf("unsupported ABI %q: compatbuild knows %s", abi, strings.Join(ABIs, ", "))
	}
	return sum, nil
}
