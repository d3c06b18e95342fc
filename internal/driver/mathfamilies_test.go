package driver

import (
	"fmt"
	"regexp"
	"strings"
)

// The libm functions the behaviour check calls (math_test.go), by family:
// how each is called (a CALL_* macro of testdata/math/check.h) and how
// closely a polyfill or alias must match glibc's own function.
type mathFamily struct {
	call string // CALL_* macro: R1, R2, R3, RI, RLG, RLL, IR, RPI, RPR, R2PI, SC, I1, I2, LG1, LLG1, TO, CAN, GP, SP, FFP, UFFP, NAN, C1, C2, CR, LGAMMA
	// exact: bit-exact results, errno and every exception flag.
	// Otherwise results within ulps[type] (float, double, long double,
	// _Float128) units in the last place, and errno, "invalid" and
	// "divide by zero" equal; "overflow", "underflow" and errno may differ
	// where the results straddle a range limit within that tolerance;
	// "inexact" is not compared (glibc does not promise it either).
	exact bool
	ulps  [4]int
	raw   bool // long double arguments include non-canonical encodings
}

// ill marks the families whose results are ill-conditioned somewhere in
// the arguments used (zeros of Bessel functions, poles of gamma, complex
// branch cuts): there, different correct implementations differ by far
// more than an ulp, so only gross errors are caught.
var ill = [4]int{1 << 12, 1 << 30, 1 << 30, 1 << 62}

// tolerance of the old functions reached through _FloatN aliases, which
// glibc 2.31 (the polyfilled build's runtime) computes with older code
// than 2.41: a wrong binding is off by far more.
var oldApprox = [4]int{16, 16, 64, 64}

var mathFamilies = map[string]mathFamily{}

