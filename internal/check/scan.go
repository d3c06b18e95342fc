package check

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"compatbuild/internal/abidb"
	"compatbuild/internal/elfinfo"
)

// Report is the result of checking a set of paths.
type Report struct {
	Schema string `json:"schema"`
	Target string `json:"target,omitempty"` // the --glibc gate
	// Targets names every gate: "glibc 2.17", "manylinux_2_17", "rhel:7".
	Targets []string      `json:"targets,omitempty"`
	Files   []*FileReport `json:"files"`
	// Wheels holds one entry per wheel checked; its ELF members are in
	// Files, named WHEEL!MEMBER.
	Wheels []*WheelReport `json:"wheels,omitempty"`
	Totals Totals         `json:"summary"`

	target abidb.Version
}

// Totals counts verdicts.
type Totals struct {
	Files  int `json:"files"`
	Within int `json:"within"`
	Above  int `json:"above"`
	Errors int `json:"errors"`
	// Overclaims counts wheels whose file name claims more than their
	// contents allow (each also counts as above).
	Overclaims int    `json:"overclaiming_wheels,omitempty"`
	Static     int    `json:"static"`
	Newest     string `json:"newest_floor,omitempty"`
	// NewestPath is the first file that needs the newest floor.
	NewestPath string `json:"newest_path,omitempty"`
}

// Schema identifies the JSON document; it changes only with incompatible
// changes to its shape.
const Schema = "compatbuild.check/v1"

// Paths checks files and directories against a glibc target (zero: none).
func Paths(paths []string, target abidb.Version) *Report {
	return PathsTargets(paths, Targets{Glibc: target})
}

// scanned is one ELF file of the checked set.
type scanned struct {
	path  string // as reported
	real  string // absolute, symbolic links resolved: where the loader finds it
	info  *elfinfo.File
	err   error
	named bool // named on the command line, not found while walking
}

// PathsTargets checks files, directories and wheels against targets.
// Directories are walked recursively (symbolic links found while walking
// are not followed, so each real file is read once; a symbolic link named
// on the command line is). Non-ELF files and relocatable objects found
// while walking are skipped quietly; a path named on the command line must
// be an ELF executable, shared library or wheel, or it is an error. Output
// order follows the arguments, and within directories the lexical walk
// order.
//
// The files checked together are one set: each file's DT_NEEDED names are
// resolved through its DT_RPATH/DT_RUNPATH ($ORIGIN expanded) to files of
// the set, so a program's verdict includes the bundled libraries it loads.
func PathsTargets(paths []string, t Targets) *Report {
	var items []*scanned
	var walkErrs []*FileReport
	var wheels []string
	named := map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			walkErrs = append(walkErrs, &FileReport{Path: p, Status: StatusError, Error: pathError(err)})
			continue
		}
		if !st.IsDir() {
			if strings.HasSuffix(p, ".whl") && st.Mode().IsRegular() {
				wheels = append(wheels, p)
				named[p] = true
				continue
			}
			items = append(items, &scanned{path: p, named: true})
			continue
		}
		root := p
		if lst, err := os.Lstat(p); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			root = p + string(filepath.Separator) // walk the directory the link names
		}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				walkErrs = append(walkErrs, &FileReport{Path: path, Status: StatusError, Error: pathError(err)})
				return nil
			}
			switch {
			case d.Type().IsRegular() && strings.HasSuffix(path, ".whl"):
				wheels = append(wheels, path)
			case d.Type().IsRegular():
				items = append(items, &scanned{path: path})
			}
			return nil
		})
	}
	parallel(len(items), func(i int) {
		it := items[i]
		it.info, it.err = elfinfo.ReadFile(it.path)
		if abs, err := filepath.Abs(it.path); err == nil {
			it.real = abs
			if r, err := filepath.EvalSymlinks(abs); err == nil {
				it.real = r
			}
		}
	})

	rep := &Report{Schema: Schema, Files: []*FileReport{}}
	rep.setTargets(t)
	for _, r := range walkErrs {
		rep.add(r)
	}
	set := newFileSet(items)
	results := make([]*FileReport, len(items))
	parallel(len(items), func(i int) { results[i] = set.report(items[i], t) })
	for _, r := range results {
		if r != nil && r.Status != StatusSkipped {
			rep.add(r)
		}
	}
	for _, w := range wheels {
		wr, members := checkWheel(w, t)
		if wr.pure && !named[w] {
			continue // a pure-Python wheel found while walking: nothing to judge
		}
		for _, r := range members {
			if r.Status != StatusSkipped {
				rep.add(r)
			}
		}
		rep.Wheels = append(rep.Wheels, wr)
		switch {
		case wr.Error != "":
			rep.add(&FileReport{Path: w, Status: StatusError, Error: wr.Error})
		case len(wr.Overclaims) > 0:
			rep.Totals.Overclaims++
			rep.Totals.Above++
		}
	}
	return rep
}

func (rep *Report) setTargets(t Targets) {
	if !t.Glibc.IsZero() {
		rep.Target = t.Glibc.String()
		rep.Targets = append(rep.Targets, "glibc "+t.Glibc.String())
	}
	for _, p := range t.Manylinux {
		rep.Targets = append(rep.Targets, p.Name)
	}
	for _, d := range t.Distros {
		rep.Targets = append(rep.Targets, d.ID)
	}
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(n, runtime.GOMAXPROCS(0))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

// pathError says what went wrong with a path without repeating the
// operation's name ("stat"), since reports already name the path.
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

func (rep *Report) add(r *FileReport) {
	rep.Files = append(rep.Files, r)
	t := &rep.Totals
	t.Files++
	switch r.Status {
	case StatusError:
		t.Errors++
		return
	case StatusAbove:
		t.Above++
	case StatusStatic:
		t.Static++
		t.Within++
	default:
		t.Within++
	}
	if r.Glibc != nil && rep.newest().Less(r.Glibc.floor) {
		t.Newest, t.NewestPath = r.Glibc.Floor, r.Path
	}
}

func (rep *Report) newest() abidb.Version {
	if rep.Totals.Newest == "" {
		return abidb.Version{}
	}
	return abidb.MustParseVersion(rep.Totals.Newest)
}

// ExitCode is 2 if any file could not be read, else 1 if any file is above
// the target, else 0.
func (rep *Report) ExitCode() int {
	switch {
	case rep.Totals.Errors > 0:
		return 2
	case rep.Totals.Above > 0:
		return 1
	}
	return 0
}
