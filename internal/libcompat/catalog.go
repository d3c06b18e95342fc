package libcompat

import (
	"slices"
	"sort"
)

// Releases at which glibc's behaviour that we reproduce changes.
var (
	minSupported    = Version{2, 17}
	startStyleSplit = Version{2, 34} // __libc_start_main@GLIBC_2.34 runs the init arrays itself
	statSplit       = Version{2, 33} // stat family became real libc symbols
	kernel32Split   = Version{2, 26} // minimum kernel raised from 2.6.32 to 3.2
)

// object is one archive member built from one source with one define set,
// or (thunk set) a tail-call thunk written without the compiler.
type object struct {
	member  string   // member name without ".o"
	src     string   // path under src/common
	symbols []string // global symbols it defines
	parts   []string // COMPAT_OBJ_ parts it compiles, if not just member
	thunk   string   // an alias: the symbol the thunk jumps to
	vector  string   // a libmvec variant: the scalar function it calls per lane
	// overrides are the target's functions the member replaces
	// (catalogue/overrides.tsv); for a polyfill member, compiled with
	// -DCOMPAT_OVERRIDE_<function>, for its libcompat_override.a part
	// (late) the replacements themselves.
	overrides []string
	late      bool
}

// defines selects what the object's source compiles: by default the part
// named after the member; an object holding several functions lists them.
func (o object) defines() []string {
	var out []string
	switch {
	case o.late:
		out = append(out, "-DCOMPAT_LATE")
	case len(o.parts) == 0:
		out = append(out, "-DCOMPAT_OBJ_"+o.member)
	}
	for _, p := range o.parts {
		out = append(out, "-DCOMPAT_OBJ_"+p)
	}
	for _, f := range o.overrides {
		out = append(out, "-DCOMPAT_OVERRIDE_"+f)
	}
	return out
}

// catalogueObjects returns the members archive needs at a target that has
// the symbols has reports and whose libc_nonshared.a defines those in
// skip: one per polyfill member (holding each of its symbols the target
// lacks, compiled with -DCOMPAT_OBJ_<symbol> for each) and one thunk per
// alias. Members are sorted by name.
func catalogueObjects(archive string, has func(string) bool, skip map[string]bool) ([]object, error) {
	return catalogueObjectsFor("x86_64", archive, has, skip)
}

// catalogueObjectsFor is catalogueObjects with the catalogue of the ABI
// arch (CatalogueFor).
func catalogueObjectsFor(arch, archive string, has func(string) bool, skip map[string]bool) ([]object, error) {
	entries, err := CatalogueFor(arch)
	if err != nil {
		return nil, err
	}
	// The new forms of older names whose ABI changed (abichange.go).
	entries = append(slices.Clip(entries), abiChangePolyfills()...)
	byMember := map[string]*object{}
	var out []*object
	for _, e := range entries {
		if e.Archive() != archive || has(e.Symbol) || skip[e.Symbol] {
			continue
		}
		switch e.Status {
		case StatusPolyfill:
			o := byMember[e.Member]
			if o == nil {
				o = &object{member: e.Member, src: "polyfill/" + e.Source}
				byMember[e.Member] = o
				out = append(out, o)
			}
			o.symbols = append(o.symbols, e.Symbol)
			o.parts = append(o.parts, defaultMember(e.Symbol))
		case StatusAlias:
			out = append(out, &object{member: e.Member, symbols: []string{e.Symbol}, thunk: e.Target})
		case StatusVector:
			out = append(out, &object{member: e.Member, symbols: []string{e.Symbol}, vector: e.Target})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].member < out[j].member })
	overrides, err := Overrides()
	if err != nil {
		return nil, err
	}
	objs := make([]object, len(out))
	for i, o := range out {
		sort.Strings(o.symbols)
		sort.Strings(o.parts)
		if o.src != "" {
			o.overrides = activeOverrides(overrides, o.member, o.symbols)
		}
		objs[i] = *o
	}
	return objs, nil
}

// statFamily are the pre-2.33 libc_nonshared.a wrappers (src/common/nonshared/stat.c).
var statFamily = []string{"stat", "fstat", "lstat", "fstatat", "stat64", "fstat64", "lstat64", "fstatat64", "mknod", "mknodat"}

// nonsharedObjects returns the members of libc_nonshared.a for release v,
// following what glibc's own libc_nonshared.a held at that release.
func nonsharedObjects(v Version) []object {
	objs := []object{
		{member: "atexit", src: "nonshared/atexit.c", symbols: []string{"atexit"}},
		{member: "at_quick_exit", src: "nonshared/at_quick_exit.c", symbols: []string{"at_quick_exit"}},
		{member: "pthread_atfork", src: "nonshared/pthread_atfork.c", symbols: []string{"pthread_atfork"}},
	}
	if v.Less(statSplit) {
		// One member for the whole family: each function is a few
		// instructions, and every object compiled is a compiler run on a
		// cold cache. Nobody defines stat or mknod themselves.
		objs = append(objs, object{member: "stat", src: "nonshared/stat.c", symbols: statFamily, parts: statFamily})
	}
	if v.Less(startStyleSplit) {
		objs = append(objs, object{member: "libc_csu", src: "nonshared/csu.c", symbols: []string{"__libc_csu_fini", "__libc_csu_init"}})
	}
	return objs
}

