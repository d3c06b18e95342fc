// A thread_local destructor that uses a function-local static constructed
// after the thread_local: glibc runs thread_local destructors before every
// exit handler, so the static is still alive when the destructor runs.
#include <cstdio>
struct Pool { bool alive = true; ~Pool() { alive = false; std::puts("pool dtor"); } };
Pool &pool() { static Pool p; return p; }
struct T { int x = 1; ~T() { std::printf("T dtor, pool alive %d\n", (int)pool().alive); } };
thread_local T t;
int main() { std::printf("t.x %d\n", t.x); pool(); }
