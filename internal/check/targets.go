package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"compatbuild/internal/abidb"
	"compatbuild/internal/distros"
	"compatbuild/internal/elfinfo"
)

// Targets are the gates a check judges files against. The zero value
// judges nothing: every readable file is ok.
type Targets struct {
	Glibc     abidb.Version     // --glibc: the glibc floor alone
	Manylinux []*distros.Policy // --manylinux: a manylinux policy, on the file's architecture
	Distros   []distros.Release // --distro: what a distro release ships
}

// IsZero reports whether no gate is set.
func (t Targets) IsZero() bool {
	return t.Glibc.IsZero() && len(t.Manylinux) == 0 && len(t.Distros) == 0
}

// Verdict is a file's judgement against one target.
type Verdict struct {
	Target string `json:"target"` // "glibc 2.17", "manylinux_2_17_x86_64", "rhel:7"
	Kind   string `json:"kind"`   // glibc, manylinux or distro
	OK     bool   `json:"ok"`
	// Reasons say what the target lacks, one need each; empty when OK.
	Reasons []Reason `json:"reasons,omitempty"`
	// Notes are conditions that do not fail the target (a GCC runtime
	// library the target has but does not install by default).
	Notes []string `json:"notes,omitempty"`
}

// Reason is one need a target does not meet.
type Reason struct {
	Family  string   `json:"family,omitempty"`  // GLIBCXX
	Version string   `json:"version,omitempty"` // GLIBCXX_3.4.30
	Library string   `json:"library,omitempty"` // libstdc++.so.6
	Symbols []string `json:"symbols,omitempty"` // imports bound to Version
	// Via names the bundled library whose need this is; empty for the
	// file's own needs.
	Via string `json:"via,omitempty"`
	Why string `json:"why"` // what the target has instead, and what to do
}

// member is one file of a need set: the file itself, or a bundled library
// it loads (via its path).
type member struct {
	info  *elfinfo.File
	via   string
	bound map[[2]string][]string
}

// needSet is what a file and the bundled libraries it loads ask of a
// target system. bundled says which DT_NEEDED names the set provides.
type needSet struct {
	abi     string
	members []member
	bundled func(m member, lib string) bool
	// the effective glibc floor and whether it is portable at all
	floor    abidb.Version
	portable bool
	db       *abidb.DB

	prep     []prepNeed
	prepDone bool
	undef    map[int]map[string]bool
	ext      [][2]string
	extDone  bool
}

// prepNeed is one version need of a member, split once.
type prepNeed struct {
	m                             int
	fam, suffix, version, library string
	weak                          bool
}

func (s *needSet) prepared() []prepNeed {
	if !s.prepDone {
		s.prepDone = true
		for i, m := range s.members {
			for _, n := range m.info.Needs {
				fam := familyOf(n.Version)
				s.prep = append(s.prep, prepNeed{m: i, fam: fam, suffix: strings.TrimPrefix(n.Version, fam+"_"), version: n.Version, library: n.Library, weak: n.Weak})
			}
		}
	}
	return s.prep
}

// undefined is the set of a member's undefined symbol names.
func (s *needSet) undefined(i int) map[string]bool {
	if s.undef == nil {
		s.undef = map[int]map[string]bool{}
	}
	if u, ok := s.undef[i]; ok {
		return u
	}
	m := s.members[i].info
	u := map[string]bool{}
	for _, lists := range [][]string{m.Unbound, m.UnboundWeak} {
		for _, n := range lists {
			u[n] = true
		}
	}
	for _, im := range m.Imports {
		u[im.Name] = true
	}
	s.undef[i] = u
	return u
}

func boundSymbols(info *elfinfo.File) map[[2]string][]string {
	bound := map[[2]string][]string{}
	for _, im := range info.Imports {
		k := [2]string{im.Library, im.Version}
		bound[k] = append(bound[k], im.Name)
	}
	return bound
}

func (m member) symbols(lib, node string) []string {
	s := slices.Clone(m.bound[[2]string{lib, node}])
	slices.Sort(s)
	return slices.Compact(s)
}

// isLoader reports whether a DT_NEEDED or verneed file is the dynamic
// loader (ld-linux*.so.*, ld64.so.1/2 on ppc64le and s390x).
func isLoader(lib string) bool {
	return strings.HasPrefix(lib, "ld-linux") || lib == "ld64.so.1" || lib == "ld64.so.2" || strings.HasPrefix(lib, "ld-2.")
}

