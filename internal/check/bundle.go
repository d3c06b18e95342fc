package check

import (
	"errors"
	"path"
	"path/filepath"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/elfinfo"
)

// fileSet is the checked set of ELF files, indexed for DT_NEEDED
// resolution. Paths use '/' inside wheels and the host's separator
// outside; both are cleaned absolute paths ("real").
type fileSet struct {
	byInfo map[*elfinfo.File]string
	byReal map[string]*scanned
}

func newFileSet(items []*scanned) *fileSet {
	s := &fileSet{byInfo: map[*elfinfo.File]string{}, byReal: map[string]*scanned{}}
	for _, it := range items {
		if it.err != nil || it.info == nil {
			continue
		}
		s.byReal[it.real] = it
		s.byInfo[it.info] = it.real
	}
	return s
}

// resolve finds the file of the set that the loader would load for a
// DT_NEEDED name of it: through DT_RPATH (when there is no DT_RUNPATH),
// then DT_RUNPATH, with $ORIGIN expanded to the file's directory. Only
// those paths count: a library that merely lies in the tree is not loaded
// from there (the loader's default directories and LD_LIBRARY_PATH are
// the target's, not the bundle's). glibc's own libraries and the loader
// are never taken from a bundle: the target's are used.
func (s *fileSet) resolve(it *scanned, lib string) *scanned {
	if abidb.IsGlibcSoname(lib) || isLoader(lib) {
		return nil
	}
	if strings.Contains(lib, "/") {
		return s.byReal[path.Clean(path.Join(path.Dir(it.real), lib))]
	}
	var dirs []string
	if it.info.Runpath == nil {
		dirs = append(dirs, it.info.Rpath...)
	}
	dirs = append(dirs, it.info.Runpath...)
	origin := path.Dir(it.real)
	for _, d := range dirs {
		d = strings.ReplaceAll(strings.ReplaceAll(d, "${ORIGIN}", origin), "$ORIGIN", origin)
		if d == "" || strings.Contains(d, "$") {
			continue // $LIB, $PLATFORM: host-dependent, not part of a bundle
		}
		cand := path.Clean(path.Join(d, lib))
		if f := s.byReal[cand]; f != nil {
			return f
		}
		if r, err := filepath.EvalSymlinks(cand); err == nil {
			if f := s.byReal[r]; f != nil {
				return f
			}
		}
	}
	return nil
}

// report judges one file of the set with the bundled libraries it loads.
func (s *fileSet) report(it *scanned, t Targets) *FileReport {
	if it.err != nil {
		if errors.Is(it.err, elfinfo.ErrNotELF) {
			if !it.named {
				return nil
			}
			return &FileReport{Path: it.path, Status: StatusError, Error: it.path + ": " + notELF(it.path)}
		}
		return &FileReport{Path: it.path, Status: StatusError, Error: it.err.Error()}
	}
	if it.named {
		if why := notLinked(it.info.Kind); why != "" {
			return &FileReport{Path: it.path, Status: StatusError, ABI: it.info.ABI, Kind: string(it.info.Kind), Error: it.path + ": " + why}
		}
	}
	info := *it.info
	info.Path = it.path
	var loads []member
	resolved := map[[2]string]bool{} // (member real path, lib)
	seen := map[*scanned]bool{it: true}
	queue := []*scanned{it}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, lib := range cur.info.Needed {
			dep := s.resolve(cur, lib)
			if dep == nil {
				continue
			}
			resolved[[2]string{cur.real, lib}] = true
			if dep.info.ABI != it.info.ABI || seen[dep] {
				continue
			}
			seen[dep] = true
			queue = append(queue, dep)
			loads = append(loads, member{info: dep.info, via: dep.path, bound: boundSymbols(dep.info)})
		}
	}
	realOf := map[string]string{it.path: it.real}
	for _, m := range loads {
		realOf[m.via] = s.byInfo[m.info]
	}
	bundled := func(m member, lib string) bool {
		p := m.via
		if p == "" {
			p = it.path
		}
		return resolved[[2]string{realOf[p], lib}]
	}
	r, err := analyzeSet(&info, loads, t, bundled)
	if err != nil {
		return &FileReport{Path: it.path, Status: StatusError, Error: err.Error()}
	}
	return r
}
