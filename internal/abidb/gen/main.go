// Command gen turns glibc's own *.abilist files into the compact database
// that package abidb embeds, so compatbuild never reads the corpus at run
// time.
//
// Usage (from internal/abidb, via go generate):
//
//	go run ./gen -src ../../../shared/glibc-abi -out data
//
// It reads <src>/<release>/<abi>/<lib>.abilist for releases 2.17–2.44 in all
// three line formats glibc used over the years, plus VERSION-MARKERS.tsv, and
// the symbol identity tables gen/aliases/<abi>.txt (see aliases.go), and
// writes one gzip-compressed text file per ABI (<abi>.abidb.gz). The output is
// a pure function of the input: same corpus and tables, same bytes.
//
// Abilists cannot tell which symbols have no default version (compat-only:
// old binaries resolve them, new links cannot); the compatOnly table below
// supplies that, and the generator checks it against the corpus's
// COMPAT-ONLY-2.36-x86_64.tsv (derived from real 2.36 libraries) when present.
//
// File format (one record per line, fields separated by one space):
//
//	compatbuild-abidb 4
//	abi <abi>
//	releases <r0> <r1> ...          release i is bit i of every mask
//	lib <name>                      following records belong to this library
//	n <node> <mask>                 version node defined by the library
//	s <symbol> <node> F <mask>      function (or IFUNC) symbol@node
//	s <symbol> <node> D <size> <mask>   data object of <size> bytes (hex)
//	c <symbol> <mask>               symbol has no default version (compat-only) in these releases
//	d <symbol> <node> <mask>        in these releases the default version is node, not the newest
//	o <mask> <symbol>@<node>[:weak] ...  one object (one address) with these names in these
//	                                releases; :weak names are STB_WEAK. Names in no record
//	                                are STB_GLOBAL names of an object of their own.
//	m <node> <lib> <release>        symbol-less node, present from <release> on
//
// Masks are hexadecimal bit sets over the release list.
package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "../../../shared/glibc-abi", "glibc-abi corpus directory")
	out := flag.String("out", "data", "output directory")
	fingerprints := flag.String("fingerprints", "fingerprint_gen.go", "Go file to write the data files' SHA-256 sums to")
	aliases := flag.String("aliases", "gen/aliases", "directory of the symbol identity tables (<abi>.txt)")
	report := flag.Bool("alias-report", false, "print where the releases read disagree about symbol identity, write nothing")
	flag.Parse()
	reportTo = nil
	if *report {
		reportTo = &strings.Builder{}
	}
	err := run(*src, *out, *aliases)
	if reportTo != nil {
		fmt.Print(reportTo.String())
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	if err == nil {
		err = writeFingerprints(*fingerprints, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// reportTo collects the -alias-report output; nil when not asked for.
var reportTo *strings.Builder

var abis = []string{"x86_64", "i386", "aarch64", "arm", "powerpc64le", "s390x", "riscv64"}

const firstMinor, lastMinor = 17, 44

type symKey struct {
	name, node, kind string
	size             uint64
}

type libData struct {
	nodes  map[string]uint64
	syms   map[symKey]uint64
	compat map[string]uint64 // symbol name -> releases where it is compat-only
}

func run(src, out, aliasDir string) error {
	var releases []string
	for m := firstMinor; m <= lastMinor; m++ {
		releases = append(releases, fmt.Sprintf("2.%d", m))
	}
	markers, err := readMarkers(filepath.Join(src, "VERSION-MARKERS.tsv"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, abi := range abis {
		libs := map[string]*libData{}
		for bit, rel := range releases {
			files, err := filepath.Glob(filepath.Join(src, rel, abi, "*.abilist"))
			if err != nil {
				return err
			}
			for _, f := range files {
				lib := strings.TrimSuffix(filepath.Base(f), ".abilist")
				ld := libs[lib]
				if ld == nil {
					ld = &libData{nodes: map[string]uint64{}, syms: map[symKey]uint64{}}
					libs[lib] = ld
				}
				if err := parseAbilist(f, ld, uint64(1)<<bit); err != nil {
					return err
				}
			}
		}
		if len(libs) == 0 {
			return fmt.Errorf("no abilist files for %s under %s", abi, src)
		}
		if err := markCompatOnly(abi, releases, libs); err != nil {
			return err
		}
		if abi == "x86_64" {
			if err := checkCompatOnly(filepath.Join(src, "COMPAT-ONLY-2.36-x86_64.tsv"), "2.36", releases, libs); err != nil {
				return err
			}
		}
		table, err := readAliasTable(aliasTablePath(aliasDir, abi))
		if err != nil {
			return err
		}
		objects, err := aliasRecords(abi, releases, libs, table)
		if err != nil {
			return err
		}
		if reportTo != nil {
			aliasReport(reportTo, abi, libs, table)
			continue
		}
		if err := writeABI(filepath.Join(out, abi+".abidb.gz"), abi, releases, libs, markers, objects); err != nil {
			return err
		}
	}
	return nil
}

// parseAbilist reads one abilist in any of glibc's three formats:
// grouped (2.16–2.22: a bare version line, then indented entries),
// flat with "A" node lines (2.23–2.27), and flat without them (2.28+).
func parseAbilist(path string, ld *libData, bit uint64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	group := ""
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Fields(line)
		indented := line[0] == ' ' || line[0] == '\t'
		var node string
		switch {
		case !indented && len(fields) == 1:
			group = fields[0]
			ld.nodes[group] |= bit
			continue
		case indented:
			if group == "" {
				return fmt.Errorf("%s:%d: indented entry outside a version group", path, lineNo)
			}
			node = group
		default:
			node, fields = fields[0], fields[1:]
		}
		if len(fields) < 2 {
			return fmt.Errorf("%s:%d: malformed line %q", path, lineNo, line)
		}
		name, kind := fields[0], fields[1]
		switch kind {
		case "A":
			ld.nodes[name] |= bit
		case "F":
			ld.nodes[node] |= bit
			ld.syms[symKey{name, node, "F", 0}] |= bit
		case "D":
			if len(fields) != 3 {
				return fmt.Errorf("%s:%d: data symbol without size: %q", path, lineNo, line)
			}
			size, err := strconv.ParseUint(strings.TrimPrefix(fields[2], "0x"), 16, 64)
			if err != nil {
				return fmt.Errorf("%s:%d: bad size in %q", path, lineNo, line)
			}
			ld.nodes[node] |= bit
			ld.syms[symKey{name, node, "D", size}] |= bit
		default:
			return fmt.Errorf("%s:%d: unknown symbol type %q", path, lineNo, kind)
		}
	}
	return sc.Err()
}

type marker struct{ node, lib, release string }

// readMarkers returns, per ABI, the symbol-less version nodes of
// VERSION-MARKERS.tsv (columns: version_node, lib, abis, first_release_tag, ...).
func readMarkers(path string) (map[string][]marker, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string][]marker{}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 4 {
			return nil, fmt.Errorf("%s:%d: want at least 4 columns", path, i+1)
		}
		lib := strings.TrimSuffix(cols[1], ".so.6")
		rel := strings.TrimPrefix(cols[3], "glibc-")
		for _, abi := range abis {
			if strings.HasPrefix(cols[2], "all") || strings.Contains(", "+cols[2]+",", " "+abi+",") {
				out[abi] = append(out[abi], marker{cols[0], lib, rel})
			}
		}
	}
	return out, nil
}

func writeABI(path, abi string, releases []string, libs map[string]*libData, markers map[string][]marker, objects map[string][]aliasRecord) error {
	var b strings.Builder
	fmt.Fprintf(&b, "compatbuild-abidb 4\nabi %s\nreleases %s\n", abi, strings.Join(releases, " "))
	for _, lib := range sortedKeys(libs) {
		ld := libs[lib]
		fmt.Fprintf(&b, "lib %s\n", lib)
		nodes := sortedKeys(ld.nodes)
		sort.SliceStable(nodes, func(i, j int) bool { return nodeLess(nodes[i], nodes[j]) })
		for _, n := range nodes {
			fmt.Fprintf(&b, "n %s %x\n", n, ld.nodes[n])
		}
		keys := make([]symKey, 0, len(ld.syms))
		for k := range ld.syms {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := keys[i], keys[j]
			if a.name != c.name {
				return a.name < c.name
			}
			if a.node != c.node {
				return nodeLess(a.node, c.node)
			}
			return a.size < c.size
		})
		for _, k := range keys {
			if k.kind == "D" {
				fmt.Fprintf(&b, "s %s %s D %x %x\n", k.name, k.node, k.size, ld.syms[k])
			} else {
				fmt.Fprintf(&b, "s %s %s F %x\n", k.name, k.node, ld.syms[k])
			}
		}
		for _, name := range sortedKeys(ld.compat) {
			fmt.Fprintf(&b, "c %s %x\n", name, ld.compat[name])
		}
		b.WriteString(defaultRecords(abi, lib, releases, ld))
		for _, o := range objects[lib] {
			fmt.Fprintf(&b, "o %x", o.mask)
			for _, m := range o.members {
				fmt.Fprintf(&b, " %s", m)
			}
			b.WriteByte('\n')
		}
	}
	for _, m := range markers[abi] {
		fmt.Fprintf(&b, "m %s %s %s\n", m.node, m.lib, m.release)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	if _, err := zw.Write([]byte(b.String())); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeFingerprints records each data file's SHA-256, so that caches keyed
// by the data (sysroots) need not hash it at every link.
func writeFingerprints(path, dataDir string) error {
	var b strings.Builder
	b.WriteString("// Code generated by gen; DO NOT EDIT.\n\npackage abidb\n\n// fingerprints holds the SHA-256 of each embedded data file.\nvar fingerprints = map[string]string{\n")
	for _, abi := range abis {
		data, err := os.ReadFile(filepath.Join(dataDir, abi+".abidb.gz"))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\t%q: \"%x\",\n", abi, sha256.Sum256(data))
	}
	b.WriteString("}\n")
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// nodeLess orders version nodes by family, then numerically: GLIBC_2.2.5 <
// GLIBC_2.14, so the output reads like glibc's history.
func nodeLess(a, b string) bool {
	fa, va := splitNode(a)
	fb, vb := splitNode(b)
	if fa != fb {
		return fa < fb
	}
	for i := 0; i < len(va) && i < len(vb); i++ {
		if va[i] != vb[i] {
			return va[i] < vb[i]
		}
	}
	if len(va) != len(vb) {
		return len(va) < len(vb)
	}
	return a < b
}

func splitNode(s string) (string, []int) {
	i := strings.LastIndexByte(s, '_')
	if i < 0 {
		return s, nil
	}
	var nums []int
	for _, p := range strings.Split(s[i+1:], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return s, nil
		}
		nums = append(nums, n)
	}
	return s[:i], nums
}
