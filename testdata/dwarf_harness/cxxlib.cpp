// A C++ library for the DWARF engine's harness: a namespaced method and a
// lambda, compiled -O2 -g, loaded with dlopen after the engine is open.
#include <cstdint>
#include <string>

#define HERE(var) asm volatile("1: lea 1b(%%rip), %0" : "=r"(var))

namespace ns {

struct Widget {
	int k;
	__attribute__((noinline)) uintptr_t method(int x, unsigned *line);
	__attribute__((noinline)) uintptr_t run(int x, unsigned *line);
	__attribute__((noinline)) uintptr_t run_outlined(int x, unsigned *line);
};

template <typename F>
__attribute__((noinline)) uintptr_t apply(F f, int x) {
	return f(x);
}

volatile int sink;

uintptr_t Widget::method(int x, unsigned *line) {
	uintptr_t pc;
	HERE(pc); *line = __LINE__;
	sink = sink + x + k;
	return pc;
}

uintptr_t Widget::run(int x, unsigned *line) {
	return apply([&](int y) -> uintptr_t {
		uintptr_t pc;
		HERE(pc); *line = __LINE__;
		sink = sink + y + k;
		return pc;
	}, x);
}

uintptr_t Widget::run_outlined(int x, unsigned *line) {
	auto f = [&](int y) __attribute__((noinline)) -> uintptr_t {
		uintptr_t pc;
		HERE(pc); *line = __LINE__;
		sink = sink + y + k;
		return pc;
	};
	return f(x) + 0 * f(x + 1);
}

} // namespace ns

// Real C++ libraries need libstdc++; this makes it load with the library,
// so the engine finds __cxa_demangle even in the C harness.
extern "C" unsigned long cxx_strlen(const char *s) {
	return std::string(s).size();
}

extern "C" void cxx_pcs(uintptr_t *pcs, unsigned *lines) {
	ns::Widget w{3};
	pcs[0] = w.method(1, &lines[0]);
	pcs[1] = w.run(2, &lines[1]);
	pcs[2] = w.run_outlined(3, &lines[2]);
}
