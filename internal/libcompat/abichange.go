package libcompat

// Symbols whose arguments changed under the same name: glibc 2.31 gave
// totalorder and totalordermag (every type) pointer arguments, as C23 has
// them, as new versions (GLIBC_2.31), keeping the by-value versions of
// 2.25 (2.26, 2.27 for the _FloatN names) for old binaries. Every header
// since 2.31 declares the pointer form, so a program built with them for
// a target between 2.25 and 2.30 must not bind the target's by-value
// function, which would read its arguments from the wrong registers and
// answer at random: below 2.31 these names are polyfilled (the catalogue's
// sources implement the pointer form) and the stubs offer the old version
// to no new link.
//
// fromfp and its kin changed too (glibc 2.43, C23's floating results), but
// the host's headers decide which form a program calls: headers before
// 2.43, the ones compatbuild is used with today, declare the intmax_t
// form, which is what the catalogue implements and older targets export.
var abiChanges = map[string]Version{}

func init() {
	for _, base := range []string{"totalorder", "totalordermag"} {
		for _, suffix := range []string{"", "f", "l", "f128", "f32", "f64", "f32x", "f64x"} {
			abiChanges[base+suffix] = Version{2, 31}
		}
	}
}

// ABIChangedAt returns the release whose version of sym has the arguments
// today's headers declare, for the symbols whose older versions have other
// ones (see abiChanges); ok is false for every other symbol.
func ABIChangedAt(sym string) (v Version, ok bool) {
	v, ok = abiChanges[sym]
	return v, ok
}
