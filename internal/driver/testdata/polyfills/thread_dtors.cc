// C++ thread_local objects with destructors, which register through
// __cxa_thread_atexit_impl (glibc 2.18): each thread's run when it ends,
// newest first, before join returns; one first constructed while another
// is destroyed runs too; the main thread's run at exit, before static
// destructors. Built with -static-libstdc++, whose __cxa_thread_atexit
// calls it directly. With -DSINGLE the program has no threads and so does
// not link libpthread (glibc < 2.34).
#include <cstdio>
#include <cstring>
#ifndef SINGLE
#include <pthread.h>
#endif

struct Noisy {
	const char *name;
	explicit Noisy(const char *n) : name(n) { std::printf("  +%s\n", name); }
	~Noisy();
};

thread_local Noisy first("first");
thread_local Noisy second("second");

static Noisy &late()
{
	thread_local Noisy l("late"); // constructed on the first call
	return l;
}

Noisy::~Noisy()
{
	std::printf("  ~%s\n", name);
	if (std::strcmp(name, "first") == 0)
		std::printf("  ~first met %s\n", late().name);
}

struct Static {
	~Static() { std::printf("~static\n"); }
} static_object;

static void use(const char *who)
{
	std::printf("%s uses first and second\n", who);
	std::printf("  %s %s\n", first.name, second.name);
}

#ifndef SINGLE
static void *worker(void *)
{
	use("thread");
	return nullptr;
}
#endif

int main()
{
#ifndef SINGLE
	pthread_t t;
	if (pthread_create(&t, nullptr, worker, nullptr) != 0)
		return 1;
	pthread_join(t, nullptr);
	std::printf("joined\n");
#endif
	use("main");
	std::printf("main returns\n");
	return 0;
}
