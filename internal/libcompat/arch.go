package libcompat

import (
	"debug/elf"
	"fmt"
)

// archInfo describes what differs per architecture. The C sources under
// src/common are shared; src/<dir>/arch.h holds the per-arch numbers
// (syscalls, _STAT_VER) and src/<dir> the start files.
type archInfo struct {
	dir     string      // directory under src/
	machine elf.Machine // what the compiler must produce
	// minKernel is the oldest Linux the glibc port ever supported, when
	// it is above glibc's generic minimum (configure's
	// arch_minimum_kernel); the start files' ABI note never says less.
	minKernel [3]int
	// nonshared are the ABI's own members of libc_nonshared.a.
	nonshared []object
	// gprof: start.S can build gcrt1.o (-pg), x86_64 only so far.
	gprof bool
	// thunks says how alias entries of the catalogue are built: "go"
	// (thunkObject writes them), "asm" (src/<dir>/thunk.S, compiled per
	// alias), or "" where a tail call cannot be a thunk: on powerpc64le
	// the callee would return to our caller with its own TOC pointer in
	// r2, which the caller, having called a function of its own module,
	// does not restore. There the aliases are left out: the link reports
	// the symbol undefined and the driver explains it.
	thunks string
	// splitNonshared: libc_nonshared.a's sources compile as one unit,
	// cut by section into the members of a per-source build
	// (splitObject, COMPAT_MEMBER), instead of one
	// compile per source, a third of a cold sysroot's compile time. It
	// takes an object splitObject reads (ELF64, little-endian, RELA) whose
	// functions share no writable section: not powerpc64le, where every
	// function's addresses sit in one .toc.
	splitNonshared bool
}

var arches = map[string]archInfo{
	"x86_64":      {dir: "x86_64", machine: elf.EM_X86_64, gprof: true, thunks: "go", splitNonshared: true},
	"i386":        {dir: "i386", machine: elf.EM_386, nonshared: []object{stackChkFailLocal}, thunks: "asm"},
	"aarch64":     {dir: "aarch64", machine: elf.EM_AARCH64, minKernel: [3]int{3, 7, 0}, thunks: "asm", splitNonshared: true},
	"arm":         {dir: "arm", machine: elf.EM_ARM, thunks: "asm"},
	"powerpc64le": {dir: "powerpc64le", machine: elf.EM_PPC64, minKernel: [3]int{3, 10, 0}},
	"s390x":       {dir: "s390x", machine: elf.EM_S390, thunks: "asm"},
	"riscv64":     {dir: "riscv64", machine: elf.EM_RISCV, minKernel: [3]int{4, 15, 0}, thunks: "asm", splitNonshared: true},
}

// stackChkFailLocal is what -fstack-protector code built with -fPIC calls
// on i386 (gcc emits it for no other ABI compatbuild links for).
var stackChkFailLocal = object{member: "stack_chk_fail_local", src: "nonshared/stack_chk_fail_local.c", symbols: []string{"__stack_chk_fail_local"}}

var archAliases = map[string]string{"amd64": "x86_64", "x86-64": "x86_64", "i686": "i386", "arm64": "aarch64", "armhf": "arm", "ppc64le": "powerpc64le"}

// lookupArch finds the architecture by its name or an alias.
func lookupArch(name string) (archInfo, bool) {
	if a, ok := archAliases[name]; ok {
		name = a
	}
	arch, ok := arches[name]
	return arch, ok
}

// kernelDefines gives the minimum kernel recorded in the start files'
// .note.ABI-tag: the one the target glibc release was built for, or the
// port's own minimum where that is higher.
func kernelDefines(v Version, arch archInfo) string {
	k := [3]int{3, 2, 0}
	if v.Less(kernel32Split) {
		k = [3]int{2, 6, 32}
	}
	if m := arch.minKernel; m[0] > k[0] || m[0] == k[0] && (m[1] > k[1] || m[1] == k[1] && m[2] > k[2]) {
		k = m
	}
	return fmt.Sprintf("-DCOMPAT_KERNEL_MAJOR=%d -DCOMPAT_KERNEL_MINOR=%d -DCOMPAT_KERNEL_PATCH=%d", k[0], k[1], k[2])
}

// withoutThunks drops the alias members an ABI cannot build (see
// archInfo.thunks).
func withoutThunks(objs []object, arch archInfo) []object {
	if arch.thunks != "" {
		return objs
	}
	out := objs[:0:0]
	for _, o := range objs {
		if o.thunk == "" {
			out = append(out, o)
		}
	}
	return out
}
