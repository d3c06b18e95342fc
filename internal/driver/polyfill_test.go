package driver

// Behaviour tests for libcompat's polyfills, end to end: small C and C++
// programs (testdata/polyfills) are linked by the driver for old targets,
// must keep their readelf floor at or below the target, must define each
// polyfilled symbol themselves exactly when the target's libc lacks it (and
// import the real one otherwise), and must print exactly the expected
// output under real glibc 2.31 (Debian 11). The same programs linked for
// 2.38, where every symbol is glibc's own, run under real glibc 2.41
// (Debian 13) and must print the same, except where a polyfill knowingly
// differs (__libc_single_threaded is always 0): the polyfills behave like
// the functions they stand in for. The polyfilled builds run under 2.41
// too.
//
// CI needs gcc, g++ (with libstdc++.a, i.e. the g++ package's
// libstdc++-dev), readelf, and apt access for the Debian 11 and 13 runtimes.

import (
	"debug/elf"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
)

// debian13 is Debian trixie's glibc 2.41: it runs the builds that bind to
// glibc's real functions, and shows the polyfilled builds keep working on a
// new glibc.
func debian13(t *testing.T) *runtimes.Runtime { return testRuntime(t, "debian:13") }

// statFamily are the names that were libc_nonshared.a wrappers around
// __xstat & co. before glibc 2.33 and real libc symbols since.
var statFamily = []string{"stat", "fstat", "lstat", "fstatat", "stat64", "fstat64", "lstat64", "fstatat64", "mknod", "mknodat"}

// isoc23Strto lists the __isoc23_ conversion functions in the order
// isoc23.c prints them, and whether each returns a signed type.
var isoc23Strto = []struct {
	name   string
	signed bool
}{
	{"strtol", true}, {"strtoul", false}, {"strtoll", true}, {"strtoull", false},
	{"strtoimax", true}, {"strtoumax", false},
	{"strtol_l", true}, {"strtoul_l", false}, {"strtoll_l", true}, {"strtoull_l", false},
	{"wcstol", true}, {"wcstoul", false}, {"wcstoll", true}, {"wcstoull", false},
	{"wcstoimax", true}, {"wcstoumax", false},
	{"wcstol_l", true}, {"wcstoul_l", false}, {"wcstoll_l", true}, {"wcstoull_l", false},
}

var isoc23Scanf = []string{"sscanf", "vsscanf", "fscanf", "vfscanf", "scanf", "vscanf",
	"swscanf", "vswscanf", "fwscanf", "vfwscanf", "wscanf", "vwscanf"}

// polyfillProgram is one test program and what it must print.
type polyfillProgram struct {
	name    string   // testdata/polyfills/<name>.c (or .cc for C++)
	syms    []string // the libc symbols whose behaviour it checks
	dirArg  bool     // takes a scratch directory as argv[1]
	targets []string // targets to build for; nil: behaviourTargets
	// want is the exact output for a build whose symbols bind as at target
	// (polyfilled below their release, glibc's own from it on), run under
	// glibc release rt.
	want func(target, rt abidb.Version) string
}

// behaviourTargets: 2.17 polyfills everything; 2.28 and 2.31 are mixed;
// at 2.38 every symbol is glibc's own.
var behaviourTargets = []string{"2.17", "2.28", "2.31", "2.38"}

var (
	v231 = abidb.MustParseVersion("2.31")
	v232 = abidb.MustParseVersion("2.32")
	v241 = abidb.MustParseVersion("2.41")
	v234 = abidb.MustParseVersion("2.34")
)

func fixed(s string) func(target, rt abidb.Version) string {
	return func(target, rt abidb.Version) string { return s }
}

