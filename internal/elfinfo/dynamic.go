package elfinfo

import (
	"debug/elf"
	"errors"
	"fmt"
)

// dynamic is what PT_DYNAMIC says, as the loader reads it: string offsets
// and virtual addresses, not yet resolved.
type dynamic struct {
	needed                           []uint64
	soname, rpath, runpath           uint64
	hasSoname, hasRpath, hasRunpath  bool
	strtab, strsz, symtab, syment    uint64
	hash, gnuHash, versym            uint64
	verneed, verneedNum              uint64
	flags1                           uint64
	gnuHashEmpty                     bool
	present                          map[elf.DynTag]bool
	hasStrtab, hasSymtab, hasVersym  bool
	hasHash, hasGnuHash, hasVerneed  bool
	hasVerneedNum, hasStrsz, hasSyms bool
}

// maxDynamic bounds the entries of one dynamic section. Linkers write a few
// dozen; a file claiming more than this is not a real one.
const maxDynamic = 1 << 16

func parseDynamic(w *window, h *header, p *prog) (*dynamic, error) {
	n := p.filesz / h.dynSize()
	if n > maxDynamic {
		return nil, fmt.Errorf("PT_DYNAMIC claims %d entries, more than any real file has", n)
	}
	b, err := w.bytes(p.off, n*h.dynSize(), "PT_DYNAMIC segment")
	if err != nil {
		return nil, err
	}
	d := &dynamic{present: map[elf.DynTag]bool{}}
	half := h.dynSize() / 2
	for i := uint64(0); i < n; i++ {
		e := b[i*h.dynSize():]
		tag, val := elf.DynTag(h.word(e)), h.word(e[half:])
		if h.class == elf.ELFCLASS32 {
			tag = elf.DynTag(int32(h.bo.Uint32(e)))
		}
		if tag == elf.DT_NULL {
			break
		}
		d.present[tag] = true
		switch tag {
		case elf.DT_NEEDED:
			d.needed = append(d.needed, val)
		case elf.DT_SONAME:
			d.soname, d.hasSoname = val, true
		case elf.DT_RPATH:
			d.rpath, d.hasRpath = val, true
		case elf.DT_RUNPATH:
			d.runpath, d.hasRunpath = val, true
		case elf.DT_STRTAB:
			d.strtab, d.hasStrtab = val, true
		case elf.DT_STRSZ:
			d.strsz, d.hasStrsz = val, true
		case elf.DT_SYMTAB:
			d.symtab, d.hasSymtab = val, true
		case elf.DT_SYMENT:
			d.syment = val
		case elf.DT_HASH:
			d.hash, d.hasHash = val, true
		case elf.DT_GNU_HASH:
			d.gnuHash, d.hasGnuHash = val, true
		case elf.DT_VERSYM:
			d.versym, d.hasVersym = val, true
		case elf.DT_VERNEED:
			d.verneed, d.hasVerneed = val, true
		case elf.DT_VERNEEDNUM:
			d.verneedNum, d.hasVerneedNum = val, true
		case elf.DT_FLAGS_1:
			d.flags1 = val
		}
	}
	return d, nil
}

// strings is the dynamic string table, bounded by DT_STRSZ and by the
// loaded segment that holds it.
func (d *dynamic) strings(w *window, h *header) ([]byte, error) {
	if !d.hasStrtab || !d.hasStrsz {
		if len(d.needed) > 0 || d.hasVerneed || d.hasSoname {
			return nil, errors.New("PT_DYNAMIC has no DT_STRTAB/DT_STRSZ, so its names cannot be read")
		}
		return nil, nil
	}
	off, avail, err := h.offset(d.strtab, "DT_STRTAB")
	if err != nil {
		return nil, err
	}
	if d.strsz > avail {
		return nil, fmt.Errorf("DT_STRSZ claims %d bytes, but its segment holds %d from DT_STRTAB", d.strsz, avail)
	}
	return w.read(off, d.strsz, "dynamic string table (DT_STRTAB)")
}

// symbolCount is the number of .dynsym entries as the loader knows it: the
// DT_HASH chain count, or the end of the last DT_GNU_HASH chain. Each
// claimed count is checked against the bytes of its segment. exact is
// false when a DT_GNU_HASH table hashes no symbol at all (a library that
// only imports): its count is then a lower bound.
func (d *dynamic) symbolCount(w *window, h *header) (n uint64, exact bool, err error) {
	n, err = d.hashCount(w, h)
	if err != nil || d.hasHash || !d.hasGnuHash {
		return n, true, err
	}
	return n, !d.gnuHashEmpty, nil
}

