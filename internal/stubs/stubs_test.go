package stubs

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fooLib is the small library most tests use: a compat and a default
// version of foo, a plain function, an object, a TLS variable, a weak
// symbol, an unversioned symbol and a version node without symbols.
func fooLib() Library {
	return Library{
		Soname:   "libfoo.so.1",
		Versions: append(ChainedVersions("FOO_1", "FOO_2"), Version{Name: "FOO_EMPTY"}, Version{Name: "FOO_PRIVATE"}),
		Needed:   []string{"libc.so.6", "libm.so.6"},
		Symbols: []Symbol{
			{Name: "foo", Version: "FOO_1"},
			{Name: "foo", Version: "FOO_2", Default: true},
			{Name: "bar", Version: "FOO_1", Default: true},
			{Name: "baz", Version: "FOO_1", Default: true, Kind: Object, Size: 24},
			{Name: "baz", Version: "FOO_2", Kind: Object, Size: 40},
			{Name: "tiny", Version: "FOO_2", Default: true, Kind: Object, Size: 1},
			{Name: "empty_obj", Version: "FOO_2", Default: true, Kind: Object, Size: 0},
			{Name: "tlsvar", Version: "FOO_2", Default: true, Kind: TLS, Size: 8},
			{Name: "tlsbuf", Version: "FOO_PRIVATE", Default: true, Kind: TLS, Size: 100},
			{Name: "weakfn", Version: "FOO_2", Default: true, Weak: true},
			{Name: "plain", Kind: Func},
		},
	}
}