var polyfillPrograms = []polyfillProgram{
	{name: "string", syms: []string{"strlcpy", "strlcat", "explicit_bzero", "reallocarray"}, want: fixed(`strlcpy truncating: returns 11, buffer "hello w"
strlcpy fitting: returns 2, buffer "hi"
strlcpy size 0: returns 3, buffer "xxxxxxx"
strlcpy size 1: returns 3, buffer ""
strlcat truncating: returns 10, buffer "abcdefg"
strlcat fitting: returns 4, buffer "abcd"
strlcat unterminated: returns 11, buffer untouched
strlcat size 0: returns 3
explicit_bzero: aaaa000000000000000000000000aaaa
reallocarray grow: contents kept
reallocarray overflow: NULL, errno ENOMEM, old block intact
reallocarray(NULL, SIZE_MAX, SIZE_MAX): NULL, errno ENOMEM
`)},
	{name: "fortify", syms: []string{"wcslcpy", "wcslcat", "memset_explicit", "__explicit_bzero_chk", "__strlcpy_chk",
		"__strlcat_chk", "__wcslcpy_chk", "__wcslcat_chk", "__inet_pton_chk", "__inet_ntop_chk", "__memset_explicit_chk"},
		want: fixed(`wcslcpy truncating: returns 11, buffer "hello"
wcslcpy fitting: returns 2, buffer "hi"
wcslcat truncating: returns 8, buffer "hiabc"
wcslcat unterminated: returns 8, buffer untouched
__wcslcpy_chk: returns 3, buffer "abc"
__wcslcat_chk: returns 8, buffer "abcde"
__strlcpy_chk: returns 11, buffer "hello w"
__strlcat_chk full: returns 7, buffer "hello w"
explicit_bzero, memset_explicit: 7a000000000000a9
__inet_pton_chk v4: 1, 192.168.0.77
__inet_pton_chk v6: 1, fe80::1:2
__inet_pton_chk bad address: 0
__inet_ntop_chk short buffer: ENOSPC
__strlcpy_chk overflow: aborted
__strlcat_chk overflow: aborted
__wcslcpy_chk overflow: aborted
__wcslcat_chk overflow: aborted
__explicit_bzero_chk overflow: aborted
__memset_explicit_chk overflow: aborted
__inet_pton_chk overflow: aborted
__inet_ntop_chk overflow: aborted
`)},
	{name: "random", syms: []string{"getrandom", "getentropy", "arc4random", "arc4random_buf", "arc4random_uniform"}, want: fixed(`getrandom: returns 2048, bytes random
getrandom GRND_NONBLOCK: returns 2048, different from the first call
getrandom 0 bytes: returns 0
getrandom bad flags: returns -1, errno EINVAL
getentropy 256: returns 0, bytes random, rest untouched yes
getentropy 257: returns -1, errno EIO
getentropy 0: returns 0
arc4random: varies
arc4random_buf: bytes random, two calls differ
arc4random_uniform(0): 0, (1): 0
arc4random_uniform(10): 0 out of range, balanced
arc4random_uniform(0xc0000000): 0 out of range, low third one third
`)},
	{name: "fd", dirArg: true, syms: []string{"fcntl64", "close_range", "memfd_create", "copy_file_range", "fstat64"}, want: fixed(`fcntl64 F_GETFL: O_RDWR|O_APPEND
fcntl64 F_SETFD/F_GETFD: 0 FD_CLOEXEC
fcntl64 F_DUPFD 90: 90
fcntl64 bad fd: -1 EBADF
fcntl64 F_SETLK at 5 GiB: 0; child F_GETLK: 0, F_WRLCK at 5368709120+100 by parent
close_range(100, 102, 0): 0; open: 0 0 0 1
close_range(103, 103, CLOEXEC): 0; open 1, FD_CLOEXEC
close_range(5, 4, 0): -1 EINVAL
close_range(103, ~0, 0): 0; open: 0 0
memfd_create: fd valid, /memfd:polyfill-test (deleted), FD_CLOEXEC
memfd write: 11, size 11, read back 11 "hello memfd"
memfd seal: F_ADD_SEALS 0, F_GET_SEALS F_SEAL_WRITE, write -1 EPERM
memfd_create bad flags: -1 EINVAL
copy_file_range: copied 100000, positions 100000 100000, same bytes
copy_file_range at offsets: 50, offsets now 150 200050, size 200050, same bytes, file positions 100000 100000
copy_file_range bad flags: -1 EINVAL
`)},
	{name: "thread", syms: []string{"gettid", "__libc_single_threaded"}, want: func(target, rt abidb.Version) string {
		// The polyfill is a constant 0 ("not known to be single
		// threaded", always safe); glibc's own variable is 1 until the
		// first thread starts.
		before := "1"
		if target.Less(v232) {
			before = "0"
		}
		return `gettid in main: equals syscall(SYS_gettid), equals getpid()
__libc_single_threaded before threads: ` + before + `
gettid in a thread: equals syscall(SYS_gettid), differs from getpid()
__libc_single_threaded after a thread: 0
`
	}},
	{name: "stat", dirArg: true, syms: append([]string{"statx"}, statFamily...), want: fixed(`stat file: 0, file, size 12345, mode 640
stat link: 0, file, size 12345, mode 640
lstat link: 0, symlink, size 4, mode 777
fstat: 0, file, size 12345, mode 640
fstatat file: 0, file, size 12345, mode 640
fstatat link nofollow: 0, symlink, size 4, mode 777
stat64 file: 0, file, size 12345, mode 640
lstat64 link: 0, symlink, size 4, mode 777
fstat64: 0, file, size 12345, mode 640
fstatat64 link nofollow: 0, symlink, size 4, mode 777
stat missing: -1 ENOENT
fstat64 bad fd: -1 EBADF
statx file: 0, file, size 12345, mode 640, mask has size yes
stat, stat64, statx agree on inode, device, links, uid, mtime: yes
statx link nofollow: 0, symlink, size 4
statx missing: -1 ENOENT
mknod fifo: 0
stat fifo: 0, fifo, size 0, mode 604
mknodat fifo: 0
lstat fifo2: 0, fifo, size 0, mode 620
mknod existing: -1 EEXIST
`)},
	{name: "isoc23", dirArg: true, syms: isoc23Symbols(), want: wantIsoc23},
	{
		// Kernel-facing polyfills with their system calls failing with
		// ENOSYS, as on CentOS 7's kernel: they fail with ENOSYS or fall
		// back as glibc does. Only 2.17 polyfills all of them.
		name: "oldkernel", dirArg: true, targets: []string{"2.17"},
		syms: []string{"getrandom", "getentropy", "arc4random", "arc4random_buf", "arc4random_uniform",
			"close_range", "memfd_create", "copy_file_range", "statx", "pidfd_open", "preadv2", "pwritev2",
			"mlock2", "renameat2", "closefrom"},
		want: fixed(`filter: raw getrandom -1 ENOSYS
getrandom: -1 ENOSYS
getentropy: -1 ENOSYS
arc4random_buf from /dev/urandom: bytes random, two calls differ, errno 0
arc4random_uniform(6): 0 out of range; arc4random varies
close_range(100, 102, 0) by hand: 0; open: 0 0 0 1
close_range(103, 103, CLOEXEC) by hand: 0; open 1, FD_CLOEXEC
close_range(5, 4, 0): -1 EINVAL
close_range UNSHARE: -1 ENOSYS; open 1
close_range(103, ~0, 0) by hand: 0; open: 0 0; stdout open 1
memfd_create: -1 ENOSYS
copy_file_range: -1 ENOSYS
statx: -1 ENOSYS
pidfd_open: -1 ENOSYS
pwritev2 flags 0 (pwritev): 6
preadv2 flags 0 (preadv): 3 "cde"
preadv2 at -1 (readv): 3 "bcd"
preadv2 flags RWF_NOWAIT: -1 errno 95
pwritev2 flags RWF_DSYNC: -1 errno 95
mlock2 flags 0 (mlock): 0
mlock2 MLOCK_ONFAULT: -1 EINVAL
renameat2 flags 0 (renameat): 0
renameat2 RENAME_NOREPLACE: -1 EINVAL
closefrom(201) by hand: open 1 0 0
`),
	},
}

