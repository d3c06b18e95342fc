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
		explainUndefined(&b, out, abidb.MustParseVersion("2.17"), "x86_64", abidb.Version{})
		if !strings.Contains(b.String(), "pidfd_open is in glibc 2.36 and later") || strings.Count(b.String(), "\n") != 1 {
			t.Errorf("for %q explained:\n%s", out, b.String())
		}
	}
	// References from shared libraries (versioned) and unknown names are
	// not the user's to fix here.
	var b bytes.Buffer
	explainUndefined(&b, "libc.so.6: undefined reference to `_rtld_global@GLIBC_PRIVATE'\nundefined reference to `my_own_function'\n", abidb.MustParseVersion("2.17"), "x86_64", abidb.Version{})
	if b.Len() != 0 {
		t.Errorf("explained the unexplainable:\n%s", b.String())
	}
}

// The explanation follows the catalogue: a refusal gives its reason, a
// polyfill or alias that the link did not reach says so (never "not
// available"), a symbol with no catalogue line keeps the generic advice.
func TestExplainUndefinedUsesTheCatalogue(t *testing.T) {
	for _, c := range []struct{ sym, want string }{
		{"pthread_setattr_default_np", "pthread_setattr_default_np is in glibc 2.18 and later (libc.so.6, pthread_setattr_default_np@GLIBC_2.34), not in the target 2.17, and compatbuild cannot provide it: glibc 2.17 keeps the default stack"},
		{"pidfd_spawn", "compatbuild links its own pidfd_spawn (internal/libcompat/src/common/polyfill/spawn.c)"},
		{"dn_expand", "dn_expand is in glibc 2.34 and later (libc.so.6, dn_expand@GLIBC_2.34), not in the target 2.17; compatbuild binds it to __dn_expand in libresolv.so.2, but this link did not reach compatbuild's libc.so"},
		{"pidfd_open", "compatbuild links its own pidfd_open (internal/libcompat/src/common/polyfill/syscalls.c)"},
	} {
		var b bytes.Buffer
		explainUndefined(&b, "undefined reference to `"+c.sym+"'\n", abidb.MustParseVersion("2.17"), "x86_64", abidb.Version{})
		if !strings.Contains(b.String(), c.want) || strings.Contains(b.String(), "avoid the call") {
			t.Errorf("%s explained as:\n%s\nwant %q", c.sym, b.String(), c.want)
		}
	}
	// At a target that has it, an undefined glibc symbol is not a
	// newer-glibc problem.
	var b bytes.Buffer
	explainUndefined(&b, "undefined reference to `dn_expand'\n", abidb.MustParseVersion("2.34"), "x86_64", abidb.Version{})
	if b.Len() != 0 {
		t.Errorf("explained a symbol the target has:\n%s", b.String())
	}
}