func mustArch(t testing.TB, name string) Arch {
	t.Helper()
	a, err := ArchByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustBuild(t testing.TB, arch Arch, lib Library) []byte {
	t.Helper()
	b, err := Build(arch, lib)
	if err != nil {
		t.Fatalf("Build(%s, %s): %v", arch.Name, lib.Soname, err)
	}
	return b
}

func symID(name, version string, def bool) string {
	switch {
	case version == "":
		return name
	case def:
		return name + "@@" + version
	}
	return name + "@" + version
}

// checkELF opens b with debug/elf and checks everything the writer promises
// about lib, independently of how the writer computes it.
func checkELF(t *testing.T, arch Arch, lib Library, b []byte) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: elf.NewFile: %v", arch.Name, err)
	}
	defer f.Close()
	if f.Type != elf.ET_DYN || f.Machine != arch.Machine || f.Class != arch.Class || f.Data != arch.Data || f.ByteOrder != arch.ByteOrder() {
		t.Fatalf("%s: header: type %v machine %v class %v data %v", arch.Name, f.Type, f.Machine, f.Class, f.Data)
	}

	// Dynamic section strings.
	if got, _ := f.DynString(elf.DT_SONAME); !slices.Equal(got, []string{lib.Soname}) {
		t.Errorf("%s: DT_SONAME = %q, want %q", arch.Name, got, lib.Soname)
	}
	if got, _ := f.ImportedLibraries(); !slices.Equal(got, lib.Needed) && !(len(got) == 0 && len(lib.Needed) == 0) {
		t.Errorf("%s: DT_NEEDED = %q, want %q", arch.Name, got, lib.Needed)
	}
	for _, tag := range []elf.DynTag{elf.DT_HASH, elf.DT_GNU_HASH, elf.DT_SYMTAB, elf.DT_STRTAB, elf.DT_STRSZ, elf.DT_SYMENT, elf.DT_VERSYM, elf.DT_VERDEF, elf.DT_VERDEFNUM} {
		if v, err := f.DynValue(tag); err != nil || len(v) != 1 {
			t.Errorf("%s: %v: %v %v", arch.Name, tag, v, err)
		}
	}
	// The dynamic tags must point at the sections of the same name.
	for _, c := range []struct {
		tag elf.DynTag
		sec string
	}{{elf.DT_HASH, ".hash"}, {elf.DT_GNU_HASH, ".gnu.hash"}, {elf.DT_SYMTAB, ".dynsym"}, {elf.DT_STRTAB, ".dynstr"}, {elf.DT_VERSYM, ".gnu.version"}, {elf.DT_VERDEF, ".gnu.version_d"}} {
		v, _ := f.DynValue(c.tag)
		s := f.Section(c.sec)
		if s == nil || len(v) != 1 || v[0] != s.Addr {
			t.Errorf("%s: %v = %#x does not match section %s", arch.Name, c.tag, v, c.sec)
		}
	}
	dynstr, dynsym := f.Section(".dynstr"), f.Section(".dynsym")
	if v, _ := f.DynValue(elf.DT_STRSZ); dynstr == nil || len(v) != 1 || v[0] != dynstr.Size {
		t.Errorf("%s: DT_STRSZ = %v, want the .dynstr size", arch.Name, v)
	}
	if v, _ := f.DynValue(elf.DT_SYMENT); dynsym == nil || len(v) != 1 || v[0] != dynsym.Entsize || f.Sections[dynsym.Link] != dynstr || dynsym.Info != 1 {
		t.Errorf("%s: DT_SYMENT = %v or .dynsym link/info wrong", arch.Name, v)
	}
	if v, _ := f.DynValue(elf.DT_VERDEFNUM); len(v) != 1 || v[0] != uint64(len(lib.Versions)+1) {
		t.Errorf("%s: DT_VERDEFNUM = %v, want %d", arch.Name, v, len(lib.Versions)+1)
	}

	// Versions.
	vers, err := f.DynamicVersions()
	if err != nil {
		t.Fatalf("%s: DynamicVersions: %v", arch.Name, err)
	}
	if len(vers) != len(lib.Versions)+1 {
		t.Fatalf("%s: %d version definitions, want %d", arch.Name, len(vers), len(lib.Versions)+1)
	}
	if v := vers[0]; v.Name != lib.Soname || v.Index != 1 || v.Flags != elf.VER_FLG_BASE || len(v.Deps) != 0 {
		t.Errorf("%s: base version = %+v", arch.Name, v)
	}
	for i, want := range lib.Versions {
		v := vers[i+1]
		if v.Name != want.Name || v.Index != uint16(i+2) || v.Flags != 0 || !slices.Equal(v.Deps, want.Parents) && len(want.Parents)+len(v.Deps) > 0 {
			t.Errorf("%s: version %d = %+v, want %+v", arch.Name, i+2, v, want)
		}
	}

	// Symbols.
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatalf("%s: DynamicSymbols: %v", arch.Name, err)
	}
	if len(syms) != len(lib.Symbols) {
		t.Fatalf("%s: %d dynamic symbols, want %d", arch.Name, len(syms), len(lib.Symbols))
	}
	byID := map[string]elf.Symbol{}
	for _, s := range syms {
		id := symID(s.Name, s.Version, !s.VersionIndex.IsHidden())
		if _, dup := byID[id]; dup {
			t.Errorf("%s: symbol %s appears twice", arch.Name, id)
		}
		byID[id] = s
	}
	type span struct {
		lo, hi uint64
		id     string
	}
	var objSpans, tlsSpans []span
	tbss := f.Section(".tbss")
	for _, want := range lib.Symbols {
		id := symID(want.Name, want.Version, want.Default)
		s, ok := byID[id]
		if !ok {
			t.Errorf("%s: symbol %s missing", arch.Name, id)
			continue
		}
		if !s.HasVersion || s.Library != "" {
			t.Errorf("%s: %s: HasVersion %v Library %q", arch.Name, id, s.HasVersion, s.Library)
		}
		wantNdx := uint16(1)
		if want.Version != "" {
			wantNdx = uint16(slices.IndexFunc(lib.Versions, func(v Version) bool { return v.Name == want.Version }) + 2)
		}
		if s.VersionIndex.Index() != wantNdx || s.VersionIndex.IsHidden() != (want.Version != "" && !want.Default) {
			t.Errorf("%s: %s: version index %#x, want %d hidden=%v", arch.Name, id, uint16(s.VersionIndex), wantNdx, !want.Default)
		}
		wantType, wantSec := elf.STT_FUNC, ".text"
		switch want.Kind {
		case Object:
			wantType, wantSec = elf.STT_OBJECT, ".bss"
		case TLS:
			wantType, wantSec = elf.STT_TLS, ".tbss"
		}
		wantBind := elf.STB_GLOBAL
		if want.Weak {
			wantBind = elf.STB_WEAK
		}
		if elf.ST_TYPE(s.Info) != wantType || elf.ST_BIND(s.Info) != wantBind || s.Size != want.Size {
			t.Errorf("%s: %s: type %v bind %v size %d, want %v %v %d", arch.Name, id, elf.ST_TYPE(s.Info), elf.ST_BIND(s.Info), s.Size, wantType, wantBind, want.Size)
		}
		if int(s.Section) >= len(f.Sections) || f.Sections[s.Section].Name != wantSec {
			t.Errorf("%s: %s: in section %d, want %s", arch.Name, id, s.Section, wantSec)
			continue
		}
		sec := f.Sections[s.Section]
		size := max(s.Size, 1)
		switch want.Kind {
		case Func, Object:
			if s.Value < sec.Addr || s.Value+size > sec.Addr+sec.Size {
				t.Errorf("%s: %s: [%#x,+%d) outside %s [%#x,+%d)", arch.Name, id, s.Value, size, sec.Name, sec.Addr, sec.Size)
			}
			if want.Kind == Func && s.Value%arch.FuncAlign != 0 {
				t.Errorf("%s: %s: misaligned function at %#x", arch.Name, id, s.Value)
			}
			if want.Kind == Object {
				objSpans = append(objSpans, span{s.Value, s.Value + size, id})
				if s.Size >= 8 && s.Value%8 != 0 {
					t.Errorf("%s: %s: object of size %d at misaligned %#x", arch.Name, id, s.Size, s.Value)
				}
			}
		case TLS:
			if s.Value+size > tbss.Size {
				t.Errorf("%s: %s: TLS offset %#x+%d beyond .tbss size %d", arch.Name, id, s.Value, size, tbss.Size)
			}
			tlsSpans = append(tlsSpans, span{s.Value, s.Value + size, id})
		}
	}
	for _, spans := range [][]span{objSpans, tlsSpans} {
		slices.SortFunc(spans, func(a, b span) int { return int(a.lo) - int(b.lo) })
		for i := 1; i < len(spans); i++ {
			if spans[i].lo < spans[i-1].hi {
				t.Errorf("%s: %s and %s overlap", arch.Name, spans[i-1].id, spans[i].id)
			}
		}
	}

	checkVerdefRaw(t, arch, f, lib)
	checkSegments(t, arch, f, len(tlsSpans) > 0)
	checkHashTables(t, arch, f, syms)
}

