package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Schema names the JSON document's format (docs/verify-json.md).
const Schema = "compatbuild.verify/v1"

// textOutputLines is how many lines of each run's output the text report
// shows.
const textOutputLines = 20

// WriteText writes the matrix (rows: artifacts, columns: runtimes), then
// one line per cell with its verdict and reason, each followed by the run's
// output (at most 20 lines), then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	first := len("ARTIFACT")
	for _, a := range r.Artifacts {
		first = max(first, len(a.Path))
	}
	widths := make([]int, len(r.Runtimes))
	for i, rt := range r.Runtimes {
		widths[i] = max(len(rt.Name), len("glibc ")+len(rt.Glibc), len("FAIL"))
		for k := i; k < len(r.Results); k += len(r.Runtimes) {
			widths[i] = max(widths[i], len(r.Results[k].Status))
		}
	}
	row := func(cells ...string) {
		fmt.Fprintf(b, "%-*s", first, cells[0])
		for i, c := range cells[1:] {
			fmt.Fprintf(b, "  %-*s", widths[i], c)
		}
		b.WriteString("\n")
		trimRight(b)
	}
	head1, head2 := []string{"ARTIFACT"}, []string{""}
	for _, rt := range r.Runtimes {
		head1 = append(head1, rt.Name)
		head2 = append(head2, "glibc "+rt.Glibc)
	}
	row(head1...)
	row(head2...)
	for i, a := range r.Artifacts {
		cells := []string{a.Path}
		for j := range r.Runtimes {
			cells = append(cells, strings.ToUpper(string(r.Results[i*len(r.Runtimes)+j].Status)))
		}
		row(cells...)
	}
	b.WriteString("\n")
	for _, res := range r.Results {
		on := "glibc " + res.Glibc
		if res.Host != "" && res.Host != HostDlopen {
			on += ", " + res.Host
		}
		fmt.Fprintf(b, "%s %s on %s (%s): %s\n", strings.ToUpper(string(res.Status)), res.Artifact, res.Runtime, on, res.Reason)
		writeOutput(b, res)
	}
	pass, fail, skip, inconclusive := r.counts()
	summary := fmt.Sprintf("%s × %s: %d pass, %d fail", plural(len(r.Artifacts), "artifact"), plural(len(r.Runtimes), "runtime"), pass, fail)
	if inconclusive > 0 {
		summary += fmt.Sprintf(", %d inconclusive", inconclusive)
	}
	if skip > 0 {
		summary += fmt.Sprintf(", %d skipped", skip)
	}
	b.WriteString(summary + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// trimRight drops the padding at the end of the line just written.
func trimRight(b *strings.Builder) {
	s := b.String()
	t := strings.TrimRight(s[:len(s)-1], " ") + "\n"
	if len(t) != len(s) {
		b.Reset()
		b.WriteString(t)
	}
}

func writeOutput(b *strings.Builder, res Result) {
	out := strings.TrimRight(res.Output, "\n")
	if out == "" {
		return
	}
	// A loader error that is the whole output was already the reason.
	if res.LoaderError != "" && strings.TrimSpace(out) == res.LoaderError {
		return
	}
	lines := strings.Split(out, "\n")
	shown := lines
	if len(lines) > textOutputLines {
		shown = lines[:textOutputLines]
	}
	for _, l := range shown {
		b.WriteString("    | " + strings.TrimRight(l, "\r") + "\n")
	}
	switch {
	case len(lines) > textOutputLines:
		fmt.Fprintf(b, "    | ... %d more lines (--json has up to %d KiB)\n", len(lines)-textOutputLines, MaxOutput>>10)
	case res.OutputTruncated:
		fmt.Fprintf(b, "    | ... output cut at %d KiB\n", MaxOutput>>10)
	}
}

// counts returns how many cells passed, failed, were skipped and were
// inconclusive.
func (r *Report) counts() (pass, fail, skip, inconclusive int) {
	for _, res := range r.Results {
		switch res.Status {
		case Pass:
			pass++
		case Skip:
			skip++
		case Inconclusive:
			inconclusive++
		default:
			fail++
		}
	}
	return pass, fail, skip, inconclusive
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

type jsonSummary struct {
	Artifacts int `json:"artifacts"`
	Runtimes  int `json:"runtimes"`
	Pass      int `json:"pass"`
	Fail      int `json:"fail"`
	Skip      int `json:"skip"`
	// Inconclusive counts cells where a program of this machine that the
	// artifact started could not run (see Inconclusive).
	Inconclusive int `json:"inconclusive"`
}

type jsonReport struct {
	Schema    string      `json:"schema"`
	Artifacts []Artifact  `json:"artifacts"`
	Runtimes  []Runtime   `json:"runtimes"`
	Results   []Result    `json:"results"`
	Summary   jsonSummary `json:"summary"`
}

// WriteJSON writes the report as one JSON document (schema
// compatbuild.verify/v1, documented in docs/verify-json.md).
func (r *Report) WriteJSON(w io.Writer) error {
	doc := jsonReport{Schema: Schema, Artifacts: r.Artifacts, Runtimes: r.Runtimes, Results: slices.Clone(r.Results),
		Summary: jsonSummary{Artifacts: len(r.Artifacts), Runtimes: len(r.Runtimes)}}
	for i := range doc.Results {
		if doc.Results[i].HostLibraries == nil {
			doc.Results[i].HostLibraries = []Library{}
		}
		if doc.Results[i].Command == nil {
			doc.Results[i].Command = []string{}
		}
	}
	doc.Summary.Pass, doc.Summary.Fail, doc.Summary.Skip, doc.Summary.Inconclusive = r.counts()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