func isoc23Symbols() []string {
	var out []string
	for _, f := range isoc23Strto {
		out = append(out, "__isoc23_"+f.name)
	}
	for _, f := range isoc23Scanf {
		out = append(out, "__isoc23_"+f)
	}
	return out
}

// wantIsoc23 is what isoc23.c prints: the C23 reading of each input (see
// the cases table there), identical for all twenty conversion functions.
func wantIsoc23(target, rt abidb.Version) string {
	const (
		signed   = "5@5 3@4 -3@7 1@4 5@5 0@1 45313@5 0@1 0@1 0@2 2@2 31@4 63@3 0@0 9223372036854775807@66/ERANGE -9223372036854775808@67 9223372036854775807@67/ERANGE errno kept"
		unsigned = "5@5 3@4 18446744073709551613@7 1@4 5@5 0@1 45313@5 0@1 0@1 0@2 2@2 31@4 63@3 0@0 18446744073709551615@66 9223372036854775808@67 18446744073709551615@67/ERANGE errno kept"
	)
	var b strings.Builder
	for _, f := range isoc23Strto {
		res := unsigned
		if f.signed {
			res = signed
		}
		fmt.Fprintf(&b, "__isoc23_%s: %s\n", f.name, res)
	}
	for _, f := range isoc23Scanf {
		fmt.Fprintf(&b, "__isoc23_%s: 6: 42 abc 31 15 -5 2.5\n", f)
		if f == "vfscanf" {
			b.WriteString("__isoc23_fscanf at end: -1\n")
		}
	}
	// C23 through each function: %i takes "0b", %b; the v* and second
	// stream calls start after the first line's newline. The same as
	// glibc's own functions (target 2.38), also where the polyfills run.
	for _, f := range isoc23Scanf {
		consumed := 20
		if f == "vfscanf" || f == "vscanf" || f == "vfwscanf" || f == "vwscanf" {
			consumed = 21
		}
		fmt.Fprintf(&b, "__isoc23_%s C23: 4: 5 3 -3 5, consumed %d\n", f, consumed)
	}
	b.WriteString(wantIsoc23ScanfCases)
	return b.String()
}

