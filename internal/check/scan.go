package check

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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
	Totals  Totals        `json:"summary"`

	target abidb.Version
}

// Totals counts verdicts.
type Totals struct {
	Files  int    `json:"files"`
	Within int    `json:"within"`
	Above  int    `json:"above"`
	Errors int    `json:"errors"`
	Static int    `json:"static"`
	Newest string `json:"newest_floor,omitempty"`
	// NewestPath is the first file that needs the newest floor.
	NewestPath string `json:"newest_path,omitempty"`
}

// Schema identifies the JSON document; it changes only with incompatible
// changes to its shape.
const Schema = "compatbuild.check/v1"

// Paths checks files and directories (walked recursively; symbolic links
// found while walking are not followed, so each real file is read once).
// Non-ELF files and relocatable objects are skipped; unreadable or broken
// ELF files become error entries and the scan goes on. Output order follows
// the arguments, and within directories the lexical walk order.
func Paths(paths []string, target abidb.Version) *Report {
	var files []string
	var walkErrs []*FileReport
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			walkErrs = append(walkErrs, &FileReport{Path: p, Status: StatusError, Error: pathError(err)})
			continue
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				walkErrs = append(walkErrs, &FileReport{Path: path, Status: StatusError, Error: pathError(err)})
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
	}
	results := make([]*FileReport, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = checkFile(files[i], target)
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()

	rep := &Report{Schema: Schema, target: target, Files: []*FileReport{}}
	if !target.IsZero() {
		rep.Target = target.String()
	}
	for _, r := range append(walkErrs, results...) {
		if r == nil || r.Status == StatusSkipped {
			continue
		}
		rep.add(r)
	}
	return rep
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

func checkFile(path string, target abidb.Version) *FileReport {
	info, err := elfinfo.ReadFile(path)
	if errors.Is(err, elfinfo.ErrNotELF) {
		return nil
	}
	if err != nil {
		return &FileReport{Path: path, Status: StatusError, Error: err.Error()}
	}
	r, err := Analyze(info, target)
	if err != nil {
		return &FileReport{Path: path, Status: StatusError, Error: err.Error()}
	}
	return r
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