func init() {
	exact := func(call string, names ...string) {
		for _, n := range names {
			mathFamilies[n] = mathFamily{call: call, exact: true}
		}
	}
	approx := func(call string, ulps [4]int, names ...string) {
		for _, n := range names {
			mathFamilies[n] = mathFamily{call: call, ulps: ulps}
		}
	}
	exact("R1", "roundeven", "nextup", "nextdown", "fabs", "ceil", "floor", "trunc", "round", "rint", "nearbyint", "sqrt", "logb")
	exact("R2", "fmax", "fmin", "fdim", "copysign", "nextafter", "fmod", "remainder", "fmaxmag", "fminmag",
		"fmaximum", "fminimum", "fmaximum_num", "fminimum_num", "fmaximum_mag", "fminimum_mag", "fmaximum_mag_num", "fminimum_mag_num")
	exact("R3", "fma")
	exact("RI", "ldexp", "scalbn")
	exact("RLG", "scalbln")
	exact("RPI", "frexp")
	exact("RPR", "modf")
	exact("R2PI", "remquo")
	exact("I1", "ilogb", "issignaling", "iscanonical", "fpclassify", "isinf", "isnan", "signbit", "finite")
	exact("I2", "iseqsig")
	exact("LG1", "llogb", "lrint", "lround")
	exact("LLG1", "llrint", "llround")
	exact("TO", "totalorder", "totalordermag")
	exact("CAN", "canonicalize")
	exact("GP", "getpayload")
	exact("SP", "setpayload", "setpayloadsig")
	exact("FFP", "fromfp", "fromfpx")
	exact("UFFP", "ufromfp", "ufromfpx")
	exact("NAN", "nan")
	exact("CR", "cimag", "creal")
	exact("C1", "conj", "cproj")
	for _, n := range []string{"issignaling", "iscanonical", "totalorder", "totalordermag", "canonicalize", "getpayload"} {
		f := mathFamilies[n]
		f.raw = true
		mathFamilies[n] = f
	}
	// Approximate functions. The tolerances hold for the polyfills
	// against glibc 2.41 (measured, and within glibc's documented
	// accuracy, libm-test-ulps, plus the polyfill's own half ulp); the
	// _Float128 ones are libquadmath's, which comes from the same ldbl-128
	// sources as glibc's.
	approx("R1", [4]int{4, 4, 4, 4}, "acos", "asin", "atan", "cbrt", "exp", "exp2", "log", "log2", "log10")
	approx("R1", [4]int{4, 4, 6, 6}, "acosh", "asinh", "atanh", "cosh", "sinh", "tanh", "erf", "expm1", "log1p", "logp1", "cos", "sin", "tan", "exp10")
	approx("R1", [4]int{8, 8, 8, 8}, "erfc")
	approx("R1", ill, "j0", "j1", "y0", "y1", "tgamma")
	approx("IR", ill, "jn", "yn")
	approx("LGAMMA", ill, "lgamma")
	approx("RPI", ill, "lgamma_r")
	approx("R2", [4]int{4, 4, 4, 4}, "atan2", "hypot")
	approx("R2", [4]int{4, 4, 8, 8}, "pow")
	approx("SC", [4]int{4, 4, 6, 6}, "sincos")
	approx("C1", ill, "cacos", "cacosh", "casin", "casinh", "catan", "catanh", "ccos", "ccosh", "cexp", "clog", "clog10", "csin", "csinh", "csqrt", "ctan", "ctanh")
	// cpow is exp(y log x): its result's argument is huge for the larger
	// arguments, where implementations agree on nothing but the class.
	approx("C2", [4]int{1 << 40, 1 << 62, 1 << 62, 1 << 62}, "cpow")
	approx("CR", [4]int{4, 4, 4, 4}, "cabs", "carg")
	// glibc 2.40-2.41's new functions: float ones correctly rounded here
	// (glibc's CORE-MATH exp2m1f family too; its pi functions are not).
	approx("R1", [4]int{1, 4, 8, 6}, "exp2m1")
	approx("R1", [4]int{1, 6, 8, 8}, "exp10m1")
	approx("R1", [4]int{1, 3, 6, 4}, "log2p1")
	approx("R1", [4]int{1, 4, 10, 6}, "log10p1")
	approx("R1", [4]int{3, 3, 4, 3}, "sinpi", "cospi", "asinpi", "acospi", "atanpi")
	approx("R1", [4]int{5, 4, 5, 4}, "tanpi")
	approx("R2", [4]int{4, 3, 4, 4}, "atan2pi")
	// glibc 2.42's, checked against MPFR (math_test.go): ulps from the
	// correctly rounded value; _Float128 pow and its kin (glibc's and
	// libquadmath's ldbl-128 code) reach 20 ulps where x^y nears the
	// range limits.
	approx("RLL", [4]int{0, 1, 1, 32}, "pown", "rootn", "compoundn")
	approx("R2", [4]int{0, 1, 1, 32}, "powr")
	approx("R1", [4]int{0, 1, 1, 2}, "rsqrt")
	// Narrowing arithmetic is exact (correctly rounded once).
	for _, op := range []string{"add", "sub", "mul", "div", "sqrt", "fma"} {
		call := map[string]string{"add": "N2", "sub": "N2", "mul": "N2", "div": "N2", "sqrt": "N1", "fma": "N3"}[op]
		mathFamilies["narrow_"+op] = mathFamily{call: call, exact: true}
	}
}

// since242 are the families glibc 2.42 added: no glibc to compare with
// yet, so MPFR is the reference.
var since242 = map[string]bool{"pown": true, "powr": true, "rootn": true, "rsqrt": true, "compoundn": true}

// mathType is a libm function's floating type: 0 float, 1 double,
// 2 long double, 3 _Float128.
type mathType int

var mathTypeC = [4]string{"F", "D", "L", "Q"}
var mathComplexC = [4]string{"CF", "CD", "CL", "CQ"}

// mathSym is one libm symbol as the check calls it.
type mathSym struct {
	name   string
	family string
	typ    mathType // the argument type (narrowing: the wide one)
	narrow mathType // narrowing: the result type
}

