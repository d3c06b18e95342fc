package demo

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunShowsTheFloorAndItsCause(t *testing.T) {
	var out bytes.Buffer
	if err := Run(&out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"ABOVE", "needs glibc 2.34, above the floor 2.17", "pthread_create", "stat64", "fcntl64", "libplugin-compat.so: needs glibc 2.", ", within 2.17",
		"version `GLIBC_2.34' not found (required by", "libplugin-compat.so on debian:11 (glibc 2.31): loaded", "plugin_entry returned 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestMissingCompilerIsExplained(t *testing.T) {
	t.Setenv("CC", "no-such-compiler-xyz")
	err := Run(&bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "install gcc or clang, or set CC") {
		t.Errorf("err = %v", err)
	}
}
