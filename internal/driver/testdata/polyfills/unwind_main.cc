// C++ exceptions across frames and across a dlopen'ed library, with static
// libstdc++ and libgcc (whose unwinder calls _dl_find_object). argv[1]:
// the library built from unwind_lib.cc.
#include <dlfcn.h>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include "unwind.h"

__attribute__((noinline)) static void deep(int depth)
{
	if (depth == 0)
		throw Boom{42};
	deep(depth - 1);
	asm volatile("");
}

static void callback(int depth)
{
	deep(depth);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: unwind_main LIBRARY\n");
		return 2;
	}
	try {
		deep(5);
	} catch (const Boom &b) {
		std::printf("main: caught Boom %d thrown 5 frames deep\n", b.code);
	}

	// shared_ptr's reference counts read __libc_single_threaded (GCC >= 11).
	auto p = std::make_shared<std::string>("shared");
	auto q = p;
	std::printf("shared_ptr: use_count %ld\n", q.use_count());

	void *h = dlopen(argv[1], RTLD_NOW);
	if (h == nullptr) {
		std::printf("dlopen: %s\n", dlerror());
		return 1;
	}
	auto lib_throw = reinterpret_cast<lib_throw_fn *>(dlsym(h, "lib_throw"));
	auto lib_call = reinterpret_cast<lib_call_fn *>(dlsym(h, "lib_call"));
	auto lib_self = reinterpret_cast<lib_self_fn *>(dlsym(h, "lib_self"));
	if (!lib_throw || !lib_call || !lib_self) {
		std::printf("dlsym failed\n");
		return 1;
	}
	std::printf("library: caught its own exception %d\n", lib_self());
	try {
		lib_throw(6);
	} catch (const std::exception &e) {
		std::printf("main: caught \"%s\" thrown 6 frames deep in the library\n", e.what());
	}
	try {
		lib_call(callback, 4);
	} catch (const Boom &b) {
		std::printf("main: caught Boom %d thrown through 4 library frames\n", b.code);
	}
	try {
		deep(2);
	} catch (...) {
		std::printf("main: catch (...) after the library\n");
	}
	return 0;
}
