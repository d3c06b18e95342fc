package check

import (
	"bufio"
	"bytes"
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// hostLibDir is where a Debian x86_64 machine keeps its libraries.
const hostLibDir = "/usr/lib/x86_64-linux-gnu"

// TestFloorAgreesWithReadelf compares, for every ELF file under the host's
// library directory, the glibc floor check computes with one derived
// independently from binutils' `readelf -V -W` output. Every file must agree.
func TestFloorAgreesWithReadelf(t *testing.T) {
	var files []string
	filepath.WalkDir(hostLibDir, func(path string, d fs.DirEntry, err error) error {
		// Named object files are errors (see TestNamedObjectsAndArchivesAreErrors).
		if err == nil && d.Type().IsRegular() && isELF(path) && !isRelocatable(path) {
			files = append(files, path)
		}
		return nil
	})
	if len(files) < 100 {
		t.Fatalf("only %d ELF files under %s: is this a Debian x86_64 machine?", len(files), hostLibDir)
	}
	want := readelfFloors(t, files)
	rep := Paths(files, abidb.Version{})
	compared := 0
	for _, r := range rep.Files {
		if r.Status == StatusError {
			t.Errorf("%s: %s", r.Path, r.Error)
			continue
		}
		got := ""
		if r.Glibc != nil {
			got = r.Glibc.Floor
		}
		w, ok := want[r.Path]
		if !ok {
			t.Errorf("%s: readelf printed nothing for it", r.Path)
			continue
		}
		if got != w {
			t.Errorf("%s: check says floor %q, readelf says %q", r.Path, got, w)
		}
		compared++
	}
	t.Logf("compared %d ELF files", compared)
	if compared < 100 {
		t.Errorf("compared only %d files", compared)
	}
}

func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	n, _ := f.Read(magic[:])
	return n == 4 && string(magic[:]) == "\x7fELF"
}

// isRelocatable reports whether an ELF file is an object file (ET_REL).
func isRelocatable(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Type == elf.ET_REL
}

// verneedEntry matches readelf's "  0x0010:   Name: GLIBC_2.2.5  Flags: none  Version: 3".
var verneedEntry = regexp.MustCompile(`^\s+0x[0-9a-f]+:\s+Name: (\S+)\s+Flags: (.*?)\s+Version: \d+$`)

// readelfFloors runs readelf over the files (in batches) and returns, per
// file, the newest GLIBC_x.y (or symbol-less marker) in its verneed that is
// not flagged WEAK. Relocatable objects, which check skips, are left out.
func readelfFloors(t *testing.T, files []string) map[string]string {
	t.Helper()
	markers := map[string]string{"GLIBC_ABI_DT_RELR": "2.36", "GLIBC_ABI_DT_X86_64_PLT": "2.43", "GLIBC_ABI_GNU2_TLS": "2.43"}
	floors := map[string]string{}
	for start := 0; start < len(files); start += 400 {
		batch := files[start:min(start+400, len(files))]
		cmd := exec.Command("readelf", append([]string{"-h", "-V", "-W"}, batch...)...)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil && out.Len() == 0 {
			t.Fatalf("readelf: %v", err)
		}
		var cur string
		var best abidb.Version
		flush := func() {
			if cur != "" {
				if best.IsZero() {
					floors[cur] = ""
				} else {
					floors[cur] = best.String()
				}
			}
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if name, ok := strings.CutPrefix(line, "File: "); ok {
				flush()
				cur, best = name, abidb.Version{}
				continue
			}
			if len(batch) == 1 && cur == "" {
				cur = batch[0]
			}
			if strings.Contains(line, "Type:") && strings.Contains(line, "REL (Relocatable file)") {
				cur = ""
				continue
			}
			m := verneedEntry.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			name, flags := m[1], m[2]
			if strings.Contains(flags, "WEAK") || !strings.HasPrefix(name, "GLIBC_") {
				continue
			}
			var v abidb.Version
			if m, ok := markers[name]; ok {
				v = abidb.MustParseVersion(m)
			} else if p, err := abidb.ParseVersion(strings.TrimPrefix(name, "GLIBC_")); err == nil {
				v = p
			} else {
				continue
			}
			if best.Less(v) {
				best = v
			}
		}
		flush()
	}
	return floors
}
