package driver

import (
	"fmt"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/libcompat"
	"compatbuild/internal/runtimes"
)

// Names whose ABI changed under one name (libcompat's ABI-change table):
// the release of the compiler's headers decides which form a program's
// object calls, and the link must give it that form on every target.
// These tests cannot install other glibc headers, so they declare each
// form's prototype themselves and make compatbuild see other headers the
// way it would see them in a real compiler: a compiler command (here a
// wrapper script, as COMPATBUILD_CC) whose <features.h> reports another
// __GLIBC_MINOR__. Each artifact runs under real glibc 2.31 and 2.41 and
// is compared with what glibc's own function of that form gives, or, for
// forms no runtime here has (2.42's termios speeds, 2.43's fromfp), with
// a reference computed by the test from the release's definition.

// useHeaders makes the driver's compiler report glibc 2.minor headers
// (minor < 0: headers that are not glibc's) for the rest of the test.
func useHeaders(t *testing.T, minor int) {
	t.Helper()
	dir := t.TempDir()
	text := fmt.Sprintf("#include_next <features.h>\n#undef __GLIBC_MINOR__\n#define __GLIBC_MINOR__ %d\n", minor)
	if minor < 0 {
		text = "#include_next <features.h>\n#undef __GLIBC__\n#undef __GLIBC_MINOR__\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "features.h"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cc := filepath.Join(dir, "cc")
	if err := os.WriteFile(cc, []byte("#!/bin/sh\nexec gcc -isystem '"+dir+"' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COMPATBUILD_CC", cc)
}

// buildForm links src (with defines) for target through compatbuild and
// returns the executable.
func buildForm(t *testing.T, src, target string, defines ...string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(src), ".c")+"-"+target)
	mustLink(t, false, target, append(append([]string{"-O1"}, defines...), src, "-o", exe, "-lm")...)
	return exe
}

// output runs prog under rt and returns what it printed.
func output(t *testing.T, rt *runtimes.Runtime, prog string) string {
	t.Helper()
	out, err := run(t, rt, prog)
	if err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(prog), err, out)
	}
	return out
}

// imports checks which version of each name prog binds ("" for a hidden
// definition of its own: the polyfill).
func imports(t *testing.T, prog string, want map[string]string) {
	t.Helper()
	u := readSymbolUse(t, prog)
	for name, w := range want {
		got := u.imports[name]
		if w == "" && (got != "" || !u.locals[name]) || w != "" && (got != w || u.locals[name]) {
			t.Errorf("%s: %s imported as %q, defined locally %v; want %q", filepath.Base(prog), name, got, u.locals[name], w)
		}
	}
}