// checkVerdefRaw walks .gnu.version_d by hand, checking what debug/elf does
// not: vd_version, vd_hash, vd_cnt against the verdaux chain, the link
// fields, and that the section ends where the last entry does.
func checkVerdefRaw(t *testing.T, arch Arch, f *elf.File, lib Library) {
	t.Helper()
	sec := f.Section(".gnu.version_d")
	dynstr := f.Section(".dynstr")
	if sec == nil || dynstr == nil || sec.Type != elf.SHT_GNU_VERDEF || int(sec.Link) >= len(f.Sections) || f.Sections[sec.Link] != dynstr {
		t.Fatalf("%s: .gnu.version_d missing or not linked to .dynstr", arch.Name)
	}
	if sec.Info != uint32(len(lib.Versions)+1) {
		t.Errorf("%s: .gnu.version_d sh_info = %d, want %d", arch.Name, sec.Info, len(lib.Versions)+1)
	}
	d, _ := sec.Data()
	strs, _ := dynstr.Data()
	str := func(off uint32) string {
		if int(off) >= len(strs) {
			t.Fatalf("%s: string offset %d out of range", arch.Name, off)
		}
		e := bytes.IndexByte(strs[off:], 0)
		return string(strs[off : int(off)+e])
	}
	bo := f.ByteOrder
	want := append([]Version{{Name: lib.Soname}}, lib.Versions...)
	off, end := 0, 0
	for i, v := range want {
		if off+20 > len(d) {
			t.Fatalf("%s: verdef %d beyond section", arch.Name, i)
		}
		ver, flags, ndx, cnt := bo.Uint16(d[off:]), bo.Uint16(d[off+2:]), bo.Uint16(d[off+4:]), bo.Uint16(d[off+6:])
		hash, aux, next := bo.Uint32(d[off+8:]), bo.Uint32(d[off+12:]), bo.Uint32(d[off+16:])
		wantFlags := uint16(0)
		if i == 0 {
			wantFlags = uint16(elf.VER_FLG_BASE)
		}
		if ver != 1 || flags != wantFlags || ndx != uint16(i+1) || int(cnt) != 1+len(v.Parents) || hash != elfHashRef(v.Name) {
			t.Errorf("%s: verdef %d: version %d flags %d ndx %d cnt %d hash %#x", arch.Name, i, ver, flags, ndx, cnt, hash)
		}
		names := append([]string{v.Name}, v.Parents...)
		a := off + int(aux)
		for j, n := range names {
			if a+8 > len(d) {
				t.Fatalf("%s: verdaux beyond section", arch.Name)
			}
			if got := str(bo.Uint32(d[a:])); got != n {
				t.Errorf("%s: verdef %d aux %d = %q, want %q", arch.Name, i, j, got, n)
			}
			an := bo.Uint32(d[a+4:])
			if (an == 0) != (j == len(names)-1) {
				t.Errorf("%s: verdef %d aux %d: vda_next %d", arch.Name, i, j, an)
			}
			end = max(end, a+8)
			a += int(an)
		}
		if (next == 0) != (i == len(want)-1) {
			t.Errorf("%s: verdef %d: vd_next %d", arch.Name, i, next)
		}
		off += int(next)
	}
	if end != len(d) {
		t.Errorf("%s: .gnu.version_d is %d bytes, entries end at %d", arch.Name, len(d), end)
	}
	if vs := f.Section(".gnu.version"); vs == nil {
		t.Errorf("%s: no .gnu.version", arch.Name)
	} else if b, _ := vs.Data(); len(b) < 2 || bo.Uint16(b) != 0 {
		t.Errorf("%s: versym[0] is not VER_NDX_LOCAL", arch.Name)
	}
}

