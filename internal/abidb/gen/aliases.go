package main

// Symbol identity: which names are one object in the real library, and
// which names glibc binds STB_WEAK. The abilists do not say; the tables in
// aliases/<abi>.txt, derived from real glibc builds by ../aliasgen, do, for
// the releases that were read (2.31, 2.36, 2.41 on most ABIs).
//
// Every other release takes each name's identity from the nearest release
// read that exports the name (by release number; the older of two equally
// near ones), restricted to the names the release itself exports. Why this
// is sound: glibc makes names one object in its sources (weak_alias,
// strong_alias, versioned_symbol and compat_symbol over one definition),
// and those declarations change rarely. Among the names both of two
// neighbouring releases read export, on x86_64 40 of 2745 objects differ
// between 2.31 and 2.36 and 14 of 3237 between 2.36 and 2.41 (i386,
// aarch64 and arm alike; `go run ./gen -alias-report` lists them): every
// one a function (an implementation shared or split, such as strtoimax
// joining strtol in 2.36, or a binding flipped), whose identity changes
// nothing at run time. No data object, which is what a copy relocation
// splits (environ, tzname, __progname, signgam...), differs, except the
// binding of __malloc_initialize_hook, which no new link can bind. A name
// no release read exports (added after 2.41, or gone before 2.31) is a
// GLOBAL name of an object of its own: nothing is known to join it.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// aliasMember is one name of an object: symbol@node and its binding.
type aliasMember struct {
	name, node string
	weak       bool
}

func (m aliasMember) key() string { return m.name + "@" + m.node }

func (m aliasMember) String() string {
	if m.weak {
		return m.key() + ":weak"
	}
	return m.key()
}

// aliasObject is one line of a table: an object of lib, its names, and
// the releases read whose library has exactly that object.
type aliasObject struct {
	lib      string
	releases []string
	members  []aliasMember
}

// readAliasTable reads aliases/<abi>.txt. A missing file is an error: every
// ABI the database covers has one.
func readAliasTable(path string) ([]aliasObject, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("alias table: %v (run ../aliasgen to derive it)", err)
	}
	defer f.Close()
	var out []aliasObject
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			return nil, fmt.Errorf("%s:%d: want <library> <releases> <name>@<node>..., got %q", path, lineNo, line)
		}
		o := aliasObject{lib: fields[0], releases: strings.Split(fields[1], ",")}
		for _, r := range o.releases {
			if _, ok := releaseIndex(r); !ok {
				return nil, fmt.Errorf("%s:%d: %q is not a release from 2.%d to 2.%d", path, lineNo, r, firstMinor, lastMinor)
			}
		}
		for _, f := range fields[2:] {
			spec, weak := strings.CutSuffix(f, ":weak")
			name, node, ok := strings.Cut(spec, "@")
			if !ok || name == "" || node == "" || strings.ContainsAny(spec, ":") {
				return nil, fmt.Errorf("%s:%d: bad member %q: want name@node or name@node:weak", path, lineNo, f)
			}
			o.members = append(o.members, aliasMember{name, node, weak})
		}
		out = append(out, o)
	}
	return out, sc.Err()
}

func releaseIndex(r string) (int, bool) {
	for m := firstMinor; m <= lastMinor; m++ {
		if r == fmt.Sprintf("2.%d", m) {
			return m - firstMinor, true
		}
	}
	return 0, false
}

// aliasRecord is an object as the database stores it: its names and the
// releases (a mask over the release list) in which it is exactly that.
type aliasRecord struct {
	mask    uint64
	members []aliasMember
}

// exportsAt returns lib's symbol@node names at release bit, with kinds.
func exportsAt(ld *libData, bit int) map[string]string {
	out := map[string]string{}
	for k, m := range ld.syms {
		if m&(1<<bit) != 0 {
			out[k.name+"@"+k.node] = k.kind
		}
	}
	return out
}

// aliasRecords applies the nearest-release rule (see the file comment) to
// the objects of one ABI's table and returns, per library, the records to
// store. It checks the table against the abilists first: every name must
// be exported by its library in the releases the line names, and the names
// of one object must be all functions or all data.
func aliasRecords(abi string, releases []string, libs map[string]*libData, table []aliasObject) (map[string][]aliasRecord, error) {
	// read[lib][release bit] = the objects of that library in that release.
	read := map[string]map[int][]aliasObject{}
	readBits := map[int]bool{}
	for _, o := range table {
		ld := libs[o.lib]
		if ld == nil {
			return nil, fmt.Errorf("alias table %s: no library %s", abi, o.lib)
		}
		for _, r := range o.releases {
			bit, _ := releaseIndex(r)
			readBits[bit] = true
			ex := exportsAt(ld, bit)
			kind := ""
			for _, m := range o.members {
				k, ok := ex[m.key()]
				if !ok {
					return nil, fmt.Errorf("alias table %s: %s does not export %s in %s (abilist)", abi, o.lib, m.key(), r)
				}
				if kind != "" && k != kind {
					return nil, fmt.Errorf("alias table %s: %s %s mixes functions and data (%v)", abi, o.lib, r, o.members)
				}
				kind = k
			}
			if read[o.lib] == nil {
				read[o.lib] = map[int][]aliasObject{}
			}
			read[o.lib][bit] = append(read[o.lib][bit], o)
		}
	}
	var readList []int
	for b := range readBits {
		readList = append(readList, b)
	}
	sort.Ints(readList)
	if len(readList) == 0 {
		return nil, fmt.Errorf("alias table %s: no objects", abi)
	}
	out := map[string][]aliasRecord{}
	for _, lib := range sortedKeys(libs) {
		ld := libs[lib]
		byMembers := map[string]*aliasRecord{}
		var order []string
		for bit := range releases {
			ex := exportsAt(ld, bit)
			if len(ex) == 0 {
				continue
			}
			for _, o := range aliasesAt(bit, readList, read[lib], ex, func(f int) map[string]string { return exportsAt(ld, f) }) {
				k := fmt.Sprint(o)
				if byMembers[k] == nil {
					byMembers[k] = &aliasRecord{members: o}
					order = append(order, k)
				}
				byMembers[k].mask |= 1 << bit
			}
		}
		sort.Strings(order)
		for _, k := range order {
			out[lib] = append(out[lib], *byMembers[k])
		}
	}
	return out, nil
}