var (
	narrowRE  = regexp.MustCompile(`^(f|d|f32|f32x|f64|f64x)(add|sub|mul|div|sqrt|fma)(l|f32x|f64|f64x|f128)?$`)
	suffixTyp = map[string]mathType{"f32": 0, "f64": 1, "f32x": 1, "f64x": 2, "f128": 3}
)

// parseMathSym finds the family and type of a libm symbol: sinf64x is
// sin on long double, __iseqsigf128 iseqsig on _Float128, f32addf64x the
// narrowing add from long double to float.
func parseMathSym(sym string) (mathSym, error) {
	s := mathSym{name: sym}
	name := strings.TrimSuffix(strings.TrimPrefix(sym, "__"), "_finite")
	if m := narrowRE.FindStringSubmatch(name); m != nil {
		s.family = "narrow_" + m[2]
		switch m[1] {
		case "f", "f32":
			s.narrow = 0
		case "d", "f32x", "f64":
			s.narrow = 1
		case "f64x":
			s.narrow = 2
		}
		switch m[3] {
		case "l", "f64x":
			s.typ = 2
		case "f128":
			s.typ = 3
		case "", "f64", "f32x":
			s.typ = 1
		}
		if m[1] == "d" && m[3] == "" {
			return s, fmt.Errorf("%s: not a narrowing function", sym)
		}
		return s, nil
	}
	r := ""
	if strings.HasSuffix(name, "_r") {
		name, r = strings.TrimSuffix(name, "_r"), "_r"
	}
	if name == "gammaf128" {
		name = "lgammaf128"
	}
	for _, suf := range []string{"f128", "f32x", "f64x", "f32", "f64"} {
		if base, ok := strings.CutSuffix(name, suf); ok {
			if _, known := mathFamilies[base+r]; known {
				s.family, s.typ = base+r, suffixTyp[suf]
				return s, nil
			}
		}
	}
	if _, known := mathFamilies[name+r]; known {
		s.family, s.typ = name+r, 1
		return s, nil
	}
	if base, ok := strings.CutSuffix(name, "f"); ok {
		if _, known := mathFamilies[base+r]; known {
			s.family, s.typ = base+r, 0
			return s, nil
		}
	}
	if base, ok := strings.CutSuffix(name, "l"); ok {
		if _, known := mathFamilies[base+r]; known {
			s.family, s.typ = base+r, 2
			return s, nil
		}
	}
	return s, fmt.Errorf("%s: no family in mathFamilies", sym)
}

// callLine is the C statement that checks sym with nm rounding
// directions and n arguments.
func (s mathSym) callLine(nm, n int) string {
	f := mathFamilies[s.family]
	T := mathTypeC[s.typ]
	src := "arg" + T
	if f.raw && s.typ == 2 {
		src = "rawL"
	}
	switch f.call {
	case "I1", "TO", "CAN", "GP":
		return fmt.Sprintf("CALL_%s(%s, %s, %d, %d, %s)", f.call, s.name, T, nm, n, src)
	case "LG1":
		return fmt.Sprintf("CALL_LG1(%s, %s, %d, %d, long)", s.name, T, nm, n)
	case "LLG1":
		return fmt.Sprintf("CALL_LG1(%s, %s, %d, %d, long long)", s.name, T, nm, n)
	case "FFP":
		return fmt.Sprintf("CALL_FFP(%s, %s, %d, %d, intmax_t)", s.name, T, nm, n)
	case "UFFP":
		return fmt.Sprintf("CALL_FFP(%s, %s, %d, %d, uintmax_t)", s.name, T, nm, n)
	case "C1", "C2", "CR":
		return fmt.Sprintf("CALL_%s(%s, %s, %s, %d, %d)", f.call, s.name, T, mathComplexC[s.typ], nm, n)
	case "N1", "N2", "N3":
		return fmt.Sprintf("CALL_%s(%s, %s, %s, %d, %d)", f.call, s.name, mathTypeC[s.narrow], T, nm, n)
	}
	return fmt.Sprintf("CALL_%s(%s, %s, %d, %d)", f.call, s.name, T, nm, n)
}
