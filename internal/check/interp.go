package check

import (
	"fmt"
	"slices"
	"strings"

	"compatbuild/internal/distros"
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
	if why, judged := armInterpProblem(info); judged {
		return why
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

// The ARM kind: EM_ARM programs are of two ABIs with glibc's same symbol
// versions but different calling conventions, told apart by e_flags'
// float ABI (elfinfo.ARMFlags) and each with its loader: armhf
// (EF_ARM_ABI_FLOAT_HARD, /lib/ld-linux-armhf.so.3) and armel
// (EF_ARM_ABI_FLOAT_SOFT, /lib/ld-linux.so.3). A soft-float program
// naming armel's loader is a standard armel program, judged against the
// releases that ship armel; a program whose float ABI and loader disagree
// starts nowhere correctly (glibc's armhf loader refuses soft-float
// objects, and a soft-float loader passes floats in the wrong registers).
// A file whose e_flags name no float ABI is judged by its loader alone.

// armelInterp is the armel loader (glibc shlib-versions, arm: ld=ld-linux.so.3).
const armelInterp = "/lib/ld-linux.so.3"

// armABI is the ABI check judges an ARM file as: armel for a soft-float
// file (or, when e_flags say nothing, one naming armel's loader), else
// info.ABI.
func armABI(info *elfinfo.File) string {
	if info.ABI != "arm" {
		return info.ABI
	}
	if info.ARM.Float == elfinfo.ARMFloatSoft || info.ARM.Float == elfinfo.ARMFloatUnknown && info.Interp == armelInterp {
		return distros.Armel
	}
	return info.ABI
}

// armInterpProblem judges an ARM program's loader against its float ABI;
// judged is false for files this does not decide.
func armInterpProblem(info *elfinfo.File) (why string, judged bool) {
	if info.ABI != "arm" {
		return "", false
	}
	armhf := target.StandardInterp("arm")[0]
	switch {
	case info.ARM.Float == elfinfo.ARMFloatSoft && info.Interp == armelInterp,
		info.ARM.Float == elfinfo.ARMFloatUnknown && info.Interp == armelInterp:
		return "", true // armel's own loader
	case info.ARM.Float == elfinfo.ARMFloatSoft && info.Interp == armhf:
		return fmt.Sprintf("its program interpreter (PT_INTERP) %s is the hard-float (armhf) loader, but the program is soft-float code (e_flags %#x: EF_ARM_ABI_FLOAT_SOFT, the armel ABI): the armhf loader refuses soft-float objects, and armhf's libraries take floating-point arguments in VFP registers. Build it for armhf (arm-linux-gnueabihf-gcc, -mfloat-abi=hard), or keep it armel with armel's loader %s", info.Interp, info.Flags, armelInterp), true
	case info.ARM.Float == elfinfo.ARMFloatHard && info.Interp == armelInterp:
		return fmt.Sprintf("its program interpreter (PT_INTERP) %s is the soft-float (armel) loader, but the program is hard-float code (e_flags %#x: EF_ARM_ABI_FLOAT_HARD, the armhf ABI): armel's libraries take floating-point arguments in integer registers. Relink without -Wl,--dynamic-linker, or patchelf --set-interpreter %s", info.Interp, info.Flags, armhf), true
	}
	return "", false
}
