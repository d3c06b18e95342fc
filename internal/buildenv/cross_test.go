package buildenv

import (
	"os/exec"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

func mustVersion(t *testing.T, s string) abidb.Version {
	t.Helper()
	v, err := abidb.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// HostArch agrees with uname -m, and this machine's own architecture is
// no cross build; any other is.
func TestCrossCompilingOnlyForOtherArchitectures(t *testing.T) {
	out, err := exec.Command("uname", "-m").Output()
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimSpace(string(out))
	if HostArch() != host {
		t.Errorf("HostArch() = %q, uname -m says %q", HostArch(), host)
	}
	if CrossCompiling(host) {
		t.Errorf("CrossCompiling(%q) on a %s machine", host, host)
	}
	for _, other := range []string{"aarch64", "x86_64", "riscv64"} {
		if other != host && !CrossCompiling(other) {
			t.Errorf("CrossCompiling(%q) = false on a %s machine", other, host)
		}
	}
}