var libpython = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^libpython\d+\.\d+m?\.so(\.\d)*$`) })

// gccRuntimeLibs are the shared libraries of GCC's runtime: the target's
// GCC packages provide them.
func gccRuntimeLib(lib string) bool {
	switch {
	case lib == "libstdc++.so.6", lib == "libgcc_s.so.1", lib == "libatomic.so.1", lib == "libgomp.so.1",
		lib == "libquadmath.so.0", strings.HasPrefix(lib, "libgfortran.so."):
		return true
	}
	if _, ok := gccRuntimeSonames[lib]; ok {
		return true
	}
	return false
}

// systemLib reports whether a library is one a target system provides:
// glibc's own, GCC's runtime, zlib, and what the manylinux policies assume
// every system has (X11, GL, GLib: PEP 600's whitelist).
func systemLib(lib string) bool {
	if abidb.IsGlibcSoname(lib) || isLoader(lib) || gccRuntimeLib(lib) || libpython().MatchString(lib) {
		return true
	}
	for _, p := range distros.Policies() {
		if slices.Contains(p.Whitelist, lib) {
			return true
		}
	}
	return false
}

// unbundled lists, per member, the DT_NEEDED libraries the set does not
// provide.
func (s *needSet) unbundled() [][2]string {
	if !s.extDone {
		s.extDone = true
		for _, m := range s.members {
			for _, lib := range m.info.Needed {
				if !s.bundled(m, lib) {
					s.ext = append(s.ext, [2]string{lib, m.via})
				}
			}
		}
	}
	return s.ext
}

// sanitizerRuntimes lists, per member, the GCC runtime libraries without
// version nodes (gccRuntimeSonames) the set needs and does not bundle.
func (s *needSet) sanitizerRuntimes() [][2]string {
	var out [][2]string
	for _, u := range s.unbundled() {
		if _, ok := gccRuntimeSonames[u[0]]; ok {
			out = append(out, u)
		}
	}
	return out
}

// policyFits is judgePolicy's verdict alone, per test, without building
// reasons: what the tag computation asks of every policy.
func (s *needSet) policyFits(p *distros.Policy) (sym, libs, bl, applies bool) {
	allowed, ok := p.Allowed[distros.WheelArch(s.abi)]
	if !ok {
		return false, false, false, false
	}
	sym, libs, bl = true, true, true
	for _, n := range s.prepared() {
		if set, checked := allowed[n.fam]; checked && !set.Has(n.suffix) {
			sym = false
			break
		}
	}
	for _, u := range s.unbundled() {
		if !isLoader(u[0]) && !libpython().MatchString(u[0]) && !slices.Contains(p.Whitelist, u[0]) {
			libs = false
			break
		}
	}
members:
	for i, m := range s.members {
		for _, sym := range []string{"PyFPE_jbuf", "PyFPE_dummy", "PyFPE_counter"} {
			if s.undefined(i)[sym] {
				bl = false
				break members
			}
		}
		for _, lib := range m.info.Needed {
			for _, sym := range p.Blacklist[lib] {
				if s.undefined(i)[sym] {
					bl = false
					break members
				}
			}
		}
	}
	return sym, libs, bl, true
}

// judgePolicy lists what keeps the set from a manylinux policy on its
// architecture, split by auditwheel's three tests: version nodes outside
// the policy's symbol_versions, libraries outside its whitelist that are
// not bundled, blacklisted symbols. Unlike auditwheel, needs on the dynamic
// loader (ld-linux-x86-64.so.2) count: _dl_find_object@GLIBC_2.35 lives
// there, and glibc 2.34's loader refuses a file that needs it.
func (s *needSet) judgePolicy(p *distros.Policy) (symbols, libs, blacklist []Reason, applies bool) {
	arch := distros.WheelArch(s.abi)
	allowed, ok := p.Allowed[arch]
	if !ok {
		return nil, nil, nil, false
	}
	seen := map[string]bool{}
	for _, m := range s.members {
		for _, n := range m.info.Needs {
			fam := familyOf(n.Version)
			set, checked := allowed[fam]
			if !checked || set.Has(strings.TrimPrefix(n.Version, fam+"_")) {
				continue
			}
			key := n.Version + "\x00" + m.via
			if seen[key] {
				continue
			}
			seen[key] = true
			symbols = append(symbols, Reason{Family: fam, Version: n.Version, Library: n.Library, Symbols: m.symbols(n.Library, n.Version), Via: m.via,
				Why: fmt.Sprintf("%s allows %s", p.Tag(arch), allowedRange(fam, set))})
		}
		if p.Blacklist != nil {
			// Weak references are left out, as auditwheel does since
			// 6.6 (pypa/auditwheel#665): a weak reference the target's
			// library does not resolve is NULL, which the code tests
			// (Rust's std refers to __cxa_thread_atexit_impl so).
			undef := map[string]bool{}
			for _, u := range m.info.Unbound {
				undef[u] = true
			}
			for _, im := range m.info.Imports {
				if !im.Weak {
					undef[im.Name] = true
				}
			}
			for _, lib := range m.info.Needed {
				var hits []string
				for _, sym := range p.Blacklist[lib] {
					if undef[sym] {
						hits = append(hits, sym)
					}
				}
				if len(hits) > 0 {
					slices.Sort(hits)
					blacklist = append(blacklist, Reason{Library: lib, Symbols: hits, Via: m.via,
						Why: fmt.Sprintf("%s forbids these symbols of %s", p.Tag(arch), lib)})
				}
			}
		}
		for _, sym := range []string{"PyFPE_jbuf", "PyFPE_dummy", "PyFPE_counter"} {
			if slices.Contains(m.info.Unbound, sym) || slices.Contains(m.info.UnboundWeak, sym) {
				blacklist = append(blacklist, Reason{Symbols: []string{sym}, Via: m.via,
					Why: "built against a Python with --with-fpectl (PyFPE_jbuf): no manylinux tag allows it"})
			}
		}
	}
	for _, u := range s.unbundled() {
		lib := u[0]
		if isLoader(lib) || libpython().MatchString(lib) || slices.Contains(p.Whitelist, lib) {
			continue
		}
		libs = append(libs, Reason{Library: lib, Via: u[1],
			Why: fmt.Sprintf("%s is not on %s's library whitelist: bundle it (auditwheel repair) or link it statically", lib, p.Tag(arch))})
	}
	return symbols, libs, blacklist, true
}

// allowedRange says which nodes of a family a set allows, for messages.
func allowedRange(fam string, set distros.NodeSet) string {
	m := set.Members()
	if len(m) == 0 {
		return "no " + fam + " node"
	}
	newest := ""
	for _, v := range m {
		if _, _, ok := abidb.NodeVersion(fam + "_" + v); ok && (newest == "" || nodeCompare(fam+"_"+newest, fam+"_"+v) < 0) {
			newest = v
		}
	}
	if newest == "" {
		return fam + " " + strings.Join(m, ", ")
	}
	return fam + " up to " + fam + "_" + newest
}

// manylinux is the set's PEP 600 tag as auditwheel computes it: the
// lowest of the best policies that the version nodes, the whitelist and
// the blacklist each allow (auditwheel's symbol, ref and blacklist
// policies). Blockers say what keeps the set from the next older policy,
// or from the newest one when no policy fits (tag "").
func (s *needSet) manylinux() (tag, alias string, blockers []Reason) {
	arch := distros.WheelArch(s.abi)
	var ps []*distros.Policy
	bestSym, bestLib, bestBL := -1, -1, -1
	for _, p := range distros.Policies() {
		sym, libs, bl, ok := s.policyFits(p)
		if !ok {
			continue
		}
		ps = append(ps, p)
		if sym {
			bestSym = max(bestSym, p.Priority)
		}
		if libs {
			bestLib = max(bestLib, p.Priority)
		}
		if bl {
			bestBL = max(bestBL, p.Priority)
		}
	}
	if len(ps) == 0 && s.abi == distros.Armel {
		return "", "", []Reason{{Why: "no manylinux tag: auditwheel's policies have no armel (soft-float ARM) platform, only armv7l (armhf)"}}
	}
	if len(ps) == 0 {
		return "", "", []Reason{{Why: "no manylinux policy covers the " + arch + " architecture"}}
	}
	objections := func(p *distros.Policy) []Reason {
		sym, libs, bl, _ := s.judgePolicy(p)
		return append(append(sym, libs...), bl...)
	}
	prio := min(bestSym, bestLib, bestBL)
	for i, p := range ps {
		if p.Priority == prio {
			if i > 0 {
				blockers = objections(ps[i-1])
			}
			return p.Tag(arch), p.Alias(arch), blockers
		}
	}
	return "", "", objections(ps[len(ps)-1])
}

// judgeManylinux judges the set against one policy.
func (s *needSet) judgeManylinux(p *distros.Policy) Verdict {
	arch := distros.WheelArch(s.abi)
	v := Verdict{Target: p.Tag(arch), Kind: "manylinux", OK: true}
	sym, libs, bl, ok := s.judgePolicy(p)
	if !ok {
		v.OK = false
		v.Reasons = []Reason{{Why: fmt.Sprintf("%s has no %s platform", p.Name, arch)}}
		if s.abi == distros.Armel {
			v.Target = p.Name
			v.Reasons = []Reason{{Why: p.Name + " has no armel (soft-float ARM) platform: auditwheel's policies list armv7l, the hard-float armhf, only"}}
		}
		return v
	}
	v.Reasons = append(append(sym, libs...), bl...)
	v.OK = len(v.Reasons) == 0
	return v
}

// judgeGlibc is the --glibc gate: the glibc floor alone.
func (s *needSet) judgeGlibc(target abidb.Version, forcing []Requirement) Verdict {
	v := Verdict{Target: "glibc " + target.String(), Kind: "glibc", OK: s.portable && !target.Less(s.floor)}
	if !v.OK {
		for _, req := range forcing {
			v.Reasons = append(v.Reasons, Reason{Family: "GLIBC", Version: req.Version, Library: req.Library, Symbols: req.Symbols, Via: req.Via,
				Why: glibcWhy(req, "glibc "+target.String())})
		}
	}
	return v
}

func glibcWhy(req Requirement, has string) string {
	switch {
	case req.Private:
		return "GLIBC_PRIVATE is glibc-internal: the file runs only on the glibc it was built against"
	case req.Release == "":
		return "a glibc version node this compatbuild does not know"
	}
	return fmt.Sprintf("from glibc %s; the target has %s", req.Release, has)
}
