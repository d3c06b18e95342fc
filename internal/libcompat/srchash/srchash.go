// Package srchash hashes source trees the same way at generate time (from
// disk) and in tests (from the embedded copy).
package srchash

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io/fs"
)

// Dir hashes every file under the roots in fsys: path and content, root by
// root, in the lexical order fs.WalkDir visits them.
func Dir(fsys fs.FS, roots ...string) (string, error) {
	h := sha256.New()
	for _, root := range roots {
		if err := hashTree(h, fsys, root); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashTree(h hash.Hash, fsys fs.FS, root string) error {
	return fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
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
}
