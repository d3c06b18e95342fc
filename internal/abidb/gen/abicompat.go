package main

import (
	"fmt"
	"strings"
)

// abiCompatOnly is compatOnly for what one ABI alone turned compat-only,
// checked against the real Debian libraries of that ABI by
// internal/sysroot's TestRealSymbolSetsMatchPerABI (Debian 11 and 12 for
// i386, aarch64, arm; 12 for powerpc64le and s390x; 13 for riscv64).
// Releases follow the compatOnly rule: where glibc's sources are not at
// hand, the earliest release the real libraries allow.
var abiCompatOnly = map[string][]compatGroup{
	"i386": {
		{"2.17", "libc", "libgcc's 64-bit division helpers, kept for binaries of glibc 2.0", []string{"__divdi3", "__moddi3", "__udivdi3", "__umoddi3"}},
		{"2.17", "libc", "atexit lives in libc_nonshared.a; the libc export serves glibc 2.0 binaries", []string{"atexit"}},
		{"2.17", "libc", "old strtoq inline helpers, res_init of glibc 2.0 (libresolv has it), libm's scalbln family", []string{
			"__strtoq_internal", "__strtouq_internal", "res_init", "scalbln", "scalblnf", "scalblnl"}},
		{"2.17", "libc", "out-of-line copies of the i486 <bits/string.h> inlines (earliest assumed)", []string{
			"__memcpy_by2", "__memcpy_by4", "__memcpy_c", "__memcpy_g", "__mempcpy_by2", "__mempcpy_by4", "__mempcpy_byn",
			"__memset_cc", "__memset_ccn_by2", "__memset_ccn_by4", "__memset_cg", "__memset_gcn_by2", "__memset_gcn_by4",
			"__memset_gg", "__stpcpy_g", "__strcat_c", "__strcat_g", "__strchr_c", "__strchr_g", "__strchrnul_c",
			"__strchrnul_g", "__strcmp_gg", "__strcpy_g", "__strcspn_cg", "__strcspn_g", "__strlen_g", "__strncat_g",
			"__strncmp_g", "__strncpy_by2", "__strncpy_by4", "__strncpy_byn", "__strncpy_gg", "__strpbrk_cg",
			"__strpbrk_g", "__strrchr_c", "__strrchr_g", "__strspn_cg", "__strspn_g", "__strstr_cg", "__strstr_g"}},
	},
	"arm": {
		{"2.17", "libc", "long double is double on arm: the *l classification aliases serve old binaries", []string{"__finitel", "__isinfl", "__isnanl"}},
		{"2.17", "libm", "long double is double on arm", []string{"__finitel"}},
		{"2.17", "libc", "EABI profiling calls __gnu_mcount_nc; the old entry points serve old binaries", []string{"_mcount", "mcount", "profil_counter"}},
		{"2.17", "libc", "x86 port I/O emulation, never usable on EABI kernels (earliest assumed)", []string{
			"inb", "inl", "inw", "outb", "outl", "outw", "ioperm", "iopl"}},
	},
	"aarch64": {
		{"2.32", "libc", "__send, exported by accident, withdrawn after 2.31 (earliest assumed)", []string{"__send"}},
	},
	"powerpc64le": {
		{"2.17", "libm", "__fe_nomask_env kept only for old binaries", []string{"__fe_nomask_env"}},
	},
	"s390x": {
		{"2.17", "libc", "atexit lives in libc_nonshared.a; the libc export serves old binaries", []string{"atexit"}},
	},
}

// defaultGroup is a set of symbols whose default version (the one new links
// bind, name@@node) is not the newest version the release lists: glibc
// added a version and later made it compat again.
type defaultGroup struct {
	since string   // first release where node is the default
	lib   string   // library short name
	node  string   // the default version node
	why   string   // glibc's reason, for readers of this table
	names []string // symbol names
}

// abiDefaults lists, per ABI, the symbols whose default version is an
// older node than the newest listed, checked like abiCompatOnly.
var abiDefaults = map[string][]defaultGroup{
	"i386": {
		{"2.32", "libc", "GLIBC_2.1", "the GLIBC_2.2 versions of the LFS I/O calls became compat again after 2.31 (earliest assumed)", []string{
			"__pread64", "__pwrite64", "lseek64", "open64", "pread", "pread64", "pwrite", "pwrite64"}},
	},
	"s390x": {
		{"2.20", "libc", "GLIBC_2.2", "the s390 jmp_buf/ucontext change of 2.19 was reverted in 2.20; its GLIBC_2.19 symbols stay for 2.19 binaries", []string{
			"__sigsetjmp", "_longjmp", "_setjmp", "getcontext", "longjmp", "setjmp", "siglongjmp"}},
		{"2.20", "libc", "GLIBC_2.11", "reverted with the jmp_buf change of 2.19", []string{"__longjmp_chk"}},
	},
}

// abiCompatSince is compatSince with the ABI's own table.
func abiCompatSince(abi, lib, name string) (string, bool) {
	best, found := compatSince(lib, name)
	for _, g := range abiCompatOnly[abi] {
		if g.lib != lib {
			continue
		}
		for _, n := range g.names {
			if n == name && (!found || releaseLess(g.since, best)) {
				best, found = g.since, true
			}
		}
	}
	return best, found
}

// checkABITables makes sure every name in abi's own tables exists in its
// library from the stated release on, and every default node is one the
// symbol has there.
func checkABITables(abi string, releases []string, libs map[string]*libData) error {
	for _, g := range abiCompatOnly[abi] {
		ld := libs[g.lib]
		if ld == nil {
			return fmt.Errorf("%s compat table: no library %s", abi, g.lib)
		}
		for _, n := range g.names {
			if ld.compat[n] == 0 {
				return fmt.Errorf("%s compat table: %s does not export %s in %s or later", abi, g.lib, n, g.since)
			}
		}
	}
	for _, g := range abiDefaults[abi] {
		ld := libs[g.lib]
		if ld == nil {
			return fmt.Errorf("%s default table: no library %s", abi, g.lib)
		}
		for _, n := range g.names {
			if defaultMask(g, n, releases, ld) == 0 {
				return fmt.Errorf("%s default table: %s does not export %s@%s in %s or later", abi, g.lib, n, g.node, g.since)
			}
		}
	}
	return nil
}

// defaultMask is the releases from g.since on in which ld exports
// name@g.node.
func defaultMask(g defaultGroup, name string, releases []string, ld *libData) uint64 {
	var from uint64
	for i, r := range releases {
		if !releaseLess(r, g.since) {
			from |= 1 << i
		}
	}
	var m uint64
	for k, rel := range ld.syms {
		if k.name == name && k.node == g.node {
			m |= rel
		}
	}
	return m & from
}

// defaultRecords are lib's "d" records on abi: d <symbol> <node> <mask>,
// the default version node in those releases.
func defaultRecords(abi, lib string, releases []string, ld *libData) string {
	var b strings.Builder
	for _, g := range abiDefaults[abi] {
		if g.lib != lib {
			continue
		}
		for _, n := range g.names {
			if m := defaultMask(g, n, releases, ld); m != 0 {
				fmt.Fprintf(&b, "d %s %s %x\n", n, g.node, m)
			}
		}
	}
	return b.String()
}
