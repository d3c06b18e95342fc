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
	// Via names the bundled library that needs it, in a set; empty for
	// the file's own needs.
	Via string `json:"via,omitempty"`

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
	all   []Requirement
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
	// Interp is the program interpreter (PT_INTERP) of an executable;
	// InterpProblem says why it keeps the program from starting on a
	// standard distribution (then every gate fails, runs_on is empty and
	// there is no manylinux tag).
	Interp        string `json:"interp,omitempty"`
	InterpProblem string `json:"interp_problem,omitempty"`

	Glibc     *GlibcFloor       `json:"glibc,omitempty"`
	GLIBCXX   *ToolchainFloor   `json:"glibcxx,omitempty"`
	CXXABI    *ToolchainFloor   `json:"cxxabi,omitempty"`
	GCC       *ToolchainFloor   `json:"gcc,omitempty"`
	RunsOn    []distros.Release `json:"runs_on,omitempty"`
	Manylinux string            `json:"manylinux,omitempty"`
	// ManylinuxAlias is the legacy name of the tag (manylinux2014_x86_64).
	ManylinuxAlias string `json:"manylinux_alias,omitempty"`
	// ManylinuxBlockers say what keeps the file from an older tag, or from
	// any tag when Manylinux is empty.
	ManylinuxBlockers []Reason `json:"manylinux_blockers,omitempty"`
	// Families lists every versioned family the file needs, glibc's
	// included, and what each means for shipping it.
	Families []Family `json:"families,omitempty"`
	// Bundle is set when the file loads bundled libraries of the checked
	// set (resolved through its RUNPATH/RPATH): runs_on, manylinux and the
	// verdicts then judge the file together with them.
	Bundle *Bundle `json:"bundle,omitempty"`
	// Verdicts judge the file (with its bundle) against each target.
	Verdicts []Verdict `json:"verdicts,omitempty"`
}

// Bundle is what a file loads from the checked set.
type Bundle struct {
	Loads []string `json:"loads"` // paths of the bundled libraries it loads, directly or not
	// Glibc is the effective glibc floor of the file with them.
	Glibc *GlibcFloor `json:"glibc"`
	// ForcedBy is the bundled library that raises the floor above the
	// file's own, if one does.
	ForcedBy string `json:"forced_by,omitempty"`
	// Families are the bundled libraries' own families (via names each).
	Families []Family `json:"families,omitempty"`
}

// Status is the verdict on a file.
type Status string

const (
	StatusOK      Status = "ok"      // within the target, or no target given
	StatusAbove   Status = "above"   // needs more than a target has (any family, any gate)
	StatusStatic  Status = "static"  // a statically linked executable: no dynamic loading at all
	StatusError   Status = "error"   // could not be read
	StatusSkipped Status = "skipped" // an ELF file but not a linked program (.o)
)

// Analyze computes the report for one read ELF file against a glibc
// target (zero Version: no target).
func Analyze(info *elfinfo.File, target abidb.Version) (*FileReport, error) {
	return AnalyzeTargets(info, Targets{Glibc: target})
}

// AnalyzeTargets computes the report for one file on its own, judged
// against every target.
func AnalyzeTargets(info *elfinfo.File, t Targets) (*FileReport, error) {
	return analyzeSet(info, nil, t, nil)
}

