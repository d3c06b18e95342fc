package libcompat

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"compatbuild/internal/procgroup"
)

// HeaderInfo is what a compiler's <features.h> says about the glibc its
// headers are from.
type HeaderInfo struct {
	// Release is __GLIBC__.__GLIBC_MINOR__; zero when the headers define
	// neither (no glibc: musl's <features.h>, or none found).
	Release Version
	// Features is the absolute path of the <features.h> the compiler
	// reads, "" when it found none. Its identity tells a cache that the
	// headers changed (a libc6-dev upgrade replaces it).
	Features string
}

// probeMark starts the identifier of the probe's output that carries the
// release, compatbuild_glibc_release_2_36 for glibc 2.36: one token,
// which the preprocessor cannot break across lines as it does macro
// expansions from system headers.
const probeMark = "compatbuild_glibc_release_"

const probeSource = `#include <features.h>
#define compatbuild_cat(a, b, c) a ## b ## _ ## c
#define compatbuild_xcat(a, b, c) compatbuild_cat(a, b, c)
compatbuild_xcat(compatbuild_glibc_release_, __GLIBC__, __GLIBC_MINOR__)
`

// ProbeHeaders asks the compiler command cc which glibc release its headers
// are: it preprocesses a line including <features.h> (cc -E, the command's
// own arguments first, so an -isystem or --sysroot there counts) and reads
// __GLIBC__ and __GLIBC_MINOR__ back, and the path of the <features.h> it
// read from the line markers. Headers without them, or a compiler that
// finds no <features.h>, give a zero HeaderInfo; an error means the
// compiler could not be run.
func ProbeHeaders(ctx context.Context, cc []string) (HeaderInfo, error) {
	if len(cc) == 0 || cc[0] == "" {
		return HeaderInfo{}, errors.New("libcompat: no C compiler given; set CC to a working gcc or clang")
	}
	args := append(append([]string{}, cc[1:]...), "-E", "-x", "c", "-")
	cmd := exec.CommandContext(ctx, cc[0], args...)
	group := procgroup.Prepare(ctx, cmd)
	cmd.Stdin = strings.NewReader(probeSource)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := group.Run()
	if ctx.Err() != nil {
		return HeaderInfo{}, ctx.Err()
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		// No <features.h> (a compiler without a C library's headers).
		return HeaderInfo{}, nil
	}
	if err != nil {
		return HeaderInfo{}, fmt.Errorf("libcompat: running %q to read its glibc headers' release: %v", strings.Join(cc, " "), err)
	}
	return parseProbe(stdout.Bytes()), nil
}

// parseProbe reads the preprocessed probe: the first line marker naming a
// features.h, and the mark line with two numbers.
func parseProbe(out []byte) HeaderInfo {
	var info HeaderInfo
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if info.Features == "" && strings.HasPrefix(line, "# ") {
			// # LINE "FILE" FLAGS...
			if _, rest, ok := strings.Cut(line[2:], " "); ok {
				if q, err := strconv.QuotedPrefix(rest); err == nil {
					if name, err := strconv.Unquote(q); err == nil && filepath.Base(name) == "features.h" && filepath.IsAbs(name) {
						info.Features = filepath.Clean(name)
					}
				}
			}
			continue
		}
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), probeMark); ok {
			maj, min, _ := strings.Cut(rest, "_")
			major, err1 := strconv.Atoi(maj)
			minor, err2 := strconv.Atoi(min)
			if err1 == nil && err2 == nil && major > 0 && minor >= 0 {
				info.Release = Version{major, minor}
			}
		}
	}
	return info
}
