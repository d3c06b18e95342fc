package target

import (
	"slices"
	"testing"
)

// Every ABI has its standard loader path, under its ABI name and the
// other spellings.
func TestStandardInterpSpellings(t *testing.T) {
	for _, tg := range All() {
		if len(StandardInterp(tg.ABI)) == 0 {
			t.Errorf("%s has no standard PT_INTERP", tg.ABI)
		}
	}
	if !slices.Equal(StandardInterp("arm64"), []string{"/lib/ld-linux-aarch64.so.1"}) ||
		!slices.Equal(StandardInterp("x86_64"), []string{"/lib64/ld-linux-x86-64.so.2"}) ||
		StandardInterp("vax") != nil {
		t.Errorf("got %q %q %q", StandardInterp("arm64"), StandardInterp("x86_64"), StandardInterp("vax"))
	}
}