// wantIsoc23ScanfCases is what isoc23.c prints for its table of C23 scanf
// cases (c23cases): glibc 2.41's own __isoc23_ functions print exactly
// this, and so must the polyfills, built for 2.17 and run under 2.31 and
// 2.41. Per case: the return value, errno if set, the bytes written to
// each pointer's slot (unwritten bytes stay a5), where fscanf left the
// stream and what is left; swscanf and fwscanf are shown where they
// differ (the wide functions write %s and %[ through wcrtomb, one NUL
// more).
const wantIsoc23ScanfCases = `"0b101" "%i": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"0B11" "%i": 1 [1:03000000a5a5a5a5]; stream at 4 rest ""
"-0b1" "%i": 1 [1:ffffffffa5a5a5a5]; stream at 4 rest ""
"+0b1" "%i": 1 [1:01000000a5a5a5a5]; stream at 4 rest ""
"0x1f" "%i": 1 [1:1f000000a5a5a5a5]; stream at 4 rest ""
"017" "%i": 1 [1:0f000000a5a5a5a5]; stream at 3 rest ""
"-17" "%i": 1 [1:efffffffa5a5a5a5]; stream at 3 rest ""
"0" "%i": 1 [1:00000000a5a5a5a5]; stream at 1 rest ""
"-0" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest ""
"00b1" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest "b1"
"  \n\t0b11 7" "%i": 1 [1:03000000a5a5a5a5]; stream at 8 rest " 7"
" 0b1 " "%i ": 1 [1:01000000a5a5a5a5]; stream at 5 rest ""
" 0b1" " %i\n": 1 [1:01000000a5a5a5a5]; stream at 4 rest ""
"0b" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest ""
"0b2" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest "2"
"0B" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest ""
"0bx" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest "x"
"0xg" "%i": 1 [1:00000000a5a5a5a5]; stream at 2 rest "g"
"+" "%i": 0 []; stream at 1 rest ""
"-x" "%i": 0 []; stream at 1 rest "x"
"x" "%i": 0 []; stream at 0 rest "x"
"" "%i": -1 []; stream at 0 rest ""
"   " "%i": -1 []; stream at 3 rest ""
"0b101" "%3i": 1 [1:01000000a5a5a5a5]; stream at 3 rest "01"
"0b101" "%2i": 1 [1:00000000a5a5a5a5]; stream at 2 rest "101"
"0b101" "%1i": 1 [1:00000000a5a5a5a5]; stream at 1 rest "b101"
"-0b101" "%3i": 1 [1:00000000a5a5a5a5]; stream at 3 rest "101"
"-0b101" "%4i": 1 [1:ffffffffa5a5a5a5]; stream at 4 rest "01"
"0b101" "%0i": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"0b101" "%99999999999i": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"0b1111111111111111111111111111111111111111111111111111111111111111111111" "%i": 1 ERANGE [1:ffffffffa5a5a5a5]; stream at 72 rest ""
"0b1111111111111111111111111111111111111111111111111111111111111111111111" "%li": 1 ERANGE [1:ffffffffffffff7f]; stream at 72 rest ""
"-0b1000000000000000000000000000000000000000000000000000000000000000" "%li": 1 [1:0000000000000080]; stream at 67 rest ""
"-0b10000000000000000000000000000000000000000000000000000000000000000" "%li": 1 ERANGE [1:0000000000000080]; stream at 68 rest ""
"0b10000000" "%hhi": 1 [1:80a5a5a5a5a5a5a5]; stream at 10 rest ""
"0b11111111111111111" "%hi": 1 [1:ffffa5a5a5a5a5a5]; stream at 19 rest ""
"-0b1" "%lli": 1 [1:ffffffffffffffff]; stream at 4 rest ""
"-0b1" "%ji": 1 [1:ffffffffffffffff]; stream at 4 rest ""
"0b1" "%zi": 1 [1:0100000000000000]; stream at 3 rest ""
"0b1" "%ti": 1 [1:0100000000000000]; stream at 3 rest ""
"0b1" "%qi": 1 [1:0100000000000000]; stream at 3 rest ""
"0b101" "%'i": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"0b101" "%Ii": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"0b101" "%I'3i": 1 [1:01000000a5a5a5a5]; stream at 3 rest "01"
"101" "%b": 1 [1:05000000a5a5a5a5]; stream at 3 rest ""
"0b101" "%b": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"0B101" "%b": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"2" "%b": 0 []; stream at 0 rest "2"
"0x1" "%b": 1 [1:00000000a5a5a5a5]; stream at 1 rest "x1"
"-101" "%b": 1 [1:fbffffffa5a5a5a5]; stream at 4 rest ""
"+0b1" "%b": 1 [1:01000000a5a5a5a5]; stream at 4 rest ""
"0b" "%b": 1 [1:00000000a5a5a5a5]; stream at 2 rest ""
"0b2" "%b": 1 [1:00000000a5a5a5a5]; stream at 2 rest "2"
"   11z" "%b": 1 [1:03000000a5a5a5a5]; stream at 5 rest "z"
"0b101" "%3b": 1 [1:01000000a5a5a5a5]; stream at 3 rest "01"
"0b101" "%2b": 1 [1:00000000a5a5a5a5]; stream at 2 rest "101"
"111111111" "%hhb": 1 [1:ffa5a5a5a5a5a5a5]; stream at 9 rest ""
"" "%b": -1 []; stream at 0 rest ""
"+" "%b": 0 []; stream at 1 rest ""
"0b1111111111111111111111111111111111111111111111111111111111111111111111" "%lb": 1 ERANGE [1:ffffffffffffffff]; stream at 72 rest ""
"-0b1111111111111111111111111111111111111111111111111111111111111111111111" "%b": 1 ERANGE [1:ffffffffa5a5a5a5]; stream at 73 rest ""
"0b1" "%Lb": 1 [1:0100000000000000]; stream at 3 rest ""
"0b11 5" "%*i%d": 1 [1:05000000a5a5a5a5]; stream at 6 rest ""
"101 7" "%*b%i": 1 [1:07000000a5a5a5a5]; stream at 5 rest ""
"0b1 0b1" "%*i %*b": 0 []; stream at 7 rest ""
"0b1 2" "%*hhi%n": 0 [1:03000000a5a5a5a5]; stream at 3 rest " 2"
"0b101 7" "%i%n %hhn%d%ln": 2 [1:05000000a5a5a5a5 2:05000000a5a5a5a5 3:06a5a5a5a5a5a5a5 4:07000000a5a5a5a5 5:0700000000000000]; stream at 7 rest ""
"0b1" "%n%i": 1 [1:00000000a5a5a5a5 2:01000000a5a5a5a5]; stream at 3 rest ""
"0b1" "%*n%i": 1 [1:01000000a5a5a5a5]; stream at 3 rest ""
"12 0b11 abc 101 rest" "%d %i %7s %b %n": 4 [1:0c000000a5a5a5a5 2:03000000a5a5a5a5 3:61626300a5a5a5a5 4:05000000a5a5a5a5 5:10000000a5a5a5a5]; swscanf 4 [1:0c000000a5a5a5a5 2:03000000a5a5a5a5 3:6162630000a5a5a5 4:05000000a5a5a5a5 5:10000000a5a5a5a5]; stream at 16 rest "rest"; fwscanf 4 [1:0c000000a5a5a5a5 2:03000000a5a5a5a5 3:6162630000a5a5a5 4:05000000a5a5a5a5 5:10000000a5a5a5a5]
"0b1,0b1" "%i,%b": 2 [1:01000000a5a5a5a5 2:01000000a5a5a5a5]; stream at 7 rest ""
"0b1%1" "%i%%%b": 2 [1:01000000a5a5a5a5 2:01000000a5a5a5a5]; stream at 5 rest ""
"0b12" "%i%c": 2 [1:01000000a5a5a5a5 2:32a5a5a5a5a5a5a5]; stream at 4 rest ""
"0b1ab11" "%i%[abc]%b": 3 [1:01000000a5a5a5a5 2:616200a5a5a5a5a5 3:03000000a5a5a5a5]; swscanf 3 [1:01000000a5a5a5a5 2:61620000a5a5a5a5 3:03000000a5a5a5a5]; stream at 7 rest ""; fwscanf 3 [1:01000000a5a5a5a5 2:61620000a5a5a5a5 3:03000000a5a5a5a5]
"0b1]%x1" "%i%[]%x]%b": 3 [1:01000000a5a5a5a5 2:5d257800a5a5a5a5 3:01000000a5a5a5a5]; swscanf 3 [1:01000000a5a5a5a5 2:5d25780000a5a5a5 3:01000000a5a5a5a5]; stream at 7 rest ""; fwscanf 3 [1:01000000a5a5a5a5 2:5d25780000a5a5a5 3:01000000a5a5a5a5]
"0b1ab]1" "%i%[^]]]%b": 3 [1:01000000a5a5a5a5 2:616200a5a5a5a5a5 3:01000000a5a5a5a5]; swscanf 3 [1:01000000a5a5a5a5 2:61620000a5a5a5a5 3:01000000a5a5a5a5]; stream at 7 rest ""; fwscanf 3 [1:01000000a5a5a5a5 2:61620000a5a5a5a5 3:01000000a5a5a5a5]
"0b1 0x1p3" "%i %lf": 2 [1:01000000a5a5a5a5 2:0000000000002040]; stream at 9 rest ""
"0b1 0x10" "%i %p": 2 [1:01000000a5a5a5a5 2:1000000000000000]; stream at 8 rest ""
"0x10 0b1" "%x %i": 2 [1:10000000a5a5a5a5 2:01000000a5a5a5a5]; stream at 8 rest ""
"0b1 x" "%i x": 1 [1:01000000a5a5a5a5]; stream at 5 rest ""
"0b1\t\n101" "%i\n%b": 2 [1:01000000a5a5a5a5 2:05000000a5a5a5a5]; stream at 8 rest ""
"5" "%d %i": 1 [1:05000000a5a5a5a5]; stream at 1 rest ""
"5" "%*d%i": -1 []; stream at 1 rest ""
"5" "%*d %b": -1 []; stream at 1 rest ""
"abc" "abc%i": -1 []; stream at 3 rest ""
"abc" "abc %b": -1 []; stream at 3 rest ""
"0b1 " "%i x": 1 [1:01000000a5a5a5a5]; stream at 4 rest ""
"0b1 2" "%i %y": 1 [1:01000000a5a5a5a5]; stream at 4 rest "2"
"0b1 2" "%i %l": 1 [1:01000000a5a5a5a5]; stream at 3 rest " 2"
"0b1 2" "%i %": 1 [1:01000000a5a5a5a5]; stream at 3 rest " 2"
"0b1 2" "%i %[2": 1 [1:01000000a5a5a5a5]; stream at 4 rest "2"
"0b11 101" "%2$i %1$b": 2 [1:05000000a5a5a5a5 2:03000000a5a5a5a5]; stream at 8 rest ""
"0b11 101" "%2$i %3$n%1$b": 2 [1:05000000a5a5a5a5 2:03000000a5a5a5a5 3:05000000a5a5a5a5]; stream at 8 rest ""
"0b1" "%0$i": 1 [1:01000000a5a5a5a5]; stream at 3 rest ""
"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 0b1" "%1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %2$d %3$d %4$i": 36 [1:21000000a5a5a5a5 2:22000000a5a5a5a5 3:23000000a5a5a5a5 4:01000000a5a5a5a5]; stream at 99 rest ""
"0b101" "%w32i": 1 [1:05000000a5a5a5a5]; stream at 5 rest ""
"111111111" "%w8b": 1 [1:ffa5a5a5a5a5a5a5]; stream at 9 rest ""
"0b11111111111111111" "%w16i": 1 [1:ffffa5a5a5a5a5a5]; stream at 19 rest ""
"-0b1" "%wf16i": 1 [1:ffffffffffffffff]; stream at 4 rest ""
"0b1" "%w64b": 1 [1:0100000000000000]; stream at 3 rest ""
"0b1" "%wf8i": 1 [1:01a5a5a5a5a5a5a5]; stream at 3 rest ""
"5" "%w32d": 1 [1:05000000a5a5a5a5]; stream at 1 rest ""
"5 6" "%d %w64u": 2 [1:05000000a5a5a5a5 2:0600000000000000]; stream at 3 rest ""
"0b1" "%w7i": 0 EINVAL []; stream at 0 rest "0b1"
"0b1" "%wi": 0 EINVAL []; stream at 0 rest "0b1"
"5 6" "%d %w7i": 1 EINVAL [1:05000000a5a5a5a5]; stream at 1 rest " 6"
`

