package libcompat

import (
	"path/filepath"
	"strings"
	"testing"
)

// The clock waits convert a CLOCK_MONOTONIC deadline into a realtime one
// for the timed variants; setting the realtime clock forward while they
// wait must not cut the wait short. Simulated by compiling clockwait.c
// against a clock_gettime whose realtime clock runs an hour late until
// the first wait began (a deadline computed then lies an hour in the
// past once the clock is right): every wait must still last its full
// 150 ms, on CLOCK_MONOTONIC.
func TestClockWaitSurvivesAClockStep(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	if err := extractSources(dir); err != nil {
		t.Fatal(err)
	}
	var defs []string
	for _, f := range strings.Fields("pthread_cond_clockwait pthread_mutex_clocklock pthread_rwlock_clockrdlock pthread_rwlock_clockwrlock sem_clockwait pthread_clockjoin_np") {
		defs = append(defs, "-DCOMPAT_OBJ_"+f)
	}
	run(t, dir, "gcc", append(append(compileFlags(dir, arches["x86_64"]), defs...),
		"-I"+filepath.Join(dir, "src/x86_64"), "-I"+filepath.Join(dir, "src/common/include"),
		"-Dclock_gettime=fake_clock_gettime", "-o", "clockwait.o", filepath.Join(dir, "src/common/polyfill/clockwait.c"))...)
	writeFile(t, dir, "t.c", checkPrelude+`
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>
int pthread_cond_clockwait(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
int pthread_mutex_clocklock(pthread_mutex_t *, clockid_t, const struct timespec *);
int pthread_rwlock_clockwrlock(pthread_rwlock_t *, clockid_t, const struct timespec *);
int sem_clockwait(sem_t *, clockid_t, const struct timespec *);
int pthread_clockjoin_np(pthread_t, void **, clockid_t, const struct timespec *);

/* The realtime clock an hour behind, until set right (step = 0). */
static long step = 3600;
int fake_clock_gettime(clockid_t c, struct timespec *ts) {
	int r = clock_gettime(c, ts);
	if (c == CLOCK_REALTIME)
		ts->tv_sec -= __atomic_load_n(&step, __ATOMIC_RELAXED);
	return r;
}
static long long mono_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000LL + t.tv_nsec / 1000000; }
static struct timespec in150(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); t.tv_nsec += 150000000; if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; } return t; }
static void *setter(void *a) { (void)a; usleep(20000); __atomic_store_n(&step, 0, __ATOMIC_RELAXED); return NULL; }
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER, held = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t sem;
static void *hold(void *a) { (void)a; pthread_mutex_lock(&held); pthread_rwlock_wrlock(&rw); usleep(3000000); pthread_rwlock_unlock(&rw); pthread_mutex_unlock(&held); return NULL; }
static void *linger(void *a) { (void)a; usleep(1000000); return NULL; }

/* Runs one wait with the realtime clock set right 20 ms into it. */
#define STEPPED(what, call) do { \
	step = 3600; pthread_t s_; pthread_create(&s_, NULL, setter, NULL); \
	struct timespec dl_ = in150(); long long t0_ = mono_ms(); int r_ = (call); long long took_ = mono_ms() - t0_; \
	pthread_join(s_, NULL); \
	CHECK(r_ == ETIMEDOUT); \
	if (took_ < 149) printf("%s: cut short to %lld ms\n", what, took_), failures++; \
} while (0)

int main(void) {
	sem_init(&sem, 0, 0);
	pthread_t h, l;
	pthread_create(&h, NULL, hold, NULL);
	pthread_create(&l, NULL, linger, NULL);
	usleep(50000);
	pthread_mutex_lock(&m);
	STEPPED("cond", pthread_cond_clockwait(&c, &m, CLOCK_MONOTONIC, &dl_));
	pthread_mutex_unlock(&m);
	STEPPED("mutex", pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &dl_));
	STEPPED("rwlock", pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &dl_));
	STEPPED("sem", sem_clockwait(&sem, CLOCK_MONOTONIC, &dl_) == 0 ? 0 : errno);
	STEPPED("join", pthread_clockjoin_np(l, NULL, CLOCK_MONOTONIC, &dl_));
	pthread_join(h, NULL);
	pthread_join(l, NULL);
	DONE();
}
`)
	run(t, dir, "gcc", "-O2", "-Wall", "-pthread", "t.c", "clockwait.o", "-o", "t")
	if out := run(t, dir, "./t"); strings.TrimSpace(out) != "OK" {
		t.Errorf("output:\n%s", out)
	}
}
