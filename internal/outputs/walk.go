package outputs

import (
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"compatbuild/internal/check"
	"compatbuild/internal/elfinfo"
)

// walkers bounds the goroutines reading directories besides the caller's:
// reading a directory and a file's status are system calls that wait on
// the kernel, and a second core takes a big tree in about half the time.
const walkers = 3

// walker visits one tree for Check.
type walker struct {
	root   string
	opt    Options
	since  time.Time
	linked map[fileID]bool
	sem    chan struct{}
	wg     sync.WaitGroup
	walked atomic.Int64

	mu  sync.Mutex
	res Result
}

// notOutput are name endings a build never gives an executable or a
// shared library: sources, headers, build and text files, and object files
// and archives (ELF relocatable or ar files, which are not judged). Such
// files are not even looked at, which spares most of a source tree's
// system calls. Shared libraries are named .so, .so.N or anything else
// (Python's .cpython-311-x86_64-linux-gnu.so, Node's .node), executables
// anything at all: those are all read.
var notOutput = []string{
	".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".inc", ".ipp", ".tcc", ".S", ".s", ".asm",
	".rs", ".go", ".py", ".pyc", ".pyi", ".java", ".class", ".js", ".ts", ".rb", ".pl", ".pm", ".sh",
	".o", ".obj", ".a", ".lo", ".la", ".d", ".rlib", ".rmeta", ".gch", ".pch",
	".txt", ".md", ".rst", ".html", ".css", ".xml", ".json", ".toml", ".yml", ".yaml", ".ini", ".cfg",
	".cmake", ".am", ".in", ".ac", ".m4", ".mk", ".log", ".tmp", ".stamp",
	".png", ".jpg", ".svg", ".gz", ".xz", ".bz2", ".zst", ".zip", ".tar",
}

func namedNotOutput(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return false
	}
	ext := name[i:]
	for _, n := range notOutput {
		if ext == n {
			return true
		}
	}
	return false
}

// pseudoFS reports whether dir is the root of a kernel file system that
// holds no files a build wrote (/proc, /sys, cgroups...), as under a
// chroot inside the tree or a command run from /: walking those is slow
// and pointless. Only directories named like their usual mount points are
// asked.
func pseudoFS(dir string) bool {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return false
	}
	switch uint32(fs.Type) {
	case 0x9fa0, // proc
		0x62656572, // sysfs
		0x1cd1,     // devpts
		0x27e0eb,   // cgroup
		0x63677270, // cgroup2
		0x64626720, // debugfs
		0x74726163, // tracefs
		0x73636673, // securityfs
		0xcafe4a11, // bpf
		0x6165676c, // pstore
		0x62656570, // configfs
		0x19800202, // mqueue
		0x65735543, // fusectl
		0x42494e4d: // binfmt_misc
		return true
	}
	return false
}

// spawn visits dir on another goroutine if one is free, else on this one.
func (w *walker) spawn(dir string) {
	select {
	case w.sem <- struct{}{}:
		w.wg.Add(1)
		go func() {
			defer func() { <-w.sem; w.wg.Done() }()
			w.dir(dir, false)
		}()
	default:
		w.dir(dir, false)
	}
}

// dir visits one directory. Only the root's own error is returned: a
// directory the build made unreadable holds nothing it can ship.
func (w *walker) dir(path string, top bool) error {
	f, err := os.Open(path)
	if err != nil {
		if top {
			return err
		}
		return nil
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil && top {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(path, name)
		rel, _ := filepath.Rel(w.root, full)
		if skipped(rel, w.opt.Skip) {
			continue
		}
		if e.IsDir() {
			switch name {
			case ".git", ".hg", ".svn":
				continue
			case "proc", "sys", "dev", "run":
				if pseudoFS(full) {
					continue
				}
			}
			if w.opt.Prune != nil {
				if skip, instead := w.opt.Prune(full); skip {
					for _, sub := range instead {
						w.spawn(sub)
					}
					continue
				}
			}
			w.spawn(full)
			continue
		}
		if !e.Type().IsRegular() {
			continue
		}
		w.walked.Add(1)
		if !namedNotOutput(name) {
			w.file(full, rel, e)
		}
	}
	return nil
}

// file judges one regular file if the command wrote it.
func (w *walker) file(path, rel string, e os.DirEntry) {
	st, err := e.Info()
	if err != nil || st.Size() < 64 || ctime(st).Before(w.since) || !linkedELF(path) {
		return
	}
	info, err := elfinfo.ReadFile(path)
	if err != nil {
		w.mu.Lock()
		w.res.Unreadable = append(w.res.Unreadable, rel)
		w.mu.Unlock()
		return
	}
	if info.ABI != w.opt.ABI {
		return
	}
	rep, err := check.Analyze(info, w.opt.Target)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.res.Files++
	if err != nil || rep.Status != check.StatusAbove {
		return
	}
	rep.Path = rel
	f := Finding{Path: rel, Report: rep}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		f.Linked = w.linked[fileID{uint64(sys.Dev), sys.Ino}]
	}
	w.res.Above = append(w.res.Above, f)
}

// linkedELF reports whether path is an ELF executable or shared object
// (ET_EXEC or ET_DYN), reading only its header: builds write many object
// files, which are not judged.
func linkedELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [18]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || string(h[:4]) != elf.ELFMAG {
		return false
	}
	typ := uint16(h[16]) | uint16(h[17])<<8
	if elf.Data(h[elf.EI_DATA]) == elf.ELFDATA2MSB {
		typ = uint16(h[16])<<8 | uint16(h[17])
	}
	return elf.Type(typ) == elf.ET_EXEC || elf.Type(typ) == elf.ET_DYN
}