// checkSegments checks the program headers: loadable segments are
// page-congruent and do not share pages, and PT_DYNAMIC/PT_TLS match their
// sections.
func checkSegments(t *testing.T, arch Arch, f *elf.File, wantTLS bool) {
	t.Helper()
	var loads []*elf.Prog
	var dyn, tls *elf.Prog
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_LOAD:
			loads = append(loads, p)
		case elf.PT_DYNAMIC:
			dyn = p
		case elf.PT_TLS:
			tls = p
		}
	}
	if len(loads) == 0 || dyn == nil || (tls != nil) != wantTLS {
		t.Fatalf("%s: %d PT_LOAD, PT_DYNAMIC %v, PT_TLS %v (want %v)", arch.Name, len(loads), dyn != nil, tls != nil, wantTLS)
	}
	for i, p := range loads {
		if p.Off%arch.PageSize != p.Vaddr%arch.PageSize || p.Align != arch.PageSize || p.Filesz > p.Memsz {
			t.Errorf("%s: PT_LOAD %d: %+v", arch.Name, i, p.ProgHeader)
		}
		if i > 0 {
			prev := loads[i-1]
			if (prev.Vaddr+prev.Memsz-1)/arch.PageSize >= p.Vaddr/arch.PageSize {
				t.Errorf("%s: PT_LOAD %d and %d share a page", arch.Name, i-1, i)
			}
		}
	}
	if d := f.Section(".dynamic"); d == nil || dyn.Vaddr != d.Addr || dyn.Off != d.Offset || dyn.Filesz != d.Size {
		t.Errorf("%s: PT_DYNAMIC %+v does not match .dynamic", arch.Name, dyn.ProgHeader)
	}
	if tls != nil {
		s := f.Section(".tbss")
		if s == nil || tls.Vaddr != s.Addr || tls.Memsz != s.Size || tls.Filesz != 0 || tls.Align != s.Addralign {
			t.Errorf("%s: PT_TLS %+v does not match .tbss", arch.Name, tls.ProgHeader)
		}
	}
	// Every allocated section lies inside a PT_LOAD, in memory and (unless
	// NOBITS) in the file.
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_TLS != 0 {
			continue
		}
		ok := false
		for _, p := range loads {
			inMem := s.Addr >= p.Vaddr && s.Addr+s.Size <= p.Vaddr+p.Memsz
			inFile := s.Type == elf.SHT_NOBITS || (s.Offset >= p.Off && s.Offset+s.Size <= p.Off+p.Filesz && s.Addr-p.Vaddr == s.Offset-p.Off)
			ok = ok || inMem && inFile
		}
		if !ok {
			t.Errorf("%s: section %s [%#x,+%#x) not covered by a PT_LOAD", arch.Name, s.Name, s.Addr, s.Size)
		}
	}
}

