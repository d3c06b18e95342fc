package check

import (
	"io"
	"os"
	"syscall"

	"compatbuild/internal/elfinfo"
)

// The kind: a path named on the command line is judged or is an error
// (exit 2), never dropped. What check cannot judge is named with what to
// check instead: an object file or a static archive is not loaded by
// anything as it is, so its verdict is the program or library it is
// linked into. Files found while walking a directory are skipped quietly.

// notLinked says why a named ELF file of a kind check does not judge is
// an error; "" for executables and shared libraries.
func notLinked(k elfinfo.Kind) string {
	switch k {
	case elfinfo.Relocatable:
		return "an object file (ELF relocatable): not linked yet, so nothing loads it as it is; check the linked program or library"
	case elfinfo.Other:
		return "an ELF file that is neither a program nor a shared library (a core dump?): name the built executable or library"
	}
	return ""
}

// notELF says what a named file without the ELF magic is, from its first
// bytes.
func notELF(path string) string {
	var head [8]byte
	if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		io.ReadFull(f, head[:])
		f.Close()
	}
	switch string(head[:]) {
	case "!<arch>\n", "!<thin>\n": // ar(5); GNU thin archives
		return "a static archive (ar): its objects are linked into a program or library; check that"
	}
	return "not an ELF file (a script, text, or a git-lfs pointer?): name the built executable or library"
}
