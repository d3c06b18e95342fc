package driver

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDropZOption(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
		dropped  bool
	}{
		{[]string{"a.o", "-Wl,-z,mark-plt", "-o", "x"}, []string{"a.o", "-o", "x"}, true},
		{[]string{"-Wl,-O1,-z,mark-plt,--as-needed"}, []string{"-Wl,-O1,--as-needed"}, true},
		{[]string{"-Wl,-zmark-plt"}, nil, true},
		{[]string{"-Xlinker", "-z", "-Xlinker", "mark-plt", "a.o"}, []string{"a.o"}, true},
		{[]string{"-z", "mark-plt", "a.o"}, []string{"a.o"}, true},
		{[]string{"-zmark-plt", "a.o"}, []string{"a.o"}, true},
		// Other -z options, and look-alikes, stay.
		{[]string{"-Wl,-z,now,-z,relro", "-z", "noexecstack"}, []string{"-Wl,-z,now,-z,relro", "-z", "noexecstack"}, false},
		{[]string{"-Wl,-z,nomark-plt", "-Dmark-plt"}, []string{"-Wl,-z,nomark-plt", "-Dmark-plt"}, false},
		{[]string{"-z"}, []string{"-z"}, false},
	} {
		got, dropped := dropZOption(tc.in, "mark-plt")
		if !slices.Equal(got, tc.want) || dropped != tc.dropped {
			t.Errorf("dropZOption(%q) = %q, %v; want %q, %v", tc.in, got, dropped, tc.want, tc.dropped)
		}
	}
}

func TestSplitResponseFile(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"-o out\nmain.o  lib.o\t-lm\n", []string{"-o", "out", "main.o", "lib.o", "-lm"}},
		{`"a b" 'c d' e\ f`, []string{"a b", "c d", "e f"}},
		{`"say \"hi\"" 'it''s' x\\y`, []string{`say "hi"`, "its", `x\y`}},
		{`'' ""`, []string{"", ""}},
		{"\n\n", nil},
	} {
		if got := splitResponseFile(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitResponseFile(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Response files are read as the compiler reads them: what they say about
// the output, the inputs and the mode counts, nested ones too.
func TestParseArgsReadsResponseFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inner := write("inner.rsp", "-shared\n-o 'lib out.so'\n")
	outer := write("outer.rsp", "a.o @"+inner+"\n")
	inv := parseArgs([]string{"@" + outer})
	if !inv.hasInputs || !inv.shared || inv.output != "lib out.so" || inv.compileOnly {
		t.Errorf("parseArgs(@outer) = %+v", inv)
	}
	// An unreadable @file is an input, as for gcc.
	if inv := parseArgs([]string{"@" + filepath.Join(dir, "missing")}); !inv.hasInputs {
		t.Errorf("@missing: %+v", inv)
	}
	// A file that names itself stops at the nesting limit.
	self := filepath.Join(dir, "self.rsp")
	write("self.rsp", "-c @"+self)
	if inv := parseArgs([]string{"@" + self}); !inv.compileOnly {
		t.Errorf("@self: %+v", inv)
	}
	if inv := parseArgs([]string{"-###", "a.o"}); !inv.dryRun || inv.compileOnly {
		t.Errorf("-###: %+v", inv)
	}
}

func TestJoinResponseFileRoundTrips(t *testing.T) {
	args := []string{"-o", "out file", `q"uote`, "it's", `back\slash`, "", "tab\there", "new\nline", "-Wl,-z,now"}
	if got := splitResponseFile(joinResponseFile(args)); !slices.Equal(got, args) {
		t.Errorf("round trip: %q, want %q", got, args)
	}
}

// An option to drop inside a response file, nested or not, is dropped from
// a rewritten copy; the user's files stay as they were.
func TestDropZInResponseFiles(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner.rsp")
	outer := filepath.Join(dir, "outer.rsp")
	clean := filepath.Join(dir, "clean.rsp")
	os.WriteFile(inner, []byte("-Wl,-z,mark-plt,-z,now\nb.o\n"), 0o644)
	os.WriteFile(outer, []byte("a.o @"+inner+" -o 'my app'\n"), 0o644)
	os.WriteFile(clean, []byte("c.o\n"), 0o644)
	scratchDir := t.TempDir()
	made := 0
	scratch := func() (string, error) { made++; return scratchDir, nil }

	got, dropped, err := dropZInResponseFiles([]string{"-O2", "@" + outer, "@" + clean}, "mark-plt", scratch)
	if err != nil || !dropped {
		t.Fatalf("dropped %v, err %v", dropped, err)
	}
	if got[0] != "-O2" || got[2] != "@"+clean || !strings.HasPrefix(got[1], "@"+scratchDir) {
		t.Fatalf("args %q: want only the outer file replaced, by a copy in the scratch directory", got)
	}
	// Read back as the compiler will: everything but the option.
	inv := parseArgs(got)
	if inv.output != "my app" {
		t.Errorf("output %q", inv.output)
	}
	var flat []string
	var expand func(args []string)
	expand = func(args []string) {
		for _, a := range args {
			if strings.HasPrefix(a, "@") {
				data, _ := os.ReadFile(a[1:])
				expand(splitResponseFile(string(data)))
			} else {
				flat = append(flat, a)
			}
		}
	}
	expand(got)
	if want := []string{"-O2", "a.o", "-Wl,-z,now", "b.o", "-o", "my app", "c.o"}; !slices.Equal(flat, want) {
		t.Errorf("expanded %q, want %q", flat, want)
	}
	if data, _ := os.ReadFile(inner); string(data) != "-Wl,-z,mark-plt,-z,now\nb.o\n" {
		t.Errorf("the user's response file changed: %q", data)
	}
	// Nothing to drop: no copies, no scratch directory.
	made = 0
	if got, dropped, err := dropZInResponseFiles([]string{"@" + clean, "x.o"}, "mark-plt", scratch); err != nil || dropped || made != 0 || got[0] != "@"+clean {
		t.Errorf("clean files: %q, %v, %v, scratch made %d times", got, dropped, err, made)
	}
}
