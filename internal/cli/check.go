package cli

import (
	"fmt"
	"io"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/distros"
)

const checkHelp = `
Reads each ELF executable or shared library, and each Python wheel, and
reports what it needs from the system it runs on: the oldest glibc, the
symbols that force it, every other versioned library family it needs
(GLIBCXX and CXXABI from libstdc++, GCC from libgcc_s, GOMP from libgomp,
GFORTRAN, QUADMATH, LIBATOMIC, ZLIB, any other library's), the distro
releases that ship its architecture and all of it, and the manylinux tag
auditwheel's policies allow. A program whose interpreter (PT_INTERP) is
not its ABI's standard loader (-Wl,--dynamic-linker=/nix/store/...) starts
on no standard distribution: it fails every gate.

Paths named on the command line must be ELF executables or shared
libraries, wheels or directories; a named object file (.o) or static
archive (.a) is an error saying to check what it is linked into.
Directories are walked recursively (non-ELF files, objects and symbolic
links inside them are skipped). The files checked together are one set: a program's DT_NEEDED
libraries found through its RUNPATH/RPATH ($ORIGIN) among them are part of
its verdict, and the report names the bundled library that forces a floor.
A wheel (.whl) is read in place; its contents' platform tag is printed, and
a file name that claims more than that fails the check.

Gates (any number; exit 1 when any file fails one):
  --glibc X.Y        the glibc floor (2.17 to 2.44, or a node like 2.3.4)
  --manylinux TAG    a manylinux policy: manylinux_2_17, manylinux2014, ...
  --distro NAME      what a release ships: rhel:7, ubuntu:20.04, debian:11, ...
Exit status: 0 within every gate, 1 above one, 2 on usage errors or
unreadable files, and when no ELF file is found.

Examples:
  compatbuild check ./target/release/libplugin.so
  compatbuild check --glibc 2.17 dist/          # fail CI above CentOS 7's glibc
  compatbuild check --manylinux manylinux2014 dist/*.whl
  compatbuild check --distro rhel:8,ubuntu:20.04 build/
  compatbuild check --json build/ > floors.json`

// targetList collects a repeatable, comma-separated flag.
type targetList []string

func (l *targetList) String() string { return strings.Join(*l, ",") }
func (l *targetList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			return fmt.Errorf("empty value: name a target (an unset CI variable must not turn the gate off)")
		}
		*l = append(*l, s)
	}
	return nil
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "[--glibc X.Y] [--manylinux TAG] [--distro NAME] [--json] PATH...", checkHelp, stderr)
	var glibc, manylinux, distro targetList
	fs.Var(&glibc, "glibc", "gate: fail (exit 1) if any file needs a newer glibc, e.g. 2.17")
	fs.Var(&manylinux, "manylinux", "gate: fail if any file is outside a manylinux policy, e.g. manylinux_2_17 or manylinux2014 (repeatable, comma-separated)")
	fs.Var(&distro, "distro", "gate: fail if any file needs more than a release ships, e.g. rhel:7, ubuntu:20.04, debian:11 (repeatable, comma-separated)")
	asJSON := fs.Bool("json", false, "write one JSON document (schema compatbuild.check/v1, see docs/check-json.md)")
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	var t check.Targets
	if len(glibc) > 1 {
		return fail(stderr, "--glibc given %d times: one glibc floor at a time", len(glibc))
	}
	if len(glibc) == 1 {
		v, err := abidb.CheckTarget(glibc[0])
		if err != nil {
			return fail(stderr, "--glibc: %v", err)
		}
		t.Glibc = v
	}
	for _, m := range manylinux {
		p, ok := distros.PolicyByTag(m)
		if !ok {
			var names []string
			for _, p := range distros.Policies() {
				names = append(names, append([]string{p.Name}, p.Aliases...)...)
			}
			return fail(stderr, "--manylinux: unknown tag %q; known: %s", m, strings.Join(names, ", "))
		}
		t.Manylinux = append(t.Manylinux, p)
	}
	for _, d := range distro {
		r, err := distros.Find(d)
		if err != nil {
			return fail(stderr, "--distro: %v", err)
		}
		t.Distros = append(t.Distros, r)
	}
	if fs.NArg() == 0 {
		return fail(stderr, "check needs at least one file, directory or wheel; see 'compatbuild check --help'")
	}
	rep := check.PathsTargets(fs.Args(), t)
	if rep.Totals.Files == 0 && len(rep.Wheels) == 0 {
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
