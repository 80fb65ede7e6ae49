// fuzz_elf.c — a libFuzzer target for the DWARF engine (dwarf*.c) in file
// mode: each input is written to a file (or, as a bundle, to several:
// inputs.py describes the format), added to a fresh engine with
// cgosym_dwarf_open_files and cgosym_dwarf_add_file, and looked up at PCs
// spread over its loadable segments and at its function symbols; then the
// engine is closed. Every answer is checked against the API's promises
// (internal.h): 0..max frames, names never NULL, strings readable.
//
// Built two ways: with clang -fsanitize=fuzzer,address,undefined by
// run_fuzz.sh (`make fuzz`), and with gcc -fsanitize=address,undefined and
// replay_main.c by replay.sh, which runs seeds/ and corpus/ in `make test`.
//
// CGOSYMBOLIZER_MAX_MEMORY is 64M here unless set: inputs that lie about
// sizes hit the cap cheaply.

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// The engine calls libdw and libelf through a table it fills with dlopen
// (dwarf_api.h); here they are linked, and the table is filled with them
// (LLVMFuzzerInitialize): the libraries fuzzed are the ones linked, also
// when they are an instrumented static build (README.md).
#define CGOSYM_DWARF_API_REAL_NAMES
#include "dwarf_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// Where the main file (m), its debug file (m.debug), dwz's file (m.dwz)
// and a second module (second) are written; the seeds' .gnu_debuglink and
// .gnu_debugaltlink name these files.
static char dir[PATH_MAX - 32];
static const char *const names[4] = {"m", "m.debug", "m.dwz", "second"};
static char paths[4][PATH_MAX];

#define MAIN_BASE ((uintptr_t)0x555555554000)
#define SECOND_BASE ((uintptr_t)0x7f0000000000)
#define MAX_PCS 320

// FUZZ_ELF_PRINT set: every answer goes to stdout (to check what the seeds
// reach).
static int print_answers;

static void remove_dir(void) {
	for (int i = 0; i < 4; i++) {
		unlink(paths[i]);
	}
	rmdir(dir);
}

// libFuzzer's processes often end with _exit, skipping remove_dir: the work
// directories of processes gone (cgosym-fuzz-PID-*) are removed here.
static void remove_stale_dirs(const char *tmp) {
	DIR *dp = opendir(tmp);
	struct dirent *e;
	while (dp != NULL && (e = readdir(dp)) != NULL) {
		int pid;
		if (sscanf(e->d_name, "cgosym-fuzz-%d-", &pid) != 1 || pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH) {
			continue;
		}
		char path[PATH_MAX];
		for (int i = 0; i < 4; i++) {
			snprintf(path, sizeof path, "%s/%s/%s", tmp, e->d_name, names[i]);
			unlink(path);
		}
		snprintf(path, sizeof path, "%s/%s", tmp, e->d_name);
		rmdir(path);
	}
	if (dp != NULL) {
		closedir(dp);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	struct stat st;
	if (tmp == NULL || tmp[0] == '\0') {
		tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
													   : "/tmp";
	}
	remove_stale_dirs(tmp);
	snprintf(dir, sizeof dir, "%s/cgosym-fuzz-%d-XXXXXX", tmp, (int)getpid());
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	for (int i = 0; i < 4; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
	}
	atexit(remove_dir);
	// Read once, by the first engine opened: debug files are looked for
	// in the work directory, never in /usr/lib/debug first.
	setenv("CGOSYMBOLIZER_MAX_MEMORY", "64M", 0);
	setenv("CGOSYMBOLIZER_DEBUG_DIRS", dir, 1);
	static struct cgosym_dwarf_api api;
#define FILL(name) api.name = name;
	CGOSYM_DWARF_API(FILL)
#undef FILL
	cgosym_dwarf_api = &api;
	// Fuzzed linkage names go through the C++ demangler too.
	cgosym_dwarf_resolve_demangler(1);
	elf_version(EV_CURRENT);
	print_answers = getenv("FUZZ_ELF_PRINT") != NULL;
	return 0;
}

static void write_file(int kind, const uint8_t *data, size_t size) {
	int fd = open(paths[kind], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(paths[kind]);
		abort();
	}
	while (size > 0) {
		ssize_t n = write(fd, data, size);
		if (n <= 0) {
			perror("write");
			abort();
		}
		data += n;
		size -= (size_t)n;
	}
	close(fd);
}

// Writes the input's files; returns a bit mask of the kinds written.
static unsigned write_input(const uint8_t *data, size_t size) {
	for (int i = 0; i < 4; i++) {
		unlink(paths[i]);
	}
	static const char magic[8] = "CGOSYMFZ";
	if (size < sizeof magic || memcmp(data, magic, sizeof magic) != 0) {
		write_file(0, data, size);
		return 1;
	}
	unsigned mask = 0;
	size_t p = sizeof magic;
	while (p + 5 <= size) {
		int kind = data[p] & 3;
		uint32_t len = (uint32_t)data[p + 1] | (uint32_t)data[p + 2] << 8 | (uint32_t)data[p + 3] << 16 |
			       (uint32_t)data[p + 4] << 24;
		p += 5;
		if (len > size - p) {
			len = (uint32_t)(size - p);
		}
		if (!(mask & (1u << kind))) {
			write_file(kind, data + p, len);
			mask |= 1u << kind;
		}
		p += len;
	}
	return mask;
}

static void add_pc(uintptr_t *pcs, size_t *n, uintptr_t pc) {
	if (*n < MAX_PCS) {
		pcs[(*n)++] = pc;
	}
}

// PCs to ask about for the file at path loaded at base: a spread over each
// loadable segment (denser in executable ones), just outside them, and the
// function symbols' entries, middles and last bytes. Reads the file as the
// engine does (ELF_C_READ), and no section larger than the file.
static size_t pick_pcs(const char *path, uintptr_t base, uintptr_t *pcs, size_t n) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return n;
	}
	struct stat st;
	Elf *elf = fstat(fd, &st) == 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	size_t phnum = 0;
	if (elf != NULL && elf_kind(elf) == ELF_K_ELF && elf_getphdrnum(elf, &phnum) == 0) {
		for (size_t i = 0; i < phnum && i < 64; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)i, &ph) == NULL || ph.p_type != PT_LOAD) {
				continue;
			}
			uintptr_t lo = base + (uintptr_t)ph.p_vaddr, size = (uintptr_t)ph.p_memsz;
			int k = (ph.p_flags & PF_X) ? 96 : 8;
			add_pc(pcs, &n, lo - 1);
			for (int j = 0; j < k; j++) {
				add_pc(pcs, &n, lo + size / (uintptr_t)k * (uintptr_t)j + (uintptr_t)j % 7);
			}
			add_pc(pcs, &n, lo + size);
		}
	}
	Elf_Scn *scn = NULL;
	size_t syms = 0;
	while (elf != NULL && (scn = elf_nextscn(elf, scn)) != NULL && syms < 64) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    sh.sh_entsize == 0 || sh.sh_offset > (uint64_t)st.st_size ||
		    sh.sh_size > (uint64_t)st.st_size - sh.sh_offset) {
			continue;
		}
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t count = data != NULL ? data->d_size / sh.sh_entsize : 0;
		for (size_t i = 1; i < count && i < 4096 && syms < 64; i++) {
			GElf_Sym sym;
			if (gelf_getsym(data, (int)i, &sym) == NULL || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_value == 0) {
				continue;
			}
			uintptr_t at = base + (uintptr_t)sym.st_value;
			add_pc(pcs, &n, at);
			if (sym.st_size > 1) {
				add_pc(pcs, &n, at + (uintptr_t)sym.st_size / 2);
				add_pc(pcs, &n, at + (uintptr_t)sym.st_size - 1);
			}
			syms++;
		}
	}
	if (elf != NULL) {
		elf_end(elf);
	}
	close(fd);
	return n;
}

