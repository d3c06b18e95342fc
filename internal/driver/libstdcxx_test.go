package driver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --glibc gates glibc alone; a C++ output on the shared libstdc++ passes
// it, with a note that says, in distribution releases, what its libstdc++
// need costs and how to carry libstdc++ instead.
func TestSharedLibstdcxxNote(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "s.cc")
	os.WriteFile(src, []byte("#include <string>\n#include <cstdio>\nint main() { std::string s(\"x\"); std::puts(s.c_str()); }\n"), 0o644)
	out, code, err := drive(t, context.Background(), []string{"g++"}, src, "-o", filepath.Join(dir, "s"))
	if code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	for _, want := range []string{"needs GLIBCXX_3.4.21 (libstdc++ of GCC 5.1", "it loads on RHEL 8+", "not on every glibc 2.17 system", "-static-libstdc++ -static-libgcc"} {
		if !strings.Contains(out, want) {
			t.Errorf("the note lacks %q:\n%s", want, out)
		}
	}
}
