package abidb

import "sync"

// notes tell the part of a symbol's story that the abilists cannot: code
// that lived in the static libc_nonshared.a, or header redirections.
var notes = sync.OnceValue(func() map[string]string {
	notes := map[string]string{}
	const statNote = "before glibc 2.33 %s was not exported: glibc's headers made it an inline or libc_nonshared.a wrapper over %s(_STAT_VER, ...), so older binaries import %s@GLIBC_2.2.5 (x86_64) instead. compatbuild's sysroot supplies that wrapper for older targets."
	for sym, real := range map[string]string{
		"stat": "__xstat", "stat64": "__xstat64", "lstat": "__lxstat", "lstat64": "__lxstat64",
		"fstat": "__fxstat", "fstat64": "__fxstat64", "fstatat": "__fxstatat", "fstatat64": "__fxstatat64",
		"mknod": "__xmknod", "mknodat": "__xmknodat",
	} {
		notes[sym] = sprintf(statNote, sym, real, real)
	}
	for _, sym := range []string{"atexit", "at_quick_exit", "pthread_atfork"} {
		notes[sym] = sym + " has always lived in libc_nonshared.a, linked statically into each program over __cxa_atexit/__cxa_at_quick_exit/__register_atfork; it is never imported from libc.so.6."
	}
	notes["fcntl64"] = "glibc ≥ 2.28 headers redirect fcntl to fcntl64 under _FILE_OFFSET_BITS=64; on 64-bit ABIs fcntl64 is the same call as fcntl, which every release has."
	notes["__libc_single_threaded"] = "read by GCC ≥ 11 libstdc++ headers to skip atomic reference counting; 0 (\"not known to be single-threaded\") is always a safe value."
	notes["_dl_find_object"] = "called by GCC ≥ 12's unwinder (libgcc_eh.a, libgcc_s) to find unwind tables; older glibc needs an implementation over dl_iterate_phdr."
	notes["__parse_hwcap_and_convert_at_platform"] = "a marker in ld64.so.2 (powerpc64le): GCC's __builtin_cpu_supports reads the hardware capabilities from the thread control block, where only glibc ≥ 2.23 keeps them, and code using it references this symbol so it cannot load on an older glibc. GCC 12's libstdc++.a uses it in std::random_device, which any -static-libstdc++ link of string or exception code pulls in: for powerpc64le below 2.23 link libstdc++ shared (drop -static-libstdc++)."
	return notes
})

// Note returns background on a symbol that its version history alone does
// not explain, or "".
func Note(symbol string) string { return notes()[symbol] }
