package driver

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzResponseFile feeds arbitrary bytes to the response-file reader, as a
// file named on the command line and nesting into itself and a second
// file: it must never panic, never return more than it was given room
// for, and what it reads must survive being written back for the
// compiler (joinResponseFile) unchanged.
//
// Run: go test ./internal/driver -run '^$' -fuzz FuzzResponseFile
func FuzzResponseFile(f *testing.F) {
	for _, seed := range []string{
		"-o out\nmain.o  lib.o\t-lm\n",
		`"a b" 'c d' e\ f`,
		`"say \"hi\"" 'it''s' x\\y`,
		"'' \"\"",
		"@other.rsp -c",
		"@self.rsp",
		"unterminated 'quote",
		"trailing\\",
		"-Wl,-o,X -Xlinker --output=Y @other.rsp",
		"\x00\xff\n\r\v\f",
	} {
		f.Add([]byte(seed))
	}
	old := responseWait
	responseWait = 20 * time.Millisecond // "@/dev/tty" in the data must not stall the fuzzer
	defer func() { responseWait = old }()
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		self := filepath.Join(dir, "self.rsp")
		other := filepath.Join(dir, "other.rsp")
		// Relative names in the data resolve in dir.
		t.Chdir(dir)
		os.WriteFile(self, data, 0o644)
		os.WriteFile(other, []byte("x.o @self.rsp\n"), 0o644)
		exp, err := expandArgs([]string{"@" + self})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("a multi-line error: %q", err)
			}
			return
		}
		if exp.bytes > maxResponseBytes || exp.files > maxResponseFiles {
			t.Errorf("read %d bytes from %d files, beyond the bounds", exp.bytes, exp.files)
		}
		args := splitResponseFile(string(data))
		if got := splitResponseFile(joinResponseFile(args)); !slices.Equal(got, args) {
			t.Errorf("written back for the compiler, %q reads as %q", args, got)
		}
		if !hasResponseFile(args) && !slices.Equal(exp.args, args) {
			t.Errorf("expanded %q, want %q", exp.args, args)
		}
		// Whatever it holds, parsing what it names must not panic.
		parseArgs(exp.args)
	})
}
