package verify

import (
	"context"
	"strings"
	"testing"

	"compatbuild/internal/runtimes"
)

// A host is tried without the artifact first: the runtime's real Python
// starts; a program that cannot run "node -e 0" (the runtime's dash, given
// node's arguments) is reported as a broken host, with its own words.
func TestHostSmoke(t *testing.T) {
	rt, err := runtimes.GetWithOptions(context.Background(), "debian:11", runtimes.Options{CacheDir: runtimeCache,
		Packages: append(runtimes.DefaultPackages(), "python3.9")})
	if err != nil {
		t.Fatal(err)
	}
	py, _, err := rt.Python()
	if err != nil {
		t.Fatal(err)
	}
	c := smokeCache{}
	if why := c.hostBroken(context.Background(), rt, HostPython, hostProgram{name: "python3.9", path: py}); why != "" {
		t.Errorf("the runtime's Python: %s", why)
	}
	sh, err := rt.FindProgram("sh")
	if err != nil {
		t.Fatal(err)
	}
	why := c.hostBroken(context.Background(), rt, HostNode, hostProgram{name: "node", path: sh})
	if !strings.Contains(why, "the runtime's node does not start even without the artifact (node -e 0: exit status 2; ") || !strings.Contains(why, "0") {
		t.Errorf("a broken host: %q", why)
	}
	if c.hostBroken(context.Background(), rt, HostNode, hostProgram{name: "node", path: sh}) != why {
		t.Error("the smoke test is not remembered per runtime and program")
	}
	if c.hostBroken(context.Background(), rt, "command", hostProgram{name: "x", path: sh}) != "" {
		t.Error("a host command was smoke-tested")
	}
}
