// soak.cc — C++ exceptions thrown and caught in a loop: the unwinder
// libstdc++ uses must stay libgcc's, and must not meet ours in a lock.
#include <stdexcept>

namespace soak {
__attribute__((noinline)) static int thrower(int depth) {
	if (depth == 0) {
		throw std::runtime_error("soak");
	}
	return thrower(depth - 1) + 1;
}
} // namespace soak

extern "C" int soak_throw_and_catch(int n) {
	try {
		return soak::thrower(n);
	} catch (const std::exception &) {
		return 1;
	}
}
