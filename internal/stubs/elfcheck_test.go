package stubs

// The independent reading of a written stub: what every round-trip test
// asserts, through debug/elf and the raw bytes, not through the writer.

import (
	"bytes"
	"debug/elf"
	"slices"
	"testing"
)

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
