package verify

import (
	"fmt"
	"slices"
	"strings"

	"compatbuild/internal/runtimes"
	"compatbuild/internal/target"
)

// interpVerdict judges an executable's PT_INTERP before it runs: the
// target's kernel starts it through that path, so a path where the
// target's glibc has no loader (a Nix store loader, /opt/custom/ld.so, an
// i386 path on an x86_64 program, as -Wl,--dynamic-linker writes them)
// fails there with "cannot execute: required file not found", however
// well the program would run. Accepted are the ABI's standard loader
// paths (target.StandardInterp) and any path at which the runtime's root
// itself holds its loader. It returns "" for an accepted program, else
// the reason it fails.
func interpVerdict(a Artifact, r *runtimes.Runtime) string {
	interp, err := runtimes.Interpreter(a.abs)
	if err != nil || interp == "" {
		return ""
	}
	std := target.StandardInterp(a.ABI)
	if slices.Contains(std, interp) || r.HasLoaderAt(interp) {
		return ""
	}
	return fmt.Sprintf("the program names the interpreter %s (PT_INTERP), but the target's glibc has its %s loader at %s: on %s the kernel refuses to start it (\"cannot execute: required file not found\"); relink without -Wl,--dynamic-linker (or -Wl,-I)",
		interp, a.ABI, strings.Join(std, " or "), r.Name)
}
