package check

import (
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/elfinfo"
)

// Family is everything a file needs from one versioned family of version
// nodes: GLIBC (glibc's libraries), GLIBCXX and CXXABI (libstdc++), GCC
// (libgcc_s), LIBATOMIC, GOMP/OMP (libgomp), GFORTRAN, QUADMATH, ZLIB, or
// any other library's (OPENSSL from libssl.so.3), named by the node's
// prefix up to the first '_' as auditwheel names them.
type Family struct {
	Name    string `json:"name"`    // GLIBCXX
	Library string `json:"library"` // libstdc++.so.6: the library the newest node is needed from
	// Newest is the newest node needed (GLIBCXX_3.4.30); for families
	// whose nodes carry no version number, the last one in the file.
	Newest string `json:"newest"`
	// Introduced names the release that introduced Newest, when known:
	// "glibc 2.34", "GCC 12.1.0".
	Introduced string   `json:"introduced,omitempty"`
	Nodes      []string `json:"nodes"`   // every node needed, oldest first
	Symbols    []string `json:"symbols"` // the imported symbols bound to Newest
	// Source says where the family comes from on a target: "glibc",
	// "gcc" (GCC's runtime libraries: measured per distro for libstdc++,
	// libgcc_s and libatomic; judged by the distro's GCC release for
	// libgomp, libgfortran, libquadmath), "zlib", or "" for a library
	// compatbuild has no data on.
	Source string `json:"source,omitempty"`
	// Note says what the need means for shipping the file, for families
	// that are not part of every base system.
	Note string `json:"note,omitempty"`
	// Via names the bundled library that needs it, in a bundle's list.
	Via string `json:"via,omitempty"`

	weakOnly bool
}

// familyOf is auditwheel's family of a node: the prefix up to the first
// '_' (GLIBCXX_3.4 → GLIBCXX, CXXABI_TM_1 → CXXABI, GOMP_PLUGIN_1.0 → GOMP).
func familyOf(node string) string {
	f, _, _ := strings.Cut(node, "_")
	return f
}

// gccRuntimeNodes is the GCC release that introduced each version node of
// GCC's runtime libraries beyond libstdc++ (gccForNode) and libgcc_s (whose
// nodes are named after the release): the minimal package version Debian's
// symbols files record per node (bookworm: libgomp1, libquadmath0,
// libatomic1, libgfortran5 of GCC 12).
var gccRuntimeNodes = map[string]string{
	"GOMP_1.0": "4.2.1", "GOMP_2.0": "4.4", "GOMP_3.0": "4.7", "GOMP_4.0": "4.9", "GOMP_4.0.1": "5",
	"GOMP_4.5": "6", "GOMP_5.0": "9", "GOMP_5.0.1": "11", "GOMP_5.1": "12",
	"GOMP_PLUGIN_1.0": "5", "GOMP_PLUGIN_1.1": "6", "GOMP_PLUGIN_1.2": "9", "GOMP_PLUGIN_1.3": "10",
	"OMP_1.0": "4.2.1", "OMP_2.0": "4.2.1", "OMP_3.0": "4.4", "OMP_3.1": "4.7", "OMP_4.0": "4.9",
	"OMP_4.5": "6", "OMP_5.0": "9", "OMP_5.0.1": "11", "OMP_5.0.2": "12", "OMP_5.1": "12",
	"GOACC_2.0": "5", "GOACC_2.0.1": "6", "GOACC_2.0.2": "12",
	"OACC_2.0": "5", "OACC_2.0.1": "8", "OACC_2.5": "9", "OACC_2.5.1": "10", "OACC_2.6": "10",
	"QUADMATH_1.0": "4.6", "QUADMATH_1.1": "6", "QUADMATH_1.2": "9",
	"LIBATOMIC_1.0": "4.8", "LIBATOMIC_1.1": "4.9", "LIBATOMIC_1.2": "6",
	"GFORTRAN_8": "8", "GFORTRAN_C99_8": "8", "GFORTRAN_F2C_8": "8", "GFORTRAN_9": "9",
	"GFORTRAN_10": "10", "GFORTRAN_12": "11.2",
}

