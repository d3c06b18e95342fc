// Package outputs checks what a build command wrote: after 'compatbuild
// exec', 'go' and 'cargo', every ELF executable and shared library created
// or changed under the working directory during the command is judged
// against the target glibc. Environment variables do not reach every
// link: a Makefile that runs gcc by name, a Python distutils build that
// links with sysconfig's LDSHARED, a build script that calls the system
// compiler. Whatever the build tool, an output that did not link through
// compatbuild and needs a newer glibc than the target fails the command,
// with the files, their floors and the likely cause.
//
// Which outputs compatbuild linked: the compiler driver appends each output
// it linked and checked to a per-command log named by $COMPATBUILD_LINK_LOG
// (RecordLink), which Start creates.
//
// What the command wrote: files whose status-change time (ctime) is not
// older than the command's start (see startMark). The kernel sets ctime on
// every write, rename, link or chmod, and no tool can set it back (cp -p
// and tar set mtime, not ctime), so nothing written during the command is
// missed, and nothing written before it is judged. Files whose names say
// they are sources, text, object files or archives (see notOutput) are not
// looked at: a build never names an executable or a library so.
package outputs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/check"
)

// LogVar names the link log: the file the compiler driver appends each
// output it linked and checked to.
const LogVar = "COMPATBUILD_LINK_LOG"

// RecordLink notes in the link log (if $COMPATBUILD_LINK_LOG names one)
// that the driver linked and checked output. Each record is
// "<device> <inode> <path>" and a NUL byte, written with one append, so
// parallel links do not interleave. The log only explains a finding; a
// failure to write it is not the link's failure.
func RecordLink(output string) {
	log := os.Getenv(LogVar)
	if log == "" {
		return
	}
	st, err := os.Stat(output)
	if err != nil {
		return
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	abs, _ := filepath.Abs(output)
	// No O_CREATE: a variable left over from another command must not
	// make files appear.
	f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	f.Write([]byte(fmt.Sprintf("%d %d %s\x00", sys.Dev, sys.Ino, abs)))
	f.Close()
}

// fileID identifies a file independently of the path it is reached by.
type fileID struct{ dev, ino uint64 }

// Watch covers one command: its start time and its link log.
type Watch struct {
	root  string
	since time.Time
	log   string
}

// Start begins watching root (made absolute) for a command about to run.
// Call Close when done.
func Start(root string) (*Watch, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	since, err := startMark(root)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(cachefs.TempRoot(), "compatbuild-links-")
	if err != nil {
		return nil, fmt.Errorf("creating the link log: %v", err)
	}
	f.Close()
	return &Watch{root: root, since: since, log: f.Name()}, nil
}

// startMark returns the status-change time from which on a file counts as
// written by the command. It is read from a probe file in root, so it
// comes from the clock and timestamp granularity of root's file system
// (an NFS server's, say), and it is the first clock tick after the probe
// was made: everything written before has an older ctime, everything the
// command writes one at least as new. Where the clock does not move on
// within maxTick (a file system with whole-second timestamps), the probe's
// own time is used, and a file written in the same second before the
// command is judged too. The probe is removed and root's modification
// time put back; a root that cannot be written to is probed from the
// temporary directory instead.
func startMark(root string) (time.Time, error) {
	const maxTick = 20 * time.Millisecond
	before, err := os.Stat(root)
	if err != nil {
		return time.Time{}, err
	}
	f, err := os.CreateTemp(root, ".compatbuild-start-")
	restore := err == nil
	if err != nil {
		if f, err = os.CreateTemp(cachefs.TempRoot(), "compatbuild-start-"); err != nil {
			return time.Time{}, fmt.Errorf("marking the command's start: %v", err)
		}
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
		if restore {
			os.Chtimes(root, time.Time{}, before.ModTime())
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return time.Time{}, err
	}
	first := ctime(st)
	for deadline := time.Now().Add(maxTick); time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		if err := f.Chmod(0o600); err != nil { // sets ctime to now
			break
		}
		if st, err = f.Stat(); err != nil {
			break
		}
		if now := ctime(st); now.After(first) {
			return now, nil
		}
	}
	return first, nil
}

// Env is the variable that makes the driver record its links for this
// watch: LogVar=<log>.
func (w *Watch) Env() (name, value string) { return LogVar, w.log }

// Close removes the link log.
func (w *Watch) Close() error { return os.Remove(w.log) }

func ctime(st os.FileInfo) time.Time {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return time.Unix(sys.Ctim.Sec, sys.Ctim.Nsec)
	}
	return st.ModTime()
}