// PolyfillSymbols lists, sorted, every symbol archive (PolyfillName or
// MathName) can define at some target: the catalogue's polyfills and
// aliases built into it.
func PolyfillSymbols(archive string) []string {
	entries, err := Catalogue()
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range append(slices.Clip(entries), abiChangePolyfills()...) {
		if e.Archive() == archive {
			out = append(out, e.Symbol)
		}
	}
	sort.Strings(out)
	return out
}

// IntroducedIn reports the first glibc release whose x86_64 libraries
// export sym for new links (from the ABI database), for symbols newer than
// glibc 2.17; ok is false for older symbols and names glibc never had. It
// backs Target.Has when the caller supplies none.
func IntroducedIn(sym string) (Version, bool) {
	v, ok := firstRelease(sym)
	if !ok {
		return Version{}, false
	}
	return Version{v.Major, v.Minor}, true
}

// ArchiveSymbols lists, sorted, the symbols libc_nonshared.a,
// libcompat_polyfill.a and libcompat_m.a define for t, without building
// anything.
func ArchiveSymbols(t Target) (nonshared, polyfill, math []string, err error) {
	ns, pf, m, err := selectObjectsFor(t.Arch, t.Glibc, t.has())
	if err != nil {
		return nil, nil, nil, err
	}
	if a, ok := lookupArch(t.Arch); ok {
		ns = append(ns, a.nonshared...)
		pf, m = withoutThunks(pf, a), withoutThunks(m, a)
	}
	return objectSymbols(ns), objectSymbols(pf), objectSymbols(m), nil
}

// OverrideSymbols lists, sorted, the functions of the target's glibc that
// libcompat_override.a replaces at t (catalogue/overrides.tsv): none means
// the archive is empty and a link need not read it.
func OverrideSymbols(t Target) ([]string, error) {
	_, pf, _, err := selectObjects(t.Glibc, t.has())
	if err != nil {
		return nil, err
	}
	return objectSymbols(overrideObjects(pf)), nil
}

func objectSymbols(objs []object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.symbols...)
	}
	sort.Strings(out)
	return out
}

// selectObjects decides the members of libc_nonshared.a,
// libcompat_polyfill.a and libcompat_m.a for release v: a polyfill or
// thunk for each catalogue symbol the target lacks, unless
// libc_nonshared.a already defines it (as it does the stat family before
// 2.33), so no symbol is defined in two archives.
func selectObjects(v Version, has func(string) bool) (nonshared, polyfill, math []object, err error) {
	return selectObjectsFor("x86_64", v, has)
}

// selectObjectsFor is selectObjects for the ABI arch.
func selectObjectsFor(arch string, v Version, has func(string) bool) (nonshared, polyfill, math []object, err error) {
	nonshared = nonsharedObjects(v)
	defined := map[string]bool{}
	for _, o := range nonshared {
		for _, s := range o.symbols {
			defined[s] = true
		}
	}
	if polyfill, err = catalogueObjectsFor(arch, PolyfillName, has, defined); err != nil {
		return nil, nil, nil, err
	}
	if math, err = catalogueObjectsFor(arch, MathName, has, defined); err != nil {
		return nil, nil, nil, err
	}
	polyfill, math = resolvableThunks(arch, has, nonshared, polyfill, math)
	return nonshared, polyfill, math, nil
}

// resolvableThunks drops the thunks whose target the link could not bind:
// a catalogue symbol the target lacks and no archive provides (refused on
// arch, or itself such a thunk). The link then reports the alias
// undefined, and the driver explains it (DescribeFor). Targets outside
// the catalogue are glibc 2.17's own. On x86_64 ValidateCatalogue
// guarantees every target, so nothing is dropped there.
func resolvableThunks(arch string, has func(string) bool, nonshared, polyfill, math []object) ([]object, []object) {
	provided := map[string]bool{}
	for _, objs := range [][]object{nonshared, polyfill, math} {
		for _, o := range objs {
			if o.thunk == "" {
				for _, s := range o.symbols {
					provided[s] = true
				}
			}
		}
	}
	resolves := func(t string) bool {
		if provided[t] || has(t) {
			return true
		}
		_, inCatalogue := LookupFor(t, arch)
		return !inCatalogue
	}
	// Thunks may target thunks (__acosf128_finite → acosf128 → acosl):
	// settle until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, objs := range [][]object{polyfill, math} {
			for _, o := range objs {
				if o.thunk != "" && !provided[o.symbols[0]] && resolves(o.thunk) {
					provided[o.symbols[0]], changed = true, true
				}
			}
		}
	}
	keep := func(objs []object) []object {
		out := objs[:0:0]
		for _, o := range objs {
			if o.thunk == "" || provided[o.symbols[0]] {
				out = append(out, o)
			}
		}
		return out
	}
	return keep(polyfill), keep(math)
}
