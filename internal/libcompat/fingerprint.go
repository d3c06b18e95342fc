package libcompat

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sync"
)

var fingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	fs.WalkDir(sources, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sources, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path + "\x00"))
		h.Write(data)
		h.Write([]byte{0})
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
})

// Fingerprint identifies the embedded sources: callers that cache Build's
// output key the cache with it so a changed source is never served stale.
func Fingerprint() string { return fingerprint() }