// Options say what to judge.
type Options struct {
	Target abidb.Version
	ABI    string // only files of this ABI are judged (the target's)
	// Skip holds patterns (filepath.Match syntax) for paths not to judge:
	// a pattern matches a path relative to the root or its base name, and
	// a matching directory is not entered.
	Skip []string
	// Prune, if set, is asked about every directory: skip it, and walk
	// the listed directories instead (for cargo's target directory, where
	// only build scripts' OUT_DIRs hold files cargo does not link itself).
	Prune func(dir string) (skip bool, instead []string)
}

// Finding is an output above the target.
type Finding struct {
	Path   string // relative to the root
	Report *check.FileReport
	Linked bool   // the driver linked it (so it was changed afterwards)
	Cause  string // what probably wrote it without compatbuild
}

// Result is what Check found.
type Result struct {
	Files      int       // ELF executables and shared libraries written during the command
	Above      []Finding // those above the target, by path
	Unreadable []string  // files with an ELF header that could not be read
	Walked     int       // regular files seen under the root
}

// Check walks the root and judges every ELF executable and shared library
// of opt.ABI written since Start.
func (w *Watch) Check(opt Options) (*Result, error) {
	wk := &walker{root: w.root, opt: opt, since: w.since, linked: w.linked(), sem: make(chan struct{}, walkers)}
	if err := wk.dir(w.root, true); err != nil {
		return nil, fmt.Errorf("checking what the command wrote under %s: %v", w.root, err)
	}
	wk.wg.Wait()
	res := &wk.res
	res.Walked = int(wk.walked.Load())
	sort.Slice(res.Above, func(i, j int) bool { return res.Above[i].Path < res.Above[j].Path })
	sort.Strings(res.Unreadable)
	for i := range res.Above {
		res.Above[i].Cause = likelyCause(w.root, res.Above[i])
	}
	return res, nil
}

// linked reads the link log.
func (w *Watch) linked() map[fileID]bool {
	out := map[fileID]bool{}
	data, err := os.ReadFile(w.log)
	if err != nil {
		return out
	}
	for _, rec := range bytes.Split(data, []byte{0}) {
		f := strings.SplitN(string(rec), " ", 3)
		if len(f) < 3 {
			continue
		}
		dev, err1 := strconv.ParseUint(f[0], 10, 64)
		ino, err2 := strconv.ParseUint(f[1], 10, 64)
		if err1 == nil && err2 == nil {
			out[fileID{dev, ino}] = true
		}
	}
	return out
}

func skipped(rel string, patterns []string) bool {
	for _, p := range patterns {
		p = strings.TrimSuffix(p, "/")
		if ok, _ := filepath.Match(p, rel); ok {
			return true
		}
		if ok, _ := filepath.Match(p, filepath.Base(rel)); ok {
			return true
		}
	}
	return false
}

// Write explains the findings on w: each file with its floor and the
// symbols that force it (check's report), its likely cause, and what to
// do. flag is the option that turns the check off.
func (r *Result) Write(w io.Writer, target abidb.Version, flag string) {
	if len(r.Unreadable) > 0 {
		fmt.Fprintf(w, "compatbuild: note: could not read %s, written during the command; not checked\n", strings.Join(r.Unreadable, ", "))
	}
	if len(r.Above) == 0 {
		return
	}
	files := "file"
	if len(r.Above) > 1 {
		files = "files"
	}
	fmt.Fprintf(w, "compatbuild: %d %s the command wrote need%s a newer glibc than the target %s:\n", len(r.Above), files, map[bool]string{true: "s"}[len(r.Above) == 1], target)
	rep := &check.Report{Target: target.String()}
	for _, f := range r.Above {
		rep.Files = append(rep.Files, f.Report)
	}
	rep.WriteFiles(w)
	for _, f := range r.Above {
		fmt.Fprintf(w, "compatbuild: %s: %s\n", f.Path, f.Cause)
	}
	fmt.Fprintf(w, "compatbuild: link these through compatbuild (the build must use $CC/$CXX, which compatbuild sets), or exclude a file the build only runs on this machine with --scan-skip PATTERN; %s turns this check off\n", flag)
}
