package libcompat

//go:generate go run ./genfingerprint
//go:generate go run ./gencatalogue -o ../../docs/newer-symbols.md -readme ../../README.md

// Fingerprint identifies the embedded sources and catalogue tables:
// callers that cache Build's output key the cache with it so a changed
// source or table is never served stale. It is computed at generate time
// (every link keys its sysroot with it); TestFingerprintIsCurrent checks
// it against the embedded files.
func Fingerprint() string { return sourcesFingerprint }
