package abidb

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"testing"
)

var (
	v217 = MustParseVersion("2.17")
	v233 = MustParseVersion("2.33")
	v234 = MustParseVersion("2.34")
)

func TestMemcpyBindsPerABI(t *testing.T) {
	x86 := MustLoad("x86_64")
	var nodes []string
	for _, a := range x86.History("memcpy") {
		if a.Lib == "libc" {
			nodes = append(nodes, a.Node)
		}
	}
	if !slices.Equal(nodes, []string{"GLIBC_2.2.5", "GLIBC_2.14"}) {
		t.Errorf("x86_64 libc memcpy versions = %v, want [GLIBC_2.2.5 GLIBC_2.14]", nodes)
	}
	got, err := x86.Bind("libc", "memcpy", v217)
	if err != nil || got.Node != "GLIBC_2.14" {
		t.Errorf("x86_64 memcpy at 2.17 binds %v, %v; want GLIBC_2.14", got.Node, err)
	}
	got, err = MustLoad("aarch64").Bind("libc", "memcpy", v217)
	if err != nil || got.Node != "GLIBC_2.17" {
		t.Errorf("aarch64 memcpy at 2.17 binds %v, %v; want GLIBC_2.17", got.Node, err)
	}
}

func TestStatAbsentBefore233(t *testing.T) {
	db := MustLoad("x86_64")
	_, err := db.Bind("libc", "stat", MustParseVersion("2.32"))
	var na *NotAvailableError
	if !errors.As(err, &na) || na.Since != v233 {
		t.Fatalf("stat at 2.32: err = %v, want not available before 2.33", err)
	}
	if got, err := db.Bind("libc", "stat", v233); err != nil || got.Node != "GLIBC_2.33" {
		t.Errorf("stat at 2.33 = %v, %v", got.Node, err)
	}
}

func TestFcntl64AppearsIn228(t *testing.T) {
	db := MustLoad("x86_64")
	if _, err := db.Bind("libc", "fcntl64", MustParseVersion("2.27")); err == nil {
		t.Error("fcntl64 bound at 2.27")
	}
	got, err := db.Bind("libc", "fcntl64", MustParseVersion("2.28"))
	if err != nil || got.Node != "GLIBC_2.28" {
		t.Errorf("fcntl64 at 2.28 = %v, %v", got.Node, err)
	}
}

func TestPthreadMovesToLibcIn234(t *testing.T) {
	db := MustLoad("x86_64")
	for _, sym := range []string{"pthread_create", "pthread_key_create"} {
		lib, sv, ok := db.LibraryOf(sym, v233)
		if !ok || db.Soname(lib) != "libpthread.so.0" || sv.Node != "GLIBC_2.2.5" {
			t.Errorf("%s at 2.33: %s %s, want libpthread.so.0 GLIBC_2.2.5", sym, db.Soname(lib), sv.Node)
		}
		lib, sv, ok = db.LibraryOf(sym, v234)
		if !ok || db.Soname(lib) != "libc.so.6" || sv.Node != "GLIBC_2.34" {
			t.Errorf("%s at 2.34: %s %s, want libc.so.6 GLIBC_2.34", sym, db.Soname(lib), sv.Node)
		}
	}
	// Using 2.34's lists for an older target would be wrong: 2.33's libc
	// has no pthread_create at all.
	if _, err := db.Bind("libc", "pthread_create", v233); err == nil {
		t.Error("libc.so.6 of 2.33 should not export pthread_create")
	}
}

func TestDlFindObjectIsLibc235(t *testing.T) {
	db := MustLoad("x86_64")
	lib, sv, ok := db.LibraryOf("_dl_find_object", MustParseVersion("2.35"))
	if !ok || lib != "libc" || sv.Node != "GLIBC_2.35" {
		t.Errorf("_dl_find_object at 2.35: %s %s %v", lib, sv.Node, ok)
	}
	if _, _, ok := db.LibraryOf("_dl_find_object", v234); ok {
		t.Error("_dl_find_object found at 2.34")
	}
}

func TestReleasesPerABI(t *testing.T) {
	if got := MustLoad("riscv64").First(); got != MustParseVersion("2.27") {
		t.Errorf("riscv64 starts at %s, want 2.27", got)
	}
	if got := MustLoad("powerpc64le").First(); got != MustParseVersion("2.19") {
		t.Errorf("powerpc64le starts at %s, want 2.19", got)
	}
	for _, abi := range []string{"x86_64", "i386", "aarch64", "arm", "s390x"} {
		rels := MustLoad(abi).Releases()
		if rels[0] != v217 || rels[len(rels)-1] != MustParseVersion("2.44") || len(rels) != 28 {
			t.Errorf("%s releases %v..%v (%d), want 2.17..2.44 (28)", abi, rels[0], rels[len(rels)-1], len(rels))
		}
	}
}