const wantUnwind = `main: caught Boom 42 thrown 5 frames deep
shared_ptr: use_count 2
library: caught its own exception 1
main: caught "from the library" thrown 6 frames deep in the library
main: caught Boom 42 thrown through 4 library frames
main: catch (...) after the library
`

// abiSince is the first release whose libraries export sym, by the ABI
// database (glibc's own abilists), independently of libcompat's catalogue.
func abiSince(t *testing.T, sym string) abidb.Version {
	t.Helper()
	db := abidb.MustLoad("x86_64")
	for _, r := range db.Releases() {
		if _, _, ok := db.LibraryOf(sym, r); ok {
			return r
		}
	}
	t.Fatalf("%s: no glibc release exports it", sym)
	return abidb.Version{}
}

// symbolUse is how one linked file gets its symbols.
type symbolUse struct {
	imports map[string]string // name -> "libc.so.6 GLIBC_2.25" (bound to a needed version)
	exports map[string]bool   // defined and visible in the dynamic symbol table
	locals  map[string]bool   // defined, hidden or local (a polyfill)
}

func readSymbolUse(t *testing.T, path string) symbolUse {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := symbolUse{imports: map[string]string{}, exports: map[string]bool{}, locals: map[string]bool{}}
	dyn, err := f.DynamicSymbols()
	if err != nil {
		t.Fatalf("%s: dynamic symbols: %v", path, err)
	}
	for _, s := range dyn {
		switch {
		case s.Library != "":
			// Undefined, or defined by a copy relocation of libc's
			// variable: either way bound to libc's version.
			u.imports[s.Name] = s.Library + " " + s.Version
		case s.Section == elf.SHN_UNDEF:
			u.imports[s.Name] = "unversioned"
		default:
			u.exports[s.Name] = true
		}
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%s: symbol table: %v", path, err)
	}
	for _, s := range syms {
		// Hidden definitions stay GLOBAL HIDDEN or become LOCAL,
		// depending on the linker.
		if s.Section != elf.SHN_UNDEF && (elf.ST_BIND(s.Info) == elf.STB_LOCAL || elf.ST_VISIBILITY(s.Other) == elf.STV_HIDDEN) {
			u.locals[s.Name] = true
		}
	}
	return u
}

