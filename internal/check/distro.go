package check

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"compatbuild/internal/abidb"
	"compatbuild/internal/distros"
)

// gccOf is the GCC release whose runtime an image ships: the release that
// introduced its newest GLIBCXX node.
func gccOf(img *distros.Image) string {
	if v, ok := gccOfCache.Load(img); ok {
		return v.(string)
	}
	v := gccOfImage(img)
	gccOfCache.Store(img, v)
	return v
}

var gccOfCache sync.Map // *distros.Image → string

func gccOfImage(img *distros.Image) string {
	newest := ""
	for _, v := range img.Families["GLIBCXX"].Members() {
		if newest == "" || nodeCompare("GLIBCXX_"+newest, "GLIBCXX_"+v) < 0 {
			newest = v
		}
	}
	return gccRelease("GLIBCXX_" + newest)
}

// judgeDistro is the --distro gate: every need against what the release
// ships. unknown reasons are needs compatbuild cannot judge there (no
// measurement, an unknown library); they fail a gate but do not take the
// release off the runs-on list when only conditions (unknown libraries)
// remain.
func (s *needSet) judgeDistro(r distros.Release, forcing []Requirement) (v Verdict, unmeasured bool) {
	v = Verdict{Target: r.ID, Kind: "distro", OK: true}
	if why := r.ShipsWhy(s.abi); why != "" {
		// Nothing else matters on a release without the architecture.
		v.OK, v.Reasons = false, []Reason{{Why: why}}
		return v, false
	}
	name := r.Name()
	if !s.portable || r.Glibc.Less(s.floor) {
		for _, req := range forcing {
			v.Reasons = append(v.Reasons, Reason{Family: "GLIBC", Version: req.Version, Library: req.Library, Symbols: req.Symbols, Via: req.Via,
				Why: glibcWhy(req, name+"'s glibc "+r.GlibcText)})
		}
	}
	img, measured := r.Image(s.abi)
	seen := map[string]bool{}
	notes := map[string]bool{}
	for _, m := range s.members {
		for _, n := range m.info.Needs {
			fam := familyOf(n.Version)
			if fam == "GLIBC" || n.Weak || seen[n.Version+m.via] {
				continue
			}
			seen[n.Version+m.via] = true
			reason := Reason{Family: fam, Version: n.Version, Library: n.Library, Symbols: m.symbols(n.Library, n.Version), Via: m.via}
			suffix := strings.TrimPrefix(n.Version, fam+"_")
			_, runtime := gccRuntimeFamilies[fam]
			switch {
			case slices.Contains(distros.MeasuredFamilies, fam) && !measured:
				reason.Why = fmt.Sprintf("compatbuild has no measurement of %s's %s", name, n.Library)
				unmeasured = true
			case slices.Contains(distros.MeasuredFamilies, fam) && img.Families[fam].Empty():
				reason.Why = fmt.Sprintf("%s's base install has no %s", name, n.Library)
			case slices.Contains(distros.MeasuredFamilies, fam):
				if img.Families[fam].Has(suffix) {
					continue
				}
				reason.Why = fmt.Sprintf("%s ships %s", name, allowedRange(fam, img.Families[fam]))
				if gcc := gccOf(img); gcc != "" && fam != "ZLIB" {
					reason.Why += " (GCC " + gcc + ")"
				}
			case runtime && !measured:
				reason.Why = fmt.Sprintf("compatbuild has no measurement of %s's GCC runtime", name)
				unmeasured = true
			case runtime:
				need, known := gccRuntimeNodes[n.Version]
				have := gccOf(img)
				if known && have != "" && !versionLess(have, need) {
					notes[fmt.Sprintf("%s (%s) is in %s's GCC %s runtime, but not in its base install: install it or bundle it", n.Library, n.Version, name, have)] = true
					continue
				}
				if !known {
					reason.Why = fmt.Sprintf("compatbuild does not know which GCC introduced %s", n.Version)
					unmeasured = true
				} else {
					reason.Why = fmt.Sprintf("%s is from GCC %s; %s's GCC runtime is %s", n.Version, need, name, have)
				}
			default:
				reason.Why = fmt.Sprintf("%s is not part of %s as compatbuild knows it: bundle it or link it statically", n.Library, name)
			}
			v.Reasons = append(v.Reasons, reason)
		}
	}
	for _, u := range s.sanitizerRuntimes() {
		need, have := gccRuntimeSonames[u[0]], gccOf(img)
		switch {
		case !measured:
			v.Reasons = append(v.Reasons, Reason{Library: u[0], Via: u[1], Why: fmt.Sprintf("compatbuild has no measurement of %s's GCC runtime", name)})
			unmeasured = true
		case have != "" && !versionLess(have, need):
			notes[fmt.Sprintf("%s (a sanitizer runtime) is in %s's GCC %s runtime, but not in its base install: install it or bundle it", u[0], name, have)] = true
		default:
			v.Reasons = append(v.Reasons, Reason{Library: u[0], Via: u[1], Why: fmt.Sprintf("%s is the sanitizer runtime of GCC %s and later; %s's GCC runtime is %s", u[0], need, name, have)})
		}
	}
	for _, u := range s.unbundled() {
		if systemLib(u[0]) || slices.ContainsFunc(v.Reasons, func(r Reason) bool { return r.Library == u[0] }) {
			continue
		}
		v.Reasons = append(v.Reasons, Reason{Library: u[0], Via: u[1],
			Why: fmt.Sprintf("%s is not part of %s as compatbuild knows it: bundle it or link it statically", u[0], name)})
	}
	for n := range notes {
		v.Notes = append(v.Notes, n)
	}
	slices.Sort(v.Notes)
	v.OK = len(v.Reasons) == 0
	return v, unmeasured
}