// analyzeSet computes the report for a file that loads the bundled
// libraries in loads (each with the path it is reported under); bundled
// says whether a member's DT_NEEDED name is provided by the set.
func analyzeSet(info *elfinfo.File, loads []member, t Targets, bundled func(member, string) bool) (*FileReport, error) {
	db, err := abidb.Load(info.ABI)
	if err != nil {
		return nil, err
	}
	r := &FileReport{Path: info.Path, ABI: armABI(info), Kind: string(info.Kind), Soname: info.Soname, Needed: info.Needed, Status: StatusOK,
		Interp: info.Interp, InterpProblem: InterpProblem(info)}
	switch info.Kind {
	case elfinfo.Relocatable, elfinfo.Other:
		r.Status = StatusSkipped
		return r, nil
	case elfinfo.StaticExecutable:
		if info.Interp == "" {
			r.Status = StatusStatic
			return r, nil
		}
		// No PT_DYNAMIC, yet the kernel still starts the loader it names.
	}
	self := member{info: info, bound: boundSymbols(info)}
	r.Glibc = glibcFloor(db, self, t.Glibc)
	r.Families = families(db, info, self.bound)
	for _, f := range r.Families {
		switch f.Name {
		case "GLIBCXX", "CXXABI", "GCC":
			if f.weakOnly {
				continue
			}
			if _, _, ok := abidb.NodeVersion(f.Newest); !ok {
				continue
			}
			tf := &ToolchainFloor{Version: f.Newest, GCC: gccRelease(f.Newest), Library: f.Library, Symbols: f.Symbols}
			switch f.Name {
			case "GLIBCXX":
				r.GLIBCXX = tf
			case "CXXABI":
				r.CXXABI = tf
			default:
				r.GCC = tf
			}
		}
	}
	set := &needSet{abi: armABI(info), members: append([]member{self}, loads...), db: db, bundled: bundled}
	if set.bundled == nil {
		set.bundled = func(member, string) bool { return false }
	}
	eff := r.Glibc
	if len(loads) > 0 {
		eff = effectiveFloor(db, set.members, t.Glibc)
		r.Bundle = &Bundle{Glibc: eff}
		for _, m := range loads {
			r.Bundle.Loads = append(r.Bundle.Loads, m.via)
			for _, f := range families(db, m.info, m.bound) {
				f.Via = m.via
				r.Bundle.Families = append(r.Bundle.Families, f)
			}
		}
		if eff.floor != r.Glibc.floor || !eff.Portable {
			for _, req := range eff.Forcing {
				if req.Via != "" {
					r.Bundle.ForcedBy = req.Via
					break
				}
			}
		}
	}
	set.floor, set.portable = eff.floor, eff.Portable
	forcingAbove := func(target abidb.Version) []Requirement {
		return forcingReqs(eff.all, target, eff.floor)
	}
	switch {
	case r.InterpProblem != "":
		r.ManylinuxBlockers = []Reason{{Library: r.Interp, Why: r.InterpProblem}}
	case set.portable:
		r.RunsOn = set.runsOn()
		r.Manylinux, r.ManylinuxAlias, r.ManylinuxBlockers = set.manylinux()
	}
	if !t.Glibc.IsZero() {
		r.Verdicts = append(r.Verdicts, set.judgeGlibc(t.Glibc, forcingAbove(t.Glibc)))
	}
	for _, p := range t.Manylinux {
		r.Verdicts = append(r.Verdicts, set.judgeManylinux(p))
	}
	for _, d := range t.Distros {
		v, _ := set.judgeDistro(d, forcingAbove(d.Glibc))
		r.Verdicts = append(r.Verdicts, v)
	}
	if r.InterpProblem != "" {
		interpVerdicts(r, r.InterpProblem)
	}
	for _, v := range r.Verdicts {
		if !v.OK {
			r.Status = StatusAbove
		}
	}
	return r, nil
}

// glibcFloor computes one member's glibc requirements and floor; forcing
// is what lies above target, or, without one, what sets the floor.
func glibcFloor(db *abidb.DB, m member, target abidb.Version) *GlibcFloor {
	g := &GlibcFloor{Portable: true}
	for _, n := range m.info.Needs {
		if familyOf(n.Version) != "GLIBC" {
			continue
		}
		family, _, numbered := abidb.NodeVersion(n.Version)
		req := Requirement{Version: n.Version, Library: n.Library, Symbols: m.symbols(n.Library, n.Version), Weak: n.Weak, Via: m.via}
		if req.Symbols == nil {
			req.Symbols = []string{}
		}
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
	g.all = g.Requires
	g.Forcing = forcingReqs(g.Requires, target, g.floor)
	if g.Requires == nil {
		g.Requires = []Requirement{}
	}
	return g
}

// forcingReqs picks the requirements behind a verdict: every blocking one
// above target, or, without a target, those at the floor.
func forcingReqs(reqs []Requirement, target, floor abidb.Version) []Requirement {
	out := []Requirement{}
	for _, req := range reqs {
		if req.Weak {
			continue
		}
		blocking := req.Private || (req.unknown && req.Release == "")
		switch {
		case !target.IsZero() && (blocking || target.Less(req.release)):
			out = append(out, req)
		case target.IsZero() && (blocking || (req.release == floor && !floor.IsZero())):
			out = append(out, req)
		}
	}
	return out
}

// effectiveFloor is the glibc floor of a file together with the bundled
// libraries it loads: the newest of their floors.
func effectiveFloor(db *abidb.DB, members []member, target abidb.Version) *GlibcFloor {
	eff := &GlibcFloor{Portable: true, Requires: []Requirement{}}
	for _, m := range members {
		g := glibcFloor(db, m, target)
		eff.Portable = eff.Portable && g.Portable
		if eff.floor.Less(g.floor) {
			eff.floor = g.floor
		}
		eff.all = append(eff.all, g.all...)
	}
	if !eff.floor.IsZero() {
		eff.Floor = eff.floor.String()
	}
	eff.Forcing = forcingReqs(eff.all, target, eff.floor)
	return eff
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
	if InterpProblem(info) != "" {
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
