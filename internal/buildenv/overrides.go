package buildenv

import (
	"strings"
)

// Build tools that do not take the compiler from $CC, and how the
// environment reaches them anyway:
//
//   - GNU make (and BSD make): a Makefile's own `CC = gcc` beats the
//     environment, but not a variable given on make's command line, and
//     make reads command-line variables from MAKEFLAGS, in sub-makes too.
//     MAKEFLAGS therefore carries CC and CXX. A Makefile's `override CC`,
//     a recipe that runs gcc by name or links with $(LD), and flags a
//     Makefile adds to CC itself (CC = gcc -std=c99, lost to the override:
//     put them in CFLAGS, or run `make CC="compatbuild-cc-2.17 -std=c99"`)
//     are not covered; the output check catches what bypasses.
//   - Python's distutils (Python ≤ 3.11's stdlib, setuptools' copy before
//     it rewrote LDSHARED from CC) links extensions with sysconfig's
//     LDSHARED (x86_64-linux-gnu-gcc -pthread -shared) and C++ ones with
//     LDCXXSHARED in newer setuptools, not $CC: both are set. A setup.py
//     that sets its own linker command is not covered.
//   - meson and ninja: meson takes CC and CXX from the environment when
//     the build directory is set up and links through them; ninja runs
//     what meson wrote. CMake takes the compilers from the toolchain file.

// makeVars returns MAKEFLAGS: the user's make flags (existing) with CC and
// CXX set to the wrappers as command-line variables, replacing any earlier
// CC or CXX a compatbuild wrapper was given as (nested compatbuild runs).
func makeVars(existing, cc, cxx string) string {
	flags, defs, _ := strings.Cut(existing, " -- ")
	if strings.HasPrefix(existing, "-- ") {
		flags, defs = "", strings.TrimPrefix(existing, "-- ")
	}
	var keep []string
	for _, d := range splitMakeWords(defs) {
		name, value, _ := strings.Cut(d, "=")
		if (name == "CC" || name == "CXX") && isWrapper(unescapeMake(value)) {
			continue
		}
		keep = append(keep, d)
	}
	keep = append(keep, "CC="+escapeMake(cc), "CXX="+escapeMake(cxx))
	out := "-- " + strings.Join(keep, " ")
	if flags = strings.TrimSpace(flags); flags != "" {
		out = flags + " " + out
	}
	return out
}

// escapeMake quotes a value for a MAKEFLAGS variable definition: make
// splits MAKEFLAGS at unescaped blanks, and a $ is doubled twice, once for
// reading MAKEFLAGS and once for expanding the (recursive) variable, as
// make itself writes it into MAKEFLAGS for `make 'CC=/a$$b'`.
func escapeMake(s string) string {
	r := strings.NewReplacer(`\`, `\\`, " ", `\ `, "\t", "\\\t", "$", "$$$$")
	return r.Replace(s)
}

func unescapeMake(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\ `, " ", "\\\t", "\t", "$$$$", "$")
	return r.Replace(s)
}

// splitMakeWords splits MAKEFLAGS words at blanks not escaped by a
// backslash.
func splitMakeWords(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(c)
			cur.WriteByte(s[i+1])
			i++
		case c == ' ' || c == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// pythonVars are the link commands distutils and setuptools use for
// extension modules, in the form sysconfig gives them
// ("$CC -pthread -shared"), with the wrappers as the compilers.
func pythonVars(cc, cxx string) []Var {
	return []Var{
		{"LDSHARED", cc + " -pthread -shared"},
		{"LDCXXSHARED", cxx + " -pthread -shared"},
	}
}
