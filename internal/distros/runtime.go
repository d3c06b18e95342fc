package distros

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// runtime.tsv is generated from ../shared/runtime-abi: what each measured
// distro image ships beyond glibc, and auditwheel's manylinux policies.
//
//go:embed runtime.tsv
var runtimeTable string

// MeasuredFamilies are the version-node families whose nodes each measured
// image's libraries define (libstdc++, the C++ ABI, libgcc_s, libatomic,
// zlib). GLIBC is judged by the release's glibc instead.
var MeasuredFamilies = []string{"GLIBCXX", "CXXABI", "GCC", "LIBATOMIC", "ZLIB"}

// NodeSet is a set of version-node suffixes of one family on one
// architecture ("3.4.19" for GLIBCXX_3.4.19).
type NodeSet struct {
	dict *dictionary
	bits []bool
}

// dictionary is the list of suffixes of one (arch, family), with their
// positions.
type dictionary struct {
	order []string
	index map[string]int
}

// Has reports whether the set holds a suffix.
func (s NodeSet) Has(suffix string) bool {
	if s.dict == nil {
		return false
	}
	i, ok := s.dict.index[suffix]
	return ok && i < len(s.bits) && s.bits[i]
}

// Empty reports whether the set holds nothing (for an image: the library
// is absent from its base install).
func (s NodeSet) Empty() bool { return !slices.Contains(s.bits, true) }

// Members lists the suffixes in the set.
func (s NodeSet) Members() []string {
	var out []string
	for i, b := range s.bits {
		if b {
			out = append(out, s.dict.order[i])
		}
	}
	return out
}

// Image is what one measured container image of a release ships on one
// wheel architecture (x86_64, i686, aarch64, armv7l, ppc64le, s390x,
// riscv64): the version nodes of each MeasuredFamilies library.
type Image struct {
	Name     string
	Arch     string
	Families map[string]NodeSet
}

// Policy is one manylinux policy of auditwheel's policy file (PEP 600): a
// wheel qualifies for the tag when every version node it needs of a family
// the policy lists is allowed, every system library it links is on the
// whitelist (or bundled), and it uses no blacklisted symbol.
type Policy struct {
	Name     string // manylinux_2_17
	Aliases  []string
	Priority int // higher is older and stricter
	// Allowed per wheel architecture, per family.
	Allowed   map[string]map[string]NodeSet
	Whitelist []string
	Blacklist map[string][]string // library → symbols
}

// Tag is the policy's platform tag for a wheel architecture.
func (p *Policy) Tag(arch string) string { return p.Name + "_" + arch }

// Alias is the legacy tag (manylinux2014_x86_64), or "".
func (p *Policy) Alias(arch string) string {
	if len(p.Aliases) == 0 {
		return ""
	}
	return p.Aliases[0] + "_" + arch
}

var (
	runtimeOnce sync.Once
	images      map[[2]string]*Image // (image, arch)
	policies    []*Policy
)

func loadRuntime() {
	dicts := map[[2]string]*dictionary{}
	set := func(arch, field string) (string, NodeSet) {
		fam, hex, _ := strings.Cut(field, "=")
		d := dicts[[2]string{arch, fam}]
		if d == nil {
			panic(fmt.Sprintf("runtime.tsv: no dictionary for %s %s", arch, fam)) // checked by tests
		}
		s := NodeSet{dict: d, bits: make([]bool, len(d.order))}
		for i := 0; i < len(hex); i++ {
			v, err := strconv.ParseUint(hex[len(hex)-1-i:len(hex)-i], 16, 8)
			if err != nil {
				panic("runtime.tsv: bad mask " + field)
			}
			for b := 0; b < 4; b++ {
				if v&(1<<b) != 0 && 4*i+b < len(s.bits) {
					s.bits[4*i+b] = true
				}
			}
		}
		return fam, s
	}
	images = map[[2]string]*Image{}
	byName := map[string]*Policy{}
	for _, line := range strings.Split(strings.TrimSpace(runtimeTable), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		switch c[0] {
		case "nodes":
			d := &dictionary{order: strings.Fields(c[3]), index: map[string]int{}}
			for i, v := range d.order {
				d.index[v] = i
			}
			dicts[[2]string{c[1], c[2]}] = d
		case "image":
			img := &Image{Name: c[1], Arch: c[2], Families: map[string]NodeSet{}}
			for _, f := range c[4:] {
				fam, s := set(c[2], f)
				img.Families[fam] = s
			}
			images[[2]string{c[1], c[2]}] = img
		case "policy":
			prio, _ := strconv.Atoi(c[2])
			p := &Policy{Name: c[1], Priority: prio, Aliases: c[3:], Allowed: map[string]map[string]NodeSet{}, Blacklist: map[string][]string{}}
			if len(p.Aliases) == 1 && p.Aliases[0] == "" {
				p.Aliases = nil
			}
			byName[p.Name] = p
			policies = append(policies, p)
		case "allow":
			m := map[string]NodeSet{}
			for _, f := range c[3:] {
				fam, s := set(c[2], f)
				m[fam] = s
			}
			byName[c[1]].Allowed[c[2]] = m
		case "whitelist":
			byName[c[1]].Whitelist = c[2:]
		case "blacklist":
			byName[c[1]].Blacklist[c[2]] = c[3:]
		}
	}
}

// Policies returns the manylinux policies, highest priority (oldest glibc,
// strictest) first.
func Policies() []*Policy {
	runtimeOnce.Do(loadRuntime)
	return policies
}

// PolicyByTag finds a policy by name or alias, with or without the
// architecture suffix: manylinux_2_17, manylinux2014, manylinux_2_17_x86_64.
func PolicyByTag(tag string) (*Policy, bool) {
	for _, p := range Policies() {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if tag == n || strings.HasPrefix(tag, n+"_") && WheelArchKnown(strings.TrimPrefix(tag, n+"_")) {
				return p, true
			}
		}
	}
	return nil, false
}

// WheelArch is the wheel platform's name for an ABI (i386 → i686).
func WheelArch(abi string) string { return wheelArch[abi] }

// WheelArchKnown reports whether a name is a wheel architecture.
func WheelArchKnown(arch string) bool {
	for _, a := range wheelArch {
		if a == arch {
			return true
		}
	}
	return false
}

// Image returns the measured image that stands for a release on an ABI,
// if one was measured there.
func (r Release) Image(abi string) (*Image, bool) {
	runtimeOnce.Do(loadRuntime)
	img, ok := images[[2]string{r.ImageName, WheelArch(abi)}]
	return img, ok
}
