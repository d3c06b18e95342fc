package libcompat

import (
	"sort"
	"strings"
	"sync"
)

// Releases at which glibc's behaviour that we reproduce changes.
var (
	minSupported    = Version{2, 17}
	startStyleSplit = Version{2, 34} // __libc_start_main@GLIBC_2.34 runs the init arrays itself
	statSplit       = Version{2, 33} // stat family became real libc symbols
	kernel32Split   = Version{2, 26} // minimum kernel raised from 2.6.32 to 3.2
)

// object is one archive member built from one source with one define set.
type object struct {
	member  string   // member name without ".o"
	src     string   // path under src/common
	symbols []string // global symbols it defines
	parts   []string // COMPAT_OBJ_ parts it compiles, if not just member
}

// defines selects what the object's source compiles: by default the part
// named after the member; an object holding several functions lists them.
func (o object) defines() []string {
	if len(o.parts) == 0 {
		return []string{"-DCOMPAT_OBJ_" + o.member}
	}
	var out []string
	for _, p := range o.parts {
		out = append(out, "-DCOMPAT_OBJ_"+p)
	}
	return out
}

// polyfill is a newer libc symbol we can define in terms of older ones.
type polyfill struct {
	symbol string
	src    string  // path under src/common/polyfill
	since  Version // first glibc release exporting the symbol (x86_64)
}

func (p polyfill) object() object {
	return object{member: strings.TrimLeft(p.symbol, "_"), src: "polyfill/" + p.src, symbols: []string{p.symbol}}
}

// polyfills is built on first use: package initialisation runs in every
// compatbuild process, most of which never look at it.
var polyfills = sync.OnceValue(func() []polyfill {
	v := MustVersion
	list := []polyfill{
		{"fcntl64", "fcntl64.c", v("2.28")},
		{"__libc_single_threaded", "libc_single_threaded.c", v("2.32")},
		{"_dl_find_object", "dl_find_object.c", v("2.35")},
		{"reallocarray", "reallocarray.c", v("2.26")},
		{"getrandom", "getrandom.c", v("2.25")},
		{"getentropy", "getentropy.c", v("2.25")},
		{"explicit_bzero", "explicit_bzero.c", v("2.25")},
		{"gettid", "gettid.c", v("2.30")},
		{"strlcpy", "strlcpy.c", v("2.38")},
		{"strlcat", "strlcat.c", v("2.38")},
		{"arc4random", "arc4random.c", v("2.36")},
		{"arc4random_buf", "arc4random.c", v("2.36")},
		{"arc4random_uniform", "arc4random.c", v("2.36")},
		{"close_range", "close_range.c", v("2.34")},
		{"memfd_create", "memfd_create.c", v("2.27")},
		{"copy_file_range", "copy_file_range.c", v("2.27")},
		{"statx", "statx.c", v("2.28")},
		{"__cxa_thread_atexit_impl", "cxa_thread_atexit_impl.c", v("2.18")},
		{"wcslcpy", "wcslcpy.c", v("2.38")},
		{"wcslcat", "wcslcpy.c", v("2.38")},
		{"memset_explicit", "memset_explicit.c", v("2.43")},
		// _FORTIFY_SOURCE's checking variants (fortify.c).
		{"__explicit_bzero_chk", "fortify.c", v("2.25")},
		{"__strlcpy_chk", "fortify.c", v("2.38")},
		{"__strlcat_chk", "fortify.c", v("2.38")},
		{"__wcslcpy_chk", "fortify.c", v("2.38")},
		{"__wcslcat_chk", "fortify.c", v("2.38")},
		{"__inet_pton_chk", "fortify.c", v("2.42")},
		{"__inet_ntop_chk", "fortify.c", v("2.42")},
		{"__memset_explicit_chk", "fortify.c", v("2.43")},
	}
	for _, f := range []string{"strtol", "strtoul", "strtoll", "strtoull", "strtoimax", "strtoumax",
		"strtol_l", "strtoul_l", "strtoll_l", "strtoull_l",
		"wcstol", "wcstoul", "wcstoll", "wcstoull", "wcstoimax", "wcstoumax",
		"wcstol_l", "wcstoul_l", "wcstoll_l", "wcstoull_l"} {
		list = append(list, polyfill{"__isoc23_" + f, "isoc23_strto.c", v("2.38")})
	}
	for _, f := range []string{"sscanf", "fscanf", "scanf", "vsscanf", "vfscanf", "vscanf",
		"swscanf", "fwscanf", "wscanf", "vswscanf", "vfwscanf", "vwscanf"} {
		list = append(list, polyfill{"__isoc23_" + f, "isoc23_scanf.c", v("2.38")})
	}
	return list
})

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

// PolyfillSymbols lists every symbol libcompat_polyfill.a can provide,
// sorted.
func PolyfillSymbols() []string {
	var out []string
	for _, p := range polyfills() {
		out = append(out, p.symbol)
	}
	sort.Strings(out)
	return out
}

// IntroducedIn reports the first glibc release (x86_64) that exports sym,
// for the symbols this package polyfills or places in libc_nonshared.a.
// It backs Target.Has when the caller supplies none.
func IntroducedIn(sym string) (Version, bool) {
	for _, p := range polyfills() {
		if p.symbol == sym {
			return p.since, true
		}
	}
	for _, s := range statFamily {
		if s == sym {
			return statSplit, true
		}
	}
	return Version{}, false
}

// ArchiveSymbols lists, sorted, the symbols libc_nonshared.a and
// libcompat_polyfill.a define for t, without building anything.
func ArchiveSymbols(t Target) (nonshared, polyfill []string) {
	ns, pf := selectObjects(t.Glibc, t.has())
	if a, ok := lookupArch(t.Arch); ok {
		ns = append(ns, a.nonshared...)
	}
	for _, o := range ns {
		nonshared = append(nonshared, o.symbols...)
	}
	for _, o := range pf {
		polyfill = append(polyfill, o.symbols...)
	}
	sort.Strings(nonshared)
	sort.Strings(polyfill)
	return nonshared, polyfill
}

// selectObjects decides the members of libc_nonshared.a and
// libcompat_polyfill.a for release v: a polyfill for each symbol the target
// lacks, unless libc_nonshared.a already defines it (as it does the stat
// family before 2.33), so no symbol is defined in both archives.
func selectObjects(v Version, has func(string) bool) (nonshared, polyfill []object) {
	nonshared = nonsharedObjects(v)
	defined := map[string]bool{}
	for _, o := range nonshared {
		for _, s := range o.symbols {
			defined[s] = true
		}
	}
	for _, p := range polyfills() {
		if has(p.symbol) || defined[p.symbol] {
			continue
		}
		polyfill = append(polyfill, p.object())
	}
	return nonshared, polyfill
}
