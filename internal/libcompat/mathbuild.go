package libcompat

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// libcompat_m.a is built differently from libcompat_polyfill.a: its
// catalogue has over a thousand entries, and a compiler run per member
// would take minutes. Each source under src/common/polyfill/math defines
// all of its functions and is compiled once, with -ffunction-sections
// -fdata-sections, and splitObject cuts the object into one member per
// function; the libmvec wrappers are generated into one source
// (mvecSource) and cut the same way; aliases are thunks as everywhere.
// Members of GCC's libquadmath.a that the members reach are copied in,
// hidden (quadmath.go). So a cold build of the whole archive is a handful
// of compiler runs, two at a time.

// mathFlags are added to compileFlags for the math sources: no builtin
// replacements of library calls (a body must not become a call to the
// function it defines), no assumption of the default floating-point
// environment or of quiet NaNs only, no contraction of a*b+c into fma
// (results must not depend on the CPU), one section per function for
// splitObject. The sources whose functions are bit manipulation get -O1;
// those whose time goes into the wider-type library calls they make
// (mathCallBound) get -O0, which compiles them three times faster and
// costs their callers next to nothing. Either way the rounding-mode
// barriers in m.h keep the order of operations.
var mathFlags = []string{"-ffunction-sections", "-fdata-sections", "-fno-builtin", "-frounding-math", "-fsignaling-nans", "-ffp-contract=off"}

var mathCallBound = map[string]bool{
	"polyfill/math/expm1x.c":   true,
	"polyfill/math/float128.c": true,
	"polyfill/math/narrow.c":   true,
	"polyfill/math/powfam.c":   true,
	"polyfill/math/trigpi.c":   true,
}

func mathSourceFlags(src string) []string {
	opt := "-O1"
	if mathCallBound[src] {
		opt = "-O0"
	}
	return append([]string{opt}, mathFlags...)
}

// mvecFlags are added for the generated vector wrappers: each only moves
// lanes between registers and memory around the scalar calls, so -O0
// costs nothing at run time and compiles them in a third of -O1's time.
var mvecFlags = []string{"-O0", "-ffunction-sections", "-fdata-sections", "-fno-builtin", "-ffp-contract=off"}

// mvecSourceName is where the generated wrappers are written in the work
// directory.
const mvecSourceName = "src/common/polyfill/math/mvec_generated.c"

// mathJob is a compile job for libcompat_m.a and the symbols it must
// yield.
type mathJob struct {
	*job
	keep []string // catalogue symbols the target lacks that it defines
}

// mathJobs returns the compile jobs of libcompat_m.a's objects: one per
// polyfill source and one for all vector wrappers (written into work),
// plus the thunks, which are ready already.
func mathJobs(work string, objs []object, arch archInfo) ([]*mathJob, error) {
	bySrc := map[string]*mathJob{}
	var out []*mathJob
	var vectors []mvecVariant
	var vectorSyms []string
	for _, o := range objs {
		switch {
		case o.thunk != "":
			data, err := thunkObject(arch.machine, o.symbols[0], o.thunk)
			if err != nil {
				return nil, err
			}
			out = append(out, &mathJob{job: &job{out: "math/" + o.member + ".o", pic: true, data: data}})
		case o.vector != "":
			v, err := parseMvec(o.symbols[0], o.vector)
			if err != nil {
				return nil, fmt.Errorf("libcompat: %v", err)
			}
			vectors = append(vectors, v)
			vectorSyms = append(vectorSyms, o.symbols...)
		default:
			mj := bySrc[o.src]
			if mj == nil {
				name := strings.TrimSuffix(path.Base(o.src), path.Ext(o.src))
				mj = &mathJob{job: &job{out: "math/src_" + name + ".o", src: "src/common/" + o.src, defines: mathSourceFlags(o.src), pic: true}}
				bySrc[o.src] = mj
				out = append(out, mj)
			}
			mj.keep = append(mj.keep, o.symbols...)
		}
	}
	// The longest compiles first, so two compilers per CPU finish
	// together (sources by size; the thunks need no compiler).
	sort.SliceStable(out, func(i, j int) bool { return srcSize(work, out[i].src) > srcSize(work, out[j].src) })
	if len(vectors) > 0 {
		if err := os.WriteFile(filepath.Join(work, filepath.FromSlash(mvecSourceName)), []byte(mvecSource(vectors)), 0o644); err != nil {
			return nil, fmt.Errorf("libcompat: %v", err)
		}
		// Slowest of all when complete: first.
		out = append([]*mathJob{{job: &job{out: "math/src_mvec.o", src: mvecSourceName, defines: mvecFlags, pic: true}, keep: vectorSyms}}, out...)
	}
	return out, nil
}

func srcSize(work, src string) int64 {
	if src == "" {
		return 0
	}
	st, err := os.Stat(filepath.Join(work, filepath.FromSlash(src)))
	if err != nil {
		return 0
	}
	return st.Size()
}

// mathMembers turns compiled math jobs into libcompat_m.a's members: the
// members of the kept symbols, every member defining a symbol that is not
// in the catalogue (a source's private helpers, which kept members may
// reference), the thunks, and the libquadmath members all of them reach.
// quadmath is GCC's libquadmath.a ("" if the compiler has none: then a
// link that reaches a _Float128 function fails naming its libquadmath
// symbol, which the driver explains).
func mathMembers(jobs []*mathJob, quadmath string) ([]arMember, error) {
	var members []arMember
	var undef []string
	for _, mj := range jobs {
		if len(mj.keep) == 0 && mj.src == "" {
			members = append(members, arMember{name: path.Base(mj.out), data: mj.data})
			continue
		}
		o, err := parseRelObj(mj.data)
		if err != nil {
			return nil, fmt.Errorf("libcompat: %s: %v", mj.src, err)
		}
		parts, err := splitObject(o)
		if err != nil {
			return nil, fmt.Errorf("libcompat: %s: %v", mj.src, err)
		}
		keep := map[string]bool{}
		for _, s := range mj.keep {
			keep[s] = true
		}
		found := map[string]bool{}
		for _, p := range parts {
			want := false
			for _, s := range p.symbols {
				if keep[s] {
					want, found[s] = true, true
				} else if _, inCatalogue := Lookup(s); !inCatalogue {
					want = true
				}
			}
			if !want {
				continue
			}
			members = append(members, arMember{name: p.symbols[0] + ".o", data: p.data})
			po, err := parseRelObj(p.data)
			if err != nil {
				return nil, err
			}
			undef = append(undef, po.undefinedRefs()...)
		}
		for _, s := range mj.keep {
			if !found[s] {
				return nil, fmt.Errorf("libcompat: %s does not define %s, which the catalogue says it does", mj.src, s)
			}
		}
	}
	if quadmath != "" {
		data, err := os.ReadFile(quadmath)
		if err != nil {
			return nil, fmt.Errorf("libcompat: %v", err)
		}
		qm, err := quadmathMembers(data, undef)
		if err != nil {
			return nil, fmt.Errorf("libcompat: %s: %v", quadmath, err)
		}
		members = append(members, qm...)
	}
	sort.Slice(members, func(i, k int) bool { return members[i].name < members[k].name })
	for i := 1; i < len(members); i++ {
		if members[i].name == members[i-1].name {
			return nil, fmt.Errorf("libcompat: two members of %s are named %s", MathName, members[i].name)
		}
	}
	return members, nil
}
