package cli

import "testing"

// Compiler paths go into the CMake toolchain file as bracket arguments,
// whose content CMake takes literally; the brackets grow past any "]]"
// the path holds.
func TestCMakeLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/cc":          "[[/usr/bin/cc]]",
		"/home/Jane Doe/x;y":   "[[/home/Jane Doe/x;y]]",
		"/a]]b":                "[=[/a]]b]=]",
		"/a]]b]=]c":            "[==[/a]]b]=]c]==]",
		`/q"uote\back ${HOME}`: `[[/q"uote\back ${HOME}]]`,
	} {
		if got := cmakeLiteral(in); got != want {
			t.Errorf("cmakeLiteral(%q) = %s, want %s", in, got, want)
		}
	}
}
