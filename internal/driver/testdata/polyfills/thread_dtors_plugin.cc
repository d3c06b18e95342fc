// A plugin with a thread_local object, for thread_dtors_host.c.
#include <cstdio>
struct N { const char *n; N(const char *x) : n(x) {} ~N() { std::printf("  ~%s\n", n); std::fflush(stdout); } };
thread_local N tl("plugin-tl");
extern "C" const char *touch() { return tl.n; }
