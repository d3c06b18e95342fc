package check

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
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
	if len(rep.Targets) > 0 {
		within := "within every gate (" + strings.Join(rep.Targets, ", ") + ")"
		if rep.Target != "" && len(rep.Targets) == 1 {
			within = "within glibc " + rep.Target
		}
		parts = append(parts, fmt.Sprintf("%d %s", t.Within, within), fmt.Sprintf("%d above", t.Above))
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
	for _, wr := range rep.Wheels {
		if wr.Error != "" {
			continue // reported as an error entry
		}
		mark := ""
		if len(rep.Targets) > 0 || len(wr.Overclaims) > 0 {
			mark = "OK     "
			if len(wr.Overclaims) > 0 {
				mark = "ABOVE  "
			}
		}
		fmt.Fprintf(w, "%s%s: wheel of %d ELF files; its contents allow the platform tag %s\n", mark, wr.Path, wr.Members, wr.Tag)
		const indent = "       "
		if len(wr.Overclaims) > 0 {
			fmt.Fprintf(w, "%sthe file name claims more than that: %s\n", indent, strings.Join(wr.Overclaims, ", "))
			fmt.Fprintf(w, "%srename it to the tag above (auditwheel repair does), or rebuild for the claimed tag\n", indent)
		}
		if len(wr.Blockers) > 0 {
			fmt.Fprintf(w, "%snot an older tag because:\n", indent)
			writeReasons(w, indent+"  ", wr.Blockers, 6)
		}
	}
}

func (rep *Report) writeFile(w io.Writer, r *FileReport) {
	const indent = "       "
	switch r.Status {
	case StatusError:
		fmt.Fprintf(w, "ERROR  %s\n", oneLine(r.Error, r.Path))
		return
	case StatusStatic:
		fmt.Fprintf(w, "%s%s: statically linked executable, loads no shared library (no glibc floor)\n", verdict(rep, r), r.Path)
		return
	}
	g := r.Glibc
	if r.Bundle != nil {
		g = r.Bundle.Glibc
	}
	var head string
	switch {
	case !g.Portable:
		head = "needs a glibc-internal interface (GLIBC_PRIVATE or unknown node): runs only on the glibc it was built against"
	case g.Floor == "":
		head = "needs no versioned glibc symbol"
	default:
		head = "needs glibc " + g.Floor
	}
	if r.Bundle != nil && r.Bundle.ForcedBy != "" {
		head += " (through " + r.Bundle.ForcedBy + ")"
	}
	var above, within []string
	for _, v := range r.Verdicts {
		if v.Kind == "glibc" {
			continue
		}
		if v.OK {
			within = append(within, v.Target)
		} else {
			above = append(above, v.Target)
		}
	}
	switch {
	case r.InterpProblem != "":
		head = "starts on no standard distribution: its program interpreter is " + r.Interp + " (" + head + ")"
		above = nil
		for _, v := range r.Verdicts {
			above = append(above, v.Target)
		}
	case rep.Target != "" && g.Portable:
		if rep.glibcAbove(r) {
			head += ", above the floor " + rep.Target
		} else {
			head += ", within " + rep.Target
		}
	}
	if len(above) > 0 {
		head += "; not within " + strings.Join(above, ", ")
	}
	if len(within) > 0 {
		head += "; within " + strings.Join(within, ", ")
	}
	fmt.Fprintf(w, "%s%s: %s\n", verdict(rep, r), r.Path, head)
	desc := r.ABI + " " + strings.ReplaceAll(r.Kind, "-", " ")
	if len(r.Needed) > 0 {
		desc += " · needs " + strings.Join(r.Needed, ", ")
	} else {
		desc += " · needs no shared library (no DT_NEEDED)"
	}
	fmt.Fprintf(w, "%s%s\n", indent, desc)
	if r.Bundle != nil {
		fmt.Fprintf(w, "%sloads bundled %s\n", indent, strings.Join(r.Bundle.Loads, ", "))
	}
	if r.InterpProblem != "" {
		fmt.Fprintf(w, "%s%s\n", indent, r.InterpProblem)
	} else if g.Portable {
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
		} else {
			line += " · no manylinux tag"
		}
		fmt.Fprintf(w, "%s%s\n", indent, line)
		if r.Manylinux == "" && len(r.ManylinuxBlockers) > 0 {
			writeReasons(w, indent+"  ", r.ManylinuxBlockers, 3)
		}
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
	var noted []Family
	fams := r.Families
	if r.Bundle != nil {
		fams = append(slices.Clone(fams), r.Bundle.Families...)
	}
	for _, f := range fams {
		if f.Name == "GLIBC" || f.weakOnly {
			continue
		}
		if f.Note != "" {
			noted = append(noted, f)
			continue
		}
		s := f.Newest + " from " + f.Library
		if f.Introduced != "" {
			s += " (" + f.Introduced + ")"
		}
		if f.Via != "" {
			s += " via " + f.Via
		}
		tc = append(tc, s)
	}
	if len(tc) > 0 {
		fmt.Fprintf(w, "%salso needs %s\n", indent, strings.Join(tc, ", "))
	}
	for _, f := range noted {
		s := f.Newest
		if f.Introduced != "" {
			s += " (" + f.Introduced + ")"
		}
		if f.Via != "" {
			s += " via " + f.Via
		}
		fmt.Fprintf(w, "%salso needs %s: %s\n", indent, s, f.Note)
	}
	for _, v := range r.Verdicts {
		if v.Kind == "glibc" {
			continue
		}
		if !v.OK {
			// The interpreter's reason was printed once above.
			reasons := slices.DeleteFunc(slices.Clone(v.Reasons), func(rs Reason) bool { return rs.Why == r.InterpProblem })
			if len(reasons) == 0 {
				continue
			}
			fmt.Fprintf(w, "%snot within %s:\n", indent, v.Target)
			writeReasons(w, indent+"  ", reasons, 0)
		}
		for _, n := range v.Notes {
			fmt.Fprintf(w, "%snote: %s\n", indent, n)
		}
	}
}

// writeReasons writes one line per reason (at most limit, 0: all).
func writeReasons(w io.Writer, indent string, reasons []Reason, limit int) {
	for i, rs := range reasons {
		if limit > 0 && i == limit {
			fmt.Fprintf(w, "%s... and %d more\n", indent, len(reasons)-limit)
			return
		}
		s := rs.Why
		if rs.Version != "" {
			s = fmt.Sprintf("%-18s %-16s %s", rs.Version, rs.Library, rs.Why)
		}
		if len(rs.Symbols) > 0 {
			s += ": " + listSymbols(rs.Symbols)
		}
		if rs.Via != "" {
			s += " (via " + rs.Via + ")"
		}
		fmt.Fprintf(w, "%s%s\n", indent, s)
	}
}

// glibcAbove reports whether the file fails the --glibc gate.
func (rep *Report) glibcAbove(r *FileReport) bool {
	for _, v := range r.Verdicts {
		if v.Kind == "glibc" {
			return !v.OK
		}
	}
	return false
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
	if req.Via != "" {
		s += " (via " + req.Via + ")"
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
	if rep.Target == "" && len(rep.Targets) == 0 {
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
