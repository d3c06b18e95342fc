package sysroot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/libcompat"
)

// The glibc release of the compiler's headers decides, for the names
// whose ABI changed under the same name (libcompat's ABI-change table),
// which version the stubs offer and which form the polyfills implement:
// it is part of a sysroot's key. Finding it takes a compiler run
// (libcompat.ProbeHeaders), so the answer is recorded in the cache root's
// headers/ directory, one small file per compiler command (named by a
// hash of compilerIdentity), together with the identity of the
// <features.h> the compiler read: a warm link reads that file and stats
// <features.h>, and probes again only when either changed (a compiler or
// a libc6-dev upgrade). An answer "no <features.h>" is not recorded.

const (
	headersDirName = "headers"
	headersFormat  = "compatbuild-headers-1"
)

// headerRelease returns the glibc release of the headers of the compiler
// cc (resolved, with identity ccID): from its record in root when that
// still holds, else by probing and recording. Zero means unknown.
func headerRelease(ctx context.Context, root string, cc []string, ccID string) (abidb.Version, error) {
	if v, ok := recordedHeaders(root, ccID); ok {
		return v, nil
	}
	return probeHeaders(ctx, root, cc, ccID)
}

// headersRecord is the path of compiler ccID's record in root.
func headersRecord(root, ccID string) string {
	sum := sha256.Sum256([]byte(ccID))
	return filepath.Join(root, headersDirName, hex.EncodeToString(sum[:])[:20])
}

// recordedHeaders is the release root's record for compiler ccID holds,
// if it has one that still holds.
func recordedHeaders(root, ccID string) (abidb.Version, bool) {
	return readHeadersRecord(headersRecord(root, ccID), ccID)
}

// probeHeaders finds the release of compiler cc's headers by running it,
// and records the answer in root when it names a <features.h>.
func probeHeaders(ctx context.Context, root string, cc []string, ccID string) (abidb.Version, error) {
	info, err := libcompat.ProbeHeaders(ctx, cc)
	if err != nil {
		return abidb.Version{}, err
	}
	v := abidb.Version{Major: info.Release.Major, Minor: info.Release.Minor}
	if info.Features != "" {
		if id, err := fileIdentity(info.Features); err == nil {
			// A cache that cannot be written still links, probing each time.
			writeHeadersRecord(root, headersRecord(root, ccID), ccID, info.Features, id, v)
		}
	}
	return v, nil
}

// currentKey is the key EnsureIn gives spec today: with the release of
// its compiler's headers (recorded, or probed once).
func currentKey(ctx context.Context, root string, spec Spec) (string, error) {
	cc, err := resolveCompiler(spec.CC)
	if err != nil {
		return "", err
	}
	ccID, err := resolvedIdentity(cc)
	if err != nil {
		return "", err
	}
	spec.CC = cc
	if spec.Headers, err = headerRelease(ctx, root, cc, ccID); err != nil {
		return "", err
	}
	return keyFor(spec, ccID)
}

// readHeadersRecord returns the release a record holds, if the record is
// for compiler ccID and its <features.h> is still the file it was.
func readHeadersRecord(record, ccID string) (abidb.Version, bool) {
	data, err := os.ReadFile(record)
	if err != nil {
		return abidb.Version{}, false
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) != 6 || lines[0] != headersFormat || lines[5] != "" {
		return abidb.Version{}, false
	}
	id, err1 := strconv.Unquote(lines[1])
	features, err2 := strconv.Unquote(lines[2])
	if err1 != nil || err2 != nil || id != ccID {
		return abidb.Version{}, false
	}
	if now, err := fileIdentity(features); err != nil || now != lines[3] {
		return abidb.Version{}, false
	}
	if lines[4] == "unknown" {
		return abidb.Version{}, true
	}
	v, err := abidb.ParseVersion(lines[4])
	return v, err == nil
}

// writeHeadersRecord writes a record aside and renames it into place.
func writeHeadersRecord(root, record, ccID, features, featuresID string, v abidb.Version) {
	dir := filepath.Dir(record)
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return
	}
	rel := "unknown"
	if !v.IsZero() {
		rel = v.String()
	}
	text := strings.Join([]string{headersFormat, strconv.Quote(ccID), strconv.Quote(features), featuresID, rel, ""}, "\n")
	tmp, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return
	}
	name := tmp.Name()
	tmp.Close()
	if cachefs.WriteFile(name, []byte(text), 0o600) != nil || os.Rename(name, record) != nil {
		os.Remove(name)
		return
	}
	cachefs.Sync(dir)
}

// fileIdentity names a file's current state: device, inode, size, and
// modification and change times (a replaced or rewritten file differs).
func fileIdentity(path string) (string, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d %d %d.%d %d.%d", st.Dev, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec), nil
}

// headersPart is the header release as a sysroot key and manifest carry it.
func headersPart(v abidb.Version) string {
	if v.IsZero() {
		return "unknown"
	}
	return v.String()
}
