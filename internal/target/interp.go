package target

// standardInterp is each ABI's program interpreter (PT_INTERP) as glibc
// installs it and as its linkers write it into every dynamically linked
// program: glibc's sysdeps/unix/sysv/linux/<arch>/ldconfig.h
// (SYSDEP_KNOWN_INTERPRETER_NAMES) and shlib-versions (ld=...), with the
// slibdir of its configure (/lib64 for x86_64 and ppc64le, /lib elsewhere).
// The arm target is the hard-float EABI (armhf); the soft-float EABI's
// /lib/ld-linux.so.3 belongs to another ABI (armel), as riscv64's lp64
// loader does (compatbuild's riscv64 is lp64d).
var standardInterp = map[string][]string{
	"x86_64":      {"/lib64/ld-linux-x86-64.so.2"},
	"i386":        {"/lib/ld-linux.so.2"},
	"aarch64":     {"/lib/ld-linux-aarch64.so.1"},
	"arm":         {"/lib/ld-linux-armhf.so.3"},
	"powerpc64le": {"/lib64/ld64.so.2"},
	"s390x":       {"/lib/ld64.so.1"},
	"riscv64":     {"/lib/ld-linux-riscv64-lp64d.so.1"},
}

// StandardInterp returns the program interpreter paths a program of the
// ABI (x86_64, i386, aarch64, arm, powerpc64le, s390x, riscv64) must name
// in PT_INTERP to start on a standard glibc distribution; nil for an ABI
// compatbuild does not know. The caller must not modify the slice.
func StandardInterp(abi string) []string { return standardInterp[abi] }
