//go:build linux && cgo && (amd64 || arm64)

// dwarf_files.c — finding the ELF file actually mapped, not whatever now
// sits at its path: /proc/PID/maps, /proc/PID/map_files, /proc/PID/exe,
// build-ids read from memory, and the vdso's image. Separate debug files
// are dwarf_debuginfo.c's.

#include <dwarf.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>

#include "dwarf_internal.h"

// [normal]
char *cgosym_dwarf_undeleted(const char *path) {
	static const char suffix[] = " (deleted)";
	size_t len = strlen(path);
	if (len >= sizeof suffix - 1 && strcmp(path + len - (sizeof suffix - 1), suffix) == 0) {
		len -= sizeof suffix - 1;
	}
	return strndup(path, len);
}

// [normal]
int cgosym_dwarf_read_maps(pid_t pid, struct cgosym_dwarf_maps *maps) {
	char name[64];
	if (pid == 0) {
		snprintf(name, sizeof name, "/proc/self/maps");
	} else {
		snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	}
	maps->vma = NULL;
	maps->n = 0;
	FILE *f = fopen(name, "re");
	if (f == NULL) {
		return -1;
	}
	size_t cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	while ((len = getline(&line, &linecap, f)) > 0) {
		if (line[len - 1] == '\n') {
			line[len - 1] = '\0';
		}
		struct cgosym_dwarf_vma v;
		int pathpos = -1;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %*s %" SCNxPTR " %lx:%lx %lu %n",
			   &v.start, &v.end, &v.offset, &v.dev_major, &v.dev_minor, &v.ino, &pathpos) < 6 ||
		    pathpos <= 0 || line[pathpos] != '/') {
			continue;
		}
		if (maps->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct cgosym_dwarf_vma *nv = realloc(maps->vma, ncap * sizeof *nv);
			if (nv == NULL) {
				break;
			}
			maps->vma = nv;
			cap = ncap;
		}
		v.path = strdup(line + pathpos);
		if (v.path == NULL) {
			break;
		}
		maps->vma[maps->n++] = v;
	}
	free(line);
	fclose(f);
	return maps->n > 0 ? 0 : -1;
}

// [normal]
void cgosym_dwarf_free_maps(struct cgosym_dwarf_maps *maps) {
	for (size_t i = 0; i < maps->n; i++) {
		free(maps->vma[i].path);
	}
	free(maps->vma);
	maps->vma = NULL;
	maps->n = 0;
}

// [normal]
size_t cgosym_dwarf_elf_build_id(Elf *elf, const unsigned char **bits) {
	const void *p = NULL;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &p);
	if (n <= 0 || p == NULL) {
		*bits = NULL;
		return 0;
	}
	*bits = p;
	return (size_t)n;
}

// The vdso image copied once; every Elf handle reads it (libelf writes
// only into images opened for writing).
static char *vdso_copy;
static size_t vdso_size;

// [normal] The vdso has no file: libdwfl gets a private copy of its image,
// as it would get one read from /proc/PID/mem, since the vdso's own pages
// are not something to hand to a library that may write.
Elf *cgosym_dwarf_vdso_elf(void) {
	if (vdso_copy == NULL) {
		uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
		if (base == 0) {
			return NULL;
		}
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
		if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
		    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64) {
			return NULL;
		}
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
		uint64_t mapped = 0;
		for (int i = 0; i < eh->e_phnum; i++) {
			if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > mapped) {
				mapped = ph[i].p_offset + ph[i].p_filesz;
			}
		}
		long page = sysconf(_SC_PAGESIZE);
		if (page <= 0) {
			page = 4096;
		}
		// Only what the loaded segment covers is known to be mapped (the
		// section headers are inside it; libelf checks they fit).
		uint64_t size = (mapped + (uint64_t)page - 1) & ~((uint64_t)page - 1);
		if (size == 0 || size > (1u << 20)) {
			return NULL;
		}
		char *copy = malloc(size);
		if (copy == NULL) {
			return NULL;
		}
		memcpy(copy, (const void *)base, size);
		vdso_copy = copy;
		vdso_size = size;
	}
	Elf *elf = elf_memory(vdso_copy, vdso_size);
	if (elf != NULL && elf_kind(elf) != ELF_K_ELF) {
		elf_end(elf);
		elf = NULL;
	}
	return elf;
}

