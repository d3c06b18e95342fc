// Package elftest writes small x86_64 ELF shared objects byte by byte, for
// tests that need files no linker makes: well-formed ones with exact
// contents, and hostile ones whose counts and offsets lie. Layout (one
// PT_LOAD at address 0 mapping the whole file):
//
//	ELF header, program headers (PT_LOAD, PT_DYNAMIC), .dynamic, .dynstr,
//	.dynsym, .gnu.version, .hash, .gnu.version_r, [section headers]
//
// Offsets of each table are returned so tests can corrupt them.
package elftest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// Need is one DT_VERNEED record: a library and the version nodes needed
// from it.
type Need struct {
	File     string
	Versions []string
}

// Import is an undefined symbol bound to a version node of a library.
type Import struct {
	Name, File, Version string
}

// Spec describes the file to write.
type Spec struct {
	Soname  string
	Needed  []string
	Runpath string
	Needs   []Need
	Imports []Import
	// Sections adds section headers describing the dynamic tables.
	Sections bool
	// SharedAux adds that many extra version need records that all point
	// at the first record's entries: the overlap that made debug/elf
	// expand a small file quadratically.
	SharedAux int
	// ClaimSymbols, when set, is the symbol count DT_HASH claims.
	ClaimSymbols uint32
	// Defined adds that many defined, nameless symbols: real .dynsym
	// bytes that nothing reported keeps.
	Defined int
	// StringPad appends that many bytes no name points to to .dynstr.
	StringPad int
}

// Layout says where Build put each table.
type Layout struct {
	Dynamic, Dynstr, Dynsym, Versym, Hash, Verneed, Shdrs int
	// VerneedSection is the index of the .gnu.version_r section header.
	VerneedSection int
}