// aliasesAt returns the objects of one library at release bit that have
// more than one name or a weak name, each name taken from the nearest
// release read that exports it: read[f] are that library's objects in
// release f, ex the names the library exports at bit, exportsOf(f) those
// it exports at f. Releases are visited nearest first, and a name is
// placed once: an object of a farther release keeps only the names no
// nearer release has placed.
func aliasesAt(bit int, readList []int, read map[int][]aliasObject, ex map[string]string, exportsOf func(int) map[string]string) [][]aliasMember {
	near := slices.Clone(readList)
	dist := func(f int) int { return max(f-bit, bit-f) }
	sort.SliceStable(near, func(i, j int) bool { return dist(near[i]) < dist(near[j]) })
	assigned := map[string]bool{}
	var out [][]aliasMember
	for _, f := range near {
		for _, o := range read[f] {
			var ms []aliasMember
			for _, m := range o.members {
				if _, ok := ex[m.key()]; ok && !assigned[m.key()] {
					ms = append(ms, m)
				}
			}
			for _, m := range ms {
				assigned[m.key()] = true
			}
			if len(ms) > 1 || len(ms) == 1 && ms[0].weak {
				out = append(out, ms)
			}
		}
		// What f exports and no object of f names is a GLOBAL name of its
		// own object there.
		for k := range exportsOf(f) {
			if _, ok := ex[k]; ok {
				assigned[k] = true
			}
		}
	}
	return out
}

// aliasTablePath is where the generator finds abi's table.
func aliasTablePath(dir, abi string) string { return filepath.Join(dir, abi+".txt") }

// aliasReport prints, for each pair of releases read on abi, the names
// both export whose object (restricted to the names both export) or
// binding differs between the two: the error the nearest-release rule can
// make for releases between them is bounded by these differences.
func aliasReport(w *strings.Builder, abi string, libs map[string]*libData, table []aliasObject) {
	type view struct {
		class map[string]string // name@node -> its object's sorted names, restricted
		weak  map[string]bool
	}
	byRel := map[string]map[string][]aliasObject{} // release -> lib -> objects
	for _, o := range table {
		for _, r := range o.releases {
			if byRel[r] == nil {
				byRel[r] = map[string][]aliasObject{}
			}
			byRel[r][o.lib] = append(byRel[r][o.lib], o)
		}
	}
	rels := sortedKeys(byRel)
	sort.Slice(rels, func(i, j int) bool { return releaseLess(rels[i], rels[j]) })
	for i := 0; i+1 < len(rels); i++ {
		a, b := rels[i], rels[i+1]
		ba, _ := releaseIndex(a)
		bb, _ := releaseIndex(b)
		total, differ := 0, 0
		for _, lib := range sortedKeys(libs) {
			exA, exB := exportsAt(libs[lib], ba), exportsAt(libs[lib], bb)
			common := map[string]string{}
			for k, kind := range exA {
				if _, ok := exB[k]; ok {
					common[k] = kind
				}
			}
			mk := func(objs []aliasObject) view {
				v := view{class: map[string]string{}, weak: map[string]bool{}}
				for _, o := range objs {
					var names []string
					for _, m := range o.members {
						if _, ok := common[m.key()]; ok {
							names = append(names, m.key())
							v.weak[m.key()] = m.weak
						}
					}
					for _, n := range names {
						v.class[n] = strings.Join(names, " ")
					}
				}
				return v
			}
			va, vb := mk(byRel[a][lib]), mk(byRel[b][lib])
			seen := map[string]bool{}
			for _, k := range sortedKeys(common) {
				ca, cb := va.class[k], vb.class[k]
				if ca == "" {
					ca = k
				}
				if cb == "" {
					cb = k
				}
				if seen[ca] {
					continue
				}
				seen[ca] = true
				total++
				if ca != cb || va.weak[k] != vb.weak[k] {
					differ++
					fmt.Fprintf(w, "%s %s %s..%s: %s [%s] | %s [%s] (%s)\n", abi, lib, a, b, ca, weakOf(va.weak, ca), cb, weakOf(vb.weak, cb), common[k])
				}
			}
		}
		fmt.Fprintf(w, "%s %s..%s: %d of %d objects of names both export differ\n", abi, a, b, differ, total)
	}
}

func weakOf(weak map[string]bool, class string) string {
	var out []string
	for _, n := range strings.Fields(class) {
		if weak[n] {
			out = append(out, n)
		}
	}
	return "weak: " + strings.Join(out, " ")
}
