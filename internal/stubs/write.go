package stubs

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"slices"
)

// Sizes of the class-independent version structures.
const (
	verdefSize  = 20 // Elf{32,64}_Verdef
	verdauxSize = 8  // Elf{32,64}_Verdaux
)

// Section indices that do not depend on the input.
const (
	shNull = iota
	shHash
	shGNUHash
	shDynsym
	shDynstr
	shVersym
	shVerdef
	shText
	shFirstRW // .tbss (if any), then .dynamic, .bss, .shstrtab
)

// strtab is a string table that deduplicates identical strings.
type strtab struct {
	buf []byte
	off map[string]uint32
}

func newStrtab(n int) *strtab {
	t := &strtab{buf: make([]byte, 1, 16*n), off: make(map[string]uint32, n)}
	t.off[""] = 0
	return t
}

func (t *strtab) add(s string) uint32 {
	if o, ok := t.off[s]; ok {
		return o
	}
	o := uint32(len(t.buf))
	t.buf = append(t.buf, s...)
	t.buf = append(t.buf, 0)
	t.off[s] = o
	return o
}

// section is one section header plus where its contents come from.
type section struct {
	name       string
	typ        elf.SectionType
	flags      elf.SectionFlag
	addr, off  uint64
	size       uint64
	link, info uint32
	align      uint64
	entsize    uint64
	nameOff    uint32
}

// placed is a symbol with its position in its section.
type placed struct {
	sym   *Symbol
	hash  uint32 // gnuHash(Name)
	value uint64 // offset in its section until layout, then st_value
}

// enc writes class- and byte-order-dependent fields into a buffer.
type enc struct {
	b    []byte
	o    binary.ByteOrder
	is64 bool
	off  uint64
}

func (e *enc) seek(off uint64) *enc { e.off = off; return e }
func (e *enc) u8(v uint8)           { e.b[e.off] = v; e.off++ }
func (e *enc) u16(v uint16)         { e.o.PutUint16(e.b[e.off:], v); e.off += 2 }
func (e *enc) u32(v uint32)         { e.o.PutUint32(e.b[e.off:], v); e.off += 4 }
func (e *enc) u64(v uint64)         { e.o.PutUint64(e.b[e.off:], v); e.off += 8 }
func (e *enc) bytes(p []byte)       { copy(e.b[e.off:], p); e.off += uint64(len(p)) }

