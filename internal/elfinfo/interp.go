package elfinfo

import (
	"bytes"
	"debug/elf"
	"fmt"
)

// maxInterp is the longest PT_INTERP the kernel accepts: PATH_MAX bytes,
// the terminating NUL included (Linux fs/binfmt_elf.c, load_elf_binary).
const maxInterp = 4096

// readInterp returns the program interpreter the kernel starts the file
// with: the path in the first PT_INTERP segment, up to its first NUL; ""
// when there is none. It applies the kernel's own rules, so a segment the
// kernel refuses (shorter than 2 bytes, longer than PATH_MAX, not ending
// in NUL) is malformed here too, not read past.
func readInterp(w *window, h *header) (string, error) {
	p := h.prog(elf.PT_INTERP)
	if p == nil {
		return "", nil
	}
	if p.filesz < 2 || p.filesz > maxInterp {
		return "", fmt.Errorf("PT_INTERP is %d bytes; the kernel accepts 2 to %d", p.filesz, maxInterp)
	}
	b, err := w.bytes(p.off, p.filesz, "program interpreter (PT_INTERP)")
	if err != nil {
		return "", err
	}
	if b[len(b)-1] != 0 {
		return "", fmt.Errorf("PT_INTERP does not end in NUL")
	}
	return string(b[:bytes.IndexByte(b, 0)]), nil
}
