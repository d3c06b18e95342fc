package elfinfo

import (
	"debug/elf"
	"strings"
)

// Note identifies one ELF note (System V gABI, "Note Section"): its owner
// name, without the terminating NUL, and its type, which the owner
// defines.
type Note struct {
	Owner string
	Type  uint32
}

// Bounds on what readNotes looks at: real programs carry a handful of
// notes (build ID, ABI tag, GNU properties) in well under a kilobyte, and
// a note the loader does not read can only add information, never hide a
// need, so anything past the bounds is ignored rather than an error.
const (
	maxNoteBytes = 64 << 10 // per PT_NOTE segment
	maxNotes     = 64       // per file
	maxNoteName  = 256
)

// readNotes lists the notes of the PT_NOTE segments (the notes a program
// carries into memory; strip keeps them). A malformed segment ends its
// own listing: what was read before it stays.
func readNotes(w *window, h *header) []Note {
	var out []Note
	for _, p := range h.progs {
		if p.typ != elf.PT_NOTE || p.filesz == 0 {
			continue
		}
		b, err := w.bytes(p.off, min(p.filesz, maxNoteBytes), "note segment (PT_NOTE)")
		if err != nil {
			continue
		}
		// Both ELF classes use 4-byte note words (the Linux convention;
		// the fields are aligned to 4, or to 8 for PT_NOTE segments whose
		// alignment says so, as GNU property notes on 64-bit ABIs are).
		align := uint64(4)
		if p.align == 8 {
			align = 8
		}
		for len(b) >= 12 && len(out) < maxNotes {
			namesz, descsz, typ := uint64(h.bo.Uint32(b)), uint64(h.bo.Uint32(b[4:])), h.bo.Uint32(b[8:])
			name := roundUp(namesz, align)
			desc := roundUp(descsz, align)
			if namesz > maxNoteName || name > uint64(len(b)-12) || desc > uint64(len(b)-12)-name {
				break
			}
			out = append(out, Note{Owner: strings.TrimRight(string(b[12:12+namesz]), "\x00"), Type: typ})
			b = b[12+name+desc:]
		}
	}
	return out
}

func roundUp(n, a uint64) uint64 { return (n + a - 1) &^ (a - 1) }

// HasNote says whether the file carries a note of this owner and type.
func (info *File) HasNote(owner string, typ uint32) bool {
	for _, n := range info.Notes {
		if n.Owner == owner && n.Type == typ {
			return true
		}
	}
	return false
}