func TestObjectSizes(t *testing.T) {
	db := MustLoad("x86_64")
	sizes := map[string]uint64{}
	exports, err := db.Exports("libc", MustParseVersion("2.31"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range exports {
		if sv.Kind == Object {
			sizes[sv.Name+"@"+sv.Node] = sv.Size
		}
	}
	want := map[string]uint64{
		"stdin@GLIBC_2.2.5":                 8,
		"_IO_2_1_stdin_@GLIBC_2.2.5":        0xe0,
		"sys_errlist@GLIBC_2.12":            0x438,
		"sys_errlist@GLIBC_2.4":             0x420,
		"__libc_single_threaded@GLIBC_2.32": 0, // absent at 2.31
	}
	for k, w := range want {
		if got := sizes[k]; got != w {
			t.Errorf("size of %s at 2.31 = %#x, want %#x", k, got, w)
		}
	}
}

func TestNodeRelease(t *testing.T) {
	db := MustLoad("x86_64")
	for node, want := range map[string]string{
		"GLIBC_2.34":              "2.34",
		"GLIBC_2.3.4":             "2.3.4",
		"GLIBC_2.2.5":             "2.2.5",
		"GLIBC_ABI_DT_RELR":       "2.36",
		"GLIBC_ABI_DT_X86_64_PLT": "2.43",
	} {
		got, ok := db.NodeRelease(node)
		if !ok || got != MustParseVersion(want) {
			t.Errorf("NodeRelease(%s) = %v, %v; want %s", node, got, ok, want)
		}
	}
	for _, node := range []string{"GLIBC_PRIVATE", "GLIBC_2.99", "GLIBCXX_3.4.30"} {
		if v, ok := db.NodeRelease(node); ok {
			t.Errorf("NodeRelease(%s) = %v, want unknown", node, v)
		}
	}
	// GLIBC_ABI_GNU_TLS is i386-only.
	if _, ok := db.NodeRelease("GLIBC_ABI_GNU_TLS"); ok {
		t.Error("x86_64 has GLIBC_ABI_GNU_TLS")
	}
	if _, ok := MustLoad("i386").NodeRelease("GLIBC_ABI_GNU_TLS"); !ok {
		t.Error("i386 lacks GLIBC_ABI_GNU_TLS")
	}
}

func TestNodesAndLibrariesAtRelease(t *testing.T) {
	db := MustLoad("x86_64")
	libs, _ := db.Libraries(v217)
	if !slices.Contains(libs, "libpthread") || slices.Contains(libs, "libmvec") || slices.Contains(libs, "libc_malloc_debug") {
		t.Errorf("2.17 libraries = %v", libs)
	}
	libs, _ = db.Libraries(MustParseVersion("2.39"))
	if slices.Contains(libs, "libcrypt") || !slices.Contains(libs, "libmvec") {
		t.Errorf("2.39 libraries = %v (libcrypt was removed in 2.39)", libs)
	}
	nodes, _ := db.Nodes("libc", v217)
	if nodes[0] != "GLIBC_2.2.5" || nodes[len(nodes)-1] != "GLIBC_2.17" || slices.Contains(nodes, "GLIBC_2.18") {
		t.Errorf("2.17 libc nodes = %v", nodes)
	}
	nodes, _ = db.Nodes("libc", MustParseVersion("2.36"))
	if !slices.Contains(nodes, "GLIBC_ABI_DT_RELR") {
		t.Errorf("2.36 libc nodes lack GLIBC_ABI_DT_RELR: %v", nodes)
	}
}

func TestTargetBelowOldestRelease(t *testing.T) {
	db := MustLoad("x86_64")
	v212 := MustParseVersion("2.12")
	if got, err := db.Bind("libc", "memcpy", v212); err != nil || got.Node != "GLIBC_2.2.5" {
		t.Errorf("memcpy at 2.12 = %v, %v; want GLIBC_2.2.5", got.Node, err)
	}
	var na *NotAvailableError
	if _, err := db.Bind("libc", "clock_gettime", v212); !errors.As(err, &na) || na.Since != MustParseVersion("2.17") {
		t.Errorf("clock_gettime in libc at 2.12: %v, want available from 2.17", err)
	}
}

func TestRemovedSymbol(t *testing.T) {
	var na *NotAvailableError
	_, err := MustLoad("x86_64").Bind("libcrypt", "crypt", MustParseVersion("2.38"))
	if err != nil {
		t.Fatalf("crypt at 2.38: %v", err)
	}
	_, err = MustLoad("x86_64").Bind("libcrypt", "crypt", MustParseVersion("2.39"))
	if !errors.As(err, &na) || !na.Removed {
		t.Errorf("crypt at 2.39: %v, want removed", err)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Load("mips"); err == nil {
		t.Error("Load(mips) succeeded")
	}
	db := MustLoad("x86_64")
	if _, err := db.Exports("libc", MustParseVersion("2.45")); err == nil {
		t.Error("Exports at 2.45 succeeded")
	}
	for _, s := range []string{"", "2", "2.x", "GLIBC_2.17", "2.17.", "02.17", "2.17.1.1", "+2.17"} {
		if _, err := ParseVersion(s); err == nil {
			t.Errorf("ParseVersion(%q) succeeded", s)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	for _, ok := range []string{"2.17", "2.44", "2.12", "2.3.4", "2.2.5", "2.19"} {
		if _, err := CheckTarget(ok); err != nil {
			t.Errorf("CheckTarget(%s): %v", ok, err)
		}
	}
	for _, bad := range []string{"2.45", "2.99", "3.0", "2.17.1", "two", "2.13.5"} {
		if _, err := CheckTarget(bad); err == nil {
			t.Errorf("CheckTarget(%s) accepted", bad)
		}
	}
}

func TestCompatOnlySymbols(t *testing.T) {
	db := MustLoad("x86_64")
	if _, ok := db.CompatOnly("libc", "sys_errlist", MustParseVersion("2.31")); ok {
		t.Error("sys_errlist compat-only at 2.31")
	}
	since, ok := db.CompatOnly("libc", "sys_errlist", MustParseVersion("2.32"))
	if !ok || since != MustParseVersion("2.32") {
		t.Errorf("sys_errlist at 2.32: since %v ok %v", since, ok)
	}
	var na *NotAvailableError
	if _, err := db.Bind("libc", "sys_errlist", MustParseVersion("2.36")); !errors.As(err, &na) || !na.CompatOnly {
		t.Errorf("Bind sys_errlist at 2.36: %v, want compat-only", err)
	}
	exports, _ := db.Exports("libc", MustParseVersion("2.36"))
	for _, sv := range exports {
		if sv.Name == "sys_errlist" && sv.Default {
			t.Errorf("sys_errlist@%s exported as default at 2.36", sv.Node)
		}
		if sv.Name == "memcpy" && sv.Node == "GLIBC_2.14" && !sv.Default {
			t.Error("memcpy@GLIBC_2.14 not the default at 2.36")
		}
	}
}

func TestReleaseRangeConstantsMatchData(t *testing.T) {
	for _, abi := range ABIs {
		db := MustLoad(abi)
		if db.Last() != NewestRelease || db.First().Less(OldestRelease) {
			t.Errorf("%s covers %s..%s; constants say %s..%s", abi, db.First(), db.Last(), OldestRelease, NewestRelease)
		}
	}
	if MustLoad("x86_64").First() != OldestRelease {
		t.Errorf("x86_64 starts at %s, OldestRelease is %s", MustLoad("x86_64").First(), OldestRelease)
	}
}

// Every library of every ABI parses: the lazily parsed symbol records are
// checked here, not on each user's first lookup.
func TestAllSymbolRecordsParse(t *testing.T) {
	for _, abi := range ABIs {
		db := MustLoad(abi)
		total := 0
		for _, name := range db.libNames {
			total += len(db.libs[name].syms())
			db.libs[name].compatMasks()
		}
		if total < 1000 {
			t.Errorf("%s: only %d symbols", abi, total)
		}
	}
}

func BenchmarkLoadAndNodeRelease(b *testing.B) {
	for range b.N {
		loadMu.Lock()
		delete(loaded, "x86_64")
		loadMu.Unlock()
		db := MustLoad("x86_64")
		if _, ok := db.NodeRelease("GLIBC_2.34"); !ok {
			b.Fatal("no GLIBC_2.34")
		}
	}
}

// The recorded fingerprints are the data files' real SHA-256 sums: stale
// ones would let a sysroot built from old data be reused.
func TestFingerprintsAreCurrent(t *testing.T) {
	for _, abi := range ABIs {
		data, err := dataFS.ReadFile("data/" + abi + ".abidb.gz")
		if err != nil {
			t.Fatal(err)
		}
		got, err := Fingerprint(abi)
		if want := fmt.Sprintf("%x", sha256.Sum256(data)); err != nil || got != want {
			t.Errorf("Fingerprint(%s) = %q, %v; the data hashes to %s: run go generate ./internal/abidb", abi, got, err, want)
		}
	}
	if _, err := Fingerprint("mips"); err == nil {
		t.Error("Fingerprint(mips) succeeded")
	}
}