// word writes an address, offset or (x)word: 4 bytes in ELF32, 8 in ELF64.
func (e *enc) word(v uint64) {
	if e.is64 {
		e.u64(v)
	} else {
		e.u32(uint32(v))
	}
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

// naturalAlign is the alignment given to a data object of the given size.
func naturalAlign(size uint64) uint64 {
	a := uint64(1)
	for a < 16 && a*2 <= size {
		a *= 2
	}
	return a
}

func build(arch Arch, lib *Library) ([]byte, error) {
	is64 := arch.Class == elf.ELFCLASS64
	wordSize := uint64(4)
	ehdrSize, phentSize, shentSize, symEnt, dynEnt := uint64(52), uint64(32), uint64(40), uint64(16), uint64(8)
	if is64 {
		wordSize = 8
		ehdrSize, phentSize, shentSize, symEnt, dynEnt = 64, 56, 64, 24, 16
	}

	verIndex := make(map[string]uint16, len(lib.Versions))
	for i, v := range lib.Versions {
		verIndex[v.Name] = uint16(i + 2)
	}

	// Reserve space for every object, in input order of its first name;
	// names of one object (same Alias) share it, sized for the largest.
	syms := make([]placed, len(lib.Symbols))
	type objectSpace struct {
		first int    // index of the first symbol naming it
		size  uint64 // the largest size among its names
	}
	objects := map[string]*objectSpace{}
	for i := range lib.Symbols {
		s := &lib.Symbols[i]
		if s.Alias == "" {
			continue
		}
		if o := objects[s.Alias]; o == nil {
			objects[s.Alias] = &objectSpace{first: i, size: s.Size}
		} else {
			o.size = max(o.size, s.Size)
		}
	}
	var textSize, bssSize, tlsSize uint64
	bssAlign, tlsAlign := uint64(16), uint64(1)
	for i := range lib.Symbols {
		s := &lib.Symbols[i]
		p := &syms[i]
		p.sym = s
		p.hash = gnuHash(s.Name)
		size := s.Size
		if o := objects[s.Alias]; o != nil {
			if o.first != i {
				p.value = syms[o.first].value
				continue
			}
			size = o.size
		}
		switch s.Kind {
		case Func:
			p.value = textSize
			textSize += alignUp(max(size, 1), arch.FuncAlign)
		case Object:
			a := naturalAlign(size)
			p.value = alignUp(bssSize, a)
			bssSize = p.value + max(size, 1)
		case TLS:
			a := naturalAlign(size)
			tlsAlign = max(tlsAlign, a)
			p.value = alignUp(tlsSize, a)
			tlsSize = p.value + max(size, 1)
		}
	}
	if textSize == 0 {
		textSize = arch.FuncAlign // keep the RX segment non-empty
	}
	if textSize > 1<<30 {
		return nil, fmt.Errorf("function sizes add up to %d bytes of .text, too large for a stub", textSize)
	}
	hasTLS := tlsSize > 0

	// .gnu.hash wants the hashed symbols grouped by bucket; sort stably so
	// input order decides within a bucket.
	nsyms := len(syms)
	gnuBuckets, maskWords := gnuHashParams(nsyms, int(wordSize*8))
	order := make([]int, nsyms)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(syms[a].hash%gnuBuckets, syms[b].hash%gnuBuckets)
	})

	// String table: soname, needed, version names, symbol names.
	dynstr := newStrtab(1 + len(lib.Needed) + len(lib.Versions) + nsyms)
	sonameOff := dynstr.add(lib.Soname)
	neededOff := make([]uint32, len(lib.Needed))
	for i, n := range lib.Needed {
		neededOff[i] = dynstr.add(n)
	}
	for _, v := range lib.Versions {
		dynstr.add(v.Name)
	}
	nameOff := make([]uint32, nsyms)
	for _, i := range order {
		nameOff[i] = dynstr.add(syms[i].sym.Name)
	}

	// Sections.
	ndyn := uint64(len(lib.Needed)) + 11 // SONAME HASH GNU_HASH STRTAB SYMTAB STRSZ SYMENT VERSYM VERDEF VERDEFNUM NULL
	sysvBuckets := sysvBucketCount(nsyms + 1)
	verdefCount := uint64(1 + len(lib.Versions))
	verdefBytes := verdefCount * (verdefSize + verdauxSize)
	for _, v := range lib.Versions {
		verdefBytes += uint64(len(v.Parents)) * verdauxSize
	}
	secs := []section{
		shNull:    {},
		shHash:    {name: ".hash", typ: elf.SHT_HASH, flags: elf.SHF_ALLOC, size: uint64(2+int(sysvBuckets)+nsyms+1) * uint64(arch.HashEntSize), link: shDynsym, align: max(wordSize, uint64(arch.HashEntSize)), entsize: uint64(arch.HashEntSize)},
		shGNUHash: {name: ".gnu.hash", typ: elf.SHT_GNU_HASH, flags: elf.SHF_ALLOC, size: 16 + uint64(maskWords)*wordSize + uint64(gnuBuckets)*4 + uint64(nsyms)*4, link: shDynsym, align: wordSize},
		shDynsym:  {name: ".dynsym", typ: elf.SHT_DYNSYM, flags: elf.SHF_ALLOC, size: uint64(nsyms+1) * symEnt, link: shDynstr, info: 1, align: wordSize, entsize: symEnt},
		shDynstr:  {name: ".dynstr", typ: elf.SHT_STRTAB, flags: elf.SHF_ALLOC, size: uint64(len(dynstr.buf)), align: 1},
		shVersym:  {name: ".gnu.version", typ: elf.SHT_GNU_VERSYM, flags: elf.SHF_ALLOC, size: uint64(nsyms+1) * 2, link: shDynsym, align: 2, entsize: 2},
		shVerdef:  {name: ".gnu.version_d", typ: elf.SHT_GNU_VERDEF, flags: elf.SHF_ALLOC, size: verdefBytes, link: shDynstr, info: uint32(verdefCount), align: wordSize},
		shText:    {name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, size: textSize, align: max(arch.FuncAlign, 16)},
	}
	shTbss := -1
	if hasTLS {
		shTbss = len(secs)
		secs = append(secs, section{name: ".tbss", typ: elf.SHT_NOBITS, flags: elf.SHF_ALLOC | elf.SHF_WRITE | elf.SHF_TLS, size: tlsSize, align: tlsAlign})
	}
	shDynamic := len(secs)
	secs = append(secs, section{name: ".dynamic", typ: elf.SHT_DYNAMIC, flags: elf.SHF_ALLOC | elf.SHF_WRITE, size: ndyn * dynEnt, link: shDynstr, align: wordSize, entsize: dynEnt})
	shBss := len(secs)
	secs = append(secs, section{name: ".bss", typ: elf.SHT_NOBITS, flags: elf.SHF_ALLOC | elf.SHF_WRITE, size: bssSize, align: bssAlign})
	shShstrtab := len(secs)
	secs = append(secs, section{name: ".shstrtab", typ: elf.SHT_STRTAB, align: 1})
	shstr := newStrtab(len(secs))
	for i := 1; i < len(secs); i++ {
		secs[i].nameOff = shstr.add(secs[i].name)
	}
	secs[shShstrtab].size = uint64(len(shstr.buf))

	phnum := uint64(5) // LOAD R, LOAD RX, LOAD RW, DYNAMIC, GNU_STACK
	if hasTLS {
		phnum++
	}

	// Layout. Segment 0 (R): headers and the dynamic-linking tables, at
	// vaddr == offset. Later segments start on a fresh page in memory with
	// vaddr congruent to the file offset modulo the page size.
	off := ehdrSize + phnum*phentSize
	for i := shHash; i <= shVerdef; i++ {
		off = alignUp(off, secs[i].align)
		secs[i].off, secs[i].addr = off, off
		off += secs[i].size
	}
	roEnd := off

	off = alignUp(off, secs[shText].align)
	textDelta := alignUp(roEnd, arch.PageSize) + off%arch.PageSize - off
	secs[shText].off, secs[shText].addr = off, off+textDelta
	off += textSize
	textEnd := off

	rwAlign := max(wordSize, tlsAlign, 16)
	off = alignUp(off, rwAlign)
	rwOff := off
	rwDelta := alignUp(textEnd+textDelta, arch.PageSize) + off%arch.PageSize - off
	if hasTLS {
		// .tbss occupies no space in the RW image: the next section starts
		// at the same address, as with any linker's output.
		secs[shTbss].off, secs[shTbss].addr = off, off+rwDelta
	}
	secs[shDynamic].off, secs[shDynamic].addr = off, off+rwDelta
	off += secs[shDynamic].size
	rwFileEnd := off
	bssAddr := alignUp(off+rwDelta, bssAlign)
	secs[shBss].addr, secs[shBss].off = bssAddr, bssAddr-rwDelta
	rwMemEnd := bssAddr + bssSize

	secs[shShstrtab].off = off
	off += secs[shShstrtab].size
	shoff := alignUp(off, wordSize)
	fileSize := shoff + uint64(len(secs))*shentSize

	if !is64 {
		if rwMemEnd > 0xffffffff || tlsSize > 0xffffffff {
			return nil, fmt.Errorf("image size %#x (TLS %#x) does not fit a 32-bit address space", rwMemEnd, tlsSize)
		}
		for _, p := range syms {
			if p.sym.Size > 0xffffffff {
				return nil, fmt.Errorf("symbol %s: size %d does not fit a 32-bit ELF", symName{p.sym.Name, p.sym.Version}, p.sym.Size)
			}
		}
	}

	// Final symbol values.
	for i := range syms {
		switch syms[i].sym.Kind {
		case Func:
			syms[i].value += secs[shText].addr
		case Object:
			syms[i].value += bssAddr
		case TLS: // st_value of STT_TLS is the offset in the TLS segment
		}
	}

	e := &enc{b: make([]byte, fileSize), o: arch.ByteOrder(), is64: is64}

	// ELF header.
	e.seek(0).bytes([]byte{0x7f, 'E', 'L', 'F', byte(arch.Class), byte(arch.Data), byte(elf.EV_CURRENT), byte(elf.ELFOSABI_NONE)})
	e.seek(elf.EI_NIDENT)
	e.u16(uint16(elf.ET_DYN))
	e.u16(uint16(arch.Machine))
	e.u32(uint32(elf.EV_CURRENT))
	e.word(0)        // e_entry
	e.word(ehdrSize) // e_phoff
	e.word(shoff)
	e.u32(arch.Flags)
	e.u16(uint16(ehdrSize))
	e.u16(uint16(phentSize))
	e.u16(uint16(phnum))
	e.u16(uint16(shentSize))
	e.u16(uint16(len(secs)))
	e.u16(uint16(shShstrtab))

	// Program headers.
	e.seek(ehdrSize)
	phdr := func(typ elf.ProgType, flags elf.ProgFlag, off, vaddr, filesz, memsz, align uint64) {
		e.u32(uint32(typ))
		if is64 {
			e.u32(uint32(flags))
		}
		e.word(off)
		e.word(vaddr)
		e.word(vaddr) // p_paddr
		e.word(filesz)
		e.word(memsz)
		if !is64 {
			e.u32(uint32(flags))
		}
		e.word(align)
	}
	phdr(elf.PT_LOAD, elf.PF_R, 0, 0, roEnd, roEnd, arch.PageSize)
	phdr(elf.PT_LOAD, elf.PF_R|elf.PF_X, secs[shText].off, secs[shText].addr, textSize, textSize, arch.PageSize)
	phdr(elf.PT_LOAD, elf.PF_R|elf.PF_W, rwOff, rwOff+rwDelta, rwFileEnd-rwOff, rwMemEnd-(rwOff+rwDelta), arch.PageSize)
	phdr(elf.PT_DYNAMIC, elf.PF_R|elf.PF_W, secs[shDynamic].off, secs[shDynamic].addr, secs[shDynamic].size, secs[shDynamic].size, wordSize)
	if hasTLS {
		phdr(elf.PT_TLS, elf.PF_R, secs[shTbss].off, secs[shTbss].addr, 0, tlsSize, tlsAlign)
	}
	phdr(elf.PT_GNU_STACK, elf.PF_R|elf.PF_W, 0, 0, 0, 0, 16)

	// .hash: nbucket, nchain, buckets, chains. Chains are built from the
	// last symbol to the first so that lookups walk in dynsym order.
	{
		ent := arch.HashEntSize
		put := func(v uint32) {
			if ent == 8 {
				e.u64(uint64(v))
			} else {
				e.u32(v)
			}
		}
		nchain := nsyms + 1
		bucket := make([]uint32, sysvBuckets)
		chain := make([]uint32, nchain)
		for di := nsyms; di >= 1; di-- {
			h := elfHash(syms[order[di-1]].sym.Name) % sysvBuckets
			chain[di] = bucket[h]
			bucket[h] = uint32(di)
		}
		e.seek(secs[shHash].off)
		put(sysvBuckets)
		put(uint32(nchain))
		for _, b := range bucket {
			put(b)
		}
		for _, c := range chain {
			put(c)
		}
	}

	// .gnu.hash: nbuckets, symoffset, bloom size, bloom shift, bloom
	// words, buckets, hash values (low bit marks the end of a chain).
	{
		const symoffset = 1
		wordBits := uint32(wordSize * 8)
		bloom := make([]uint64, maskWords)
		buckets := make([]uint32, gnuBuckets)
		values := make([]uint32, nsyms)
		for k, i := range order {
			h := syms[i].hash
			w := (h / wordBits) % maskWords
			bloom[w] |= 1<<(h%wordBits) | 1<<((h>>gnuBloomShift)%wordBits)
			b := h % gnuBuckets
			if buckets[b] == 0 {
				buckets[b] = uint32(k + symoffset)
			}
			values[k] = h &^ 1
			if k+1 == nsyms || syms[order[k+1]].hash%gnuBuckets != b {
				values[k] |= 1
			}
		}
		e.seek(secs[shGNUHash].off)
		e.u32(gnuBuckets)
		e.u32(symoffset)
		e.u32(maskWords)
		e.u32(gnuBloomShift)
		for _, w := range bloom {
			e.word(w)
		}
		for _, b := range buckets {
			e.u32(b)
		}
		for _, v := range values {
			e.u32(v)
		}
	}

	// .dynsym and .gnu.version.
	for k, i := range order {
		p := &syms[i]
		s := p.sym
		var typ elf.SymType
		shndx := uint16(shText)
		switch s.Kind {
		case Func:
			typ = elf.STT_FUNC
		case Object:
			typ, shndx = elf.STT_OBJECT, uint16(shBss)
		case TLS:
			typ, shndx = elf.STT_TLS, uint16(shTbss)
		}
		bind := elf.STB_GLOBAL
		if s.Weak {
			bind = elf.STB_WEAK
		}
		info := elf.ST_INFO(bind, typ)
		e.seek(secs[shDynsym].off + uint64(k+1)*symEnt)
		e.u32(nameOff[i])
		if is64 {
			e.u8(info)
			e.u8(byte(elf.STV_DEFAULT))
			e.u16(shndx)
			e.u64(p.value)
			e.u64(s.Size)
		} else {
			e.u32(uint32(p.value))
			e.u32(uint32(s.Size))
			e.u8(info)
			e.u8(byte(elf.STV_DEFAULT))
			e.u16(shndx)
		}
		vs := uint16(1) // VER_NDX_GLOBAL
		if s.Version != "" {
			vs = verIndex[s.Version]
			if !s.Default {
				vs |= 0x8000 // VERSYM_HIDDEN
			}
		}
		e.seek(secs[shVersym].off + uint64(k+1)*2)
		e.u16(vs)
	}
	// Versym entry 0 (the null symbol) is 0 = VER_NDX_LOCAL, already zero.

	// .gnu.version_d: each Verdef is followed by its Verdaux entries.
	{
		e.seek(secs[shVerdef].off)
		verdef := func(flags, ndx uint16, name string, parents []string, last bool) {
			cnt := uint16(1 + len(parents))
			e.u16(1) // vd_version
			e.u16(flags)
			e.u16(ndx)
			e.u16(cnt)
			e.u32(elfHash(name))
			e.u32(verdefSize) // vd_aux
			next := uint32(verdefSize) + uint32(cnt)*verdauxSize
			if last {
				next = 0
			}
			e.u32(next)
			names := append([]string{name}, parents...)
			for j, n := range names {
				e.u32(dynstr.add(n)) // already present
				if j+1 < len(names) {
					e.u32(verdauxSize)
				} else {
					e.u32(0)
				}
			}
		}
		verdef(uint16(elf.VER_FLG_BASE), 1, lib.Soname, nil, len(lib.Versions) == 0)
		for i, v := range lib.Versions {
			verdef(0, uint16(i+2), v.Name, v.Parents, i+1 == len(lib.Versions))
		}
	}

	// .dynstr and .shstrtab.
	e.seek(secs[shDynstr].off).bytes(dynstr.buf)
	e.seek(secs[shShstrtab].off).bytes(shstr.buf)

	// .dynamic.
	e.seek(secs[shDynamic].off)
	dyn := func(tag elf.DynTag, v uint64) { e.word(uint64(tag)); e.word(v) }
	for _, o := range neededOff {
		dyn(elf.DT_NEEDED, uint64(o))
	}
	dyn(elf.DT_SONAME, uint64(sonameOff))
	dyn(elf.DT_HASH, secs[shHash].addr)
	dyn(elf.DT_GNU_HASH, secs[shGNUHash].addr)
	dyn(elf.DT_STRTAB, secs[shDynstr].addr)
	dyn(elf.DT_SYMTAB, secs[shDynsym].addr)
	dyn(elf.DT_STRSZ, secs[shDynstr].size)
	dyn(elf.DT_SYMENT, symEnt)
	dyn(elf.DT_VERSYM, secs[shVersym].addr)
	dyn(elf.DT_VERDEF, secs[shVerdef].addr)
	dyn(elf.DT_VERDEFNUM, verdefCount)
	dyn(elf.DT_NULL, 0)

	// Section headers.
	e.seek(shoff)
	for _, s := range secs {
		e.u32(s.nameOff)
		e.u32(uint32(s.typ))
		e.word(uint64(s.flags))
		e.word(s.addr)
		e.word(s.off)
		e.word(s.size)
		e.u32(s.link)
		e.u32(s.info)
		e.word(s.align)
		e.word(s.entsize)
	}
	return e.b, nil
}
