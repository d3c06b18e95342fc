// Shared by unwind_main.cc and unwind_lib.cc.
#ifndef POLYFILL_UNWIND_H
#define POLYFILL_UNWIND_H

// Thrown by the main program through the library's frames.
struct Boom {
	int code;
};

extern "C" {
// Throws std::runtime_error("from the library") `depth` frames deep.
typedef void lib_throw_fn(int depth);
// Calls back(depth) through `depth` frames of its own, catching nothing.
typedef void lib_call_fn(void (*back)(int), int depth);
// Throws and catches inside the library; returns what it caught.
typedef int lib_self_fn(void);
}

#endif
