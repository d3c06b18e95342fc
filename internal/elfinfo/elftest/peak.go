package elftest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// PeakRSS is this process's peak resident set size in bytes (VmHWM in
// /proc/self/status). Unlike getrusage's maxrss, it does not include the
// parent's memory that a child shared before exec, so a test can measure
// a child it starts from a large test process. 0 when unknown.
func PeakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ParsePeak finds the "peak N" line a child printed with PeakRSS.
func ParsePeak(t testing.TB, out string) int64 {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		var n int64
		if _, err := fmt.Sscanf(line, "peak %d", &n); err == nil && n > 0 {
			return n
		}
	}
	t.Fatalf("the child printed no peak:\n%s", out)
	return 0
}
