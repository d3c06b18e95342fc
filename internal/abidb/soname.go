package abidb

import (
	"fmt"
	"strings"
)

var sprintf = fmt.Sprintf

// Sonames of glibc's libraries; the dynamic loader's differs per ABI.
var sonames = map[string]string{
	"libBrokenLocale":   "libBrokenLocale.so.1",
	"libanl":            "libanl.so.1",
	"libc":              "libc.so.6",
	"libc_malloc_debug": "libc_malloc_debug.so.0",
	"libcrypt":          "libcrypt.so.1",
	"libdl":             "libdl.so.2",
	"libm":              "libm.so.6",
	"libmvec":           "libmvec.so.1",
	"libnsl":            "libnsl.so.1",
	"libpthread":        "libpthread.so.0",
	"libresolv":         "libresolv.so.2",
	"librt":             "librt.so.1",
	"libthread_db":      "libthread_db.so.1",
	"libutil":           "libutil.so.1",
}

var loaderSonames = map[string][]string{
	"x86_64":      {"ld-linux-x86-64.so.2"},
	"i386":        {"ld-linux.so.2"},
	"aarch64":     {"ld-linux-aarch64.so.1"},
	"arm":         {"ld-linux-armhf.so.3", "ld-linux.so.3"},
	"powerpc64le": {"ld64.so.2"},
	"s390x":       {"ld64.so.1"},
	"riscv64":     {"ld-linux-riscv64-lp64d.so.1"},
}

// Soname returns the file name programs record in DT_NEEDED for lib
// ("libc" → "libc.so.6", "ld" → "ld-linux-x86-64.so.2" on x86_64).
func (db *DB) Soname(lib string) string {
	if lib == "ld" {
		return loaderSonames[db.abi][0]
	}
	return sonames[lib]
}

// LibraryBySoname maps a DT_NEEDED name back to the library's short name;
// ok is false for anything that is not part of glibc (libstdc++.so.6, or
// libcrypt.so.1 after 2.38, when libxcrypt provides it, is still glibc's
// name and maps to "libcrypt").
func (db *DB) LibraryBySoname(soname string) (lib string, ok bool) {
	for _, l := range loaderSonames[db.abi] {
		if soname == l {
			return "ld", true
		}
	}
	for lib, s := range sonames {
		if s == soname {
			return lib, true
		}
	}
	return "", false
}

// IsGlibcSoname reports whether a DT_NEEDED name belongs to glibc on any
// ABI, for callers that have not yet decided the ABI.
func IsGlibcSoname(soname string) bool {
	for _, s := range sonames {
		if s == soname {
			return true
		}
	}
	for _, ls := range loaderSonames {
		for _, l := range ls {
			if l == soname {
				return true
			}
		}
	}
	return strings.HasPrefix(soname, "ld-linux")
}
