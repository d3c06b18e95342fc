/* The same calls from a shared library: run_calls(exe) spawns exe. */
#include "calls.h"

int run_calls(const char *exe)
{
	return calls(exe);
}
