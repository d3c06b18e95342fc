// C++ timed waits on both clocks: condition_variable wait_for/wait_until
// (steady_clock and system_clock), timed_mutex, shared_timed_mutex and
// counting_semaphore. libstdc++'s headers turn them into
// pthread_cond_clockwait, pthread_mutex_clocklock,
// pthread_rwlock_clock{rd,wr}lock and sem_clockwait (glibc 2.30). A
// timeout must expire neither early nor more than 50 ms late; a
// notification must still end a wait.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <thread>

using namespace std::chrono;
using namespace std::chrono_literals;

static const auto wait = 120ms;

// timing says whether f (which should wait `wait` and fail) was on time.
// A busy machine can delay a wake-up, so a late result is measured again
// (up to 5 times); an early one never is.
static void timing(const char *what, const std::function<bool()> &f)
{
	const char *verdict = "late";
	bool got = true;
	for (int i = 0; i < 5; i++) {
		auto start = steady_clock::now();
		got = f();
		auto took = steady_clock::now() - start;
		if (took < wait - 1ms) { verdict = "EARLY"; break; }
		if (took < wait + 50ms) { verdict = "on time"; break; }
	}
	std::printf("%s: %s, %s\n", what, got ? "acquired" : "timed out", verdict);
}

int main()
{
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	std::mutex m;
	std::condition_variable cv;
	bool flag = false;

	timing("condition_variable wait_for steady", [&] { std::unique_lock l(m); return cv.wait_for(l, wait) == std::cv_status::no_timeout; });
	timing("condition_variable wait_until steady", [&] { std::unique_lock l(m); return cv.wait_until(l, steady_clock::now() + wait) == std::cv_status::no_timeout; });
	timing("condition_variable wait_until system", [&] { std::unique_lock l(m); return cv.wait_until(l, system_clock::now() + wait) == std::cv_status::no_timeout; });
	timing("condition_variable wait_for predicate", [&] { std::unique_lock l(m); return cv.wait_for(l, wait, [&] { return flag; }); });
	{
		std::thread t([&] { std::this_thread::sleep_for(30ms); { std::lock_guard g(m); flag = true; } cv.notify_one(); });
		std::unique_lock l(m);
		auto start = steady_clock::now();
		bool ok = cv.wait_for(l, 5s, [&] { return flag; });
		std::printf("condition_variable notified: %s, promptly %d\n", ok ? "woken" : "timed out", steady_clock::now() - start < 2s);
		l.unlock();
		t.join();
	}

	std::timed_mutex tm;
	std::shared_timed_mutex sm;
	std::counting_semaphore<4> sem(0);
	std::binary_semaphore go(0), done(0);
	std::thread holder([&] { tm.lock(); sm.lock(); go.release(); done.acquire(); sm.unlock(); tm.unlock(); });
	go.acquire();
	timing("timed_mutex try_lock_for", [&] { return tm.try_lock_for(wait); });
	timing("timed_mutex try_lock_until system", [&] { return tm.try_lock_until(system_clock::now() + wait); });
	timing("shared_timed_mutex try_lock_for", [&] { return sm.try_lock_for(wait); });
	timing("shared_timed_mutex try_lock_shared_for", [&] { return sm.try_lock_shared_for(wait); });
	timing("shared_timed_mutex try_lock_shared_until system", [&] { return sm.try_lock_shared_until(system_clock::now() + wait); });
	timing("counting_semaphore try_acquire_for", [&] { return sem.try_acquire_for(wait); });
	timing("counting_semaphore try_acquire_until system", [&] { return sem.try_acquire_until(system_clock::now() + wait); });
	done.release();
	holder.join();
	std::printf("timed_mutex free: %d, shared_timed_mutex free: %d\n", tm.try_lock_for(wait), sm.try_lock_shared_for(wait));
	tm.unlock();
	sm.unlock_shared();
	{
		std::thread t([&] { std::this_thread::sleep_for(30ms); sem.release(2); });
		auto start = steady_clock::now();
		bool a = sem.try_acquire_for(5s), b = sem.try_acquire_for(5s);
		std::printf("counting_semaphore released: %d %d, promptly %d\n", a, b, steady_clock::now() - start < 2s);
		t.join();
	}
	return 0;
}