// checkHashTables looks every dynamic symbol up through .hash and .gnu.hash
// the way a dynamic loader does, and checks that an absent name is not found.
func checkHashTables(t *testing.T, arch Arch, f *elf.File, syms []elf.Symbol) {
	t.Helper()
	hashSec, gnuSec := f.Section(".hash"), f.Section(".gnu.hash")
	if hashSec == nil || gnuSec == nil {
		t.Fatalf("%s: missing .hash or .gnu.hash", arch.Name)
	}
	hdata, err := hashSec.Data()
	if err != nil {
		t.Fatal(err)
	}
	gdata, err := gnuSec.Data()
	if err != nil {
		t.Fatal(err)
	}
	bo := f.ByteOrder
	ent := arch.HashEntSize
	if hashSec.Entsize != uint64(ent) {
		t.Errorf("%s: .hash entsize %d, want %d", arch.Name, hashSec.Entsize, ent)
	}
	hword := func(i int) uint32 {
		if ent == 8 {
			return uint32(bo.Uint64(hdata[i*8:]))
		}
		return bo.Uint32(hdata[i*4:])
	}
	nbucket, nchain := hword(0), hword(1)
	if int(nchain) != len(syms)+1 || len(hdata) != (2+int(nbucket)+int(nchain))*ent {
		t.Fatalf("%s: .hash nbucket %d nchain %d size %d", arch.Name, nbucket, nchain, len(hdata))
	}
	sysvLookup := func(name string) []int {
		var found []int
		for i := hword(2 + int(elfHashRef(name)%nbucket)); i != 0; i = hword(2 + int(nbucket) + int(i)) {
			if int(i) > len(syms) || len(found) > len(syms) {
				t.Fatalf("%s: .hash chain corrupt", arch.Name)
			}
			if syms[i-1].Name == name {
				found = append(found, int(i))
			}
		}
		return found
	}

	wordBytes := 4
	if f.Class == elf.ELFCLASS64 {
		wordBytes = 8
	}
	wordBits := uint32(wordBytes * 8)
	gbuckets, symoff, maskWords, shift := bo.Uint32(gdata), bo.Uint32(gdata[4:]), bo.Uint32(gdata[8:]), bo.Uint32(gdata[12:])
	bloomAt := 16
	bucketsAt := bloomAt + int(maskWords)*wordBytes
	chainAt := bucketsAt + int(gbuckets)*4
	if gbuckets == 0 || maskWords == 0 || maskWords&(maskWords-1) != 0 || symoff < 1 || len(gdata) != chainAt+4*(len(syms)+1-int(symoff)) {
		t.Fatalf("%s: .gnu.hash header nb=%d symoff=%d mask=%d size=%d", arch.Name, gbuckets, symoff, maskWords, len(gdata))
	}
	bloom := func(i uint32) uint64 {
		if wordBytes == 8 {
			return bo.Uint64(gdata[bloomAt+int(i)*8:])
		}
		return uint64(bo.Uint32(gdata[bloomAt+int(i)*4:]))
	}
	gnuLookup := func(name string) []int {
		h := gnuHashRef(name)
		w := bloom((h / wordBits) % maskWords)
		if w>>(h%wordBits)&1 == 0 || w>>((h>>shift)%wordBits)&1 == 0 {
			return nil
		}
		var found []int
		i := bo.Uint32(gdata[bucketsAt+int(h%gbuckets)*4:])
		if i == 0 {
			return nil
		}
		for ; ; i++ {
			if int(i) > len(syms) {
				t.Fatalf("%s: .gnu.hash chain runs off the end", arch.Name)
			}
			c := bo.Uint32(gdata[chainAt+int(i-symoff)*4:])
			if c|1 == h|1 && syms[i-1].Name == name {
				found = append(found, int(i))
			}
			if c&1 != 0 {
				break
			}
		}
		return found
	}

	// .hash covers every symbol, .gnu.hash the defined ones from symoff on.
	want, wantGNU := map[string][]int{}, map[string][]int{}
	for i, s := range syms {
		want[s.Name] = append(want[s.Name], i+1)
		if i+1 >= int(symoff) {
			wantGNU[s.Name] = append(wantGNU[s.Name], i+1)
		}
	}
	for name, idx := range want {
		got := sysvLookup(name)
		slices.Sort(got)
		if !slices.Equal(got, idx) {
			t.Errorf("%s: .hash lookup %q = %v, want %v", arch.Name, name, got, idx)
		}
		if got := gnuLookup(name); !slices.Equal(got, wantGNU[name]) {
			t.Errorf("%s: .gnu.hash lookup %q = %v, want %v", arch.Name, name, got, wantGNU[name])
		}
	}
	for _, absent := range []string{"no_such_symbol", "fo", "foo2", ""} {
		if _, ok := want[absent]; ok {
			continue
		}
		if got := sysvLookup(absent); len(got) != 0 {
			t.Errorf("%s: .hash finds absent %q at %v", arch.Name, absent, got)
		}
		if got := gnuLookup(absent); len(got) != 0 {
			t.Errorf("%s: .gnu.hash finds absent %q at %v", arch.Name, absent, got)
		}
	}
}

