//go:build linux && cgo && amd64

// format.c — text for the crash path, without stdio or malloc.

#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "bind_now.h"
#include "internal.h"

// [signal]
size_t cgosym_format_hex(char *buf, uintptr_t v) {
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;
	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	buf[0] = '0';
	buf[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		buf[2 + i] = tmp[n - 1 - i];
	}
	return 2 + n;
}

// The main executable's path; link_map names it "". Written once by
// cgosym_format_init (from cgosymbolizer_init, before any signal path can
// run), read-only afterwards.
static char main_program_path[4096] = "/proc/self/exe";

// [normal]
void cgosym_format_init(void) {
	char path[sizeof main_program_path];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n > 0) {
		path[n] = '\0';
		memcpy(main_program_path, path, (size_t)n + 1);
	}
}

// [signal] _dl_find_object is async-signal-safe and takes no lock
// (glibc >= 2.35), unlike dladdr and dl_iterate_phdr.
int cgosym_format_module_offset(char *buf, size_t n, uintptr_t pc) {
	struct dl_find_object dlfo;
	if (n < 20 || _dl_find_object((void *)pc, &dlfo) != 0 || dlfo.dlfo_link_map == NULL) {
		return -1;
	}
	const char *name = dlfo.dlfo_link_map->l_name;
	if (name == NULL || name[0] == '\0') {
		name = main_program_path;
	}
	size_t len = strlen(name);
	if (len > n - 20) {
		// Keep the end of the path: the file name matters most.
		name += len - (n - 20);
		len = n - 20;
	}
	memcpy(buf, name, len);
	buf[len++] = '+';
	len += cgosym_format_hex(buf + len, pc - dlfo.dlfo_link_map->l_addr);
	buf[len] = '\0';
	return 0;
}
