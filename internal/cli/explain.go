package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/driver"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/sysroot"
	"compatbuild/internal/target"
)

const explainHelp = `
Prints the history of a glibc symbol on one ABI: which libraries exported
it, under which version nodes, in which releases, and what a new link for
glibc 2.17, 2.28, 2.34 and the newest release gets: the version it binds,
compatbuild's polyfill or alias of it (the catalogue in
docs/newer-symbols.md), or "not linkable" with the reason (the catalogue's
refusal, a version kept only for old binaries). The answer is worked out
by the code that builds the stub sysroot, so it is what 'compatbuild cc'
does. For a name whose ABI changed under one name (totalorder, fromfp,
cfsetospeed: docs/abi-changes.md) the form a program calls, and so the
version bound, follows the glibc release of the headers it is compiled
with: explain asks the compiler a link would use ($CC, or gcc; the cross
compiler for --arch) and says which release it found; --headers X.Y
answers for other headers. Notes tell what the abilists alone do not (the
stat family lived in libc_nonshared.a before 2.33).

Examples:
  compatbuild explain stat
  compatbuild explain --arch aarch64 memcpy
  compatbuild explain pthread_create
  compatbuild explain res_search
  compatbuild explain --headers 2.30 totalorder`

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", "[--arch ABI] [--headers X.Y] SYMBOL", explainHelp, stderr)
	arch := fs.String("arch", "x86_64", "ABI: "+strings.Join(abidb.ABIs, ", "))
	headersFlag := fs.String("headers", "", "glibc release of the headers the program is compiled with (default: ask the compiler a link would use)")
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if fs.NArg() != 1 {
		return fail(stderr, "explain takes exactly one symbol name; see 'compatbuild explain --help'")
	}
	if _, err := abidb.ParseVersion(*headersFlag); *headersFlag != "" && err != nil {
		return fail(stderr, "explain: --headers %q is no glibc release: give the release of the headers, e.g. 2.36", *headersFlag)
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
	headers, whose := explainHeaders(*headersFlag, *arch)
	if len(hist) > 0 {
		fmt.Fprintf(stdout, "A new link binds, %s:\n", whose)
		var first abidb.Version // the oldest release whose glibc a link binds
		for _, r := range db.Releases() {
			if b, err := sysroot.BindingOf(db, sym, r, headers); err == nil && b.Node != "" {
				first = r
				break
			}
		}
		for _, r := range []abidb.Version{db.First(), abidb.MustParseVersion("2.28"), abidb.MustParseVersion("2.34"), db.Last()} {
			if r.Less(db.First()) {
				continue
			}
			fmt.Fprintf(stdout, "  at %s: %s\n", r, explainBinding(db, sym, r, headers, first))
		}
	}
	if note != "" {
		fmt.Fprintf(stdout, "Note: %s\n", note)
	}
	return ExitOK
}

// explainHeaders is the glibc release of the headers a program is
// compiled with, and words saying where it comes from: given (--headers),
// or probed from the compiler a link for arch would use, as a sysroot
// probes it (libcompat.ProbeHeaders). Zero when unknown.
func explainHeaders(given, arch string) (abidb.Version, string) {
	if v, err := abidb.ParseVersion(given); given != "" && err == nil {
		return v, "for a program compiled with glibc " + v.String() + " headers (--headers)"
	}
	t, ok := target.ByABI(arch)
	if !ok {
		return abidb.Version{}, "with headers of an unknown glibc release (no compiler for " + arch + ")"
	}
	cc, err := driver.CompilerFor(t, false)
	if err != nil {
		return abidb.Version{}, "with headers of an unknown glibc release (" + err.Error() + "; pass --headers X.Y)"
	}
	info, err := libcompat.ProbeHeaders(context.Background(), cc)
	if err != nil || info.Release.IsZero() {
		return abidb.Version{}, "with headers of an unknown glibc release (" + strings.Join(cc, " ") + "'s <features.h> names none; pass --headers X.Y)"
	}
	v := abidb.Version{Major: info.Release.Major, Minor: info.Release.Minor}
	return v, "with this compiler's glibc " + v.String() + " headers (" + strings.Join(cc, " ") + ")"
}

// explainBinding says what a link for r binds sym to
// (sysroot.BindingOf: the decision the sysroot's stubs and archives
// make): the version, compatbuild's polyfill or alias, or "not linkable"
// with the reason. first is the oldest release whose glibc a link binds
// (zero: none).
func explainBinding(db *abidb.DB, sym string, r, headers, first abidb.Version) string {
	b, err := sysroot.BindingOf(db, sym, r, headers)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	if b.Node != "" {
		return fmt.Sprintf("%s@%s from %s", sym, b.Node, db.Soname(b.Lib))
	}
	lr := libcompat.Version{Major: r.Major, Minor: r.Minor}
	e, phrase, known := libcompat.DescribeFor(sym, db.ABI(), lr)
	if b.Archive != "" {
		if !known || e.Status == libcompat.StatusRefused {
			phrase = "links its own " + sym
		}
		return fmt.Sprintf("compatbuild %s, in %s", phrase, b.Archive)
	}
	var why []string
	if b.CompatLib != "" {
		why = append(why, fmt.Sprintf("compat-only in %s since %s", db.Soname(b.CompatLib), b.CompatSince))
	}
	h := libcompat.Version{Major: headers.Major, Minor: headers.Minor}
	if note, ok := libcompat.ABIChangeNote(db.ABI(), sym, lr, h); ok && (h.IsZero() || hasName(db, sym, r)) {
		// The target has the name, in the other form (or the headers'
		// form is unknown).
		why = append(why, sym+" "+note)
	} else if known && e.Status == libcompat.StatusRefused {
		why = append(why, "compatbuild cannot provide it: "+phrase)
	} else if !first.IsZero() && r.Less(first) && b.CompatLib == "" {
		why = append(why, "glibc has it from "+first.String())
	}
	if len(why) == 0 {
		return "not linkable"
	}
	return "not linkable (" + strings.Join(why, "; ") + ")"
}

// hasName reports whether glibc r exports sym under any version.
func hasName(db *abidb.DB, sym string, r abidb.Version) bool {
	for _, a := range db.History(sym) {
		if slices.Contains(a.Releases, r) {
			return true
		}
	}
	return false
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
