// Package srchash hashes a source tree the same way at generate time (from
// disk) and in tests (from the embedded copy).
package srchash

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// Dir hashes every file under root in fsys: path and content, in the
// lexical order fs.WalkDir visits them.
func Dir(fsys fs.FS, root string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path + "\x00"))
		h.Write(data)
		h.Write([]byte{0})
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}