// Reference hash implementations, written from the specs independently of
// hash.go.
func elfHashRef(name string) uint32 {
	var h uint32
	for _, c := range []byte(name) {
		h = (h << 4) + uint32(c)
		if g := h & 0xf0000000; g != 0 {
			h ^= g >> 24
			h &= ^g
		}
	}
	return h
}

func gnuHashRef(name string) uint32 {
	h := uint32(5381)
	for _, c := range []byte(name) {
		h = (h << 5) + h + uint32(c)
	}
	return h
}

func TestHashFunctions(t *testing.T) {
	// Known values (GNU ones as published with the .gnu.hash write-ups).
	// TestHashAgainstSystemLibc checks the reference functions against
	// tables written by GNU ld.
	for _, c := range []struct {
		s        string
		elf, gnu uint32
	}{
		{"", 0, 0x00001505},
		{"printf", 0x077905a6, 0x156b2bb8},
		{"exit", 0x0006cf04, 0x7c967e3f},
		{"syscall", 0x0b09985c, 0xbac212a0},
		{"flapenguin.me", 0x03987915, 0x8ae9f18e},
	} {
		if got := elfHash(c.s); got != c.elf || got != elfHashRef(c.s) {
			t.Errorf("elfHash(%q) = %#x, want %#x", c.s, got, c.elf)
		}
		if got := gnuHash(c.s); got != c.gnu || got != gnuHashRef(c.s) {
			t.Errorf("gnuHash(%q) = %#x, want %#x", c.s, got, c.gnu)
		}
	}
}

