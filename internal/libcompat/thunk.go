package libcompat

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// thunkObject returns a relocatable ELF object that defines sym as a
// hidden function whose whole body is a tail call of target:
//
//	sym:	endbr64
//		jmp	target@PLT
//
// This is how an alias entry binds a newer name to an older symbol with
// the same ABI: arguments and return value pass through untouched, so no
// prototype is needed. endbr64 (a no-op on CPUs without CET) keeps the
// thunk a valid indirect-branch target, and the object's
// .note.gnu.property says it is IBT and shadow-stack compatible, so it
// never takes those protections away from an output that has them. The
// object is written here, not by the compiler: a catalogue has dozens of
// aliases and each compiler run costs more than all of this.
//
// Only x86_64 is known; other machines get an error naming it.
func thunkObject(machine elf.Machine, sym, target string) ([]byte, error) {
	if machine != elf.EM_X86_64 {
		return nil, fmt.Errorf("libcompat: alias %s → %s: no thunk encoding for %v", sym, target, machine)
	}
	text := []byte{0xf3, 0x0f, 0x1e, 0xfa, 0xe9, 0, 0, 0, 0} // endbr64; jmp rel32
	const relocAt = 5

	// NT_GNU_PROPERTY_TYPE_0 with GNU_PROPERTY_X86_FEATURE_1_AND = IBT|SHSTK.
	var note bytes.Buffer
	le := binary.LittleEndian
	binary.Write(&note, le, []uint32{4, 16, 5}) // namesz, descsz, NT_GNU_PROPERTY_TYPE_0
	note.WriteString("GNU\x00")
	binary.Write(&note, le, []uint32{0xc0000002, 4, 3, 0})

	var strtab bytes.Buffer
	strtab.WriteByte(0)
	str := func(s string) uint32 {
		off := uint32(strtab.Len())
		strtab.WriteString(s)
		strtab.WriteByte(0)
		return off
	}
	symName, targetName := str(sym), str(target)

	var shstr bytes.Buffer
	shstr.WriteByte(0)
	shname := func(s string) uint32 {
		off := uint32(shstr.Len())
		shstr.WriteString(s)
		shstr.WriteByte(0)
		return off
	}

	// Section indexes.
	const (
		secText = 1 + iota
		secRela
		secNote
		secStack
		secSymtab
		secStrtab
		secShstrtab
		numSections
	)

	var symtab bytes.Buffer
	putSym := func(name uint32, info, other uint8, shndx uint16, value, size uint64) {
		binary.Write(&symtab, le, elf.Sym64{Name: name, Info: info, Other: other, Shndx: shndx, Value: value, Size: size})
	}
	putSym(0, 0, 0, 0, 0, 0)
	putSym(0, elf.ST_INFO(elf.STB_LOCAL, elf.STT_SECTION), 0, secText, 0, 0)
	putSym(symName, elf.ST_INFO(elf.STB_GLOBAL, elf.STT_FUNC), uint8(elf.STV_HIDDEN), secText, 0, uint64(len(text)))
	putSym(targetName, elf.ST_INFO(elf.STB_GLOBAL, elf.STT_NOTYPE), 0, uint16(elf.SHN_UNDEF), 0, 0)
	const firstGlobal, targetIndex = 2, 3

	var rela bytes.Buffer
	binary.Write(&rela, le, elf.Rela64{Off: relocAt, Info: elf.R_INFO(targetIndex, uint32(elf.R_X86_64_PLT32)), Addend: -4})

	type section struct {
		hdr  elf.Section64
		data []byte
	}
	secs := make([]section, numSections)
	secs[secText] = section{elf.Section64{Name: shname(".text"), Type: uint32(elf.SHT_PROGBITS), Flags: uint64(elf.SHF_ALLOC | elf.SHF_EXECINSTR), Addralign: 16}, text}
	secs[secRela] = section{elf.Section64{Name: shname(".rela.text"), Type: uint32(elf.SHT_RELA), Flags: uint64(elf.SHF_INFO_LINK), Link: secSymtab, Info: secText, Addralign: 8, Entsize: 24}, rela.Bytes()}
	secs[secNote] = section{elf.Section64{Name: shname(".note.gnu.property"), Type: uint32(elf.SHT_NOTE), Flags: uint64(elf.SHF_ALLOC), Addralign: 8}, note.Bytes()}
	secs[secStack] = section{elf.Section64{Name: shname(".note.GNU-stack"), Type: uint32(elf.SHT_PROGBITS), Addralign: 1}, nil}
	secs[secSymtab] = section{elf.Section64{Name: shname(".symtab"), Type: uint32(elf.SHT_SYMTAB), Link: secStrtab, Info: firstGlobal, Addralign: 8, Entsize: 24}, symtab.Bytes()}
	secs[secStrtab] = section{elf.Section64{Name: shname(".strtab"), Type: uint32(elf.SHT_STRTAB), Addralign: 1}, strtab.Bytes()}
	secs[secShstrtab] = section{elf.Section64{Name: shname(".shstrtab"), Type: uint32(elf.SHT_STRTAB), Addralign: 1}, nil}
	secs[secShstrtab].data = shstr.Bytes()

	var out bytes.Buffer
	out.Write(make([]byte, 64)) // ELF header, written last
	for i := 1; i < numSections; i++ {
		s := &secs[i]
		if a := s.hdr.Addralign; a > 1 {
			for uint64(out.Len())%a != 0 {
				out.WriteByte(0)
			}
		}
		s.hdr.Off = uint64(out.Len())
		s.hdr.Size = uint64(len(s.data))
		out.Write(s.data)
	}
	for out.Len()%8 != 0 {
		out.WriteByte(0)
	}
	shoff := out.Len()
	for _, s := range secs {
		binary.Write(&out, le, s.hdr)
	}
	hdr := elf.Header64{
		Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Shoff: uint64(shoff), Ehsize: 64, Shentsize: 64, Shnum: numSections, Shstrndx: secShstrtab,
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var h bytes.Buffer
	binary.Write(&h, le, hdr)
	b := out.Bytes()
	copy(b, h.Bytes())
	return b, nil
}
