package driver

import (
	"bytes"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

func TestExplainUndefinedUnderstandsBothLinkers(t *testing.T) {
	for _, out := range []string{
		"/usr/bin/ld: p.o: in function `main':\np.c:(.text+0x9): undefined reference to `pidfd_open'\ncollect2: error: ld returned 1 exit status\n",
		"ld.lld: error: undefined symbol: pidfd_open\n>>> referenced by p.c\n",
	} {
		var b bytes.Buffer
		explainUndefined(&b, out, abidb.MustParseVersion("2.17"), "x86_64")
		if !strings.Contains(b.String(), "pidfd_open is in glibc 2.36 and later") || strings.Count(b.String(), "\n") != 1 {
			t.Errorf("for %q explained:\n%s", out, b.String())
		}
	}
	// References from shared libraries (versioned) and unknown names are
	// not the user's to fix here.
	var b bytes.Buffer
	explainUndefined(&b, "libc.so.6: undefined reference to `_rtld_global@GLIBC_PRIVATE'\nundefined reference to `my_own_function'\n", abidb.MustParseVersion("2.17"), "x86_64")
	if b.Len() != 0 {
		t.Errorf("explained the unexplainable:\n%s", b.String())
	}
}
