package buildenv

import (
	"strings"
	"testing"
)

// A wrapper path that is a plain shell word goes into CC as it is; one
// that is not (make and cgo split CC at spaces, shells expand '$' and
// '*') is reached by name through PATH; one PATH cannot hold is refused.
func TestOnPath(t *testing.T) {
	t.Setenv("PATH", "/usr/bin:/bin")
	if _, bare, err := onPath("/home/jane/.cache/compatbuild/bin/x/compatbuild-cc-2.17"); bare || err != nil {
		t.Errorf("plain path: bare %v, err %v", bare, err)
	}
	for _, odd := range []string{"/home/Jane Doe/.cache", "/home/x/${HOME}", "/home/o'brien", "/a(b)*"} {
		v, bare, err := onPath(odd + "/compatbuild-cc-2.17")
		if !bare || err != nil || v.Name != "PATH" || v.Value != odd+":/usr/bin:/bin" {
			t.Errorf("%q: %+v, bare %v, err %v", odd, v, bare, err)
		}
	}
	if _, _, err := onPath("/home/a:b c/compatbuild-cc-2.17"); err == nil || !strings.Contains(err.Error(), "XDG_CACHE_HOME") {
		t.Errorf("a ':' with a space: %v", err)
	}
}

// A compiler command that runs a wrapper anywhere is a wrapper: used as
// the real compiler it would call itself.
func TestIsWrapper(t *testing.T) {
	for cmd, want := range map[string]bool{
		"gcc": false, "ccache gcc": false, "compatbuild-cc-2.17": true,
		"ccache /x/compatbuild-cc-2.17": true, "distcc compatbuild-c++": true, "/usr/bin/compatbuild": true,
	} {
		if got := isWrapper(cmd); got != want {
			t.Errorf("isWrapper(%q) = %v", cmd, got)
		}
	}
}
