#include <stdexcept>

#define NOINLINE __attribute__((noinline))

namespace demo {

volatile int cxx_sink;

template <typename T>
class Validator {
public:
	NOINLINE void check(T v);
};

template <typename T>
void Validator<T>::check(T v) {
	if (v > 0) {
		throw std::runtime_error("demo: value out of range"); /* MARK:check_throws */
	}
	cxx_sink++;
}

class Parser {
public:
	NOINLINE int parse(int v);

private:
	Validator<int> validator_;
};

int Parser::parse(int v) {
	validator_.check(v * 2); /* MARK:parse_calls_check */
	cxx_sink++;
	return v;
}

} // namespace demo

extern "C" NOINLINE void cxx_entry(int v) {
	demo::Parser p;
	p.parse(v); /* MARK:entry_calls_parse */
	demo::cxx_sink++;
}
