package driver

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestRunLinkReportsExitCodeAndHoldsBackStderr(t *testing.T) {
	var out bytes.Buffer
	code, diag, err := runLink(context.Background(), "/bin/sh", []string{"-c", "echo to-stdout; echo to-stderr >&2; exit 3"}, &out)
	if err != nil || code != 3 {
		t.Fatalf("code %d, err %v", code, err)
	}
	if out.String() != "to-stdout\n" {
		t.Errorf("stdout %q", out.String())
	}
	if string(diag) != "to-stderr\n" {
		t.Errorf("stderr %q", diag)
	}
}

// A stdout that is a file goes to the compiler directly.
func TestRunLinkStdoutFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	code, _, err := runLink(context.Background(), "/bin/sh", []string{"-c", "echo hello"}, f)
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v", code, err)
	}
	if data, _ := os.ReadFile(f.Name()); string(data) != "hello\n" {
		t.Errorf("file holds %q", data)
	}
}

// A compiler that a signal ended is reported as such, with 128+N.
func TestRunLinkSignalledCompiler(t *testing.T) {
	code, _, err := runLink(context.Background(), "/bin/sh", []string{"-c", "kill -TERM $$"}, &bytes.Buffer{})
	var ke *killedError
	if !errors.As(err, &ke) || code != 128+15 || codeOf(code, err) != 143 || !strings.Contains(err.Error(), "sh was killed by SIGTERM (signal 15)") {
		t.Errorf("code %d, err %v; want 143 and a killedError", code, err)
	}
}

// Cancelling the context kills the compiler, even one whose children keep
// stderr open no longer than it lives.
func TestRunLinkCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := runLink(ctx, "/bin/sh", []string{"-c", "exec sleep 30"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("err %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v: the compiler was not killed", d)
	}
}

func TestRunLinkMissingCompiler(t *testing.T) {
	_, _, err := runLink(context.Background(), "/nonexistent/cc", nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/cc") {
		t.Errorf("err %v", err)
	}
}
