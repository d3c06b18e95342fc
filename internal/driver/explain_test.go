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

// A name the target has in another form than the program calls (the
// headers decide: totalorder takes pointers with 2.36's headers, the
// 2.25 version values) is explained on every ABI, with the catalogue's
// refusal where it has no polyfill there; x86_64 polyfills the form, so
// only a link that missed the archive is told about it. The kind: an
// undefined reference to a name whose target version exists but not in
// the headers' form.
func TestExplainUndefinedNamesTheForm(t *testing.T) {
	h := abidb.MustParseVersion("2.36")
	for _, abi := range []string{"aarch64", "i386", "s390x", "arm"} {
		var b bytes.Buffer
		explainUndefined(&b, "undefined reference to `totalorder'\n", abidb.MustParseVersion("2.28"), abi, h)
		for _, want := range []string{"totalorder is called in the form glibc 2.31 introduced", "glibc 2.36 headers", "raise --glibc to 2.31", "compatbuild's catalogue on " + abi} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s at 2.28: explained as:\n%s\nwant %q", abi, b.String(), want)
			}
		}
		// With 2.30's headers the program calls the value form, which
		// 2.28 has: not a form problem.
		b.Reset()
		explainUndefined(&b, "undefined reference to `totalorder'\n", abidb.MustParseVersion("2.28"), abi, abidb.MustParseVersion("2.30"))
		if b.Len() != 0 {
			t.Errorf("%s at 2.28 with 2.30's headers explained:\n%s", abi, b.String())
		}
	}
	var b bytes.Buffer
	explainUndefined(&b, "undefined reference to `totalorder'\n", abidb.MustParseVersion("2.28"), "x86_64", h)
	if !strings.Contains(b.String(), "links its own totalorder") {
		t.Errorf("x86_64 at 2.28 explained as:\n%s", b.String())
	}
}

// An output that took a newer glibc symbol from another library it needs
// (libasan.so.8 defines stat) is told so, not only that the link missed
// compatbuild's libc.so; with no other library, the -nostdlib advice
// stands alone.
func TestNewerSymbolBoundElsewhere(t *testing.T) {
	target := abidb.MustParseVersion("2.17")
	got := newerGlibcSymbols([]string{"stat"}, target, "x86_64", abidb.Version{}, []string{"libasan.so.8"})
	if len(got) != 1 || !strings.Contains(got[0], "a library the output also needs (libasan.so.8) defines it and came first") {
		t.Errorf("with libasan.so.8 needed: %q", got)
	}
	got = newerGlibcSymbols([]string{"stat"}, target, "x86_64", abidb.Version{}, nil)
	if len(got) != 1 || strings.Contains(got[0], "also needs") || !strings.Contains(got[0], "this link did not reach compatbuild's libc.so (with -nostdlib") {
		t.Errorf("with nothing else needed: %q", got)
	}
}