// The API's promises about one answer.
static void check(uintptr_t pc, const struct cgosym_frame *fr, int n, int max) {
	if (n < 0 || n > max) {
		fprintf(stderr, "lookup %#lx: %d frames for max %d\n", (unsigned long)pc, n, max);
		abort();
	}
	for (int i = 0; i < n; i++) {
		if (fr[i].function == NULL) {
			fprintf(stderr, "lookup %#lx: frame %d has no function\n", (unsigned long)pc, i);
			abort();
		}
		// Reads every byte: the sanitizers check the strings are live.
		volatile size_t len = strlen(fr[i].function);
		if (fr[i].file != NULL) {
			len += strlen(fr[i].file);
		}
		(void)len;
	}
	if (print_answers && max == CGOSYM_MAX_INLINE) {
		printf("%#lx", (unsigned long)pc);
		for (int i = 0; i < n; i++) {
			printf("\t%s %s:%lu", fr[i].function, fr[i].file ? fr[i].file : "?", fr[i].line);
		}
		printf("\n");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	unsigned mask = write_input(data, size);
	uintptr_t pcs[MAX_PCS];
	size_t n = 0;
	struct cgosym_dwarf *d = cgosym_dwarf_open_files();
	if (d == NULL) {
		abort();
	}
	if ((mask & 1) && cgosym_dwarf_add_file(d, paths[0], MAIN_BASE) == 0) {
		n = pick_pcs(paths[0], MAIN_BASE, pcs, n);
	}
	if ((mask & 8) && cgosym_dwarf_add_file(d, paths[3], SECOND_BASE) == 0) {
		n = pick_pcs(paths[3], SECOND_BASE, pcs, n);
	}
	// Not a file of its own: add_file must refuse it, and a module may not
	// be added twice at overlapping addresses.
	if (cgosym_dwarf_add_file(d, dir, 0x1000) == 0 || cgosym_dwarf_add_file(d, "/nonexistent/x", 0x1000) == 0) {
		abort();
	}
	if ((mask & 1) && n > 0 && cgosym_dwarf_add_file(d, paths[0], MAIN_BASE) == 0) {
		fprintf(stderr, "the same file added twice at the same base\n");
		abort();
	}
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (size_t i = 0; i < n; i++) {
		int k = cgosym_dwarf_lookup(d, pcs[i], fr, CGOSYM_MAX_INLINE);
		check(pcs[i], fr, k, CGOSYM_MAX_INLINE);
	}
	// Cached answers, cut to fewer frames.
	for (size_t i = 0; i < n; i += 3) {
		int max = 1 + (int)(i % 3);
		int k = cgosym_dwarf_lookup(d, pcs[i], fr, max);
		check(pcs[i], fr, k, max);
	}
	cgosym_dwarf_close(d);
	return 0;
}
