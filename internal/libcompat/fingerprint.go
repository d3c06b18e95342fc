package libcompat

//go:generate go run ./genfingerprint

// Fingerprint identifies the embedded sources: callers that cache Build's
// output key the cache with it so a changed source is never served stale.
// It is computed at generate time (every link keys its sysroot with it);
// TestFingerprintIsCurrent checks it against the embedded files.
func Fingerprint() string { return sourcesFingerprint }
