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

// StandardInterp returns the PT_INTERP paths a program of abi (an ABI name
// such as "x86_64", or any spelling [Parse] knows) may name and still
// start on every glibc system of that ABI; nil for an unknown ABI. A
// program naming another path (a Nix store loader, /opt/custom/ld.so,
// another ABI's loader) fails on the target with "cannot execute:
// required file not found".
func StandardInterp(abi string) []string {
	if p, ok := standardInterp[abi]; ok {
		return append([]string(nil), p...)
	}
	if t, err := Parse(abi); err == nil {
		return append([]string(nil), standardInterp[t.ABI]...)
	}
	return nil
}
