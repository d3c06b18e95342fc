// C++ exceptions unwinding through frames, linked with -static-libstdc++
// -static-libgcc: the unwinder from the host GCC calls _dl_find_object.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

static int depth(int n) {
	if (n == 0)
		throw std::runtime_error("deep");
	std::vector<std::string> keep(1, std::to_string(n));
	return depth(n - 1) + (int)keep.size();
}

int main() {
	try {
		depth(5);
	} catch (const std::exception &e) {
		std::printf("caught: %s\n", e.what());
		return 0;
	}
	return 1;
}