// runsOn lists, per distro, the oldest release that ships the set's
// architecture and everything it needs (interim releases skipped), judged
// as --distro judges. A
// release compatbuild has no measurement for counts only when the set
// needs nothing beyond glibc. Libraries compatbuild knows nothing about do
// not remove releases: they are reported apart, as conditions.
func (s *needSet) runsOn() []distros.Release {
	var out []distros.Release
	seen := map[string]bool{}
	for _, r := range distros.All() {
		if seen[r.Distro] || strings.HasPrefix(r.Note, "interim") {
			continue
		}
		if ok, _ := s.fits(r); ok {
			seen[r.Distro] = true
			out = append(out, r)
		}
	}
	return out
}

// fits is judgeDistro's verdict on the families compatbuild has data for,
// without reasons: the runs-on list asks it of every release.
func (s *needSet) fits(r distros.Release) (ok, unmeasured bool) {
	if !s.portable || r.Glibc.Less(s.floor) || !r.Ships(s.abi) {
		return false, false
	}
	img, measured := r.Image(s.abi)
	for _, n := range s.prepared() {
		if n.fam == "GLIBC" || n.weak {
			continue
		}
		_, runtime := gccRuntimeFamilies[n.fam]
		switch {
		case !slices.Contains(distros.MeasuredFamilies, n.fam) && !runtime:
			continue // a library compatbuild has no data on: a condition
		case !measured:
			return false, true
		case !runtime:
			if !img.Families[n.fam].Has(n.suffix) {
				return false, false
			}
		default:
			need, known := gccRuntimeNodes[n.version]
			have := gccOf(img)
			if !known {
				return false, true
			}
			if have == "" || versionLess(have, need) {
				return false, false
			}
		}
	}
	for _, u := range s.sanitizerRuntimes() {
		if !measured {
			return false, true
		}
		if have := gccOf(img); have == "" || versionLess(have, gccRuntimeSonames[u[0]]) {
			return false, false
		}
	}
	return true, false
}

// versionLess compares dotted release numbers ("4.8.3" < "9").
func versionLess(a, b string) bool {
	va, err1 := abidb.ParseVersion(pad(a))
	vb, err2 := abidb.ParseVersion(pad(b))
	return err1 == nil && err2 == nil && va.Less(vb)
}

func pad(v string) string {
	if !strings.Contains(v, ".") {
		return v + ".0"
	}
	return v
}
