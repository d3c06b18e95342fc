// Package check explains an ELF file's glibc floor: the oldest glibc it
// loads on, the symbols that force it, and what that means in distro
// releases and manylinux tags. It also reports the libstdc++ (GLIBCXX,
// CXXABI) and libgcc_s (GCC) floors.
package check

import (
	"cmp"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/distros"
	"compatbuild/internal/elfinfo"
)

// Requirement is one version node a file needs, with the imports bound to it.
type Requirement struct {
	Version string   `json:"version"`           // GLIBC_2.34
	Release string   `json:"release,omitempty"` // glibc release that introduced it; empty when unknown
	Library string   `json:"library"`           // libc.so.6
	Symbols []string `json:"symbols"`           // imported symbols bound to it, sorted
	Weak    bool     `json:"weak,omitempty"`    // VER_FLG_WEAK: does not block loading
	Marker  string   `json:"marker,omitempty"`  // why a symbol-less node is needed
	Private bool     `json:"private,omitempty"` // GLIBC_PRIVATE

	release abidb.Version
	unknown bool // a node this compatbuild has no data for
}

// ToolchainFloor is the newest GLIBCXX, CXXABI or GCC node a file needs.
type ToolchainFloor struct {
	Version string   `json:"version"`
	GCC     string   `json:"gcc,omitempty"` // GCC release that introduced it
	Library string   `json:"library"`
	Symbols []string `json:"symbols"`
}

// GlibcFloor is a file's glibc requirement.
type GlibcFloor struct {
	// Floor is the newest glibc release the file needs; empty when it needs
	// no versioned glibc symbol at all.
	Floor string `json:"floor"`
	// Portable is false when the file needs GLIBC_PRIVATE or a node this
	// compatbuild does not know; such a file has no meaningful floor.
	Portable bool `json:"portable"`
	// Forcing lists the requirements that set the verdict: everything above
	// the target, or the newest requirement when there is no target.
	Forcing []Requirement `json:"forcing"`
	// Requires lists every glibc version node the file needs, newest first.
	Requires []Requirement `json:"requires"`

	floor abidb.Version
}

// FileReport is the verdict on one file.
type FileReport struct {
	Path   string   `json:"path"`
	Status Status   `json:"status"`
	Error  string   `json:"error,omitempty"`
	ABI    string   `json:"abi,omitempty"`
	Kind   string   `json:"kind,omitempty"`
	Soname string   `json:"soname,omitempty"`
	Needed []string `json:"needed,omitempty"`

	Glibc     *GlibcFloor       `json:"glibc,omitempty"`
	GLIBCXX   *ToolchainFloor   `json:"glibcxx,omitempty"`
	CXXABI    *ToolchainFloor   `json:"cxxabi,omitempty"`
	GCC       *ToolchainFloor   `json:"gcc,omitempty"`
	RunsOn    []distros.Release `json:"runs_on,omitempty"`
	Manylinux string            `json:"manylinux,omitempty"`
	// ManylinuxAlias is the legacy name of the tag (manylinux2014_x86_64).
	ManylinuxAlias string `json:"manylinux_alias,omitempty"`
}

// Status is the verdict on a file.
type Status string

const (
	StatusOK      Status = "ok"      // within the target, or no target given
	StatusAbove   Status = "above"   // needs a newer glibc than the target
	StatusStatic  Status = "static"  // no dynamic glibc requirements at all
	StatusError   Status = "error"   // could not be read
	StatusSkipped Status = "skipped" // an ELF file but not a linked program (.o)
)