// [normal] Opens path only if it is a regular file: a mapped device or
// FIFO could block in open or have side effects.
int cgosym_dwarf_open_regular(const char *path, struct stat *st) {
	struct stat tmp;
	if (st == NULL) {
		st = &tmp;
	}
	if (stat(path, st) != 0 || !S_ISREG(st->st_mode)) {
		return -1;
	}
	// O_NONBLOCK: a FIFO swapped in after the check must not block the
	// open; the fstat below then refuses it. (Reads of a regular file
	// ignore the flag.)
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

// [normal]
static int same_inode(const struct stat *st, const struct cgosym_dwarf_vma *v) {
	return v != NULL && (unsigned long)major(st->st_dev) == v->dev_major &&
	       (unsigned long)minor(st->st_dev) == v->dev_minor && (unsigned long)st->st_ino == v->ino;
}

// [normal] Reads another process's memory; fails without ptrace rights.
static int read_remote(pid_t pid, uintptr_t addr, void *dst, size_t n) {
	struct iovec local = {dst, n};
	struct iovec remote = {(void *)addr, n};
	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)n ? 0 : -1;
}

// [normal] The build-id note as mapped in process pid, where v maps the
// start of the file. Returns its length (0 when unreadable or absent).
static size_t remote_build_id(pid_t pid, const struct cgosym_dwarf_vma *v, unsigned char *out, size_t outcap) {
	Elf64_Ehdr eh;
	if (v == NULL || v->offset != 0 || read_remote(pid, v->start, &eh, sizeof eh) != 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 128) {
		return 0;
	}
	Elf64_Phdr *ph = malloc(eh.e_phnum * sizeof *ph);
	if (ph == NULL || read_remote(pid, v->start + eh.e_phoff, ph, eh.e_phnum * sizeof *ph) != 0) {
		free(ph);
		return 0;
	}
	// The mapping at v->start holds file offset 0; the first PT_LOAD says
	// which address that is in the file's own numbering.
	uintptr_t bias = 0;
	int have_bias = 0;
	for (int i = 0; i < eh.e_phnum && !have_bias; i++) {
		if (ph[i].p_type == PT_LOAD) {
			bias = v->start - (ph[i].p_vaddr - ph[i].p_offset);
			have_bias = 1;
		}
	}
	size_t found = 0;
	for (int i = 0; i < eh.e_phnum && have_bias && found == 0; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_filesz == 0 || ph[i].p_filesz > 65536) {
			continue;
		}
		unsigned char *notes = malloc(ph[i].p_filesz);
		if (notes == NULL || read_remote(pid, bias + ph[i].p_vaddr, notes, ph[i].p_filesz) != 0) {
			free(notes);
			continue;
		}
		size_t align = ph[i].p_align == 8 ? 8 : 4;
		size_t off = 0;
		while (off + sizeof(Elf64_Nhdr) <= ph[i].p_filesz) {
			Elf64_Nhdr nh;
			memcpy(&nh, notes + off, sizeof nh);
			size_t name_off = off + sizeof nh;
			size_t desc_off = name_off + ((nh.n_namesz + align - 1) & ~(align - 1));
			size_t next = desc_off + ((nh.n_descsz + align - 1) & ~(align - 1));
			if (desc_off > ph[i].p_filesz || nh.n_descsz > ph[i].p_filesz - desc_off) {
				break;
			}
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp(notes + name_off, "GNU", 4) == 0 && nh.n_descsz > 0 && nh.n_descsz <= outcap) {
				memcpy(out, notes + desc_off, nh.n_descsz);
				found = nh.n_descsz;
				break;
			}
			off = next;
		}
		free(notes);
	}
	free(ph);
	return found;
}