// Build writes the file.
func Build(s Spec) ([]byte, Layout) {
	var l Layout
	le := binary.LittleEndian
	str := newStrtab()
	for _, n := range s.Needed {
		str.add(n)
	}
	type sym struct {
		name uint32
		ver  uint16
	}
	// Version indexes: 2 onwards, one per (file, version) in order.
	index := map[[2]string]uint16{}
	next := uint16(2)
	for _, n := range s.Needs {
		str.add(n.File)
		for _, v := range n.Versions {
			str.add(v)
			index[[2]string{n.File, v}] = next
			next++
		}
	}
	syms := []sym{{}}
	for _, im := range s.Imports {
		syms = append(syms, sym{name: str.add(im.Name), ver: index[[2]string{im.File, im.Version}]})
	}
	firstDefined := len(syms)
	for range s.Defined {
		syms = append(syms, sym{ver: 1})
	}
	var soname, runpath uint32
	if s.Soname != "" {
		soname = str.add(s.Soname)
	}
	if s.Runpath != "" {
		runpath = str.add(s.Runpath)
	}
	if s.StringPad > 0 {
		str.buf = append(str.buf, bytes.Repeat([]byte("pad\x00"), s.StringPad/4)...)
	}

	const ehdr, phdr = 64, 56
	var dyn [][2]uint64
	addDyn := func(tag elf.DynTag, v uint64) { dyn = append(dyn, [2]uint64{uint64(tag), v}) }
	for _, n := range s.Needed {
		addDyn(elf.DT_NEEDED, uint64(str.off[n]))
	}
	if s.Soname != "" {
		addDyn(elf.DT_SONAME, uint64(soname))
	}
	if s.Runpath != "" {
		addDyn(elf.DT_RUNPATH, uint64(runpath))
	}
	// Placeholders, patched once offsets are known.
	fixed := []elf.DynTag{elf.DT_STRTAB, elf.DT_STRSZ, elf.DT_SYMTAB, elf.DT_SYMENT, elf.DT_HASH, elf.DT_VERSYM}
	if len(s.Needs) > 0 {
		fixed = append(fixed, elf.DT_VERNEED, elf.DT_VERNEEDNUM)
	}
	for _, t := range fixed {
		addDyn(t, 0)
	}
	addDyn(elf.DT_NULL, 0)

	l.Dynamic = ehdr + 2*phdr
	l.Dynstr = l.Dynamic + 16*len(dyn)
	l.Dynsym = align(l.Dynstr+len(str.buf), 8)
	l.Versym = l.Dynsym + 24*len(syms)
	l.Hash = align(l.Versym+2*len(syms), 4)
	l.Verneed = align(l.Hash+4*(3+len(syms)), 8)

	var vn bytes.Buffer
	records := len(s.Needs) + s.SharedAux
	auxStart := 16 * records // lld's layout: all records, then all entries
	aux := auxStart
	for i, n := range s.Needs {
		w32 := func(v uint32) { binary.Write(&vn, le, v) }
		binary.Write(&vn, le, uint16(1))
		binary.Write(&vn, le, uint16(len(n.Versions)))
		w32(str.off[n.File])
		w32(uint32(aux - 16*i))
		if i == records-1 {
			w32(0)
		} else {
			w32(16)
		}
		aux += 16 * len(n.Versions)
	}
	for i := len(s.Needs); i < records; i++ {
		// Every extra record reuses record 0's entries.
		n := s.Needs[0]
		binary.Write(&vn, le, uint16(1))
		binary.Write(&vn, le, uint16(len(n.Versions)))
		binary.Write(&vn, le, str.off[n.File])
		binary.Write(&vn, le, uint32(auxStart-16*i))
		if i == records-1 {
			binary.Write(&vn, le, uint32(0))
		} else {
			binary.Write(&vn, le, uint32(16))
		}
	}
	for _, n := range s.Needs {
		for j, v := range n.Versions {
			binary.Write(&vn, le, elfHash(v))
			binary.Write(&vn, le, uint16(0))
			binary.Write(&vn, le, index[[2]string{n.File, v}])
			binary.Write(&vn, le, str.off[v])
			if j == len(n.Versions)-1 {
				binary.Write(&vn, le, uint32(0))
			} else {
				binary.Write(&vn, le, uint32(16))
			}
		}
	}
	end := l.Verneed + vn.Len()
	nsec := 0
	if s.Sections {
		l.Shdrs = align(end, 8)
		nsec = 5
		end = l.Shdrs + 64*nsec
	}

	out := make([]byte, end)
	copy(out, elf.ELFMAG)
	out[elf.EI_CLASS], out[elf.EI_DATA], out[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	le.PutUint16(out[16:], uint16(elf.ET_DYN))
	le.PutUint16(out[18:], uint16(elf.EM_X86_64))
	le.PutUint32(out[20:], 1)
	le.PutUint64(out[32:], ehdr)
	if s.Sections {
		le.PutUint64(out[40:], uint64(l.Shdrs))
	}
	le.PutUint16(out[52:], ehdr)
	le.PutUint16(out[54:], phdr)
	le.PutUint16(out[56:], 2)
	le.PutUint16(out[58:], 64)
	le.PutUint16(out[60:], uint16(nsec))
	putProg := func(at int, t elf.ProgType, off, size int) {
		p := out[at:]
		le.PutUint32(p, uint32(t))
		le.PutUint32(p[4:], uint32(elf.PF_R))
		le.PutUint64(p[8:], uint64(off))
		le.PutUint64(p[16:], uint64(off))
		le.PutUint64(p[24:], uint64(off))
		le.PutUint64(p[32:], uint64(size))
		le.PutUint64(p[40:], uint64(size))
		le.PutUint64(p[48:], 8)
	}
	putProg(ehdr, elf.PT_LOAD, 0, end)
	putProg(ehdr+phdr, elf.PT_DYNAMIC, l.Dynamic, 16*len(dyn))
	vals := map[elf.DynTag]uint64{
		elf.DT_STRTAB: uint64(l.Dynstr), elf.DT_STRSZ: uint64(len(str.buf)), elf.DT_SYMTAB: uint64(l.Dynsym),
		elf.DT_SYMENT: 24, elf.DT_HASH: uint64(l.Hash), elf.DT_VERSYM: uint64(l.Versym),
		elf.DT_VERNEED: uint64(l.Verneed), elf.DT_VERNEEDNUM: uint64(records),
	}
	for i, d := range dyn {
		v := d[1]
		if fv, ok := vals[elf.DynTag(d[0])]; ok {
			v = fv
		}
		le.PutUint64(out[l.Dynamic+16*i:], d[0])
		le.PutUint64(out[l.Dynamic+16*i+8:], v)
	}
	copy(out[l.Dynstr:], str.buf)
	for i, sy := range syms {
		p := out[l.Dynsym+24*i:]
		le.PutUint32(p, sy.name)
		if i > 0 {
			p[4] = byte(elf.STB_GLOBAL)<<4 | byte(elf.STT_FUNC)
		}
		if i >= firstDefined {
			le.PutUint16(p[6:], 7) // some section: defined
		}
		ver := sy.ver
		if i > 0 && ver == 0 {
			ver = 1
		}
		le.PutUint16(out[l.Versym+2*i:], ver)
	}
	nchain := uint32(len(syms))
	if s.ClaimSymbols != 0 {
		nchain = s.ClaimSymbols
	}
	le.PutUint32(out[l.Hash:], 1)
	le.PutUint32(out[l.Hash+4:], nchain)
	copy(out[l.Verneed:], vn.Bytes())

	if s.Sections {
		putSec := func(i int, t elf.SectionType, off, size, info, entsize int) {
			p := out[l.Shdrs+64*i:]
			le.PutUint32(p[4:], uint32(t))
			le.PutUint64(p[8:], uint64(elf.SHF_ALLOC))
			le.PutUint64(p[16:], uint64(off))
			le.PutUint64(p[24:], uint64(off))
			le.PutUint64(p[32:], uint64(size))
			le.PutUint32(p[44:], uint32(info))
			le.PutUint64(p[56:], uint64(entsize))
		}
		putSec(1, elf.SHT_DYNAMIC, l.Dynamic, 16*len(dyn), 0, 16)
		putSec(2, elf.SHT_DYNSYM, l.Dynsym, 24*len(syms), 1, 24)
		putSec(3, elf.SHT_GNU_VERSYM, l.Versym, 2*len(syms), 0, 2)
		putSec(4, elf.SHT_GNU_VERNEED, l.Verneed, vn.Len(), records, 0)
		l.VerneedSection = 4
	}
	return out, l
}

func align(n, a int) int { return (n + a - 1) / a * a }

type strtab struct {
	buf []byte
	off map[string]uint32
}

func newStrtab() *strtab { return &strtab{buf: []byte{0}, off: map[string]uint32{"": 0}} }

func (s *strtab) add(v string) uint32 {
	if o, ok := s.off[v]; ok {
		return o
	}
	o := uint32(len(s.buf))
	s.buf = append(append(s.buf, v...), 0)
	s.off[v] = o
	return o
}

// elfHash is the System V ELF hash that vna_hash holds.
func elfHash(name string) uint32 {
	var h uint32
	for _, c := range []byte(name) {
		h = h<<4 + uint32(c)
		if g := h & 0xf0000000; g != 0 {
			h ^= g >> 24
		}
		h &^= 0xf0000000
	}
	return h
}
