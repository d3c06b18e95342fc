package libcompat

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// missingIn217 is what glibc 2.17 (x86_64) lacks among the symbols we can
// polyfill, written out by hand so the selection test does not just repeat
// the table in catalog.go.
var missingIn217 = map[string]bool{
	"fcntl64": true, "getrandom": true, "getentropy": true, "reallocarray": true,
	"explicit_bzero": true, "gettid": true, "strlcpy": true, "strlcat": true,
	"arc4random": true, "arc4random_buf": true, "arc4random_uniform": true,
	"close_range": true, "memfd_create": true, "copy_file_range": true, "statx": true,
	"_dl_find_object": true, "__libc_single_threaded": true,
	"wcslcpy": true, "wcslcat": true, "memset_explicit": true, "__cxa_thread_atexit_impl": true,
	"__explicit_bzero_chk": true, "__strlcpy_chk": true, "__strlcat_chk": true,
	"__wcslcpy_chk": true, "__wcslcat_chk": true, "__inet_pton_chk": true,
	"__inet_ntop_chk": true, "__memset_explicit_chk": true,
	"stat": true, "fstat": true, "lstat": true, "fstatat": true,
	"stat64": true, "fstat64": true, "lstat64": true, "fstatat64": true,
	"mknod": true, "mknodat": true,
}

func has217(sym string) bool {
	if strings.HasPrefix(sym, "__isoc23_") {
		return false
	}
	return !missingIn217[sym]
}

// target217 is glibc 2.17 as the ABI database knows it: every catalogue
// symbol is missing there. Its polyfills are for programs compiled with
// gcc's headers, which the tests' programs are.
var target217 = Target{Arch: "x86_64", Glibc: Version{2, 17}, Headers: gccHeaders()}

// gccHeaders is the glibc release of gcc's headers (zero if gcc cannot
// tell, which fails the tests that build polyfills of two forms).
func gccHeaders() Version {
	info, _ := ProbeHeaders(context.Background(), []string{"gcc"})
	return info.Release
}

// needTools skips the test when the host lacks the C toolchain.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range append([]string{"gcc"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not available: %v", tool, err)
		}
	}
}

var (
	shared217Once sync.Once
	shared217     *Files
	shared217Err  error
	sharedDir     string
)

// build217 builds the 2.17 set once per test binary.
func build217(t *testing.T) *Files {
	t.Helper()
	needTools(t)
	shared217Once.Do(func() {
		var err error
		sharedDir, err = os.MkdirTemp("", "libcompat-test-")
		if err != nil {
			shared217Err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		shared217, shared217Err = Build(ctx, []string{"gcc"}, target217, filepath.Join(sharedDir, "2.17"))
	})
	if shared217Err != nil {
		t.Fatalf("Build for 2.17: %v", shared217Err)
	}
	return shared217
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// run runs a command in dir and returns its combined output; it fails the
// test if the command fails.
func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(dir string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	err := cmd.Run()
	return buf.String(), err
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gccFile(t *testing.T, name string) string {
	t.Helper()
	return strings.TrimSpace(run(t, "", "gcc", "-print-file-name="+name))
}

// definesItself asserts that the linked ELF file defines each symbol in its
// own symbol table and does not import it from a shared library.
func definesItself(t *testing.T, path string, syms ...string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	local := map[string]bool{}
	all, _ := f.Symbols()
	for _, s := range all {
		if s.Section != elf.SHN_UNDEF {
			local[s.Name] = true
		}
	}
	imported := map[string]string{}
	dyn, _ := f.DynamicSymbols()
	for _, s := range dyn {
		if s.Section == elf.SHN_UNDEF {
			imported[s.Name] = s.Version
		}
	}
	for _, s := range syms {
		if !local[s] {
			t.Errorf("%s: does not define %s itself", filepath.Base(path), s)
		}
		if v, ok := imported[s]; ok {
			t.Errorf("%s: imports %s@%s", filepath.Base(path), s, v)
		}
	}
}

// importedSymbols returns the undefined dynamic symbols of an ELF file.
func importedSymbols(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	dyn, _ := f.DynamicSymbols()
	for _, s := range dyn {
		if s.Section == elf.SHN_UNDEF {
			out[s.Name] = s.Version
		}
	}
	return out
}

// readArchive parses an ar archive into members (index and name table
// excluded).
func readArchive(t *testing.T, path string) []arMember {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("!<arch>\n")) {
		t.Fatalf("%s: not an ar archive", path)
	}
	var members []arMember
	var longNames []byte
	p := 8
	for p < len(data) {
		if p+60 > len(data) {
			t.Fatalf("%s: truncated header at %d", path, p)
		}
		h := data[p : p+60]
		if string(h[58:60]) != "`\n" {
			t.Fatalf("%s: bad header magic at %d", path, p)
		}
		name := strings.TrimRight(string(h[0:16]), " ")
		size, err := strconv.Atoi(strings.TrimSpace(string(h[48:58])))
		if err != nil {
			t.Fatalf("%s: bad size at %d", path, p)
		}
		body := data[p+60 : p+60+size]
		p += 60 + size + size%2
		switch {
		case name == "/":
			continue
		case name == "//":
			longNames = body
			continue
		case strings.HasPrefix(name, "/"):
			off, err := strconv.Atoi(name[1:])
			if err != nil || off >= len(longNames) {
				t.Fatalf("%s: bad long name %q", path, name)
			}
			end := bytes.Index(longNames[off:], []byte("/\n"))
			name = string(longNames[off : off+end])
		default:
			name = strings.TrimSuffix(name, "/")
		}
		members = append(members, arMember{name: name, data: body})
	}
	return members
}

// elfSymbols parses an object file's symbol table.
func elfSymbols(t *testing.T, name string, data []byte) []elf.Symbol {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return syms
}

// relocTypes lists the x86_64 relocation types of an object and the
// symbols they refer to.
func relocTypes(t *testing.T, name string, data []byte) map[elf.R_X86_64][]string {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	syms, _ := f.Symbols()
	out := map[elf.R_X86_64][]string{}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		b, err := s.Data()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+24 <= len(b); i += 24 {
			info := f.ByteOrder.Uint64(b[i+8:])
			typ := elf.R_X86_64(elf.R_TYPE64(info))
			idx := elf.R_SYM64(info)
			sym := ""
			if idx > 0 && int(idx) <= len(syms) {
				sym = syms[idx-1].Name
			}
			out[typ] = append(out[typ], sym)
		}
	}
	return out
}

// compatShim returns assembly that defines each name (hidden) as a jump to
// name@version in the host libc. It lets tests bind code that references
// old symbols (__xstat, old __libc_start_main) to the compatibility
// versions the host glibc still carries but does not let new links use.
func compatShim(versions map[string]string) string {
	var b strings.Builder
	b.WriteString("\t.text\n")
	for name, ver := range versions {
		fmt.Fprintf(&b, "\t.globl %[1]s\n\t.hidden %[1]s\n\t.type %[1]s, @function\n%[1]s:\n\tjmp *shim_real_%[1]s@GOTPCREL(%%rip)\n\t.symver shim_real_%[1]s, %[1]s@%[2]s\n", name, ver)
	}
	b.WriteString("\t.section .note.GNU-stack,\"\",@progbits\n")
	return b.String()
}

func readFileT(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// extractSources writes the whole embedded source tree into work, for
// tests that compile sources by hand.
func extractSources(work string) error {
	srcs := &sourceDirs{work: work, done: map[string]bool{}}
	return fs.WalkDir(sources, "src", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return srcs.extract(p)
	})
}