func (d *dynamic) hashCount(w *window, h *header) (uint64, error) {
	if d.hasHash {
		off, _, err := h.offset(d.hash, "DT_HASH")
		if err != nil {
			return 0, err
		}
		// s390x and Alpha use 64-bit hash words; everyone else 32-bit.
		wsz := uint64(4)
		if h.machine == elf.EM_S390 && h.is64() {
			wsz = 8
		}
		b, err := w.bytes(off, 2*wsz, "DT_HASH header")
		if err != nil {
			return 0, err
		}
		if wsz == 8 {
			return h.bo.Uint64(b[8:]), nil
		}
		return uint64(h.bo.Uint32(b[4:])), nil
	}
	if !d.hasGnuHash {
		return 0, nil
	}
	off, avail, err := h.offset(d.gnuHash, "DT_GNU_HASH")
	if err != nil {
		return 0, err
	}
	b, err := w.bytes(off, 16, "DT_GNU_HASH header")
	if err != nil {
		return 0, err
	}
	nbuckets, symoff := uint64(h.bo.Uint32(b)), uint64(h.bo.Uint32(b[4:]))
	bloom := uint64(h.bo.Uint32(b[8:])) * pick(h.is64(), 8, 4)
	if bloom > avail || nbuckets > (avail-bloom)/4 {
		return 0, fmt.Errorf("DT_GNU_HASH claims %d buckets, more than its segment holds", nbuckets)
	}
	buckets := off + 16 + bloom
	var last uint64
	for i := uint64(0); i < nbuckets; i += blockSize / 4 {
		k := min(nbuckets-i, blockSize/4)
		bb, err := w.bytes(buckets+i*4, k*4, "DT_GNU_HASH buckets")
		if err != nil {
			return 0, err
		}
		for j := uint64(0); j < k; j++ {
			last = max(last, uint64(h.bo.Uint32(bb[j*4:])))
		}
	}
	if last == 0 {
		d.gnuHashEmpty = true
		return symoff, nil
	}
	if last < symoff {
		return 0, fmt.Errorf("DT_GNU_HASH bucket names symbol %d, below its first hashed symbol %d", last, symoff)
	}
	chains := buckets + nbuckets*4
	for i := last; ; i++ {
		// Each step reads one word; the window refuses words past the
		// file's end, so a chain without an end bit cannot run forever.
		c, err := w.bytes(chains+(i-symoff)*4, 4, "DT_GNU_HASH chain")
		if err != nil {
			return 0, err
		}
		if h.bo.Uint32(c)&1 != 0 {
			return i + 1, nil
		}
	}
}

// verneedRec is one Elf_Vernaux with the file of its Elf_Verneed.
type verneedRec struct {
	file, name uint64
	flags      uint16
	index      uint16
}

// versionNeeds walks DT_VERNEED the way glibc's loader does, following
// vn_next and vna_next until they are 0. Records move forward (vn_next and
// vna_next are unsigned and at least one record long), and no entry may be
// reached twice: records sharing entries (which made debug/elf expand a
// 145 KB file into gigabytes) are malformed, so the work is linear in the
// bytes present. The counts in DT_VERNEEDNUM and vn_cnt must match what the
// chains hold. GNU ld places each record's entries after it; lld places all
// records first, then all entries: both are walked the same way.
func (d *dynamic) versionNeeds(w *window, h *header) (recs []verneedRec, files uint64, err error) {
	if !d.hasVerneed {
		return nil, 0, nil
	}
	off, avail, err := h.offset(d.verneed, "DT_VERNEED")
	if err != nil {
		return nil, 0, err
	}
	end := off + avail
	var out []verneedRec
	visited := map[uint64]bool{}
	next := off
	for {
		if next+16 > end {
			return nil, 0, fmt.Errorf("version need record at %d runs past its segment", next)
		}
		b, err := w.bytes(next, 16, "version need record (DT_VERNEED)")
		if err != nil {
			return nil, 0, err
		}
		files++
		if v := h.bo.Uint16(b); v != 1 {
			return nil, 0, fmt.Errorf("version need record at %d has vn_version %d, want 1", next, v)
		}
		cnt, file := uint64(h.bo.Uint16(b[2:])), uint64(h.bo.Uint32(b[4:]))
		aux, vnNext := uint64(h.bo.Uint32(b[8:])), uint64(h.bo.Uint32(b[12:]))
		at := next + aux
		var seen uint64
		for aux != 0 {
			if at+16 > end {
				return nil, 0, fmt.Errorf("version need entry at %d runs past its segment", at)
			}
			if visited[at] {
				return nil, 0, fmt.Errorf("version need entry at %d is reached twice: the records overlap", at)
			}
			visited[at] = true
			a, err := w.bytes(at, 16, "version need entry")
			if err != nil {
				return nil, 0, err
			}
			seen++
			out = append(out, verneedRec{file: file, name: uint64(h.bo.Uint32(a[8:])), flags: h.bo.Uint16(a[4:]), index: h.bo.Uint16(a[6:])})
			an := uint64(h.bo.Uint32(a[12:]))
			if an == 0 {
				break
			}
			if an < 16 {
				return nil, 0, fmt.Errorf("version need entries at %d overlap (vna_next %d)", at, an)
			}
			at += an
		}
		if seen != cnt {
			return nil, 0, fmt.Errorf("version need record at %d says %d entries, its chain holds %d", next, cnt, seen)
		}
		if vnNext == 0 {
			break
		}
		if vnNext < 16 {
			return nil, 0, fmt.Errorf("version need records at %d overlap (vn_next %d)", next, vnNext)
		}
		next += vnNext
	}
	if d.hasVerneedNum && d.verneedNum != files {
		return nil, 0, fmt.Errorf("DT_VERNEEDNUM says %d version need records, the chain holds %d", d.verneedNum, files)
	}
	return out, files, nil
}

// symbolsEnd bounds a symbol table whose count no hash table gives: it ends
// where the nearest table that follows it begins (GNU ld puts .dynstr after
// .dynsym, lld .gnu.version), or at the end of its segment.
func (d *dynamic) symbolsEnd(h *header, avail uint64) uint64 {
	end := d.symtab + avail
	for _, t := range []struct {
		has  bool
		addr uint64
	}{{d.hasStrtab, d.strtab}, {d.hasVersym, d.versym}, {d.hasVerneed, d.verneed}, {d.hasHash, d.hash}, {d.hasGnuHash, d.gnuHash}} {
		if t.has && t.addr > d.symtab && t.addr < end {
			end = t.addr
		}
	}
	return (end - d.symtab) / h.symSize()
}
