package driver

import (
	"os"
	"path/filepath"
	"slices"
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
