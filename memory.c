//go:build linux && cgo && (amd64 || arm64)

// memory.c — reading memory that may not be there, from a signal handler.
//
// The unwinder follows pointers taken from a stack that may be garbage
// (a corrupted frame, a snapshot of a stack since unmapped). A fault inside
// a signal handler kills the process silently, so every such read is
// checked first.

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bind_now.h"
#include "internal.h"

#define PAGE_SIZE_MIN 4096

// [signal] Reports whether the 8 bytes at addr are readable, without
// touching them from user space: rt_sigprocmask copies the new mask from
// the caller before it looks at "how", so an unreadable address fails with
// EFAULT and a readable one with EINVAL for the invalid "how" (the mask is
// never changed). About 110 ns.
static int readable8(uintptr_t addr) {
	long rc = syscall(SYS_rt_sigprocmask, ~0, (void *)addr, NULL, sizeof(uint64_t));
	return !(rc == -1 && errno == EFAULT);
}

// [signal]
int cgosym_read_memory(void *dst, uintptr_t addr, size_t n) {
	if (n == 0) {
		return 0;
	}
	if (addr + n < addr || addr < PAGE_SIZE_MIN) {
		return -1;
	}
	int saved_errno = errno;
	int ok = 1;
	// Pages are readable whole or not at all: probe the first word of each
	// page the range touches.
	uintptr_t last = (addr + n - 1) & ~(uintptr_t)(PAGE_SIZE_MIN - 1);
	for (uintptr_t page = addr & ~(uintptr_t)(PAGE_SIZE_MIN - 1);; page += PAGE_SIZE_MIN) {
		if (!readable8(page)) {
			ok = 0;
			break;
		}
		if (page == last) {
			break;
		}
	}
	errno = saved_errno;
	if (!ok) {
		return -1;
	}
	cgosym_copy_unchecked(dst, (const void *)addr, n);
	return 0;
}
