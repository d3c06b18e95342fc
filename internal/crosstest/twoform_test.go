package crosstest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/driver"
	"compatbuild/internal/target"
)

// TestCrossOtherFormIsExplained: a cross link at a release between a
// name's old and new version, for a program calling the new form (this
// machine's 2.36 headers declare totalorder with pointers), fails with
// the catalogue's explanation — the form, the release to raise to, the
// refusal on that ABI — not only the linker's raw undefined reference.
// At 2.17, where the target lacks the name altogether, the refusal is
// explained as ever.
func TestCrossOtherFormIsExplained(t *testing.T) {
	src := filepath.Join(t.TempDir(), "to.c")
	if err := os.WriteFile(src, []byte("#include <math.h>\nint main(int c, char **v) { double x = c, y = 2; (void)v; return totalorder(&x, &y); }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"aarch64-linux-gnu", "i686-linux-gnu"} {
		tg, err := target.Parse(name)
		if err != nil {
			t.Fatal(err)
		}
		cc, err := driver.CompilerFor(tg, false)
		if err != nil {
			t.Fatalf("%v (CI installs the cross compilers: .ci/run)", err)
		}
		for _, c := range []struct{ glibc, want string }{
			{"2.28", "compatbuild: totalorder is called in the form glibc 2.31 introduced, as your compiler's glibc "},
			{"2.17", "compatbuild: totalorder is in glibc 2.25 and later"},
		} {
			var out bytes.Buffer
			code, err := driver.Run(context.Background(), driver.Options{Glibc: abidb.MustParseVersion(c.glibc), Target: tg, Compiler: cc, Stdout: &out, Stderr: &out}, []string{src, "-o", filepath.Join(t.TempDir(), "to"), "-lm"})
			if err != nil || code == 0 || !strings.Contains(out.String(), c.want) || !strings.Contains(out.String(), "raise --glibc to 2.31") {
				t.Errorf("%s at %s: code %d, %v:\n%s\nwant %q and the release to raise to", name, c.glibc, code, err, out.String(), c.want)
			}
		}
	}
}
