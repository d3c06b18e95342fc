package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func sampleReport() *Report {
	seven := 7
	return &Report{
		Artifacts: []Artifact{
			{Path: "build/libplugin.so", Kind: "shared-library", ABI: "x86_64"},
			{Path: "app", Kind: "pie-executable", ABI: "x86_64"},
		},
		Runtimes: []Runtime{
			{Name: "debian:11", Glibc: "2.31", Arch: "amd64", Root: "/c/debian-11-amd64"},
			{Name: "/srv/centos7-root", Glibc: "2.17", Arch: "amd64", Root: "/srv/centos7-root", Folder: true},
		},
		Results: []Result{
			{Artifact: "build/libplugin.so", Runtime: "debian:11", Glibc: "2.31", Status: Pass, Reason: "loaded; answer() returned 7",
				Output: "plugin ready\n", Call: &Call{Name: "answer", Called: true, Returned: true, Value: &seven}, Command: []string{"ld.so", "host"}},
			{Artifact: "build/libplugin.so", Runtime: "/srv/centos7-root", Glibc: "2.17", Status: Fail,
				Reason:      "/srv/centos7-root/lib64/libc.so.6: version `GLIBC_2.28' not found (required by /w/build/libplugin.so)",
				LoaderError: "/srv/centos7-root/lib64/libc.so.6: version `GLIBC_2.28' not found (required by /w/build/libplugin.so)",
				ExitCode:    4, Call: &Call{Name: "answer"}},
			{Artifact: "app", Runtime: "debian:11", Glibc: "2.31", Status: Pass, Reason: "exit status 0",
				Output: strings.Repeat("line\n", 22)},
			{Artifact: "app", Runtime: "/srv/centos7-root", Glibc: "2.17", Status: Fail, Reason: "killed by SIGSEGV",
				ExitCode: -1, Signal: "SIGSEGV", Output: "partial", OutputTruncated: true,
				HostLibraries: []Library{{Name: "libz.so.1", Path: "/lib/x86_64-linux-gnu/libz.so.1"}}},
		},
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `ARTIFACT            debian:11   /srv/centos7-root
                    glibc 2.31  glibc 2.17
build/libplugin.so  PASS        FAIL
app                 PASS        FAIL

PASS build/libplugin.so on debian:11 (glibc 2.31): loaded; answer() returned 7
    | plugin ready
FAIL build/libplugin.so on /srv/centos7-root (glibc 2.17): /srv/centos7-root/lib64/libc.so.6: version ` + "`GLIBC_2.28'" + ` not found (required by /w/build/libplugin.so)
PASS app on debian:11 (glibc 2.31): exit status 0
` + strings.Repeat("    | line\n", 20) + `    | ... 2 more lines (--json has up to 64 KiB)
FAIL app on /srv/centos7-root (glibc 2.17): killed by SIGSEGV
    | partial
    | ... output cut at 64 KiB
2 artifacts × 2 runtimes: 2 pass, 2 fail
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// The loader error of an executable is its whole output: shown once.
func TestWriteTextDoesNotRepeatTheLoaderError(t *testing.T) {
	msg := "/w/app: /c/libc.so.6: version `GLIBC_2.34' not found (required by /w/app)"
	rep := &Report{
		Artifacts: []Artifact{{Path: "app"}},
		Runtimes:  []Runtime{{Name: "debian:11", Glibc: "2.31"}},
		Results:   []Result{{Artifact: "app", Runtime: "debian:11", Glibc: "2.31", Status: Fail, Reason: msg, LoaderError: msg, Output: msg + "\n"}},
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	if strings.Count(b.String(), "GLIBC_2.34") != 1 {
		t.Errorf("loader error repeated:\n%s", b.String())
	}
}

// flatKeys lists every object key in a decoded JSON value as a path,
// with [] for array elements.
func flatKeys(prefix string, v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			into[prefix+k] = true
			flatKeys(prefix+k+".", e, into)
		}
	case []any:
		for _, e := range v {
			flatKeys(strings.TrimSuffix(prefix, ".")+"[].", e, into)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The documented example has exactly the keys the code writes, so the
// document cannot drift from the code.
func TestJSONShapeMatchesTheDocument(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, b.String())
	}
	if got["schema"] != Schema {
		t.Errorf("schema %v", got["schema"])
	}
	sum := got["summary"].(map[string]any)
	if fmt.Sprint(sum) != "map[artifacts:2 fail:2 inconclusive:0 pass:2 runtimes:2 skip:0]" {
		t.Errorf("summary %v", sum)
	}
	results := got["results"].([]any)
	if hl := results[0].(map[string]any)["host_libraries"]; hl == nil {
		t.Error("host_libraries is null, want []")
	}
	if c := results[2].(map[string]any)["call"]; c != nil {
		t.Errorf("call of an executable = %v, want null", c)
	}

	doc, err := os.ReadFile("../../docs/verify-json.md")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(doc, []byte("```json\n"))
	end := bytes.Index(doc[start+8:], []byte("\n```"))
	if start < 0 || end < 0 {
		t.Fatal("docs/verify-json.md has no ```json example")
	}
	var example map[string]any
	if err := json.Unmarshal(doc[start+8:start+8+end], &example); err != nil {
		t.Fatalf("the documented example is not JSON: %v", err)
	}
	gotKeys, docKeys := map[string]bool{}, map[string]bool{}
	flatKeys("", got, gotKeys)
	flatKeys("", example, docKeys)
	if g, d := sortedKeys(gotKeys), sortedKeys(docKeys); !slices.Equal(g, d) {
		t.Errorf("keys differ:\ncode: %v\ndoc:  %v", g, d)
	}
	for k := range gotKeys {
		leaf := k[strings.LastIndexAny(k, ".]")+1:]
		if !bytes.Contains(doc, []byte("`"+leaf+"`")) && !bytes.Contains(doc, []byte("."+leaf+"`")) {
			t.Errorf("field %s is not explained in the table", k)
		}
	}

	// Deterministic: the same report gives the same bytes.
	var again bytes.Buffer
	sampleReport().WriteJSON(&again)
	if again.String() != b.String() {
		t.Error("two writes of the same report differ")
	}
}

func TestCappedWriter(t *testing.T) {
	c := &capped{max: 10}
	for _, s := range []string{"12345", "678", "90abc", "def"} {
		if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if c.buf.String() != "1234567890" || c.dropped != 6 {
		t.Errorf("kept %q, dropped %d", c.buf.String(), c.dropped)
	}
}
