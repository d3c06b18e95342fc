package outputs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// likelyCause guesses, from the tree, why an output did not link through
// compatbuild. The guesses, in order: the driver linked it and a later
// step changed it; a Python extension built by distutils or setuptools;
// the nearest Makefile (in the output's directory or above, up to the
// root) overriding CC, running a compiler or linker by name, or linking
// with $(LD); else a generic explanation.
func likelyCause(root string, f Finding) string {
	if f.Linked {
		return "compatbuild linked it within the target, and a later step of the build changed it (patchelf, objcopy, or a copy over it)"
	}
	if strings.HasSuffix(f.Path, ".so") || strings.Contains(f.Path, ".so.") {
		for _, p := range []string{"setup.py", "pyproject.toml", "setup.cfg"} {
			if _, err := os.Stat(filepath.Join(root, p)); err == nil {
				return fmt.Sprintf("likely a Python extension (%s): distutils/setuptools linked it with its own command (sysconfig's LDSHARED, or a linker set in setup.py), not the LDSHARED and CC compatbuild sets", p)
			}
		}
	}
	for dir := filepath.Dir(filepath.Join(root, f.Path)); ; dir = filepath.Dir(dir) {
		if why := makefileCause(root, dir, filepath.Base(f.Path)); why != "" {
			return why
		}
		if dir == root || !strings.HasPrefix(dir, root+string(filepath.Separator)) {
			break
		}
	}
	return "it did not link through compatbuild: a build step ran a compiler or linker by name instead of $CC, or copied in a file built elsewhere"
}

// The patterns are compiled on first use: every compiler call through the
// driver loads this package, and only a failed output check reads them.
var (
	// makeOverride is an assignment make's command line cannot beat.
	makeOverride = lazyRegexp(`^\s*override\s+(CC|CXX|LD|LINK)\s*[:+?!]?=\s*(.*)$`)
	// makeAssign is a plain assignment of the compiler variables, which
	// compatbuild's command-line CC and CXX (through MAKEFLAGS) beat.
	makeAssign = lazyRegexp(`^\s*(CC|CXX)\s*[:?]?=\s*(.*)$`)
	// recipeTool is a recipe line whose command is a compiler or linker
	// named directly, or the linker variable.
	recipeTool = lazyRegexp(`^\t[@+\-\s]*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*((?:[\w.+-]*-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-[0-9.]+)?|ld(?:\.bfd|\.gold|\.lld)?|\$[({]LD[)}])(\s|$)`)
)

// makefileCause looks at the makefiles in dir for what bypasses
// compatbuild and returns a description naming the file and line. Of the
// recipe lines that run a compiler or linker by name, the one that names
// the output (out, a base name), or sits under a rule whose target does,
// is the one reported; the first one otherwise.
func makefileCause(root, dir, out string) string {
	var files []string
	for _, n := range []string{"GNUmakefile", "makefile", "Makefile"} {
		files = append(files, filepath.Join(dir, n))
	}
	mk, _ := filepath.Glob(filepath.Join(dir, "*.mk"))
	files = append(files, mk...)
	var plainCC, firstTool string
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		shown, _ := filepath.Rel(root, path)
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		var ruleTargets string
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if m := makeOverride().FindStringSubmatch(line); m != nil {
				f.Close()
				return fmt.Sprintf("%s:%d sets `override %s = %s`, which beats the CC compatbuild passes to make", shown, n, m[1], strings.TrimSpace(m[2]))
			}
			if !strings.HasPrefix(line, "\t") {
				if targets, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line[len(targets):], ":=") {
					ruleTargets = targets
				}
			}
			if m := recipeTool().FindStringSubmatch(line); m != nil {
				why := fmt.Sprintf("%s:%d runs %s by name instead of $(CC)/$(CXX)", shown, n, m[1])
				if strings.Contains(m[1], "LD") || strings.HasPrefix(m[1], "ld") {
					why = fmt.Sprintf("%s:%d links with %s, the linker itself, which compatbuild cannot stand in for: link through $(CC)", shown, n, m[1])
				}
				if strings.Contains(line, out) || slices.Contains(strings.Fields(ruleTargets), out) {
					f.Close()
					return why
				}
				if firstTool == "" {
					firstTool = why
				}
			}
			if m := makeAssign().FindStringSubmatch(line); m != nil && plainCC == "" {
				plainCC = fmt.Sprintf("%s:%d sets `%s = %s`; compatbuild passes CC and CXX on make's command line (MAKEFLAGS), which beats that, unless a recipe passes its own (make %s=...) or a sub-build does not read MAKEFLAGS", shown, n, m[1], strings.TrimSpace(m[2]), m[1])
			}
		}
		f.Close()
	}
	if firstTool != "" {
		return firstTool
	}
	return plainCC
}

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
