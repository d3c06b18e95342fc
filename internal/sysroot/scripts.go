package sysroot

// The linker scripts that make -lc, -lm, -lpthread ... resolve inside a
// sysroot.

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

// linkerScripts returns the development files (lib*.so, lib*.a) that make
// -lc, -lm, -lpthread, -ldl, -lrt ... resolve inside the sysroot. Paths
// are double-quoted, so a cache under "/home/Jane Doe" or a path with a
// comma, parenthesis or '*' reads as one file name (EnsureIn refuses the
// double quote and newline that quoting cannot carry).
func linkerScripts(db *abidb.DB, lt libcompat.Target, libs []string, target abidb.Version, dir string) (map[string]string, error) {
	path := func(name string) string { return `"` + filepath.Join(dir, name) + `"` }
	// Libraries the polyfills may need that a link does not always
	// include: below 2.34 the merged libraries (as trimmed implicit stubs),
	// and the libraries alias thunks jump into (libresolv).
	var offered []string
	if target.Less(v234) {
		for _, lib := range MergedIn234 {
			if slices.Contains(libs, lib) {
				offered = append(offered, path(filepath.Join(implicitDirName, db.Soname(lib))))
			}
		}
	}
	aliasLibs, err := libcompat.AliasLibraries(lt, libcompat.PolyfillName)
	if err != nil {
		return nil, err
	}
	for _, lib := range aliasLibs {
		if slices.Contains(libs, lib) {
			offered = append(offered, path(db.Soname(lib)))
		}
	}
	out := map[string]string{}
	// Unlike glibc's own libc.so, the archives come before libc.so.6 and
	// the loader after the group. ld passes over a group again whenever an
	// archive member it pulls adds undefined symbols (the csu and stat
	// wrappers of old targets do), and each look at an as-needed library
	// (under gcc's --as-needed, libc.so.6 is one) copies the whole symbol
	// table: with the archives first, libc.so.6 is judged once, with every
	// reference known; with the loader outside, it is looked at once, after
	// everything that can reference it. The archives define nothing that
	// these libraries export as a default version
	// (TestArchivesBindLikeGlibc), so no binding changes; the one that
	// does on purpose, libcompat_override.a, comes after libc.so.6 (see
	// below).
	//
	// The offered libraries come once, as-needed, after the polyfill
	// archive's first scan and before the group: GNU ld decides whether an
	// as-needed library is needed when it reaches it, so it must see the
	// references of the polyfill members already pulled (thrd_create calls
	// pthread_create, res_search's thunk __res_search); in front of the
	// group and outside it, ld looks at them once, while its symbol table
	// is small.
	// The override archive after libc.so.6, inside the group: a link
	// finds glibc's posix_spawn or pthread_create first, and takes the
	// replacements only through the polyfill member that pulls them (a
	// group, so the members may use other polyfills).
	overrides, err := libcompat.OverrideSymbols(lt)
	if err != nil {
		return nil, err
	}
	libcGroup := path("libc.so.6")
	if len(overrides) > 0 {
		libcGroup += " " + path(libcompat.OverrideName)
	}
	var offer string
	if len(offered) > 0 {
		offer = fmt.Sprintf("INPUT ( %s )\nINPUT ( AS_NEEDED ( %s ) )\n", path(libcompat.PolyfillName), strings.Join(offered, " "))
	}
	out["libc.so"] = fmt.Sprintf("/* compatbuild: glibc %s libc for %s */\nOUTPUT_FORMAT(%s)\n%sGROUP ( %s %s %s )\nINPUT ( AS_NEEDED ( %s ) )\n",
		target, db.ABI(), outputFormat[db.ABI()], offer, path(libcompat.PolyfillName), path(libcompat.NonsharedName), libcGroup, path(db.Soname("ld")))
	for _, lib := range libs {
		if lib == "libc" || lib == "ld" {
			continue
		}
		name := lib + ".so"
		if !target.Less(v234) && slices.Contains(MergedIn234, lib) {
			out[lib+".a"] = emptyArchive
			continue
		}
		body := path(db.Soname(lib))
		if lib == "libm" {
			// The libm and libmvec polyfills after the libraries, inside
			// the group, so their members can call libm and are pulled
			// when the user's objects reference them before -lm.
			if slices.Contains(libs, "libmvec") {
				body += " AS_NEEDED ( " + path(db.Soname("libmvec")) + " )"
			}
			body += " " + path(libcompat.MathName)
			mathLibs, err := libcompat.AliasLibraries(lt, libcompat.MathName)
			if err != nil {
				return nil, err
			}
			for _, l := range mathLibs {
				body += " AS_NEEDED ( " + path(db.Soname(l)) + " )"
			}
		}
		out[name] = fmt.Sprintf("/* compatbuild: glibc %s %s */\nGROUP ( %s )\n", target, lib, body)
	}
	return out, nil
}

// outputFormat is the BFD target name each ABI's linker scripts declare.
var outputFormat = map[string]string{
	"x86_64":      "elf64-x86-64",
	"i386":        "elf32-i386",
	"aarch64":     "elf64-littleaarch64",
	"arm":         "elf32-littlearm",
	"powerpc64le": "elf64-powerpcle",
	"s390x":       "elf64-s390",
	"riscv64":     "elf64-littleriscv",
}
