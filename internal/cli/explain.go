package cli

import (
	"fmt"
	"io"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

const explainHelp = `
Prints the history of a glibc symbol on one ABI: which libraries exported
it, under which version nodes, in which releases, which one a new link binds
to, what a link for an older glibc gets instead of a newer symbol (a
polyfill, an alias of an older name, or a refusal with its reason: the
catalogue in docs/newer-symbols.md), and notes on symbols whose story the
abilists alone do not tell (the stat family lived in libc_nonshared.a
before 2.33).

Examples:
  compatbuild explain stat
  compatbuild explain --arch aarch64 memcpy
  compatbuild explain pthread_create
  compatbuild explain res_search`

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", "[--arch ABI] SYMBOL", explainHelp, stderr)
	arch := fs.String("arch", "x86_64", "ABI: "+strings.Join(abidb.ABIs, ", "))
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if fs.NArg() != 1 {
		return fail(stderr, "explain takes exactly one symbol name; see 'compatbuild explain --help'")
	}
	db, err := abidb.Load(*arch)
	if err != nil {
		return fail(stderr, "--arch: %v", err)
	}
	sym := fs.Arg(0)
	hist := db.History(sym)
	note := abidb.Note(sym)
	if len(hist) == 0 && note == "" {
		fmt.Fprintf(stderr, "compatbuild: no glibc library exports %q on %s in glibc %s–%s; check the spelling (symbols are case-sensitive, without @version)\n", sym, *arch, db.First(), db.Last())
		return ExitFail
	}
	fmt.Fprintf(stdout, "%s on %s (glibc %s–%s):\n", sym, *arch, db.First(), db.Last())
	for _, a := range hist {
		kind := a.Kind.String()
		if a.Kind == abidb.Object {
			kind = fmt.Sprintf("object, %d bytes", a.Size)
		}
		intro := ""
		if r, ok := db.NodeRelease(a.Node); ok {
			intro = "introduced in " + r.String() + ", "
		}
		fmt.Fprintf(stdout, "  %-16s %-12s %sexported in %s (%s)\n", db.Soname(a.Lib), a.Node, intro, ranges(a.Releases, db.Releases()), kind)
	}
	var binds []string
	for _, r := range []abidb.Version{db.First(), abidb.MustParseVersion("2.28"), abidb.MustParseVersion("2.34"), db.Last()} {
		if r.Less(db.First()) {
			continue
		}
		if lib, sv, ok := db.LibraryOf(sym, r); ok {
			binds = append(binds, fmt.Sprintf("at %s: %s@%s from %s", r, sym, sv.Node, db.Soname(lib)))
		} else if lib, since, ok := compatOnlyIn(db, sym, r); ok {
			binds = append(binds, fmt.Sprintf("at %s: not linkable (compat-only in %s since %s)", r, db.Soname(lib), since))
		} else {
			binds = append(binds, fmt.Sprintf("at %s: not linkable", r))
		}
	}
	if len(hist) > 0 {
		fmt.Fprintf(stdout, "A new link binds %s.\n", strings.Join(dedupe(binds), "; "))
	}
	if *arch == "x86_64" {
		if rel, ok := libcompat.IntroducedIn(sym); ok {
			if e, phrase, ok := libcompat.Describe(sym); ok {
				verb := "gets it from compatbuild, which"
				if e.Status == libcompat.StatusRefused {
					verb = "fails: compatbuild cannot provide it:"
				}
				fmt.Fprintf(stdout, "A link for glibc below %s %s %s (%s, catalogue/%s.tsv; see docs/newer-symbols.md).\n", rel, verb, phrase, e.Status, e.Table)
			}
		}
	}
	if note != "" {
		fmt.Fprintf(stdout, "Note: %s\n", note)
	}
	return ExitOK
}

// compatOnlyIn finds a library that still exports sym at r, but only for
// old binaries.
func compatOnlyIn(db *abidb.DB, sym string, r abidb.Version) (string, abidb.Version, bool) {
	libs, err := db.Libraries(r)
	if err != nil {
		return "", abidb.Version{}, false
	}
	for _, lib := range libs {
		if since, ok := db.CompatOnly(lib, sym, r); ok {
			return lib, since, true
		}
	}
	return "", abidb.Version{}, false
}

// ranges writes a set of releases compactly: "2.17–2.33, 2.35".
func ranges(have, all []abidb.Version) string {
	in := map[abidb.Version]bool{}
	for _, r := range have {
		in[r] = true
	}
	var parts []string
	for i := 0; i < len(all); i++ {
		if !in[all[i]] {
			continue
		}
		j := i
		for j+1 < len(all) && in[all[j+1]] {
			j++
		}
		if i == j {
			parts = append(parts, all[i].String())
		} else {
			parts = append(parts, all[i].String()+"–"+all[j].String())
		}
		i = j
	}
	return strings.Join(parts, ", ")
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}
