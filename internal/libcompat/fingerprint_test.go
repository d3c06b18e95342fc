package libcompat

import (
	"testing"

	"compatbuild/internal/libcompat/srchash"
)

func TestFingerprintIsCurrent(t *testing.T) {
	sum, err := srchash.Dir(sources, "src")
	if err != nil {
		t.Fatal(err)
	}
	if sum != Fingerprint() {
		t.Fatalf("fingerprint_gen.go is stale (sources hash %s, generated %s): run go generate ./internal/libcompat", sum, Fingerprint())
	}
}
