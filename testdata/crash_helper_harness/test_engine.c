// test_engine.c — TEMPORARY stand-in for dwarf.c's pid/self engine, for the
// crash-helper harness only, until dwarf.c is real (run.sh picks dwarf.c
// automatically once cgosym_dwarf_open_pid stops returning NULL). Plain
// libdwfl; mallocs freely ([normal] only: it runs in the helper process).
//
// Test knobs, read in the helper: CGOSYM_TEST_ENGINE_HANG=1 makes every
// lookup sleep for ever; CGOSYM_TEST_ENGINE_DELAY_MS=N delays each lookup;
// CGOSYM_TEST_ENGINE_VERBOSE=1 says when a pid cannot be read.

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../internal.h"

struct cgosym_dwarf {
	Dwfl *dwfl;
};

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

struct cgosym_dwarf *cgosym_dwarf_open_pid(pid_t pid) {
	Dwfl *dwfl = dwfl_begin(&callbacks);
	if (dwfl == NULL) {
		return NULL;
	}
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, pid) != 0) {
		if (getenv("CGOSYM_TEST_ENGINE_VERBOSE") != NULL) {
			fprintf(stderr, "test_engine: cannot read pid %d\n", (int)pid);
		}
		dwfl_end(dwfl);
		return NULL;
	}
	dwfl_report_end(dwfl, NULL, NULL);
	struct cgosym_dwarf *d = calloc(1, sizeof *d);
	d->dwfl = dwfl;
	return d;
}

struct cgosym_dwarf *cgosym_dwarf_open_self(void) {
	return cgosym_dwarf_open_pid(getpid());
}

static const char *dup_or_null(const char *s) {
	return s == NULL ? NULL : strdup(s);
}

int cgosym_dwarf_lookup(struct cgosym_dwarf *d, uintptr_t pc, struct cgosym_frame *out, int max) {
	const char *knob = getenv("CGOSYM_TEST_ENGINE_HANG");
	if (knob != NULL && knob[0] == '1') {
		for (;;) {
			pause();
		}
	}
	knob = getenv("CGOSYM_TEST_ENGINE_DELAY_MS");
	if (knob != NULL) {
		usleep((useconds_t)atoi(knob) * 1000);
	}
	Dwfl_Module *m = dwfl_addrmodule(d->dwfl, pc);
	if (m == NULL || max < 1) {
		return 0;
	}
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *symname = dwfl_module_addrinfo(m, pc, &off, &sym, NULL, NULL, NULL);
	uintptr_t entry = symname != NULL ? pc - off : 0;
	const char *file = NULL;
	int line = 0;
	Dwfl_Line *l = dwfl_module_getsrc(m, pc);
	if (l != NULL) {
		file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
	}
	int n = 0;
	Dwarf_Addr bias = 0;
	Dwarf_Die *cudie = dwfl_module_addrdie(m, pc, &bias);
	if (cudie != NULL) {
		Dwarf_Die *scopes = NULL;
		int ns = dwarf_getscopes(cudie, pc - bias, &scopes);
		Dwarf_Files *files = NULL;
		dwarf_getsrcfiles(cudie, &files, NULL);
		Dwarf_Die cur;
		int have = 0;
		for (int i = 0; i < ns && !have; i++) {
			int tag = dwarf_tag(&scopes[i]);
			if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram) {
				cur = scopes[i];
				have = 1;
			}
		}
		free(scopes);
		// eu-addr2line's walk: an inlined instance's concrete parents
		// come from dwarf_getscopes_die.
		while (have && n < max) {
			int tag = dwarf_tag(&cur);
			Dwarf_Attribute a;
			const char *name = dwarf_formstring(dwarf_attr_integrate(&cur, DW_AT_linkage_name, &a));
			if (name == NULL) {
				name = dwarf_formstring(dwarf_attr_integrate(&cur, DW_AT_name, &a));
			}
			out[n].function = dup_or_null(name != NULL ? name : symname);
			out[n].file = dup_or_null(file);
			out[n].line = (unsigned long)line;
			out[n].entry = entry;
			n++;
			if (tag != DW_TAG_inlined_subroutine) {
				break;
			}
			Dwarf_Word cf = 0, cl = 0;
			dwarf_formudata(dwarf_attr(&cur, DW_AT_call_file, &a), &cf);
			dwarf_formudata(dwarf_attr(&cur, DW_AT_call_line, &a), &cl);
			file = files != NULL ? dwarf_filesrc(files, cf, NULL, NULL) : NULL;
			line = (int)cl;
			Dwarf_Die *parents = NULL;
			int np = dwarf_getscopes_die(&cur, &parents);
			have = 0;
			for (int i = 1; i < np && !have; i++) {
				int t = dwarf_tag(&parents[i]);
				if (t == DW_TAG_inlined_subroutine || t == DW_TAG_subprogram) {
					cur = parents[i];
					have = 1;
				}
			}
			free(parents);
		}
	}
	if (n == 0) {
		char buf[4200];
		if (symname == NULL) {
			const char *mname = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
			Dwarf_Addr lo = 0;
			dwfl_module_info(m, NULL, &lo, NULL, NULL, NULL, NULL, NULL);
			snprintf(buf, sizeof buf, "%s+0x%lx", mname != NULL ? mname : "?", (unsigned long)(pc - lo));
			symname = buf;
		}
		out[0].function = strdup(symname);
		out[0].file = dup_or_null(file);
		out[0].line = (unsigned long)line;
		out[0].entry = entry;
		n = 1;
	}
	return n;
}