func writeSource(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// totalorderSource calls totalorder and kin on every pair of a set of
// values (signaling and quiet NaNs of both signs, zeros, infinities), by
// value with -DBYVALUE=1 (glibc 2.25-2.30's headers) or by pointer.
const totalorderSource = `#include <stdio.h>
#include <stdint.h>
#include <string.h>
#if BYVALUE
#define P(T) T
#define A(x) (x)
#else
#define P(T) const T *
#define A(x) (&(x))
#endif
extern int totalorder(P(double), P(double));
extern int totalordermag(P(double), P(double));
extern int totalorderf(P(float), P(float));
extern int totalordermagf(P(float), P(float));
extern int totalorderl(P(long double), P(long double));
extern int totalorderf128(P(__float128), P(__float128));
extern int totalorderf64(P(double), P(double));
static double d_(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float f_(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
#define N(a) (sizeof a / sizeof a[0])
#define ROW(fn, v) do { printf("%s ", #fn); \
	for (unsigned i = 0; i < N(v); i++) for (unsigned j = 0; j < N(v); j++) putchar('0' + fn(A(v[i]), A(v[j]))); \
	putchar('\n'); } while (0)
int main(void)
{
	double d[] = {-__builtin_inf(), -1.5, -0x1p-1074, -0.0, 0.0, 2.0, __builtin_inf(),
		d_(0x7ff0000000000001), d_(0x7ff8000000000000), d_(0xfff8000000000002), d_(0x7ff4000000000000)};
	float f[] = {-__builtin_inff(), -1.5f, -0.0f, 0.0f, 0x1p-149f, __builtin_inff(),
		f_(0x7f800001), f_(0x7fc00000), f_(0xffc00002)};
	long double l[] = {-__builtin_infl(), -1.5L, -0.0L, 0.0L, 0x1p-16445L, 2.0L, __builtin_infl(), __builtin_nanl(""), -__builtin_nanl("7")};
	__float128 q[] = {-__builtin_infq(), (__float128)-1.5, (__float128)-0.0, (__float128)0.0, (__float128)2.0, __builtin_infq(), __builtin_nanq(""), -__builtin_nanq("")};
	ROW(totalorder, d);
	ROW(totalordermag, d);
	ROW(totalorderf64, d);
	ROW(totalorderf, f);
	ROW(totalordermagf, f);
	ROW(totalorderl, l);
	ROW(totalorderf128, q);
	return 0;
}
`

// totalorder: a program built with glibc 2.30's headers passes values; one
// built with 2.31's or newer passes pointers. Each gets its own form on
// every target: below the form's release a polyfill, above it glibc's
// version of that form, even on a target whose newest is the other form
// (a value-passing program linked for 2.31 or 2.41 binds totalorder@
// GLIBC_2.25, as the same program built on 2.30 does). Both forms give
// glibc's own answers (the same order).
func TestTotalorderFollowsTheHeaders(t *testing.T) {
	src := writeSource(t, "to.c", totalorderSource)
	names := []string{"totalorder", "totalordermag", "totalorderf64", "totalorderf", "totalordermagf", "totalorderl", "totalorderf128"}
	libm := func(node string) map[string]string {
		m := map[string]string{}
		for _, n := range names {
			m[n] = "libm.so.6 " + node
			switch {
			case node != "GLIBC_2.25":
			case strings.HasSuffix(n, "f64"):
				m[n] = "libm.so.6 GLIBC_2.27" // _FloatN names are 2.27's
			case strings.HasSuffix(n, "f128"):
				m[n] = "libm.so.6 GLIBC_2.26"
			}
		}
		return m
	}
	local := map[string]string{}
	for _, n := range names {
		local[n] = ""
	}

	// The pointer form, as gcc's headers declare it (2.31 or newer).
	if hostHeaders(t).Less(libcompat.MustVersion("2.31")) {
		t.Fatalf("gcc's headers are glibc %v, older than the pointer form", hostHeaders(t))
	}
	ptr := map[string]string{}
	for _, target := range []string{"2.17", "2.28", "2.41"} {
		ptr[target] = buildForm(t, src, target, "-DBYVALUE=0")
	}
	imports(t, ptr["2.17"], local)
	imports(t, ptr["2.28"], local) // 2.28 has only the value form
	imports(t, ptr["2.41"], libm("GLIBC_2.31"))
	want := output(t, debian13(t), ptr["2.41"]) // glibc 2.41's own
	if !strings.Contains(want, "0") || !strings.Contains(want, "1") {
		t.Fatalf("glibc's totalorder answers %q", want)
	}
	for _, target := range []string{"2.17", "2.28"} {
		runUnder(t, debian11(t), "glibc 2.31 (pointers, "+target+")", want, ptr[target])
		runUnder(t, debian13(t), "glibc 2.41 (pointers, "+target+")", want, ptr[target])
	}

	// The value form, as glibc 2.30's headers declare it.
	useHeaders(t, 30)
	val := map[string]string{}
	for _, target := range []string{"2.17", "2.28", "2.31", "2.41"} {
		val[target] = buildForm(t, src, target, "-DBYVALUE=1")
	}
	imports(t, val["2.17"], local)
	for _, target := range []string{"2.28", "2.31", "2.41"} {
		imports(t, val[target], libm("GLIBC_2.25"))
	}
	// glibc's own value form, which 2.31 and 2.41 keep for such programs.
	if got := output(t, debian11(t), val["2.28"]); got != want {
		t.Fatalf("glibc 2.31's totalorder@GLIBC_2.25 answers differently from its pointer form:\n%s", lineDiff(want, got))
	}
	for _, target := range []string{"2.17", "2.31"} {
		runUnder(t, debian11(t), "glibc 2.31 (values, "+target+")", want, val[target])
	}
	for _, target := range []string{"2.17", "2.28", "2.41"} {
		runUnder(t, debian13(t), "glibc 2.41 (values, "+target+")", want, val[target])
	}

	// What the kind is about: the value form bound to the pointer form,
	// as a plain link against glibc 2.31 or newer does, is wrong.
	wrong := filepath.Join(t.TempDir(), "wrong")
	if out, err := exec.Command("gcc", "-O1", "-DBYVALUE=1", src, "-o", wrong, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	if out, err := exec.Command(wrong).CombinedOutput(); err == nil && string(out) == want {
		t.Errorf("the value form bound to the pointer form still gave the right answers: the test cannot tell the forms apart")
	}
}

// fromfpCases are the arguments every fromfp test calls each function
// with: values exact in every floating type (so each type's answer is the
// same number), every rounding direction and one unknown (7, truncation),
// widths from 0 (a domain error) past every integer's.
const fromfpCases = `static const double xs[] = {0.0, -0.0, 2.5, -2.5, 3.5, -0.25, 0.75, 255.5, 256.0, -128.5, -129.0,
	0x1p63, -0x1p63, 0x1p64, 0x1p100, __builtin_inf(), -__builtin_inf(), __builtin_nan("")};
static const int rnds[] = {0, 1, 2, 3, 4, 7};
static const unsigned widths[] = {0, 1, 8, 9, 64, 65, 101, 4000};
#define N(a) (sizeof a / sizeof a[0])
`

// fromfpOldSource prints the intmax_t forms (glibc 2.25-2.42's headers):
// result, EDOM, "invalid", "inexact".
const fromfpOldSource = `#include <errno.h>
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
extern intmax_t fromfp(double, int, unsigned);
extern intmax_t fromfpx(double, int, unsigned);
extern uintmax_t ufromfp(double, int, unsigned);
extern uintmax_t ufromfpxf(float, int, unsigned);
extern intmax_t fromfpxl(long double, int, unsigned);
extern uintmax_t ufromfpf128(__float128, int, unsigned);
extern intmax_t fromfpf64x(long double, int, unsigned);
` + fromfpCases + `
#define CALL(fn, T, fmt) do { feclearexcept(FE_ALL_EXCEPT); errno = 0; \
	printf(#fn " " fmt, fn((T)xs[i], rnds[r], widths[w])); \
	printf(" %d%d%d\n", errno == EDOM, !!fetestexcept(FE_INVALID), !!fetestexcept(FE_INEXACT)); } while (0)
int main(void)
{
	for (unsigned i = 0; i < N(xs); i++)
		for (unsigned r = 0; r < N(rnds); r++)
			for (unsigned w = 0; w < N(widths); w++) {
				printf("%u %u %u: ", i, r, w);
				CALL(fromfp, double, "%jd");
				CALL(fromfpx, double, "%jd");
				CALL(ufromfp, double, "%ju");
				CALL(ufromfpxf, float, "%ju");
				CALL(fromfpxl, long double, "%jd");
				CALL(ufromfpf128, __float128, "%ju");
				CALL(fromfpf64x, long double, "%jd");
			}
	return 0;
}
`

// fromfpNewSource prints C23's forms (glibc 2.43's headers) the same way,
// the result as an exact decimal integer, "-0" or "nan".
const fromfpNewSource = `#include <errno.h>
#include <fenv.h>
#include <stdio.h>
extern double fromfp(double, int, unsigned);
extern double fromfpx(double, int, unsigned);
extern double ufromfp(double, int, unsigned);
extern float ufromfpxf(float, int, unsigned);
extern long double fromfpxl(long double, int, unsigned);
extern __float128 ufromfpf128(__float128, int, unsigned);
extern long double fromfpf64x(long double, int, unsigned);
` + fromfpCases + `
static void show(long double v)
{
	if (__builtin_isnan(v))
		printf("nan");
	else if (v == 0)
		printf(__builtin_signbit(v) ? "-0" : "0");
	else
		printf("%.0Lf", v);
}
#define CALL(fn, T) do { feclearexcept(FE_ALL_EXCEPT); errno = 0; \
	T v_ = fn((T)xs[i], rnds[r], widths[w]); \
	int e_ = errno == EDOM, inv_ = !!fetestexcept(FE_INVALID), inx_ = !!fetestexcept(FE_INEXACT); \
	printf(#fn " "); show((long double)v_); printf(" %d%d%d\n", e_, inv_, inx_); } while (0)
int main(void)
{
	for (unsigned i = 0; i < N(xs); i++)
		for (unsigned r = 0; r < N(rnds); r++)
			for (unsigned w = 0; w < N(widths); w++) {
				printf("%u %u %u: ", i, r, w);
				CALL(fromfp, double);
				CALL(fromfpx, double);
				CALL(ufromfp, double);
				CALL(ufromfpxf, float);
				CALL(fromfpxl, long double);
				CALL(ufromfpf128, __float128);
				CALL(fromfpf64x, long double);
			}
	return 0;
}
`

// fromfpNames are the functions the fromfp programs call.
var fromfpNames = []string{"fromfp", "fromfpx", "ufromfp", "ufromfpxf", "fromfpxl", "ufromfpf128", "fromfpf64x"}

// c23FromfpWant is what glibc 2.43's versions give for fromfpNewSource
// (math/fromfp.h of 2.43: round with ceil/floor/trunc/round/roundeven,
// then a domain error, EDOM and 0/0's "invalid", unless width > 0 and the
// integer fits it; "inexact" from the x forms only, when the result is
// not x). Every argument is exact in every type, so one computation in
// float64 serves all.
func c23FromfpWant() string {
	xs := []float64{0, math.Copysign(0, -1), 2.5, -2.5, 3.5, -0.25, 0.75, 255.5, 256, -128.5, -129,
		0x1p63, -0x1p63, 0x1p64, 0x1p100, math.Inf(1), math.Inf(-1), math.NaN()}
	rnds := []int{0, 1, 2, 3, 4, 7}
	widths := []uint{0, 1, 8, 9, 64, 65, 101, 4000}
	var b strings.Builder
	for i, x := range xs {
		for r, rnd := range rnds {
			for k, w := range widths {
				fmt.Fprintf(&b, "%d %d %d: ", i, r, k)
				for _, fn := range fromfpNames {
					uns := strings.HasPrefix(fn, "u")
					xflag := strings.Contains(fn, "fpx")
					fmt.Fprintf(&b, "%s %s\n", fn, c23Fromfp(x, rnd, w, uns, xflag))
				}
			}
		}
	}
	return b.String()
}

func c23Fromfp(x float64, rnd int, width uint, uns, xflag bool) string {
	const domain = "nan 110"
	if math.IsInf(x, 0) || math.IsNaN(x) || width == 0 {
		return domain
	}
	var r float64
	switch rnd {
	case 0:
		r = math.Ceil(x)
	case 1:
		r = math.Floor(x)
	case 3:
		r = math.Round(x)
	case 4:
		r = math.RoundToEven(x)
	default:
		r = math.Trunc(x)
	}
	if r != 0 {
		frac, exp := math.Frexp(math.Abs(r))
		e, pow2 := exp-1, frac == 0.5
		w := int(width)
		var fits bool
		switch {
		case uns:
			fits = r > 0 && e <= w-1
		case r < 0:
			fits = e < w-1 || e == w-1 && pow2
		default:
			fits = e <= w-2
		}
		if !fits {
			return domain
		}
	}
	inexact := 0
	if xflag && r != x {
		inexact = 1
	}
	val := new(big.Float).SetFloat64(r).Text('f', 0)
	if r == 0 {
		val = "0"
		if math.Signbit(r) {
			val = "-0"
		}
	}
	return fmt.Sprintf("%s 00%d", val, inexact)
}

// fromfp and kin: a program built with headers before 2.43 takes the
// intmax_t results; one built with 2.43's or newer C23's floating ones.
// The old form: glibc's own on 2.41, the polyfill below 2.25, and on a
// target with both forms (2.44) the old version. The new form: the
// polyfill on every target this machine can run (2.17, 2.28, 2.41), equal
// to 2.43's definition computed here, and glibc's GLIBC_2.43 version on
// 2.44.
func TestFromfpFollowsTheHeaders(t *testing.T) {
	old := writeSource(t, "fromfp-old.c", fromfpOldSource)
	local, v225, v243 := map[string]string{}, map[string]string{}, map[string]string{}
	for _, n := range fromfpNames {
		local[n] = ""
		v225[n], v243[n] = "libm.so.6 GLIBC_2.25", "libm.so.6 GLIBC_2.43"
		if strings.HasSuffix(n, "f128") {
			v225[n] = "libm.so.6 GLIBC_2.26"
		}
		if strings.HasSuffix(n, "f64x") {
			v225[n] = "libm.so.6 GLIBC_2.27"
		}
	}
	if !hostHeaders(t).Less(libcompat.MustVersion("2.43")) {
		t.Fatalf("gcc's headers are glibc %v, which declare C23's fromfp", hostHeaders(t))
	}
	real := buildForm(t, old, "2.41")
	imports(t, real, v225)
	want := output(t, debian13(t), real)
	poly := buildForm(t, old, "2.17")
	imports(t, poly, local)
	runUnder(t, debian13(t), "glibc 2.41 (intmax_t, 2.17)", want, poly)
	runUnder(t, debian11(t), "glibc 2.31 (intmax_t, 2.17)", want, poly)
	imports(t, buildForm(t, old, "2.44"), v225)

	useHeaders(t, 43)
	c23 := writeSource(t, "fromfp-c23.c", fromfpNewSource)
	want = c23FromfpWant()
	for _, target := range []string{"2.17", "2.28", "2.41"} {
		prog := buildForm(t, c23, target)
		imports(t, prog, local)
		runUnder(t, debian13(t), "glibc 2.41 (C23, "+target+")", want, prog)
		if target != "2.41" {
			runUnder(t, debian11(t), "glibc 2.31 (C23, "+target+")", want, prog)
		}
	}
	imports(t, buildForm(t, c23, "2.44"), v243)
}

// termiosSource sets and reads line speeds on a zeroed termios structure
// and, through the target's tcsetattr and tcgetattr, on a pseudo-terminal.
// SPEED(n) is the argument for n bits per second: n itself in the form
// glibc 2.42's headers declare, the Bxxx code before.
const termiosSource = `#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
extern int posix_openpt(int);
extern int grantpt(int);
extern int unlockpt(int);
extern char *ptsname(int);
#if NUMERIC
#define SPEED(n) n
#else
#define SPEED(n) B##n
#endif
int main(void)
{
	struct termios t;
	memset(&t, 0, sizeof t);
	int r = cfsetospeed(&t, SPEED(115200));
	printf("%d %u %u ", r, cfgetospeed(&t), cfgetispeed(&t));
	r = cfsetispeed(&t, SPEED(9600));
	printf("%d %u %u\n", r, cfgetospeed(&t), cfgetispeed(&t));
	errno = 0;
	r = cfsetospeed(&t, 250000);
	int einval = errno == EINVAL;
	printf("%d %d %u\n", r, einval, cfgetospeed(&t));
	r = cfsetspeed(&t, SPEED(38400));
	printf("%d %u %u\n", r, cfgetospeed(&t), cfgetispeed(&t));
	r = cfsetispeed(&t, 0);
	printf("%d %u\n", r, cfgetispeed(&t));
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	int s = m < 0 || grantpt(m) || unlockpt(m) ? -1 : open(ptsname(m), O_RDWR | O_NOCTTY);
	struct termios u, v;
	if (s < 0 || tcgetattr(s, &u)) {
		perror("pseudo-terminal");
		return 1;
	}
	cfsetospeed(&u, SPEED(115200));
	cfsetispeed(&u, SPEED(57600));
	r = tcsetattr(s, TCSANOW, &u);
	tcgetattr(s, &v);
	printf("%d %u %u ", r, cfgetospeed(&v), cfgetispeed(&v));
	cfsetspeed(&v, SPEED(4800));
	tcsetattr(s, TCSANOW, &v);
	tcgetattr(s, &u);
	printf("%u %u %o\n", cfgetospeed(&u), cfgetispeed(&u), u.c_cflag & CBAUD);
	return 0;
}
`

// The termios speeds: with glibc 2.42's headers speed_t is a number of
// bits per second, before it a Bxxx code. A program of the number form
// gets it on every target: the polyfill below 2.42 (run here under 2.31
// and 2.41), whose results are 2.42's (speed.c: the number kept, the code
// in c_cflag, split input and output speeds reaching the terminal), but
// for rates without a code, which the older tcsetattr cannot set: EINVAL
// (2.42 takes them). A program of the code form binds the older version
// everywhere, also on 2.44, where the default is the number form.
func TestTermiosSpeedsFollowTheHeaders(t *testing.T) {
	src := writeSource(t, "speeds.c", termiosSource)
	names := []string{"cfsetospeed", "cfgetospeed", "cfsetispeed", "cfgetispeed", "cfsetspeed"}
	with := func(node string) map[string]string {
		m := map[string]string{}
		for _, n := range names {
			m[n] = node
			if node != "" {
				m[n] = "libc.so.6 " + node
			}
		}
		return m
	}
	// The code form, as gcc's headers declare it: glibc's own.
	if !hostHeaders(t).Less(libcompat.MustVersion("2.42")) {
		t.Fatalf("gcc's headers are glibc %v, which declare the number form", hostHeaders(t))
	}
	codes := map[string]string{}
	for _, target := range []string{"2.17", "2.41", "2.42", "2.44"} {
		codes[target] = buildForm(t, src, target, "-DNUMERIC=0")
		imports(t, codes[target], with("GLIBC_2.2.5"))
	}
	want := output(t, debian13(t), codes["2.41"])
	runUnder(t, debian11(t), "glibc 2.31 (codes)", want, codes["2.17"])
	// B115200 is 010002 (4098), B9600 015; the older cfsetispeed sets the
	// output speed too (no split speeds), and its input speed is the
	// output's.
	if !strings.HasPrefix(want, "0 4098 4098 0 13 13\n") {
		t.Errorf("glibc's code form printed %q", want)
	}

	useHeaders(t, 42)
	want = "0 115200 0 0 115200 9600\n-1 1 115200\n0 38400 38400\n0 0\n0 115200 57600 4800 4800 14\n"
	for _, target := range []string{"2.17", "2.41"} {
		prog := buildForm(t, src, target, "-DNUMERIC=1")
		imports(t, prog, with(""))
		runUnder(t, debian13(t), "glibc 2.41 (numbers, "+target+")", want, prog)
		if target == "2.17" {
			runUnder(t, debian11(t), "glibc 2.31 (numbers, "+target+")", want, prog)
		}
	}
	imports(t, buildForm(t, src, "2.44", "-DNUMERIC=1"), with("GLIBC_2.42"))
}

// Headers that are not glibc's (a <features.h> without __GLIBC__) cannot
// say which form a program calls: a link that calls a name with two forms
// fails, naming it and why, and a shared library that would leave it
// unbound is removed; other links are unaffected.
func TestUnknownHeadersRefuseTwoFormNames(t *testing.T) {
	useHeaders(t, -1)
	src := writeSource(t, "two.c", "extern double fromfp(double, int, unsigned);\nint main(void) { return fromfp(2.5, 0, 8) != 3; }\n")
	out, code := link(t, false, "2.41", src, "-o", filepath.Join(t.TempDir(), "two"), "-lm")
	if code == 0 || !strings.Contains(out, "fromfp has two forms under one name") || !strings.Contains(out, "could not tell") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	lib := filepath.Join(t.TempDir(), "libtwo.so")
	out, code = link(t, false, "2.41", "-shared", "-fPIC", src, "-o", lib, "-lm")
	if _, err := os.Stat(lib); code == 0 || err == nil || !strings.Contains(out, "fromfp is undefined") {
		t.Errorf("shared library: exit %d, kept %v, output:\n%s", code, err == nil, out)
	}
	t.Logf("%s", out)
	plain := writeSource(t, "plain.c", "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n")
	mustLink(t, false, "2.17", plain, "-o", filepath.Join(t.TempDir(), "plain"))
}