// oldPath names, for some symbols, what the file must import from libc
// instead when it carries its own definition: the stat family goes through
// the __xstat entry points as before glibc 2.33, fcntl64 through fcntl.
var oldPath = map[string]string{
	"stat": "__xstat", "fstat": "__fxstat", "lstat": "__lxstat", "fstatat": "__fxstatat",
	"stat64": "__xstat64", "fstat64": "__fxstat64", "lstat64": "__lxstat64", "fstatat64": "__fxstatat64",
	"mknod": "__xmknod", "mknodat": "__xmknodat", "fcntl64": "fcntl",
}

// checkSymbolUse asserts that path imports each of syms from the target's
// libc.so.6 at the version the ABI database gives, if the target has it,
// and otherwise defines it itself, hidden: "each polyfill is used only when
// the target lacks the real symbol".
func checkSymbolUse(t *testing.T, path string, target abidb.Version, syms []string) {
	t.Helper()
	db := abidb.MustLoad("x86_64")
	u := readSymbolUse(t, path)
	for _, sym := range syms {
		lib, sv, has := db.LibraryOf(sym, target)
		switch {
		case has && lib == "libc":
			if want := "libc.so.6 " + sv.Node; u.imports[sym] != want || u.locals[sym] {
				t.Errorf("%s for %s: %s: imports %q, defines it locally %v; want an import of %s only",
					filepath.Base(path), target, sym, u.imports[sym], u.locals[sym], want)
			}
		case has:
			t.Fatalf("%s: the ABI database puts it in %s at %s, not libc", sym, lib, target)
		default:
			if imp, ok := u.imports[sym]; ok || u.exports[sym] || !u.locals[sym] {
				t.Errorf("%s for %s: %s: imported %v (%s), exported %v, defined locally %v; want a hidden local definition (the polyfill)",
					filepath.Base(path), target, sym, ok, imp, u.exports[sym], u.locals[sym])
			}
			if old, ok := oldPath[sym]; ok {
				// The library may be libc.so.6 or, before 2.34,
				// libpthread.so.0, which also exports fcntl: with
				// --as-needed (Debian's default) a shared library whose
				// only libc use is the polyfill's fcntl call gets it from
				// libpthread, the next library defining it. The loader
				// matches name and version in any loaded object, so both
				// work, on old and new glibc.
				_, sv, _ := db.LibraryOf(old, target)
				lib, node, _ := strings.Cut(u.imports[old], " ")
				if node != sv.Node || !abidb.IsGlibcSoname(lib) {
					t.Errorf("%s for %s: %s is defined locally but %s is imported as %q, want glibc's %s",
						filepath.Base(path), target, sym, old, u.imports[old], sv.Node)
				}
			}
		}
	}
}