// gccRuntimeFamilies are the families of GCC's runtime libraries that no
// distro measurement covers and no manylinux policy allows: a target has
// them only when its GCC runtime packages are installed (they are absent
// from base installs), so they are judged by the target's GCC release.
var gccRuntimeFamilies = map[string]string{
	"GOMP": "libgomp.so.1", "OMP": "libgomp.so.1", "GOACC": "libgomp.so.1", "OACC": "libgomp.so.1",
	"GFORTRAN": "libgfortran.so.5", "QUADMATH": "libquadmath.so.0",
}

// gccRuntimeSonames are GCC's runtime libraries without version nodes,
// the sanitizer runtimes, by soname, with the GCC release that first
// shipped that soname: GCC's libsanitizer takes a new one on each ABI
// break (Debian's packages are named after them: libasan6 from GCC 10,
// libasan8 from GCC 12). Like libgomp they are in no base install and no
// manylinux policy, and a target has one only from that GCC release on:
// they are judged by the target's GCC release.
var gccRuntimeSonames = map[string]string{
	"libasan.so.0": "4.8", "libasan.so.1": "4.9", "libasan.so.2": "5", "libasan.so.3": "6",
	"libasan.so.4": "7", "libasan.so.5": "8", "libasan.so.6": "10", "libasan.so.8": "12",
	"libtsan.so.0": "4.8", "libtsan.so.2": "12",
	"libubsan.so.0": "4.9", "libubsan.so.1": "8",
	"liblsan.so.0":   "4.9",
	"libhwasan.so.0": "11",
}

// familySource classifies a family.
func familySource(name string) string {
	switch name {
	case "GLIBC":
		return "glibc"
	case "GLIBCXX", "CXXABI", "GCC", "LIBATOMIC":
		return "gcc"
	case "ZLIB":
		return "zlib"
	}
	if _, ok := gccRuntimeFamilies[name]; ok {
		return "gcc"
	}
	return ""
}

// introducedBy names the release behind a node, if known.
func introducedBy(db *abidb.DB, node string) string {
	if familyOf(node) == "GLIBC" {
		if rel, ok := db.NodeRelease(node); ok {
			return "glibc " + rel.String()
		}
		return ""
	}
	if r := gccRelease(node); r != "" {
		return "GCC " + r
	}
	if r, ok := gccRuntimeNodes[node]; ok {
		return "GCC " + r
	}
	return ""
}

// nodeCompare orders nodes of one family: numbered nodes by number, the
// rest (TM_1, PRIVATE) before them, by name.
func nodeCompare(a, b string) int {
	_, va, oka := abidb.NodeVersion(a)
	_, vb, okb := abidb.NodeVersion(b)
	switch {
	case oka && okb:
		if c := va.Compare(vb); c != 0 {
			return c
		}
	case oka:
		return 1
	case okb:
		return -1
	}
	return strings.Compare(a, b)
}

// families groups a file's version needs by family. Weak needs (the loader
// only warns) are listed but do not set Newest unless nothing else does.
func families(db *abidb.DB, info *elfinfo.File, bound map[[2]string][]string) []Family {
	byName := map[string]*Family{}
	var order []string
	for _, n := range info.Needs {
		name := familyOf(n.Version)
		f := byName[name]
		if f == nil {
			f = &Family{Name: name, Source: familySource(name), weakOnly: true}
			byName[name] = f
			order = append(order, name)
		}
		if !slices.Contains(f.Nodes, n.Version) {
			f.Nodes = append(f.Nodes, n.Version)
		}
		if n.Weak && !f.weakOnly {
			continue
		}
		if f.Newest == "" || (f.weakOnly && !n.Weak) || nodeCompare(f.Newest, n.Version) < 0 {
			f.Newest, f.Library = n.Version, n.Library
			f.weakOnly = n.Weak
		}
	}
	slices.Sort(order)
	out := make([]Family, 0, len(order))
	for _, name := range order {
		f := byName[name]
		slices.SortFunc(f.Nodes, nodeCompare)
		f.Symbols = append([]string{}, bound[[2]string{f.Library, f.Newest}]...)
		slices.Sort(f.Symbols)
		f.Symbols = slices.Compact(f.Symbols)
		f.Introduced = introducedBy(db, f.Newest)
		if lib, ok := gccRuntimeFamilies[f.Name]; ok {
			f.Note = lib + " is in no base install and no manylinux policy: bundle it, link it statically, or make the target install it"
		} else if f.Source == "" {
			f.Note = f.Library + " is a library compatbuild has no distro data for: bundle it or link it statically"
		}
		out = append(out, *f)
	}
	return out
}
