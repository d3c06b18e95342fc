package buildenv

import (
	"bytes"
	"syscall"
)

// TargetArch is the machine compat builds produce code for, in uname -m
// (and CMAKE_SYSTEM_PROCESSOR) terms. The driver links x86_64 only.
const TargetArch = "x86_64"

// HostArch is this machine's architecture as uname -m prints it (CMake's
// CMAKE_HOST_SYSTEM_PROCESSOR), or "" if the kernel does not say.
func HostArch() string {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return ""
	}
	b := make([]byte, 0, len(u.Machine))
	for _, c := range u.Machine {
		b = append(b, byte(c))
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// CrossCompiling reports whether building for arch on this machine is a
// cross build. Building for an older glibc is not one: the outputs run
// here, whose glibc is newer than the target, so configure-time test
// programs (AC_RUN_IFELSE, CMake's try_run and check_c_source_runs, meson's
// run checks) must run as usual. Telling a build system otherwise makes
// it skip them, guess, or take its cross-compiling branch. Only another
// architecture is a cross build.
func CrossCompiling(arch string) bool {
	host := HostArch()
	return host != "" && host != arch
}
