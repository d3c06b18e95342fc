package libcompat

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// A build extracts only the directories of the sources it compiles, its
// ABI's directory and src/common/include (sourceDirs), so every quoted
// include of every source must name a file in one of those.
func TestIncludesStayInTheirDirectories(t *testing.T) {
	include := regexp.MustCompile(`(?m)^\s*#\s*include\s+"([^"]+)"`)
	checked := 0
	err := fs.WalkDir(sources, "src", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := sources.ReadFile(p)
		if err != nil {
			return err
		}
		// The ABI directories a source can be compiled for: its own, or
		// every ABI's for the shared sources.
		var abiDirs []string
		if strings.HasPrefix(p, "src/common/") {
			for _, a := range arches {
				abiDirs = append(abiDirs, "src/"+a.dir)
			}
		} else {
			abiDirs = []string{path.Dir(p)}
		}
		for _, m := range include.FindAllStringSubmatch(string(data), -1) {
			checked++
			name := m[1]
			if strings.Contains(name, "/") {
				t.Errorf("%s includes %q: name a file of its own directory, src/<arch> or src/common/include", p, name)
				continue
			}
			for _, abiDir := range abiDirs {
				found := false
				for _, dir := range []string{path.Dir(p), abiDir, "src/common/include"} {
					if _, err := fs.Stat(sources, dir+"/"+name); err == nil {
						found = true
					}
				}
				if !found {
					t.Errorf("%s includes %q, which is in none of %s, %s and src/common/include", p, name, path.Dir(p), abiDir)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d includes checked: the pattern no longer matches the sources", checked)
	}
}
