package driver

import (
	"path/filepath"
	"testing"

	"compatbuild/internal/abidb"
)

const wantTimedWaits = `condition_variable wait_for steady: timed out, on time
condition_variable wait_until steady: timed out, on time
condition_variable wait_until system: timed out, on time
condition_variable wait_for predicate: timed out, on time
condition_variable notified: woken, promptly 1
timed_mutex try_lock_for: timed out, on time
timed_mutex try_lock_until system: timed out, on time
shared_timed_mutex try_lock_for: timed out, on time
shared_timed_mutex try_lock_shared_for: timed out, on time
shared_timed_mutex try_lock_shared_until system: timed out, on time
counting_semaphore try_acquire_for: timed out, on time
counting_semaphore try_acquire_until system: timed out, on time
timed_mutex free: 1, shared_timed_mutex free: 1
counting_semaphore released: 1 1, promptly 1
`

// TestCxxTimedWaits: C++20 timed waits built with -static-libstdc++ for
// 2.17, 2.28 and 2.31 (below 2.30 the clock waits libstdc++'s headers call
// are the catalogue's) time out on time and still wake when notified,
// under real glibc 2.31 and 2.41; counting_semaphore both as GCC 12 builds
// it (atomic waits) and over sem_t (_GLIBCXX_USE_POSIX_SEMAPHORE).
func TestCxxTimedWaits(t *testing.T) {
	old, cur := debian11(t), debian13(t)
	for _, ts := range polyfilledTargets {
		for _, posix := range []bool{false, true} {
			name := ts
			flags := []string{"-O2", "-Wall", "-std=c++20", "-pthread", "-static-libstdc++", "-static-libgcc"}
			if posix {
				name += "-posix-semaphore"
				flags = append(flags, "-D_GLIBCXX_USE_POSIX_SEMAPHORE")
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				target := abidb.MustParseVersion(ts)
				prog := filepath.Join(t.TempDir(), "timed_waits")
				mustLink(t, true, ts, append(flags, filepath.Join("testdata", "catalogue", "timed_waits.cc"), "-o", prog)...)
				checkFloor(t, prog, target)
				if target.Less(abidb.MustParseVersion("2.30")) {
					checkCatalogueUse(t, prog, target, []string{"pthread_cond_clockwait", "pthread_mutex_clocklock",
						"pthread_rwlock_clockrdlock", "pthread_rwlock_clockwrlock"})
				}
				runUnder(t, old, "glibc 2.31", wantTimedWaits, prog)
				runUnder(t, cur, "glibc 2.41", wantTimedWaits, prog)
			})
		}
	}
}
