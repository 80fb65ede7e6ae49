// Command goprog crashes in C under cgosymbolizer, so that the crash dump's
// C frames come from the crash helper (crash_helper.c).
//
//	goprog inline   SIGSEGV inside an inlined C function
//	goprog malloc   SIGABRT from glibc inside free(), arena lock held
//	goprog noexec   inline, with execve forbidden (seccomp) on the crashing thread
package main

/*
#cgo CFLAGS: -O2 -g
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static volatile int stores;

static inline __attribute__((always_inline)) void store_value(int *p, int v) {
	stores++;
	p[stores & 1] = v * 3; // CRASH-INLINE
	stores++;
}

__attribute__((noinline)) void parse_record(int *p, int v) {
	store_value(p, v + 1); // CALL-INLINE
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void crash_inline(void) {
	int *volatile p = NULL;
	parse_record(p, 41); // CALL-PARSE
	__asm__ volatile("" ::: "memory");
}

// A Go process is multi-threaded, so free() takes the arena lock.
__attribute__((noinline)) void double_free(void) {
	char *volatile a = malloc(4096);
	char *volatile guard = malloc(64);
	free(a);
	free(a); // CRASH-FREE
	free(guard);
}

// Makes execve fail with EPERM on this thread and its future children.
static int forbid_execve(void) {
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0], .filter = filter};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		return -1;
	}
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goprog inline|malloc")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "inline":
		C.crash_inline()
	case "malloc":
		C.double_free()
	case "noexec":
		runtime.LockOSThread()
		if C.forbid_execve() != 0 {
			fmt.Fprintln(os.Stderr, "seccomp failed")
			os.Exit(3)
		}
		C.crash_inline()
	}
	fmt.Fprintln(os.Stderr, "NO CRASH")
	os.Exit(1)
}
