package elfinfo

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
)

// header is the part of the ELF file header (and its program header table)
// that the loader reads: everything else in a file hangs off these.
type header struct {
	class   elf.Class
	data    elf.Data
	bo      binary.ByteOrder
	typ     elf.Type
	machine elf.Machine
	flags   uint32 // e_flags
	phoff   uint64
	phnum   uint64
	phent   uint64
	shoff   uint64
	shnum   uint64
	shent   uint64
	progs   []prog
}

// prog is one program header.
type prog struct {
	typ    elf.ProgType
	off    uint64
	vaddr  uint64
	filesz uint64
	memsz  uint64
	align  uint64
}

func (h *header) is64() bool { return h.class == elf.ELFCLASS64 }

// word reads an address-sized field (Elf32_Addr/Off or Elf64_Addr/Off).
func (h *header) word(b []byte) uint64 {
	if h.is64() {
		return h.bo.Uint64(b)
	}
	return uint64(h.bo.Uint32(b))
}

// Sizes of the fixed-layout records, per class (System V gABI, ch. 4 and 5).
func (h *header) ehdrSize() uint64 { return pick(h.is64(), 64, 52) }
func (h *header) phdrSize() uint64 { return pick(h.is64(), 56, 32) }
func (h *header) shdrSize() uint64 { return pick(h.is64(), 64, 40) }
func (h *header) dynSize() uint64  { return pick(h.is64(), 16, 8) }
func (h *header) symSize() uint64  { return pick(h.is64(), 24, 16) }

func pick(is64 bool, a, b uint64) uint64 {
	if is64 {
		return a
	}
	return b
}

// maxProgs bounds the program header count. e_phnum is 16 bits (PN_XNUM
// extends it through section 0, which no loader honours for program
// headers); real files have about a dozen.
const maxProgs = 0xffff

// parseHeader reads the ELF header and program headers from the window.
func parseHeader(w *window) (*header, error) {
	id, err := w.bytes(0, 16, "ELF identification")
	if err != nil {
		return nil, err
	}
	h := &header{class: elf.Class(id[elf.EI_CLASS]), data: elf.Data(id[elf.EI_DATA])}
	switch h.data {
	case elf.ELFDATA2LSB:
		h.bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		h.bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("unknown data encoding %d in e_ident", id[elf.EI_DATA])
	}
	if h.class != elf.ELFCLASS32 && h.class != elf.ELFCLASS64 {
		return nil, fmt.Errorf("unknown ELF class %d in e_ident", id[elf.EI_CLASS])
	}
	if id[elf.EI_VERSION] != byte(elf.EV_CURRENT) {
		return nil, fmt.Errorf("unknown ELF version %d in e_ident", id[elf.EI_VERSION])
	}
	e, err := w.bytes(0, h.ehdrSize(), "ELF header")
	if err != nil {
		return nil, err
	}
	h.typ = elf.Type(h.bo.Uint16(e[16:]))
	h.machine = elf.Machine(h.bo.Uint16(e[18:]))
	if h.is64() {
		h.phoff, h.shoff = h.bo.Uint64(e[32:]), h.bo.Uint64(e[40:])
		h.flags = h.bo.Uint32(e[48:])
		h.phent, h.phnum = uint64(h.bo.Uint16(e[54:])), uint64(h.bo.Uint16(e[56:]))
		h.shent, h.shnum = uint64(h.bo.Uint16(e[58:])), uint64(h.bo.Uint16(e[60:]))
	} else {
		h.phoff, h.shoff = uint64(h.bo.Uint32(e[28:])), uint64(h.bo.Uint32(e[32:]))
		h.flags = h.bo.Uint32(e[36:])
		h.phent, h.phnum = uint64(h.bo.Uint16(e[42:])), uint64(h.bo.Uint16(e[44:]))
		h.shent, h.shnum = uint64(h.bo.Uint16(e[46:])), uint64(h.bo.Uint16(e[48:]))
	}
	if h.typ != elf.ET_EXEC && h.typ != elf.ET_DYN {
		return h, nil // nothing the loader maps: no program headers needed
	}
	if h.phnum == 0 {
		return nil, errors.New("no program headers: a linked program or library always has them")
	}
	if h.phent != h.phdrSize() {
		return nil, fmt.Errorf("program header size %d, want %d", h.phent, h.phdrSize())
	}
	ph, err := w.bytes(h.phoff, h.phnum*h.phent, "program header table")
	if err != nil {
		return nil, err
	}
	h.progs = make([]prog, h.phnum)
	for i := range h.progs {
		b := ph[uint64(i)*h.phent:]
		p := &h.progs[i]
		p.typ = elf.ProgType(h.bo.Uint32(b))
		if h.is64() {
			p.off, p.vaddr = h.bo.Uint64(b[8:]), h.bo.Uint64(b[16:])
			p.filesz, p.memsz = h.bo.Uint64(b[32:]), h.bo.Uint64(b[40:])
			p.align = h.bo.Uint64(b[48:])
		} else {
			p.off, p.vaddr = uint64(h.bo.Uint32(b[4:])), uint64(h.bo.Uint32(b[8:]))
			p.filesz, p.memsz = uint64(h.bo.Uint32(b[16:])), uint64(h.bo.Uint32(b[20:]))
			p.align = uint64(h.bo.Uint32(b[28:]))
		}
		if p.typ == elf.PT_LOAD || p.typ == elf.PT_DYNAMIC || p.typ == elf.PT_INTERP {
			if p.off > w.size || p.filesz > w.size-p.off {
				return nil, fmt.Errorf("%v segment claims bytes %d..%d, beyond the file's %d", p.typ, p.off, p.off+p.filesz, w.size)
			}
		}
	}
	return h, nil
}

// prog returns the first program header of a type.
func (h *header) prog(t elf.ProgType) *prog {
	for i := range h.progs {
		if h.progs[i].typ == t {
			return &h.progs[i]
		}
	}
	return nil
}

// offset maps a virtual address that the dynamic section names to its file
// offset through the PT_LOAD segment holding it, and says how many bytes of
// the file back the address onwards within that segment. The loader reads
// the tables at load address + d_ptr, so an address outside every loaded
// segment's file bytes cannot be what the loader sees.
func (h *header) offset(addr uint64, what string) (off, avail uint64, err error) {
	for _, p := range h.progs {
		if p.typ == elf.PT_LOAD && addr >= p.vaddr && addr-p.vaddr < p.filesz {
			return p.off + (addr - p.vaddr), p.filesz - (addr - p.vaddr), nil
		}
	}
	return 0, 0, fmt.Errorf("%s address %#x is in no loaded segment", what, addr)
}
