package abidb

// The embedded data's decoding: the format is written by ./gen (see its
// package comment); a library's symbol records stay raw until first use.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

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
