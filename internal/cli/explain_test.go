package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"compatbuild/internal/elfinfo"
)

// explainLine is one "  at 2.28: ..." line of compatbuild explain.
var explainLine = regexp.MustCompile(`(?m)^  at (2\.\d+): (.*)$`)

// TestExplainSaysWhatALinkBinds: for names whose ABI changed under one
// name (fromfp, cfsetospeed, totalorder: the headers decide the form),
// one glibc polyfills (getrandom) and one the catalogue refuses below its
// release (pthread_setattr_default_np), every release line of explain is
// what a real link with the same compiler does: the version it names is
// the verneed of the output, "compatbuild ..." links with the symbol
// defined in the output, "not linkable" fails. The program is compiled
// once with the host compiler's headers (the form explain states).
func TestExplainSaysWhatALinkBinds(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	for _, c := range []struct{ sym, call, lib string }{
		{"fromfp", "#include <math.h>\nint main(int c, char **v) { (void)v; return (int)fromfp(2.5 * c, FP_INT_UPWARD, 32); }", "-lm"},
		{"cfsetospeed", "#include <termios.h>\nint main(void) { struct termios t = {0}; return cfsetospeed(&t, B9600); }", ""},
		{"totalorder", "#include <math.h>\nint main(int c, char **v) { double x = c, y = 2; (void)v; return totalorder(&x, &y); }", "-lm"},
		{"getrandom", "#include <sys/random.h>\nint main(void) { char b[4]; return getrandom(b, sizeof b, 0) != 4; }", ""},
		{"pthread_setattr_default_np", "#include <pthread.h>\nint main(void) { pthread_attr_t a; pthread_attr_init(&a); return pthread_setattr_default_np(&a); }", "-lpthread"},
	} {
		t.Run(c.sym, func(t *testing.T) {
			code, out, stderr := run("explain", c.sym)
			if code != ExitOK || !strings.Contains(out, "with this compiler's glibc ") {
				t.Fatalf("explain %s: exit %d, %s\n%s", c.sym, code, stderr, out)
			}
			lines := explainLine.FindAllStringSubmatch(out, -1)
			if len(lines) != 4 {
				t.Fatalf("explain %s: want 4 release lines:\n%s", c.sym, out)
			}
			src := filepath.Join(dir, c.sym+".c")
			obj := filepath.Join(dir, c.sym+".o")
			if err := os.WriteFile(src, []byte("#define _GNU_SOURCE\n"+c.call+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if msg, err := exec.Command("gcc", "-c", src, "-o", obj).CombinedOutput(); err != nil {
				t.Fatalf("compiling %s: %v\n%s", c.sym, err, msg)
			}
			for _, l := range lines {
				release, says := l[1], l[2]
				exe := filepath.Join(dir, c.sym+"-"+release)
				args := []string{"cc", "--glibc", release, obj, "-o", exe}
				if c.lib != "" {
					args = append(args, c.lib)
				}
				code, _, stderr := run(args...)
				switch {
				case strings.HasPrefix(says, "not linkable"):
					if code == ExitOK {
						t.Errorf("at %s explain says %q, but the link succeeded", release, says)
					}
				case code != ExitOK:
					t.Errorf("at %s explain says %q, but the link failed:\n%s", release, says, stderr)
				default:
					info, err := elfinfo.ReadFile(exe)
					if err != nil {
						t.Fatal(err)
					}
					bound := ""
					for _, im := range info.Imports {
						if im.Name == c.sym {
							bound = c.sym + "@" + im.Version + " from " + im.Library
						}
					}
					want := says
					if strings.HasPrefix(says, "compatbuild ") {
						want = "" // defined in the output: no import
					}
					if bound != want {
						t.Errorf("at %s explain says %q, the link bound %q", release, says, bound)
					}
				}
			}
		})
	}
}
