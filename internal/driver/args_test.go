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

// parse expands and parses a command line as Run does.
func parse(t *testing.T, args ...string) (invocation, error) {
	t.Helper()
	exp, err := expandArgs(args)
	if err != nil {
		return invocation{}, err
	}
	return parseArgs(exp.args)
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
	inv, err := parse(t, "@"+outer)
	if err != nil || !inv.hasInputs || !inv.shared || inv.output != "lib out.so" || inv.compileOnly {
		t.Errorf("parse(@outer) = %+v, %v", inv, err)
	}
	// An unreadable @file is an input, as for gcc.
	if inv, err := parse(t, "@"+filepath.Join(dir, "missing")); err != nil || !inv.hasInputs {
		t.Errorf("@missing: %+v, %v", inv, err)
	}
	if inv, err := parse(t, "-###", "a.o"); err != nil || !inv.dryRun || inv.compileOnly {
		t.Errorf("-###: %+v, %v", inv, err)
	}
}

// The file a link writes, found the way gcc and clang (and behind them GNU
// ld, gold, lld and mold) decide it; see linkOutput.
func TestLinkOutput(t *testing.T) {
	dir := t.TempDir()
	linkRsp := filepath.Join(dir, "link.rsp")
	os.WriteFile(linkRsp, []byte("--as-needed -o 'from rsp'\n"), 0o644)
	compilerRsp := filepath.Join(dir, "cc.rsp")
	os.WriteFile(compilerRsp, []byte("-Wl,--output=in-cc-rsp\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string // "" for an error
	}{
		{[]string{"m.o"}, "a.out"},
		{[]string{"m.o", "-o", "X"}, "X"},
		{[]string{"m.o", "-oX"}, "X"},
		{[]string{"m.o", "--output=X"}, "X"},
		{[]string{"m.o", "--output", "X"}, "X"},
		{[]string{"m.o", "-o", "X", "-o", "Y"}, "Y"},  // the last one wins
		{[]string{"m.o", "-o=X"}, "=X"},               // as gcc and clang write it
		{[]string{"m.o", "-output=X"}, "utput=X"},     // likewise
		{[]string{"m.o", "-Wl,-o,X"}, "X"},            // not a.out
		{[]string{"m.o", "-Wl,-o,X", "-o", "Y"}, "X"}, // the linker's wins, wherever it stands
		{[]string{"m.o", "-o", "Y", "-Wl,-o,X"}, "X"},
		{[]string{"m.o", "-Wl,-oX"}, "X"},
		{[]string{"m.o", "-Wl,--output=X"}, "X"},
		{[]string{"m.o", "-Wl,--output,X"}, "X"},
		{[]string{"m.o", "-Xlinker", "-o", "-Xlinker", "X"}, "X"},
		{[]string{"m.o", "-Xlinker", "--output=X"}, "X"},
		{[]string{"m.o", "-Wl,-o", "-Xlinker", "X"}, "X"}, // one sequence for the linker
		{[]string{"m.o", "-Wl,-o,X,-o,Z"}, "Z"},
		{[]string{"m.o", "-Wl,-soname,-o", "-o", "Y"}, "Y"}, // "-o" is the soname there
		{[]string{"m.o", "-Wl,@" + linkRsp}, "from rsp"},
		{[]string{"m.o", "@" + compilerRsp, "-o", "Y"}, "in-cc-rsp"},
		{[]string{"m.o", "-Wl,-output=X"}, ""}, // GNU ld: -o utput=X; gold: --output=X
		{[]string{"m.o", "-Wl,-output,X"}, ""},
		{[]string{"m.o", "-Wl,--outp=X"}, ""}, // GNU ld alone takes abbreviations
		{[]string{"m.o", "-Wl,--out=X"}, ""},  // GNU ld: --out-implib
	} {
		inv, err := parse(t, tc.args...)
		switch {
		case tc.want == "" && (err == nil || strings.Contains(err.Error(), "\n")):
			t.Errorf("%q: output %q, err %v; want a one-line refusal", tc.args, inv.output, err)
		case tc.want != "" && (err != nil || inv.output != tc.want):
			t.Errorf("%q: output %q, err %v; want %q", tc.args, inv.output, err, tc.want)
		}
	}
	if inv, _ := parse(t, "m.o", "-Wl,--version"); !inv.noOutput {
		t.Error("-Wl,--version: not seen as a link that may write nothing")
	}
}

func TestJoinResponseFileRoundTrips(t *testing.T) {
	args := []string{"-o", "out file", `q"uote`, "it's", `back\slash`, "", "tab\there", "new\nline", "-Wl,-z,now"}
	if got := splitResponseFile(joinResponseFile(args)); !slices.Equal(got, args) {
		t.Errorf("round trip: %q, want %q", got, args)
	}
}