// [normal] Whether fd holds the file mapped at v in process pid, when its
// inode differs from the mapping's (overlayfs reports the lower inode in
// maps on older kernels) or the mapping is unknown: compare build-ids.
static int remote_file_matches(pid_t pid, const struct cgosym_dwarf_vma *v, int fd, int deleted) {
	unsigned char mem_id[64];
	size_t mem_len = remote_build_id(pid, v, mem_id, sizeof mem_id);
	if (mem_len == 0) {
		// Unverifiable. A path the kernel marks deleted is surely not the
		// mapped file; otherwise trust it rather than lose all names.
		return !deleted;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	int ok = 0;
	if (elf != NULL) {
		const unsigned char *bits;
		size_t len = cgosym_dwarf_elf_build_id(elf, &bits);
		ok = len == mem_len && memcmp(bits, mem_id, len) == 0;
		elf_end(elf);
	}
	return ok;
}

// [normal] Whether the exe link names mapped_path, as maps does (" (deleted)"
// included): on overlayfs, older kernels show the lower inode in maps, so
// inode numbers alone can miss.
static int is_exe_path(const char *exe_link, const char *mapped_path) {
	char *target = malloc(PATH_MAX);
	if (target == NULL) {
		return 0;
	}
	ssize_t n = readlink(exe_link, target, PATH_MAX - 1);
	int same = 0;
	if (n > 0) {
		target[n] = '\0';
		same = strcmp(target, mapped_path) == 0;
	}
	free(target);
	return same;
}

// [normal] Hands libdwfl fd with an Elf read from it, never mapped: given
// only the fd, libdwfl would mmap it, and a file truncated in place under a
// mapping raises SIGBUS when read. On failure fd is closed and *file_name
// freed: with a name and no Elf, libdwfl would open and map it itself.
// Only executables and shared objects, what the loader maps: libdwfl
// relocates a relocatable (ET_REL) file through the section_address
// callback, which the engine leaves NULL, and would call it.
static int read_elf(int fd, Elf **elfp, char **file_name) {
	*elfp = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	if (*elfp == NULL || *file_name == NULL || gelf_getehdr(*elfp, &eh) == NULL ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		if (*elfp != NULL) {
			elf_end(*elfp);
			*elfp = NULL;
		}
		free(*file_name);
		*file_name = NULL;
		close(fd);
		return -1;
	}
	return fd;
}

// [normal] Self and file mode: the file chosen when the module was
// reported. Pid mode: the mapped file, found now. The vdso from memory.
int cgosym_dwarf_find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			  char **file_name, Elf **elfp) {
	(void)mod;
	struct cgosym_dwarf_module *m = userdata ? *userdata : NULL;
	*file_name = NULL;
	if (m == NULL) {
		return -1;
	}
	if (m->is_vdso) {
		// Parent and helper child run on the same kernel, so this
		// process's vdso image is the other process's too.
		*elfp = cgosym_dwarf_vdso_elf();
		return -1;
	}
	if (m->main_fd >= 0) {
		int fd = m->main_fd;
		m->main_fd = -1;
		*file_name = m->main_file_name;
		m->main_file_name = NULL;
		return read_elf(fd, elfp, file_name);
	}
	struct cgosym_dwarf *d = m->owner;
	if (d->pid <= 0 || modname == NULL || modname[0] != '/') {
		return -1;
	}
	const struct cgosym_dwarf_vma *v = NULL;
	for (size_t i = 0; i < d->maps.n; i++) {
		if (d->maps.vma[i].start == base) {
			v = &d->maps.vma[i];
			break;
		}
	}
	char path[96];
	struct stat st;
	int fd;
	if (v != NULL) {
		// Exactly the mapped inode; needs CAP_SYS_ADMIN or
		// CAP_CHECKPOINT_RESTORE, so often refused.
		snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIxPTR "-%" PRIxPTR, (int)d->pid, v->start,
			 v->end);
		fd = cgosym_dwarf_open_regular(path, &st);
		if (fd >= 0) {
			*file_name = strdup(path);
			return read_elf(fd, elfp, file_name);
		}
		// /proc/PID/exe is the mapped executable even after it was
		// replaced on disk, and needs no privilege beyond reading maps.
		snprintf(path, sizeof path, "/proc/%d/exe", (int)d->pid);
		fd = cgosym_dwarf_open_regular(path, &st);
		if (fd >= 0) {
			if (same_inode(&st, v) || is_exe_path(path, v->path)) {
				*file_name = strdup(path);
				return read_elf(fd, elfp, file_name);
			}
			close(fd);
		}
	}
	char *plain = cgosym_dwarf_undeleted(modname);
	if (plain == NULL) {
		return -1;
	}
	int deleted = strcmp(plain, modname) != 0;
	fd = cgosym_dwarf_open_regular(plain, &st);
	if (fd >= 0 && !same_inode(&st, v) && !remote_file_matches(d->pid, v, fd, deleted)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		free(plain);
		return -1;
	}
	*file_name = plain;
	return read_elf(fd, elfp, file_name);
}
