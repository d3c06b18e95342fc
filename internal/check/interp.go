package check

import (
	"fmt"
	"slices"
	"strings"

	"compatbuild/internal/elfinfo"
	"compatbuild/internal/target"
)

// The kind: a program starts only if the kernel finds the loader its
// PT_INTERP names, so a program that names anything but its ABI's
// standard loader (a Nix store path, /opt/custom/ld.so, another ABI's
// loader) runs on no standard distribution, whatever its version needs
// say. Such a program fails every gate, has no "runs on" release and no
// manylinux tag. Shared libraries are not judged by it: the loader that
// maps a library ignores the library's PT_INTERP.

// otherABILoaders are the loaders of ABIs next to compatbuild's that a
// program can name by mistake: glibc's shlib-versions.
var otherABILoaders = map[string]string{
	"/lib/ld-linux.so.3":              "the ARM soft-float EABI (armel)'s loader; compatbuild's arm is the hard-float EABI (armhf), another ABI",
	"/lib/ld-linux-riscv64-lp64.so.1": "the riscv64 soft-float lp64 ABI's loader; compatbuild's riscv64 is lp64d, another ABI",
	"/libx32/ld-linux-x32.so.2":       "the x32 ABI's loader",
	"/lib/ld-linux-aarch64_be.so.1":   "the big-endian aarch64 ABI's loader",
	"/lib64/ld64.so.1":                "the big-endian ppc64 ABI's loader",
}

// InterpProblem says, in one line with the fix, why a program's PT_INTERP
// keeps it from starting on a standard glibc distribution; "" when the
// file names its ABI's standard loader (target.StandardInterp), names
// none, or is a shared library.
func InterpProblem(info *elfinfo.File) string {
	if info.Interp == "" || info.Kind == elfinfo.SharedLibrary {
		return ""
	}
	std := target.StandardInterp(info.ABI)
	if std == nil || slices.Contains(std, info.Interp) {
		return ""
	}
	what := "not the " + info.ABI + " loader path every glibc distribution has (" + strings.Join(std, ", ") + ")"
	then := "the program starts only where that file exists (elsewhere: \"required file not found\")"
	for _, t := range target.All() {
		if t.ABI != info.ABI && slices.Contains(target.StandardInterp(t.ABI), info.Interp) {
			what = "the " + t.ABI + " loader, but this is " + info.ABI + " code"
		}
	}
	if s, ok := otherABILoaders[info.Interp]; ok {
		what = s
	}
	if what != "" && !strings.HasPrefix(what, "not the") {
		then = "no system starts it with that loader"
	}
	return fmt.Sprintf("its program interpreter (PT_INTERP) %s is %s: %s. Relink without -Wl,--dynamic-linker, or patchelf --set-interpreter %s", info.Interp, what, then, std[0])
}

// interpVerdicts fails every verdict with the interpreter's problem.
func interpVerdicts(r *FileReport, why string) {
	reason := Reason{Library: r.Interp, Why: why}
	for i := range r.Verdicts {
		v := &r.Verdicts[i]
		v.OK = false
		v.Reasons = append([]Reason{reason}, v.Reasons...)
	}
}
