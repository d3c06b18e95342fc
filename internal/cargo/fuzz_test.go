package cargo

import (
	"runtime"
	"strings"
	"testing"
)

// FuzzScanTOML feeds the cargo configuration reader arbitrary documents:
// it must return entries or a one-line error naming a line, never panic,
// and allocate boundedly: at most fuzzAllocCap for any input the reader
// accepts to decode (it refuses inputs over maxConfigBytes).
//
//	go test ./internal/cargo -run '^$' -fuzz FuzzScanTOML -fuzztime 60s
func FuzzScanTOML(f *testing.F) {
	for _, seed := range []string{
		"[build]\nrustflags = [\"-C\", \"target-feature=+crt-static\"]\n",
		"[target.'cfg(all(unix, not(windows)))']\nrustflags = \"-Ca\"\n",
		"a = { b = { c = [1, [2, [3]]] } }\n[[x]]\ny = 1979-05-27T07:32:00Z\n",
		"s = \"\"\"\nmulti\\\n  line\"\"\"\nt = '''raw'''\n",
		"[build\n", "a = [[[[[[[[[[", "a = {{{{{{", "\"\\u0000\" = 1",
		strings.Repeat("[", 4096), strings.Repeat("a = [", 2000),
	} {
		f.Add(seed)
	}
	const fuzzAllocCap = 256 << 20
	f.Fuzz(func(t *testing.T, src string) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		entries, err := scanTOML(src)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > fuzzAllocCap {
			t.Fatalf("%d bytes of input allocated %d MB", len(src), alloc>>20)
		}
		if err != nil {
			if strings.Contains(err.Error(), "\n") || entries != nil {
				t.Fatalf("error %q with %d entries", err, len(entries))
			}
			return
		}
		for _, e := range entries {
			if len(e.Path) == 0 || (e.Kind != 's' && e.Kind != 'a' && e.Kind != 'o') {
				t.Fatalf("entry %+v", e)
			}
		}
		// What it read, written back as a --config value, reads the same.
		for _, e := range entries {
			if e.Kind != 's' {
				continue
			}
			back, err := scanTOML("k = " + tomlString(e.Str))
			if err != nil || len(back) != 1 || back[0].Str != e.Str {
				t.Fatalf("%q does not survive tomlString: %v %+v", e.Str, err, back)
			}
		}
	})
}