// TestHashAgainstSystemLibc runs the hash-table lookups of checkHashTables
// over a library linked by GNU ld, which validates the reference hash
// functions and lookup code the other tests rely on.
func TestHashAgainstSystemLibc(t *testing.T) {
	var path string
	for _, p := range []string{"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no x86_64 libc.so.6 found")
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Section(".hash") == nil || f.Section(".gnu.hash") == nil {
		t.Skip(path + " lacks .hash or .gnu.hash")
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	checkHashTables(t, mustArch(t, "x86_64"), f, syms)
}

func TestRoundTripAllArches(t *testing.T) {
	for _, name := range ArchNames() {
		t.Run(name, func(t *testing.T) {
			arch := mustArch(t, name)
			lib := fooLib()
			checkELF(t, arch, lib, mustBuild(t, arch, lib))
		})
	}
}

func TestRoundTripEdgeCases(t *testing.T) {
	arch := mustArch(t, "x86_64")
	cases := map[string]Library{
		"no symbols, no versions": {Soname: "libempty.so.0"},
		"versions only":           {Soname: "libv.so.1", Versions: Versions("V1", "V2")},
		"unversioned only":        {Soname: "libu.so.1", Symbols: []Symbol{{Name: "f"}, {Name: "o", Kind: Object, Size: 3}}},
		"tls only":                {Soname: "libt.so.1", Versions: Versions("T"), Symbols: []Symbol{{Name: "t", Version: "T", Default: true, Kind: TLS}}},
		"hidden only":             {Soname: "libh.so.1", Versions: Versions("H"), Symbols: []Symbol{{Name: "h", Version: "H"}}},
	}
	for name, lib := range cases {
		t.Run(name, func(t *testing.T) {
			checkELF(t, arch, lib, mustBuild(t, arch, lib))
			for _, a := range []string{"i386", "s390x"} {
				checkELF(t, mustArch(t, a), lib, mustBuild(t, mustArch(t, a), lib))
			}
		})
	}
}

// readelfCheck runs readelf over the file and fails on any warning or
// error; it returns stdout.
func readelfCheck(t *testing.T, path string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("readelf", append(args, path)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || stderr.Len() > 0 || strings.Contains(stdout.String(), "Warning") {
		t.Fatalf("readelf %v %s: %v\nstderr:\n%s", args, path, err, stderr.String())
	}
	return stdout.String()
}

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
}

func TestReadelf(t *testing.T) {
	needTool(t, "readelf")
	dir := t.TempDir()
	for _, name := range ArchNames() {
		t.Run(name, func(t *testing.T) {
			arch := mustArch(t, name)
			lib := fooLib()
			path := filepath.Join(dir, name+".so")
			if err := os.WriteFile(path, mustBuild(t, arch, lib), 0o644); err != nil {
				t.Fatal(err)
			}
			out := readelfCheck(t, path, "-W", "--dyn-syms", "-V")
			// Through the dynamic section (DT_HASH/DT_GNU_HASH sized) too, and
			// everything else readelf can check.
			outD := readelfCheck(t, path, "-W", "-D", "--dyn-syms")
			readelfCheck(t, path, "-W", "-a", "-I")
			for _, s := range lib.Symbols {
				id := symID(s.Name, s.Version, s.Default)
				re := " " + id + "\n"
				if !strings.Contains(out, re) {
					t.Errorf("readelf --dyn-syms lacks %q", id)
				}
				if !strings.Contains(outD, re) {
					t.Errorf("readelf -D --dyn-syms lacks %q", id)
				}
			}
			for _, want := range []string{
				"Flags: BASE  Index: 1  Cnt: 1  Name: libfoo.so.1",
				"Flags: none  Index: 2  Cnt: 1  Name: FOO_1",
				"Flags: none  Index: 3  Cnt: 2  Name: FOO_2",
				"Parent 1: FOO_1",
				"Index: 5  Cnt: 1  Name: FOO_PRIVATE",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("readelf -V lacks %q", want)
				}
			}
			if t.Failed() {
				t.Logf("readelf output:\n%s", out)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, name := range []string{"x86_64", "s390x", "arm"} {
		arch := mustArch(t, name)
		a := mustBuild(t, arch, fooLib())
		b := mustBuild(t, arch, fooLib())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds differ", name)
		}
		big := bigLib(2500)
		c := mustBuild(t, arch, big)
		for range 3 {
			if d := mustBuild(t, arch, bigLib(2500)); !bytes.Equal(c, d) {
				t.Fatalf("%s: two builds of a big library differ", name)
			}
		}
		// Write and Build agree.
		var buf bytes.Buffer
		if err := Write(&buf, arch, big); err != nil || !bytes.Equal(buf.Bytes(), c) {
			t.Errorf("%s: Write differs from Build (err %v)", name, err)
		}
	}
}

// bigLib is a libc-sized library: n symbols over 40 chained versions, with
// every 10th name also having an older compat version.
func bigLib(n int) Library {
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("GLIBC_2.%d", i))
	}
	lib := Library{Soname: "libc.so.6", Versions: append(ChainedVersions(names...), Version{Name: "GLIBC_PRIVATE"}), Needed: []string{"ld-linux-x86-64.so.2"}}
	for i := 0; len(lib.Symbols) < n; i++ {
		s := Symbol{Name: fmt.Sprintf("sym_%d_%x", i, i*7919), Version: names[(i*7)%len(names)], Default: true}
		switch i % 17 {
		case 3:
			s.Kind, s.Size = Object, uint64(i%300)
		case 5:
			s.Kind, s.Size = TLS, uint64(i%20)
		}
		if i%10 == 0 && s.Version != names[0] {
			lib.Symbols = append(lib.Symbols, Symbol{Name: s.Name, Version: names[0], Kind: s.Kind, Size: s.Size / 2})
		}
		lib.Symbols = append(lib.Symbols, s)
	}
	return lib
}

func TestBigLibrary(t *testing.T) {
	lib := bigLib(2500)
	for _, name := range []string{"x86_64", "i386", "s390x"} {
		arch := mustArch(t, name)
		start := time.Now()
		b := mustBuild(t, arch, lib)
		t.Logf("%s: %d symbols -> %d bytes in %v", name, len(lib.Symbols), len(b), time.Since(start))
		checkELF(t, arch, lib, b)
		if _, err := exec.LookPath("readelf"); err == nil {
			path := filepath.Join(t.TempDir(), "libc.so.6")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			readelfCheck(t, path, "-W", "-a", "-D", "-I")
		}
	}
}

func BenchmarkBuildLibc(b *testing.B) {
	lib := bigLib(2500)
	arch := mustArch(b, "x86_64")
	for b.Loop() {
		if _, err := Build(arch, lib); err != nil {
			b.Fatal(err)
		}
	}
}

func TestErrors(t *testing.T) {
	x86 := mustArch(t, "x86_64")
	good := func() Library { return fooLib() }
	cases := []struct {
		name string
		arch Arch
		lib  func() Library
		want string
	}{
		{"empty soname", x86, func() Library { l := good(); l.Soname = ""; return l }, "empty soname"},
		{"unknown version", x86, func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "q", Version: "FOO_9", Default: true})
			return l
		}, `symbol q@FOO_9: version "FOO_9" is not in Versions`},
		{"duplicate symbol", x86, func() Library { l := good(); l.Symbols = append(l.Symbols, l.Symbols[0]); return l }, "foo@FOO_1 defined twice"},
		{"two defaults", x86, func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "bar", Version: "FOO_2", Default: true})
			return l
		}, "two default versions"},
		{"unversioned and default", x86, func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "bar"})
			return l
		}, "two default versions"},
		{"duplicate version", x86, func() Library { l := good(); l.Versions = append(l.Versions, Version{Name: "FOO_1"}); return l }, `version "FOO_1" defined twice`},
		{"bad parent", x86, func() Library { l := good(); l.Versions[1].Parents = []string{"NOPE"}; return l }, `parent "NOPE"`},
		{"empty symbol name", x86, func() Library { l := good(); l.Symbols[2].Name = ""; return l }, "Symbols[2]: empty name"},
		{"NUL in name", x86, func() Library { l := good(); l.Symbols[2].Name = "a\x00b"; return l }, "NUL"},
		{"empty needed", x86, func() Library { l := good(); l.Needed = []string{""}; return l }, "Needed[0]"},
		{"bad kind", x86, func() Library { l := good(); l.Symbols[0].Kind = 7; return l }, "invalid kind"},
		{"huge size", x86, func() Library { l := good(); l.Symbols[3].Size = 1 << 50; return l }, "too large"},
		{"too big for 32-bit", mustArch(t, "i386"), func() Library {
			l := good()
			for i := range 8 {
				l.Symbols = append(l.Symbols, Symbol{Name: fmt.Sprint("big", i), Kind: Object, Size: 1 << 30})
			}
			return l
		}, "32-bit"},
		{"TLS too big for 32-bit", mustArch(t, "arm"), func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "hugetls", Kind: TLS, Size: 1 << 33})
			return l
		}, "32-bit"},
		{"func too big for 32-bit", mustArch(t, "i386"), func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "hugefn", Size: 1 << 33})
			return l
		}, "too large"},
		{"zero arch", Arch{}, good, "no ELF machine"},
		{"bad page size", func() Arch { a := x86; a.PageSize = 3000; return a }(), good, "page size"},
		{"bad class", func() Arch { a := x86; a.Class = 9; return a }(), good, "ELF class"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Build(c.arch, c.lib())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
			if b != nil {
				t.Errorf("output returned along with error")
			}
			if !strings.HasPrefix(err.Error(), "stubs: ") {
				t.Errorf("error lacks package context: %v", err)
			}
			if err := Write(&bytes.Buffer{}, c.arch, c.lib()); err == nil {
				t.Errorf("Write succeeded")
			}
		})
	}
	if _, err := ArchByName("mips"); err == nil || !strings.Contains(err.Error(), `"mips"`) {
		t.Errorf("ArchByName(mips) = %v", err)
	}
}

func TestArchByName(t *testing.T) {
	for alias, want := range map[string]struct {
		m elf.Machine
		c elf.Class
		d elf.Data
	}{
		"x86_64":      {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"amd64":       {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"i686":        {elf.EM_386, elf.ELFCLASS32, elf.ELFDATA2LSB},
		"arm64":       {elf.EM_AARCH64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"armhf":       {elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB},
		"ppc64le":     {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"s390x":       {elf.EM_S390, elf.ELFCLASS64, elf.ELFDATA2MSB},
		"riscv64":     {elf.EM_RISCV, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"powerpc64le": {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	} {
		a, err := ArchByName(alias)
		if err != nil || a.Machine != want.m || a.Class != want.c || a.Data != want.d {
			t.Errorf("ArchByName(%q) = %+v, %v", alias, a, err)
		}
		if (a.ByteOrder() == binary.BigEndian) != (want.d == elf.ELFDATA2MSB) {
			t.Errorf("%s: ByteOrder %v", alias, a.ByteOrder())
		}
	}
}
