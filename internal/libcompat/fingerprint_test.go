package libcompat

import (
	"io/fs"
	"strings"
	"testing"

	"compatbuild/internal/libcompat/srchash"
)

func TestFingerprintIsCurrent(t *testing.T) {
	sum, err := srchash.Dir(embeddedTrees{}, "src", "catalogue")
	if err != nil {
		t.Fatal(err)
	}
	if sum != Fingerprint() {
		t.Fatalf("fingerprint_gen.go is stale (sources hash %s, generated %s): run go generate ./internal/libcompat", sum, Fingerprint())
	}
}

// embeddedTrees reads src from the embedded sources and catalogue from the
// embedded tables, as the generator reads both from disk.
type embeddedTrees struct{}

func (embeddedTrees) Open(name string) (fs.File, error) {
	if name == "catalogue" || strings.HasPrefix(name, "catalogue/") {
		return catalogueFS.Open(name)
	}
	return sources.Open(name)
}
