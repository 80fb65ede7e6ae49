// C++ seed: namespaces, a class, a template instance, lambdas inlined and
// not, so the DWARF has linkage names, specifications and abstract
// origins across DIEs.
namespace seed {

struct Widget {
	int k;
	__attribute__((noinline)) int method(int x);
	template <typename F> __attribute__((noinline)) int apply(F f, int x) { return f(x) + k; }
	int run(int x);
};

volatile int sink;

int Widget::method(int x) {
	sink = sink + x + k;
	return x * k;
}

int Widget::run(int x) {
	auto inl = [&](int y) { sink = sink + y; return y + k; };
	auto outl = [&](int y) __attribute__((noinline)) { sink = sink - y; return y * k; };
	return apply(inl, x) + apply(outl, x) + method(x);
}

} // namespace seed

extern "C" int seed_cxx(int x) {
	seed::Widget w{3};
	return w.run(x);
}
