package cli

import (
	"io"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
)

const checkHelp = `
Reads each ELF executable or shared library (directories are walked
recursively; non-ELF files and symbolic links inside them are skipped) and
reports the oldest glibc it loads on, the symbols that force that floor, the
distro releases and manylinux tag that floor means, and the libstdc++
(GLIBCXX, CXXABI) and libgcc_s (GCC) versions it needs.

With --glibc, it is a CI gate: exit 0 when every file is within the floor,
1 when any file needs more, 2 on usage errors or unreadable files.

Examples:
  compatbuild check ./target/release/libplugin.so
  compatbuild check --glibc 2.17 dist/          # fail CI above CentOS 7
  compatbuild check --json build/ > floors.json`

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "[--glibc X.Y] [--json] PATH...", checkHelp, stderr)
	glibc := fs.String("glibc", "", "declared floor: fail (exit 1) if any file needs a newer glibc, e.g. 2.17")
	asJSON := fs.Bool("json", false, "write one JSON document (schema compatbuild.check/v1, see docs/check-json.md)")
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	var target abidb.Version
	if *glibc != "" {
		v, err := abidb.CheckTarget(*glibc)
		if err != nil {
			return fail(stderr, "--glibc: %v", err)
		}
		target = v
	}
	if fs.NArg() == 0 {
		return fail(stderr, "check needs at least one file or directory; see 'compatbuild check --help'")
	}
	rep := check.Paths(fs.Args(), target)
	if rep.Totals.Files == 0 {
		// Nothing checked is no pass: a CI gate pointed at the wrong
		// directory must not go green.
		return fail(stderr, "check: no ELF executable or shared library found in %s", strings.Join(fs.Args(), ", "))
	}
	if *asJSON {
		if err := rep.WriteJSON(stdout); err != nil {
			return fail(stderr, "writing JSON: %v", err)
		}
	} else {
		rep.WriteText(stdout)
	}
	return rep.ExitCode()
}
