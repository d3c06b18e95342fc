package elfinfo

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A note an object file carries in an allocated SHT_NOTE section reaches
// the program's PT_NOTE segment, and stays there through strip and
// --gc-sections: the driver relies on it to tell its start files from the
// host's.
func TestNotesOfTheLoadedImage(t *testing.T) {
	dir := t.TempDir()
	asm := filepath.Join(dir, "n.S")
	os.WriteFile(asm, []byte(`	.pushsection .note.example, "a", %note
	.p2align 2
	.long 8, 4, 7
	.asciz "example"
	.long 42
	.popsection
	.section .note.GNU-stack, "", %progbits
`), 0o644)
	main := filepath.Join(dir, "m.c")
	os.WriteFile(main, []byte("int main(void) { return 0; }\n"), 0o644)
	exe := filepath.Join(dir, "m")
	if msg, err := exec.Command("gcc", "-s", "-Wl,--gc-sections", "-Wl,--build-id", "-o", exe, main, asm).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	f, err := ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !f.HasNote("example", 7) || !f.HasNote("GNU", 3 /* NT_GNU_BUILD_ID */) {
		t.Errorf("notes = %+v, want example/7 and GNU/3", f.Notes)
	}
	if f.HasNote("example", 8) || f.HasNote("exampl", 7) {
		t.Errorf("HasNote matched another type or a prefix of the owner: %+v", f.Notes)
	}
}

// A note segment whose sizes claim more than it holds ends the listing;
// the file is still read, with the notes before the damage.
func TestMalformedNoteSegment(t *testing.T) {
	data := buildSharedLib(t)
	f, err := Read("lib.so", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) == 0 {
		t.Fatal("gcc's shared library has no notes (expected the GNU build ID or property note)")
	}
	h, err := parseHeader(&window{r: bytes.NewReader(data), size: uint64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range h.progs {
		if p.typ == 4 /* PT_NOTE */ {
			h.bo.PutUint32(data[p.off:], 0xfffffff0) // namesz of the first note
		}
	}
	f, err = Read("lib.so", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("a damaged note made the file unreadable: %v", err)
	}
	if len(f.Notes) != 0 {
		t.Errorf("notes = %+v, want none after the damaged first note of each segment", f.Notes)
	}
}