func checkFloor(t *testing.T, path string, target abidb.Version) {
	t.Helper()
	if floor := floorByReadelf(t, path); target.Less(floor) {
		t.Errorf("%s: readelf floor %s above target %s", filepath.Base(path), floor, target)
	}
}

// runUnder runs prog under rt and compares its output with want.
func runUnder(t *testing.T, rt *runtimes.Runtime, label, want, prog string, args ...string) {
	t.Helper()
	out, err := run(t, rt, prog, args...)
	if err != nil || out != want {
		t.Errorf("%s under %s: %v\n%s", filepath.Base(prog), label, err, lineDiff(want, out))
	}
}

// lineDiff shows the lines of got that differ from want.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  got  %q\n  want %q\n", i+1, gl, wl)
		}
	}
	return b.String()
}

// TestPolyfillBehaviour builds every program for each target and runs it
// under glibc 2.31 (targets up to 2.31) and 2.41 (all targets).
func TestPolyfillBehaviour(t *testing.T) {
	old, cur := debian11(t), debian13(t)
	for _, ts := range behaviourTargets {
		t.Run(ts, func(t *testing.T) {
			t.Parallel()
			target := abidb.MustParseVersion(ts)
			for _, p := range polyfillPrograms {
				if p.targets != nil && !slices.Contains(p.targets, ts) {
					continue
				}
				dir := t.TempDir()
				prog := filepath.Join(dir, p.name)
				mustLink(t, false, ts, "-O2", "-Wall", filepath.Join("testdata", "polyfills", p.name+".c"), "-o", prog)
				checkFloor(t, prog, target)
				checkSymbolUse(t, prog, target, p.syms)
				for _, rt := range []struct {
					rt      *runtimes.Runtime
					release abidb.Version
				}{{old, v231}, {cur, v241}} {
					if rt.release.Less(target) {
						continue
					}
					var args []string
					if p.dirArg {
						args = []string{t.TempDir()}
					}
					runUnder(t, rt.rt, "glibc "+rt.release.String(), p.want(target, rt.release), prog, args...)
				}
			}
		})
	}
}
