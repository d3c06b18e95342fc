// Package demo runs compatbuild's main job on a built-in example, so a
// newcomer sees the problem and the answer with one command.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/check"
	"compatbuild/internal/driver"
	"compatbuild/internal/verify"
)

//go:embed plugin.c.txt
var pluginSource []byte

// Compiler returns the C compiler the user chose ($CC) or cc.
func Compiler() string {
	if cc := os.Getenv("CC"); cc != "" {
		return cc
	}
	return "cc"
}

// Run builds the example plugin with the host compiler and with
// compatbuild for glibc 2.17 (CentOS 7 / RHEL 7), checks both, and loads
// both under Debian 11's real glibc 2.31 (fetched once through apt).
func Run(w io.Writer) error {
	dir, err := os.MkdirTemp(cachefs.TempRoot(), "compatbuild-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "plugin.c")
	if err := os.WriteFile(src, pluginSource, 0o644); err != nil {
		return err
	}
	cc := Compiler()
	so := filepath.Join(dir, "libplugin.so")
	fmt.Fprintf(w, "== 1. Build the example plugin with the host compiler: %s -shared -fPIC plugin.c -o libplugin.so\n", cc)
	cmd := exec.Command(cc, "-shared", "-fPIC", "-O2", "-o", so, src)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("compiling the example with %s failed (%v): install gcc or clang, or set CC", cc, err)
	}
	fmt.Fprintf(w, "\n== 2. compatbuild check --glibc 2.17 libplugin.so  (will it load on CentOS 7 / RHEL 7?)\n")
	rep := check.Paths([]string{so}, abidb.MustParseVersion("2.17"))
	rep.WriteText(w)
	if rep.Totals.Errors > 0 {
		return fmt.Errorf("checking the example failed")
	}
	fmt.Fprintf(w, "\nThe host's glibc bound every call to its newest symbol version. Now the same\n"+
		"build through compatbuild, which links against glibc 2.17's symbol versions:\n")

	fixed := filepath.Join(dir, "libplugin-compat.so")
	fmt.Fprintf(w, "\n== 3. compatbuild cc --glibc 2.17 -shared -fPIC plugin.c -o libplugin-compat.so\n")
	code, err := driver.Run(context.Background(), driver.Options{
		Glibc: abidb.MustParseVersion("2.17"), Compiler: []string{cc}, Stdout: w, Stderr: w,
	}, []string{"-shared", "-fPIC", "-O2", "-o", fixed, src})
	if err != nil || code != 0 {
		return fmt.Errorf("compatbuild cc failed (exit %d): %v", code, err)
	}
	fmt.Fprintf(w, "\n== 4. compatbuild check --glibc 2.17 libplugin-compat.so\n")
	rep = check.Paths([]string{fixed}, abidb.MustParseVersion("2.17"))
	rep.WriteText(w)
	if rep.ExitCode() != 0 {
		return fmt.Errorf("the compatbuild-linked plugin is not within glibc 2.17")
	}
	fmt.Fprintf(w, "\n== 5. compatbuild verify --on debian:11 --call demo_main  (a real glibc 2.31, no container)\n")
	vrep, err := verify.Run(context.Background(), []string{so, fixed}, verify.Options{Runtimes: []string{"debian:11"}, Call: "demo_main"})
	if err != nil {
		return fmt.Errorf("verify: %v", err)
	}
	vrep.WriteText(w)
	if !vrep.Failed() {
		return fmt.Errorf("the host-built plugin loaded under glibc 2.31: the demo expected it to fail")
	}
	fmt.Fprintf(w, "\nSame source, same compiler: the host build needs glibc 2.34 and fails to load on\n"+
		"glibc 2.31; the compatbuild build needs nothing newer than 2.17 and runs there.\n"+
		"`compatbuild explain pthread_create` tells a symbol's story.\n")
	return nil
}