// Analyze computes the report for one read ELF file against target (zero
// Version: no target).
func Analyze(info *elfinfo.File, target abidb.Version) (*FileReport, error) {
	db, err := abidb.Load(info.ABI)
	if err != nil {
		return nil, err
	}
	r := &FileReport{Path: info.Path, ABI: info.ABI, Kind: string(info.Kind), Soname: info.Soname, Needed: info.Needed, Status: StatusOK}
	switch info.Kind {
	case elfinfo.Relocatable, elfinfo.Other:
		r.Status = StatusSkipped
		return r, nil
	case elfinfo.StaticExecutable:
		r.Status = StatusStatic
		return r, nil
	}

	type key struct{ lib, ver string }
	bound := map[key][]string{}
	for _, im := range info.Imports {
		k := key{im.Library, im.Version}
		bound[k] = append(bound[k], im.Name)
	}
	g := &GlibcFloor{Portable: true}
	toolchain := map[string]*ToolchainFloor{}
	for _, n := range info.Needs {
		syms := bound[key{n.Library, n.Version}]
		slices.Sort(syms)
		syms = slices.Compact(syms)
		if syms == nil {
			syms = []string{}
		}
		family, _, numbered := abidb.NodeVersion(n.Version)
		switch {
		case strings.HasPrefix(n.Version, "GLIBC_") && !strings.HasPrefix(n.Version, "GLIBCXX_"):
			req := Requirement{Version: n.Version, Library: n.Library, Symbols: syms, Weak: n.Weak}
			switch rel, ok := db.NodeRelease(n.Version); {
			case n.Version == "GLIBC_PRIVATE":
				req.Private = true
			case ok:
				req.release, req.Release = rel, rel.String()
				req.Marker = markerReasons[n.Version]
			case numbered && family == "GLIBC":
				// Newer than our data (a future release): the number still
				// says which release it needs.
				_, v, _ := abidb.NodeVersion(n.Version)
				req.release, req.Release, req.unknown = v, v.String(), true
			default:
				req.unknown = true
			}
			g.Requires = append(g.Requires, req)
			if n.Weak {
				continue
			}
			if req.Private || (req.unknown && req.Release == "") {
				g.Portable = false
			}
			if g.floor.Less(req.release) {
				g.floor = req.release
			}
		case numbered && !n.Weak && (family == "GLIBCXX" || family == "CXXABI" || family == "GCC"):
			cur := toolchain[family]
			if cur == nil || nodeOlder(cur.Version, n.Version) {
				toolchain[family] = &ToolchainFloor{Version: n.Version, GCC: gccRelease(n.Version), Library: n.Library, Symbols: syms}
			}
		}
	}
	r.GLIBCXX, r.CXXABI, r.GCC = toolchain["GLIBCXX"], toolchain["CXXABI"], toolchain["GCC"]
	if len(g.Requires) == 0 && len(info.Needs) == 0 && len(info.Needed) == 0 {
		r.Status = StatusStatic
	}
	slices.SortStableFunc(g.Requires, func(a, b Requirement) int {
		if c := b.release.Compare(a.release); c != 0 {
			return c
		}
		return cmp.Compare(a.Version+a.Library, b.Version+b.Library)
	})
	if !g.floor.IsZero() {
		g.Floor = g.floor.String()
	}
	for _, req := range g.Requires {
		if req.Weak {
			continue
		}
		blocking := req.Private || (req.unknown && req.Release == "")
		switch {
		case !target.IsZero() && (blocking || target.Less(req.release)):
			g.Forcing = append(g.Forcing, req)
		case target.IsZero() && (blocking || (req.release == g.floor && !g.floor.IsZero())):
			g.Forcing = append(g.Forcing, req)
		}
	}
	if g.Forcing == nil {
		g.Forcing = []Requirement{}
	}
	if g.Requires == nil {
		g.Requires = []Requirement{}
	}
	r.Glibc = g
	if !target.IsZero() && (!g.Portable || target.Less(g.floor)) {
		r.Status = StatusAbove
	}
	if g.Portable {
		floor := g.floor
		if floor.IsZero() {
			floor = db.First()
		}
		r.RunsOn = distros.OldestRunning(g.floor)
		r.Manylinux = distros.ManylinuxTag(floor, info.ABI)
		r.ManylinuxAlias = distros.LegacyManylinuxAlias(floor, info.ABI)
	}
	return r, nil
}

func nodeOlder(a, b string) bool {
	_, va, _ := abidb.NodeVersion(a)
	_, vb, _ := abidb.NodeVersion(b)
	return va.Less(vb)
}

// SurelyWithin is the cheap verdict every link pays for: true when each
// glibc version node the file needs is a numbered GLIBC_x.y[.z] no newer
// than target, decided from the node names alone without decoding the ABI
// database. false means "not sure": call Analyze.
func SurelyWithin(info *elfinfo.File, target abidb.Version) bool {
	switch info.Kind {
	case elfinfo.Executable, elfinfo.PIEExecutable, elfinfo.SharedLibrary:
	default:
		return false
	}
	for _, n := range info.Needs {
		if !strings.HasPrefix(n.Version, "GLIBC_") || strings.HasPrefix(n.Version, "GLIBCXX_") || n.Weak {
			continue
		}
		family, v, ok := abidb.NodeVersion(n.Version)
		if !ok || family != "GLIBC" || target.Less(v) {
			return false
		}
	}
	return true
}

// NeedsFamily reports whether the file needs any version node of a family
// ("GLIBCXX", "CXXABI", "GCC").
func NeedsFamily(info *elfinfo.File, family string) bool {
	for _, n := range info.Needs {
		if f, _, ok := abidb.NodeVersion(n.Version); ok && f == family {
			return true
		}
	}
	return false
}
