package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"compatbuild/internal/distros"
)

// WriteJSON writes the report as one indented JSON document (schema
// compatbuild.check/v1, documented in docs/check-json.md).
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// maxSymbols bounds the symbols shown per line in text output; JSON has all.
const maxSymbols = 6

// WriteText writes the report for a person at a terminal: per file the
// verdict first, then why, then a one-line summary.
func (rep *Report) WriteText(w io.Writer) {
	rep.WriteFiles(w)
	t := rep.Totals
	var parts []string
	if rep.Target != "" {
		parts = append(parts, fmt.Sprintf("%d within glibc %s", t.Within, rep.Target), fmt.Sprintf("%d above", t.Above))
	} else if t.Newest != "" {
		parts = append(parts, fmt.Sprintf("newest floor glibc %s (%s)", t.Newest, t.NewestPath))
	}
	parts = append(parts, plural(t.Errors, "error"))
	fmt.Fprintf(w, "%s: %s\n", plural(t.Files, "file"), strings.Join(parts, ", "))
}

// WriteFiles writes the per-file part of WriteText, without the summary.
func (rep *Report) WriteFiles(w io.Writer) {
	for _, r := range rep.Files {
		rep.writeFile(w, r)
	}
}

func (rep *Report) writeFile(w io.Writer, r *FileReport) {
	const indent = "       "
	switch r.Status {
	case StatusError:
		fmt.Fprintf(w, "ERROR  %s\n", oneLine(r.Error, r.Path))
		return
	case StatusStatic:
		fmt.Fprintf(w, "%s%s: statically linked, needs no shared glibc\n", verdict(rep, r), r.Path)
		return
	}
	g := r.Glibc
	var head string
	switch {
	case !g.Portable:
		head = "needs a glibc-internal interface (GLIBC_PRIVATE or unknown node): runs only on the glibc it was built against"
	case g.Floor == "":
		head = "needs no versioned glibc symbol"
	default:
		head = "needs glibc " + g.Floor
	}
	if rep.Target != "" && g.Portable {
		if r.Status == StatusAbove {
			head += ", above the floor " + rep.Target
		} else {
			head += ", within " + rep.Target
		}
	}
	fmt.Fprintf(w, "%s%s: %s\n", verdict(rep, r), r.Path, head)
	desc := r.ABI + " " + strings.ReplaceAll(r.Kind, "-", " ")
	if len(r.Needed) > 0 {
		desc += " · needs " + strings.Join(r.Needed, ", ")
	}
	fmt.Fprintf(w, "%s%s\n", indent, desc)
	if g.Portable {
		var names []string
		for _, d := range r.RunsOn {
			if isHeadline(d.Distro) {
				names = append(names, d.Name()+"+")
			}
		}
		line := "runs on " + strings.Join(names, ", ")
		if len(names) == 0 {
			line = "runs on no distro release compatbuild knows"
		}
		if r.Manylinux != "" {
			line += " · " + r.Manylinux
			if r.ManylinuxAlias != "" {
				line += " (" + r.ManylinuxAlias + ")"
			}
		}
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
	if len(g.Forcing) > 0 {
		if rep.Target != "" {
			fmt.Fprintf(w, "%sneeded above %s by:\n", indent, rep.Target)
		} else {
			fmt.Fprintf(w, "%sset by:\n", indent)
		}
		for _, req := range g.Forcing {
			fmt.Fprintf(w, "%s  %s\n", indent, describeRequirement(req))
		}
	}
	var tc []string
	for _, f := range []*ToolchainFloor{r.GLIBCXX, r.CXXABI, r.GCC} {
		if f == nil {
			continue
		}
		s := f.Version + " from " + f.Library
		if f.GCC != "" {
			s += " (GCC " + f.GCC + ")"
		}
		tc = append(tc, s)
	}
	if len(tc) > 0 {
		fmt.Fprintf(w, "%salso needs %s\n", indent, strings.Join(tc, ", "))
	}
}

func describeRequirement(req Requirement) string {
	rel := req.Release
	if rel == "" {
		rel = "?"
	}
	s := fmt.Sprintf("%-6s %-18s %-16s ", rel, req.Version, req.Library)
	switch {
	case req.Private:
		s += "glibc-internal interface: not portable to any other glibc build"
		if len(req.Symbols) > 0 {
			s += " (" + listSymbols(req.Symbols) + ")"
		}
	case req.Marker != "":
		s += "no symbol: " + req.Marker
	case req.unknown && req.Release == "":
		s += "unknown version node: newer than this compatbuild knows"
	case len(req.Symbols) == 0:
		s += "no symbol uses it (a version-only requirement)"
	default:
		s += listSymbols(req.Symbols)
	}
	return strings.TrimRight(s, " ")
}

func listSymbols(syms []string) string {
	if len(syms) <= maxSymbols {
		return strings.Join(syms, ", ")
	}
	return strings.Join(syms[:maxSymbols], ", ") + fmt.Sprintf(" and %d more", len(syms)-maxSymbols)
}

func verdict(rep *Report, r *FileReport) string {
	if rep.Target == "" {
		return ""
	}
	if r.Status == StatusAbove {
		return "ABOVE  "
	}
	return "OK     "
}

func isHeadline(distro string) bool {
	for _, d := range distros.Headline {
		if d == distro {
			return true
		}
	}
	return false
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// oneLine makes sure an error names its file exactly once.
func oneLine(msg, path string) string {
	msg = strings.ReplaceAll(msg, "\n", " ")
	if strings.Contains(msg, path) {
		return msg
	}
	return path + ": " + msg
}
