/*
 * bind_now.h — the C library functions called in signal handlers, bound
 * when the program loads rather than on first use.
 *
 * A call through a lazily bound PLT slot runs the dynamic linker's
 * resolver the first time; inside a signal handler that may be the moment
 * the process is dying, possibly inside the dynamic linker itself. Declared
 * noplt, every call goes through the GOT, which the dynamic linker fills at
 * load time (R_X86_64_GLOB_DAT). Go 1.22's cgo refuses -Wl,-z,now, which
 * would do this for the whole program. Included by every file with code
 * tagged [signal] or [dying], after the system headers.
 */
#ifndef CGOSYM_BIND_NOW_H
#define CGOSYM_BIND_NOW_H

#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <ucontext.h>

#define CGOSYM_NOPLT __attribute__((noplt))

extern int open(const char *, int, ...) CGOSYM_NOPLT;
extern ssize_t read(int, void *, size_t) CGOSYM_NOPLT;
extern ssize_t write(int, const void *, size_t) CGOSYM_NOPLT;
extern int close(int) CGOSYM_NOPLT;
extern int fstat(int, struct stat *) CGOSYM_NOPLT;
extern ssize_t readlink(const char *, char *, size_t) CGOSYM_NOPLT;
extern void *mmap(void *, size_t, int, int, int, off_t) CGOSYM_NOPLT;
extern int munmap(void *, size_t) CGOSYM_NOPLT;
extern long syscall(long, ...) CGOSYM_NOPLT;
extern int sigaction(int, const struct sigaction *, struct sigaction *) CGOSYM_NOPLT;
extern int pthread_sigmask(int, const sigset_t *, sigset_t *) CGOSYM_NOPLT;
extern int sigaltstack(const stack_t *, stack_t *) CGOSYM_NOPLT;
extern int sigemptyset(sigset_t *) CGOSYM_NOPLT;
extern int sigaddset(sigset_t *, int) CGOSYM_NOPLT;
extern int sigismember(const sigset_t *, int) CGOSYM_NOPLT;
extern int getcontext(ucontext_t *) CGOSYM_NOPLT;
extern int _dl_find_object(void *, struct dl_find_object *) CGOSYM_NOPLT;
extern int nanosleep(const struct timespec *, struct timespec *) CGOSYM_NOPLT;
extern int clock_gettime(clockid_t, struct timespec *) CGOSYM_NOPLT;
extern int kill(pid_t, int) CGOSYM_NOPLT;
extern pid_t getpid(void) CGOSYM_NOPLT;
extern void _exit(int) CGOSYM_NOPLT;
extern int socketpair(int, int, int, int[2]) CGOSYM_NOPLT;
extern pid_t vfork(void) CGOSYM_NOPLT;
extern int fcntl(int, int, ...) CGOSYM_NOPLT;
extern int execve(const char *, char *const[], char *const[]) CGOSYM_NOPLT;
extern int poll(struct pollfd *, nfds_t, int) CGOSYM_NOPLT;
extern ssize_t send(int, const void *, size_t, int) CGOSYM_NOPLT;
extern ssize_t recv(int, void *, size_t, int) CGOSYM_NOPLT;
extern void *memcpy(void *, const void *, size_t) CGOSYM_NOPLT;
extern void *memset(void *, int, size_t) CGOSYM_NOPLT;
extern int memcmp(const void *, const void *, size_t) CGOSYM_NOPLT;
extern size_t strlen(const char *) CGOSYM_NOPLT;

#endif /* CGOSYM_BIND_NOW_H */
