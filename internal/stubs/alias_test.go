package stubs

import (
	"bytes"
	"debug/elf"
	"os/exec"
	"path/filepath"
	"testing"
)

// envLib models glibc's environ: one object with a strong name and two
// weak ones, an old and a new version of one function at one address, and
// a data object whose versions have different sizes (sys_errlist).
func envLib() Library {
	return Library{
		Soname:   "libenv.so.1",
		Versions: ChainedVersions("ENV_1", "ENV_2"),
		Symbols: []Symbol{
			{Name: "before", Version: "ENV_1", Default: true, Kind: Object, Size: 4},
			{Name: "environ", Version: "ENV_1", Default: true, Kind: Object, Size: 8, Weak: true, Alias: "env"},
			{Name: "__environ", Version: "ENV_1", Default: true, Kind: Object, Size: 8, Alias: "env"},
			{Name: "_environ", Version: "ENV_1", Default: true, Kind: Object, Size: 8, Weak: true, Alias: "env"},
			{Name: "errlist", Version: "ENV_1", Kind: Object, Size: 16, Alias: "errlist"},
			{Name: "errlist", Version: "ENV_2", Default: true, Kind: Object, Size: 48, Alias: "errlist"},
			{Name: "after", Version: "ENV_1", Default: true, Kind: Object, Size: 4},
			{Name: "create", Version: "ENV_1", Alias: "create"},
			{Name: "create", Version: "ENV_2", Default: true, Alias: "create"},
			{Name: "other", Version: "ENV_1", Default: true},
		},
	}
}

// TestAliasesShareAnAddress: names of one object get one address, each
// keeps its own binding and size, the object's space is as large as its
// largest name, and no other symbol overlaps it.
func TestAliasesShareAnAddress(t *testing.T) {
	for _, abi := range []string{"x86_64", "i386", "s390x"} {
		f := openBytes(t, mustBuild(t, mustArch(t, abi), envLib()))
		syms, err := f.DynamicSymbols()
		if err != nil {
			t.Fatal(err)
		}
		at := map[string]elf.Symbol{}
		for _, s := range syms {
			at[s.Name+"@"+s.Version] = s
		}
		same := func(a, b string) {
			if at[a].Value != at[b].Value {
				t.Errorf("%s: %s at %#x, %s at %#x: one object must have one address", abi, a, at[a].Value, b, at[b].Value)
			}
		}
		same("environ@ENV_1", "__environ@ENV_1")
		same("environ@ENV_1", "_environ@ENV_1")
		same("errlist@ENV_1", "errlist@ENV_2")
		same("create@ENV_1", "create@ENV_2")
		if at["create@ENV_1"].Value == at["other@ENV_1"].Value {
			t.Errorf("%s: create and other share an address", abi)
		}
		for name, weak := range map[string]bool{"environ@ENV_1": true, "_environ@ENV_1": true, "__environ@ENV_1": false, "errlist@ENV_2": false} {
			if got := elf.ST_BIND(at[name].Info) == elf.STB_WEAK; got != weak {
				t.Errorf("%s: %s weak = %v, want %v", abi, name, got, weak)
			}
		}
		if at["errlist@ENV_1"].Size != 16 || at["errlist@ENV_2"].Size != 48 {
			t.Errorf("%s: errlist sizes %d and %d, want 16 and 48 (each name its own)", abi, at["errlist@ENV_1"].Size, at["errlist@ENV_2"].Size)
		}
		// Objects are laid out in order; none may start inside another.
		objects := []struct {
			name string
			size uint64
		}{{"before@ENV_1", 4}, {"environ@ENV_1", 8}, {"errlist@ENV_2", 48}, {"after@ENV_1", 4}}
		for i := 0; i+1 < len(objects); i++ {
			a, b := objects[i], objects[i+1]
			if at[a.name].Value+a.size > at[b.name].Value {
				t.Errorf("%s: %s (%#x, %d bytes) overlaps %s (%#x)", abi, a.name, at[a.name].Value, a.size, b.name, at[b.name].Value)
			}
		}
	}
}

// TestAliasErrors: an alias may not join a function and a data object.
func TestAliasErrors(t *testing.T) {
	lib := Library{Soname: "libx.so.1", Versions: Versions("X_1"), Symbols: []Symbol{
		{Name: "f", Version: "X_1", Default: true, Alias: "a"},
		{Name: "d", Version: "X_1", Default: true, Kind: Object, Size: 8, Alias: "a"},
	}}
	if _, err := Build(mustArch(t, "x86_64"), lib); err == nil {
		t.Error("Build accepted an alias joining a function and an object")
	}
}

// TestCopyRelocationExportsAliases links programs that read environ (a
// weak name) against the stub with every linker, as PIE and not: the copy
// relocation must bring __environ (and for lld and mold _environ too) into
// the program at the copy's address, so the library's own references to
// __environ reach the program's copy. Without the shared address, the
// program would export only environ and read a copy the library never
// writes.
func TestCopyRelocationExportsAliases(t *testing.T) {
	needCC(t)
	ls := linkers(t)
	if _, err := exec.LookPath("mold"); err == nil {
		ls = append(ls, "mold")
	}
	for _, ld := range ls {
		for _, mode := range []string{"-pie", "-no-pie"} {
			t.Run(ld+mode, func(t *testing.T) {
				dir := t.TempDir()
				writeStub(t, dir, mustArch(t, "x86_64"), envLib())
				writeFile(t, filepath.Join(dir, "main.c"), "extern char **environ;\nint main(void) { return environ != 0; }\n")
				mustRun(t, dir, "gcc", "-fuse-ld="+ld, mode, "-o", "prog", "main.c", "-L.", "-lenv", "-Wl,--allow-shlib-undefined")
				f := openELF(t, filepath.Join(dir, "prog"))
				env, envIdx := dynSym(t, f, "environ")
				strong, _ := dynSym(t, f, "__environ")
				if env.Section == elf.SHN_UNDEF || strong.Section == elf.SHN_UNDEF || env.Value != strong.Value {
					t.Errorf("environ (section %v, %#x) and __environ (section %v, %#x): want both defined at the copy", env.Section, env.Value, strong.Section, strong.Value)
				}
				crs := copyRelocs(t, f)
				if len(crs) != 1 {
					t.Errorf("copy relocations for dynsym %v, want one (for environ, dynsym %d, or __environ)", crs, envIdx)
				}
			})
		}
	}
}

func openBytes(t *testing.T, b []byte) *elf.File {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
