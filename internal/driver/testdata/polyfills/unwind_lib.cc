// A shared library linked with its own static libstdc++ and libgcc: its
// unwinder finds frames through _dl_find_object (glibc 2.35, polyfilled
// below that).
#include <stdexcept>
#include "unwind.h"

__attribute__((noinline)) static void deep_throw(int depth)
{
	if (depth == 0)
		throw std::runtime_error("from the library");
	deep_throw(depth - 1);
	asm volatile(""); // not a tail call: keep the frame
}

__attribute__((noinline)) static void deep_call(void (*back)(int), int depth)
{
	if (depth == 0)
		back(3);
	else
		deep_call(back, depth - 1);
	asm volatile("");
}

extern "C" void lib_throw(int depth)
{
	deep_throw(depth);
}

extern "C" void lib_call(void (*back)(int), int depth)
{
	deep_call(back, depth);
}

extern "C" int lib_self(void)
{
	try {
		deep_throw(4);
	} catch (const std::exception &e) {
		return 1;
	}
	return 0;
}
