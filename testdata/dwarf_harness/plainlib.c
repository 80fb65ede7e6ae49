// A C library built several ways by run.sh: with DWARF, stripped, with its
// DWARF in a separate file found by debuglink or build-id, and with a
// separate file that does not match.
#include <stdint.h>

#define HERE(var) __asm__ volatile("1: lea 1b(%%rip), %0" : "=r"(var))

volatile int plain_sink;

#ifdef VARIANT
int plain_variant(void) { return plain_sink * 7 + VARIANT; }
#endif

__attribute__((noinline)) static uintptr_t hidden_func(unsigned *line) {
	uintptr_t pc;
	HERE(pc); *line = __LINE__;
	plain_sink++;
	return pc;
}

__attribute__((noinline)) uintptr_t plain_exported(unsigned *line) {
	uintptr_t pc;
	HERE(pc); *line = __LINE__;
	plain_sink += 2;
	return pc;
}

static inline __attribute__((always_inline)) uintptr_t plain_inl(unsigned *line) {
	uintptr_t pc;
	HERE(pc); *line = __LINE__;
	plain_sink += 4;
	return pc;
}

// Only DWARF knows plain_inl: with dwz, only through the shared file.
__attribute__((noinline)) uintptr_t plain_inline_pc(unsigned *line) {
	uintptr_t pc = plain_inl(line);
	plain_sink += 5;
	return pc;
}

__attribute__((noinline)) uintptr_t plain_call_hidden(unsigned *line) {
	uintptr_t pc = hidden_func(line);
	plain_sink += 3;
	return pc;
}

#ifdef TAG
// Makes each build of this file a different binary, with its own build-id.
const char plain_tag[] = TAG;
#endif
