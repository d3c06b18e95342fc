package check

import "compatbuild/internal/abidb"

// gccForNode maps libstdc++'s version nodes to the GCC release that
// introduced them (libstdc++ manual, "ABI Policy and Guidelines").
var gccForNode = map[string]string{
	"GLIBCXX_3.4": "3.4.0", "GLIBCXX_3.4.1": "3.4.1", "GLIBCXX_3.4.2": "3.4.2",
	"GLIBCXX_3.4.3": "3.4.3", "GLIBCXX_3.4.4": "4.0.0", "GLIBCXX_3.4.5": "4.0.1",
	"GLIBCXX_3.4.6": "4.0.2", "GLIBCXX_3.4.7": "4.0.3", "GLIBCXX_3.4.8": "4.1.1",
	"GLIBCXX_3.4.9": "4.2.0", "GLIBCXX_3.4.10": "4.3.0", "GLIBCXX_3.4.11": "4.4.0",
	"GLIBCXX_3.4.12": "4.4.1", "GLIBCXX_3.4.13": "4.4.2", "GLIBCXX_3.4.14": "4.5.0",
	"GLIBCXX_3.4.15": "4.6.0", "GLIBCXX_3.4.16": "4.6.1", "GLIBCXX_3.4.17": "4.7.0",
	"GLIBCXX_3.4.18": "4.8.0", "GLIBCXX_3.4.19": "4.8.3", "GLIBCXX_3.4.20": "4.9.0",
	"GLIBCXX_3.4.21": "5.1.0", "GLIBCXX_3.4.22": "6.1.0", "GLIBCXX_3.4.23": "7.1.0",
	"GLIBCXX_3.4.24": "7.2.0", "GLIBCXX_3.4.25": "8.1.0", "GLIBCXX_3.4.26": "9.1.0",
	"GLIBCXX_3.4.27": "9.2.0", "GLIBCXX_3.4.28": "9.3.0", "GLIBCXX_3.4.29": "11.1.0",
	"GLIBCXX_3.4.30": "12.1.0", "GLIBCXX_3.4.31": "13.1.0", "GLIBCXX_3.4.32": "13.2.0",
	"GLIBCXX_3.4.33": "14.1.0", "GLIBCXX_3.4.34": "15.1.0",
	"CXXABI_1.3": "3.4.0", "CXXABI_1.3.1": "4.0.0", "CXXABI_1.3.2": "4.3.0",
	"CXXABI_1.3.3": "4.4.0", "CXXABI_1.3.4": "4.5.0", "CXXABI_1.3.5": "4.6.0",
	"CXXABI_1.3.6": "4.7.0", "CXXABI_1.3.7": "4.8.0", "CXXABI_1.3.8": "4.9.0",
	"CXXABI_1.3.9": "5.1.0", "CXXABI_1.3.10": "6.1.0", "CXXABI_1.3.11": "7.1.0",
	"CXXABI_1.3.12": "9.1.0", "CXXABI_1.3.13": "11.1.0", "CXXABI_1.3.14": "13.1.0",
	"CXXABI_1.3.15": "14.1.0", "CXXABI_1.3.16": "15.1.0",
}

// gccRelease names the GCC release behind a GLIBCXX_, CXXABI_ or GCC_
// node. libgcc_s nodes are named after the release (GCC_4.2.0 → 4.2.0).
func gccRelease(node string) string {
	if r, ok := gccForNode[node]; ok {
		return r
	}
	if family, v, ok := abidb.NodeVersion(node); ok && family == "GCC" {
		return v.String()
	}
	return ""
}

// markerReasons says how a symbol-less node ends up in a binary.
var markerReasons = map[string]string{
	"GLIBC_ABI_DT_RELR":       "linked with -z pack-relative-relocs (DT_RELR relocations)",
	"GLIBC_ABI_DT_X86_64_PLT": "linked with -z mark-plt (DT_X86_64_PLT tags)",
	"GLIBC_ABI_GNU2_TLS":      "compiled with TLS descriptors (-mtls-dialect=gnu2; for older glibc compile with -mtls-dialect=gnu)",
	"GLIBC_ABI_GNU_TLS":       "uses i386 GNU TLS relocations that need the BZ #33221 loader fix",
}
