//go:build linux && cgo && (amd64 || arm64)

// dwarf_index.c — turning a PC into frames, fast.
//
// The measured recipe (shared/notes/symbolization.md): per compile unit, a
// sorted table of function address ranges built on the first lookup in that
// CU; a binary search finds the function DIE, a walk down its children with
// dwarf_haspc finds the inline chain. dwarf_getscopes (4-5 ms per PC) and
// dwfl_module_addrinfo (a symbol-table scan per call) stay off this path.
// ELF symbols (dwarf_symbols.c) are the fallback when no DWARF function
// covers a PC.

#include <dwarf.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_internal.h"

struct cgosym_dwarf_cu_range {
	Dwarf_Addr lo, hi, maxhi; /* maxhi: largest hi of this and all before */
	size_t cu;
};

struct cgosym_dwarf_func {
	Dwarf_Addr lo, hi, maxhi;
	Dwarf_Off die;
};

struct cgosym_dwarf_cu {
	Dwarf_Off off;
	int state; /* 0 not built, 1 built */
	struct cgosym_dwarf_func *funcs;
	size_t n_funcs;
};

// [normal] The linkage name is the only one that says which overload or
// which class; DW_AT_name is the fallback (C, and C++ without one).
// dwarf_attr_integrate follows abstract_origin and specification links,
// which is where inlined and out-of-line instances keep their names.
static const char *die_name(struct cgosym_dwarf_module *m, Dwarf_Die *die, int *from_linkage) {
	Dwarf_Attribute attr;
	const char *s = NULL;
	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) != NULL ||
	    dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr) != NULL) {
		s = cgosym_dwarf_string(m, &attr);
	}
	*from_linkage = s != NULL && s[0] != '\0';
	if (*from_linkage) {
		return cgosym_dwarf_demangled(s);
	}
	if (dwarf_attr_integrate(die, DW_AT_name, &attr) != NULL) {
		s = cgosym_dwarf_string(m, &attr);
		if (s != NULL && s[0] != '\0') {
			return cgosym_dwarf_intern_str(s);
		}
	}
	return NULL;
}

// ---- Sorting helpers ----

// [normal]
static int cmp_cu_range(const void *a, const void *b) {
	const struct cgosym_dwarf_cu_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

// [normal]
static int cmp_func(const void *a, const void *b) {
	const struct cgosym_dwarf_func *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

// ---- Compile units ----

// [normal] Go's own compile units are left to the Go runtime, which
// symbolizes Go PCs itself; their DWARF is also the bulk of a Go binary.
static int is_go_cu(struct cgosym_dwarf_module *m, Dwarf_Die *cudie) {
	if (dwarf_srclang(cudie) == DW_LANG_Go) {
		return 1;
	}
	Dwarf_Attribute attr;
	const char *producer = dwarf_attr(cudie, DW_AT_producer, &attr) ? cgosym_dwarf_string(m, &attr) : NULL;
	return producer != NULL && strncmp(producer, "Go", 2) == 0;
}

// [normal] Ranges outside the module are linker tombstones (0 or -1 for
// functions --gc-sections dropped) and would shadow real code.
static int in_module(struct cgosym_dwarf_module *m, Dwarf_Addr lo, Dwarf_Addr hi) {
	Dwarf_Addr mlo = m->lo - m->dwbias, mhi = m->hi - m->dwbias;
	return lo != 0 && lo < hi && lo >= mlo && hi <= mhi;
}

// [normal] Reads only CU DIEs, not their children: cheap even for libc.
static void build_cu_map(struct cgosym_dwarf_module *m) {
	size_t cap_cus = 0, cap_ranges = 0, cap_unranged = 0;
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie;
	while (dwarf_get_units(m->dw, cu, &next, &version, &unit_type, &cudie, NULL) == 0) {
		cu = next;
		if (unit_type != DW_UT_compile || dwarf_tag(&cudie) != DW_TAG_compile_unit || is_go_cu(m, &cudie)) {
			continue;
		}
		if (m->n_cus == cap_cus) {
			size_t ncap = cap_cus ? 2 * cap_cus : 16;
			struct cgosym_dwarf_cu *n = realloc(m->cus, ncap * sizeof *n);
			if (n == NULL) {
				break;
			}
			m->cus = n;
			cap_cus = ncap;
		}
		size_t idx = m->n_cus++;
		m->cus[idx] = (struct cgosym_dwarf_cu){.off = dwarf_dieoffset(&cudie)};
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;
		int ranged = 0;
		while ((off = dwarf_ranges(&cudie, off, &base, &start, &end)) > 0) {
			if (!in_module(m, start, end)) {
				continue;
			}
			if (m->n_cu_ranges == cap_ranges) {
				size_t ncap = cap_ranges ? 2 * cap_ranges : 16;
				struct cgosym_dwarf_cu_range *n = realloc(m->cu_ranges, ncap * sizeof *n);
				if (n == NULL) {
					break;
				}
				m->cu_ranges = n;
				cap_ranges = ncap;
			}
			m->cu_ranges[m->n_cu_ranges++] = (struct cgosym_dwarf_cu_range){start, end, 0, idx};
			ranged = 1;
		}
		if (!ranged) {
			// Rare (no DW_AT_low_pc/ranges on the CU): searched
			// only when no ranged CU covers a PC.
			if (m->n_unranged == cap_unranged) {
				size_t ncap = cap_unranged ? 2 * cap_unranged : 8;
				size_t *n = realloc(m->unranged, ncap * sizeof *n);
				if (n == NULL) {
					continue;
				}
				m->unranged = n;
				cap_unranged = ncap;
			}
			m->unranged[m->n_unranged++] = idx;
		}
	}
	if (m->n_cu_ranges > 0) {
		qsort(m->cu_ranges, m->n_cu_ranges, sizeof *m->cu_ranges, cmp_cu_range);
		Dwarf_Addr mx = 0;
		for (size_t i = 0; i < m->n_cu_ranges; i++) {
			if (m->cu_ranges[i].hi > mx) {
				mx = m->cu_ranges[i].hi;
			}
			m->cu_ranges[i].maxhi = mx;
		}
	}
}

// [normal]
static int load_dwarf(struct cgosym_dwarf_module *m) {
	if (m->dw_state == 0) {
		m->dw_state = -1;
		Dwarf_Addr bias = 0;
		Dwarf *dw = cgosym_dwarf_open_dwarf(m, &bias);
		if (dw != NULL) {
			m->dw = dw;
			m->dwbias = bias;
			m->dw_state = 1;
			build_cu_map(m);
		}
	}
	return m->dw_state == 1;
}

struct collect {
	struct cgosym_dwarf_module *m;
	struct cgosym_dwarf_cu *cu;
	size_t cap;
};

// [normal] walk_funcs callback: every defining subprogram with code,
// including the out-of-line copies of inline functions and lambdas.
static int collect_func(Dwarf_Die *die, void *arg) {
	struct collect *c = arg;
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		if (!in_module(c->m, start, end)) {
			continue;
		}
		if (c->cu->n_funcs == c->cap) {
			size_t ncap = c->cap ? 2 * c->cap : 64;
			struct cgosym_dwarf_func *n = realloc(c->cu->funcs, ncap * sizeof *n);
			if (n == NULL) {
				return DWARF_CB_ABORT;
			}
			c->cu->funcs = n;
			c->cap = ncap;
		}
		c->cu->funcs[c->cu->n_funcs++] = (struct cgosym_dwarf_func){start, end, 0, dwarf_dieoffset(die)};
	}
	return DWARF_CB_OK;
}

// How deep walk_funcs looks into nested DIEs: far deeper than compilers
// nest namespaces, classes, functions, blocks and inlined calls.
#define MAX_DIE_DEPTH 256

// [normal] libdw_visit_scopes.c's may_have_scopes.
static int may_have_scopes(int tag) {
	switch (tag) {
	case DW_TAG_compile_unit: case DW_TAG_module: case DW_TAG_lexical_block: case DW_TAG_with_stmt:
	case DW_TAG_catch_block: case DW_TAG_try_block: case DW_TAG_entry_point: case DW_TAG_inlined_subroutine:
	case DW_TAG_subprogram: case DW_TAG_namespace: case DW_TAG_class_type: case DW_TAG_structure_type:
		return 1;
	default:
		return 0;
	}
}

// [normal] dwarf_getfuncs(cudie, fn, arg, 0) without its recursion: libdw
// 0.188 recurses once per level of DIE nesting, and a corrupt file
// nesting DIEs 100,000 deep overflows an 8 MiB stack inside it. The same
// walk, with an explicit stack: the children of every DIE that may hold
// scopes (in a C unit, only of subprograms, lexical blocks and inlined
// subroutines), an imported (dwz partial) unit's children in place of
// the import, each defining subprogram handed to fn. Nesting deeper than
// MAX_DIE_DEPTH is not looked into, and an import cycle is skipped (libdw
// gives up on the whole unit).
static void walk_funcs(Dwarf_Die *cudie, int (*fn)(Dwarf_Die *, void *), void *arg) {
	int lang = dwarf_srclang(cudie);
	int c_cu = lang == DW_LANG_C89 || lang == DW_LANG_C || lang == DW_LANG_C99 || lang == DW_LANG_C11;
	struct level {
		Dwarf_Die die;
		int import; /* the children of the unit imported by the DIE one level up */
	} *st = malloc(MAX_DIE_DEPTH * sizeof *st);
	size_t top = 0;
	if (st == NULL || dwarf_child(cudie, &st[0].die) != 0) {
		free(st);
		return;
	}
	st[0].import = 0;
	for (;;) {
		Dwarf_Die *die = &st[top].die;
		int tag = dwarf_tag(die);
		Dwarf_Die next;
		if (tag == DW_TAG_imported_unit) {
			Dwarf_Attribute attr;
			Dwarf_Die unit;
			int cycle = 0;
			for (size_t i = 1; i <= top && !cycle; i++) {
				cycle = st[i].import && st[i - 1].die.addr == die->addr;
			}
			if (!cycle && top + 1 < MAX_DIE_DEPTH &&
			    dwarf_formref_die(dwarf_attr(die, DW_AT_import, &attr), &unit) != NULL &&
			    dwarf_tag(&unit) != DW_TAG_compile_unit && dwarf_child(&unit, &next) == 0) {
				st[++top] = (struct level){next, 1};
				continue;
			}
		} else if (!c_cu || tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block ||
			   tag == DW_TAG_inlined_subroutine) {
			if (tag == DW_TAG_subprogram && !dwarf_hasattr(die, DW_AT_declaration) &&
			    fn(die, arg) != DWARF_CB_OK) {
				break;
			}
			if (may_have_scopes(tag) && dwarf_haschildren(die) && top + 1 < MAX_DIE_DEPTH &&
			    dwarf_child(die, &next) == 0) {
				st[++top] = (struct level){next, 0};
				continue;
			}
		}
		// On to the next sibling, or up to the parent's next one.
		while (top > 0 && dwarf_siblingof(&st[top].die, &st[top].die) != 0) {
			top--;
		}
		if (top == 0 && dwarf_siblingof(&st[0].die, &st[0].die) != 0) {
			break;
		}
	}
	free(st);
}

// [normal]
static void build_funcs(struct cgosym_dwarf_module *m, struct cgosym_dwarf_cu *cu) {
	cu->state = 1;
	Dwarf_Die cudie;
	if (dwarf_offdie(m->dw, cu->off, &cudie) == NULL) {
		return;
	}
	struct collect c = {m, cu, 0};
	walk_funcs(&cudie, collect_func, &c);
	if (cu->n_funcs == 0) {
		return;
	}
	qsort(cu->funcs, cu->n_funcs, sizeof *cu->funcs, cmp_func);
	Dwarf_Addr mx = 0;
	for (size_t i = 0; i < cu->n_funcs; i++) {
		if (cu->funcs[i].hi > mx) {
			mx = cu->funcs[i].hi;
		}
		cu->funcs[i].maxhi = mx;
	}
}

// [normal] The innermost (smallest) function range containing a; ranges
// nest only in odd cases, and maxhi ends the backward scan at once
// when they do not.
static int search_cu(struct cgosym_dwarf_module *m, struct cgosym_dwarf_cu *cu, Dwarf_Addr a, Dwarf_Die *func) {
	if (cu->state == 0) {
		build_funcs(m, cu);
	}
	size_t i = CGOSYM_UPPER_BOUND(cu->funcs, cu->n_funcs, a);
	const struct cgosym_dwarf_func *best = NULL;
	while (i > 0 && cu->funcs[i - 1].maxhi > a) {
		const struct cgosym_dwarf_func *f = &cu->funcs[--i];
		if (a < f->hi && (best == NULL || f->hi - f->lo < best->hi - best->lo)) {
			best = f;
		}
	}
	return best != NULL && dwarf_offdie(m->dw, best->die, func) != NULL;
}

// [normal] a is a file address (runtime pc - dwbias).
static int find_function(struct cgosym_dwarf_module *m, Dwarf_Addr a, Dwarf_Die *func) {
	size_t i = CGOSYM_UPPER_BOUND(m->cu_ranges, m->n_cu_ranges, a);
	while (i > 0 && m->cu_ranges[i - 1].maxhi > a) {
		const struct cgosym_dwarf_cu_range *r = &m->cu_ranges[--i];
		if (a < r->hi && search_cu(m, &m->cus[r->cu], a, func)) {
			return 1;
		}
	}
	for (size_t k = 0; k < m->n_unranged; k++) {
		if (search_cu(m, &m->cus[m->unranged[k]], a, func)) {
			return 1;
		}
	}
	return 0;
}

// ---- Inline chain ----

#define MAX_CHAIN 64

struct chain {
	Dwarf_Die die[MAX_CHAIN]; /* [0] the function, then inlined callees */
	int n;
};

// [normal]
static int has_pc_attrs(Dwarf_Die *die) {
	return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
}

// Blocks without addresses searched on the way to a (blind): each search
// that fails costs libdw a walk over the block's whole subtree to reach
// its sibling, so a corrupt file nesting such blocks deep would make every
// lookup cost depth x size.
#define MAX_BLIND 8

// [normal] Follows the inlined_subroutine DIEs containing a, looking
// through lexical blocks. A block without any address attributes cannot
// be ruled out, so it is searched, but only adopted if it leads somewhere
// (at most MAX_BLIND such blocks deep).
static void walk_inlines(Dwarf_Die *scope, Dwarf_Addr a, struct chain *ch, int level, int blind) {
	Dwarf_Die child, next;
	if (level > MAX_CHAIN || dwarf_child(scope, &child) != 0) {
		return;
	}
	for (;;) {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_inlined_subroutine) {
			if (dwarf_haspc(&child, a) == 1) {
				if (ch->n < MAX_CHAIN) {
					ch->die[ch->n++] = child;
				}
				walk_inlines(&child, a, ch, level + 1, blind);
				return;
			}
		} else if (tag == DW_TAG_lexical_block || tag == DW_TAG_try_block || tag == DW_TAG_catch_block) {
			int has = dwarf_haspc(&child, a);
			if (has == 1) {
				walk_inlines(&child, a, ch, level + 1, blind);
				return;
			}
			if (has == 0 && blind < MAX_BLIND && !has_pc_attrs(&child)) {
				int before = ch->n;
				walk_inlines(&child, a, ch, level + 1, blind + 1);
				if (ch->n > before) {
					return;
				}
			}
		}
		if (dwarf_siblingof(&child, &next) != 0) {
			return;
		}
		child = next;
	}
}

// [normal] The entry of the concrete function, also for a PC in its
// split-off cold part: GCC lists the entry range first in DW_AT_ranges,
// and the cold part often sits at a lower address.
static Dwarf_Addr func_entry(Dwarf_Die *func) {
	Dwarf_Addr lo;
	if (dwarf_entrypc(func, &lo) == 0) {
		return lo;
	}
	Dwarf_Addr base, start, end;
	if (dwarf_ranges(func, 0, &base, &start, &end) > 0) {
		return start;
	}
	return 0;
}

// [normal] A relative name is relative to the CU's DW_AT_comp_dir, as
// eu-addr2line, binutils addr2line and llvm-symbolizer print it.
static const char *source_path(struct cgosym_dwarf_module *m, Dwarf_Die *cudie, const char *name) {
	if (name == NULL || name[0] == '\0' || strcmp(name, "???") == 0) {
		return NULL;
	}
	Dwarf_Attribute attr;
	const char *dir = name[0] == '/' ? NULL : cgosym_dwarf_string(m, dwarf_attr(cudie, DW_AT_comp_dir, &attr));
	if (dir == NULL || dir[0] == '\0') {
		return cgosym_dwarf_intern_str(name);
	}
	char *joined = NULL;
	if (asprintf(&joined, "%s/%s", dir, name) < 0) {
		return cgosym_dwarf_intern_str(name);
	}
	const char *r = cgosym_dwarf_intern_str(joined);
	free(joined);
	return r;
}

// [normal] DW_AT_call_file indexes the CU's line-table file list.
static const char *call_file(struct cgosym_dwarf_module *m, Dwarf_Die *cudie, Dwarf_Die *die, Dwarf_Files *files,
			     size_t nfiles) {
	Dwarf_Attribute attr;
	Dwarf_Word idx;
	if (files == NULL || dwarf_attr(die, DW_AT_call_file, &attr) == NULL || dwarf_formudata(&attr, &idx) != 0 ||
	    idx >= nfiles) {
		return NULL;
	}
	return source_path(m, cudie, dwarf_filesrc(files, idx, NULL, NULL));
}

// [normal] Whether libdw may read cudie's line table: it takes the CU's
// DW_AT_comp_dir with dwarf_formstring and runs strlen on it.
static int comp_dir_safe(struct cgosym_dwarf_module *m, Dwarf_Die *cudie) {
	Dwarf_Attribute attr;
	return dwarf_attr(cudie, DW_AT_comp_dir, &attr) == NULL || attr.form != DW_FORM_string ||
	       cgosym_dwarf_string(m, &attr) != NULL;
}

// [normal]
static unsigned long call_line(Dwarf_Die *die) {
	Dwarf_Attribute attr;
	Dwarf_Word line;
	if (dwarf_attr(die, DW_AT_call_line, &attr) == NULL || dwarf_formudata(&attr, &line) != 0) {
		return 0;
	}
	return (unsigned long)line;
}

// ---- Describe ----

// [normal] Fills out with the frames for the chain, innermost first. When
// the chain is deeper than max, the outermost frame (the real function)
// is kept and middle frames are dropped.
static int chain_frames(struct cgosym_dwarf_module *m, struct chain *ch, Dwarf_Addr a, uintptr_t pc,
			struct cgosym_frame *out, int max) {
	Dwarf_Die cudie;
	memset(&cudie, 0, sizeof cudie);
	int have_cu = dwarf_diecu(&ch->die[0], &cudie, NULL, NULL) != NULL;
	int have_lines = have_cu && comp_dir_safe(m, &cudie);
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	if (have_lines && ch->n > 1 && dwarf_getsrcfiles(&cudie, &files, &nfiles) != 0) {
		files = NULL;
	}
	uintptr_t entry = (uintptr_t)(func_entry(&ch->die[0]) + m->dwbias);
	int cxx = 0;
	if (have_cu) {
		int lang = dwarf_srclang(&cudie);
		cxx = lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
		      lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
	}
	const char *fallback = NULL;
	int n = 0;
	for (int i = ch->n - 1; i >= 0 && n < max; i--) {
		if (n == max - 1 && i > 0) {
			i = 0;
		}
		struct cgosym_frame *f = &out[n++];
		int linkage;
		f->function = die_name(m, &ch->die[i], &linkage);
		if (i == 0 && !linkage && cxx) {
			// GCC omits the linkage name of some instances
			// (templates over local types, lambdas); the symbol
			// at the entry still has the qualified one.
			const struct cgosym_dwarf_sym *s = cgosym_dwarf_find_sym(m, entry);
			if (s != NULL && s->lo == entry && s->name[0] == '_' && s->name[1] == 'Z') {
				const char *name = cgosym_dwarf_demangled(s->name);
				f->function = name ? name : f->function;
			}
		}
		if (f->function == NULL) {
			if (fallback == NULL) {
				const struct cgosym_dwarf_sym *s = i == 0 ? cgosym_dwarf_find_sym(m, pc) : NULL;
				fallback = s ? cgosym_dwarf_demangled(s->name) : cgosym_dwarf_module_offset(m, pc);
			}
			f->function = fallback ? fallback : "?";
		}
		f->file = NULL;
		f->line = 0;
		f->entry = entry;
		if (i == ch->n - 1) {
			Dwarf_Line *line = have_lines ? dwarf_getsrc_die(&cudie, a) : NULL;
			int lineno = 0;
			if (line != NULL && dwarf_lineno(line, &lineno) == 0 && lineno > 0) {
				f->file = source_path(m, &cudie, dwarf_linesrc(line, NULL, NULL));
				f->line = f->file ? (unsigned long)lineno : 0;
			}
		} else {
			f->file = call_file(m, &cudie, &ch->die[i + 1], files, nfiles);
			f->line = f->file ? call_line(&ch->die[i + 1]) : 0;
		}
	}
	return n;
}

// [normal]
static void line_in_cu(struct cgosym_dwarf_module *m, Dwarf_Addr a, struct cgosym_frame *f) {
	size_t i = CGOSYM_UPPER_BOUND(m->cu_ranges, m->n_cu_ranges, a);
	while (i > 0 && m->cu_ranges[i - 1].maxhi > a) {
		const struct cgosym_dwarf_cu_range *r = &m->cu_ranges[--i];
		Dwarf_Die cudie;
		if (a >= r->hi || dwarf_offdie(m->dw, m->cus[r->cu].off, &cudie) == NULL || !comp_dir_safe(m, &cudie)) {
			continue;
		}
		Dwarf_Line *line = dwarf_getsrc_die(&cudie, a);
		int lineno = 0;
		if (line != NULL && dwarf_lineno(line, &lineno) == 0 && lineno > 0) {
			f->file = source_path(m, &cudie, dwarf_linesrc(line, NULL, NULL));
			f->line = f->file ? (unsigned long)lineno : 0;
			return;
		}
	}
}

// [normal]
int cgosym_dwarf_describe(struct cgosym_dwarf_module *m, uintptr_t pc, struct cgosym_frame *out, int max) {
	if (max <= 0) {
		return 0;
	}
	if (load_dwarf(m)) {
		Dwarf_Addr a = pc - m->dwbias;
		struct chain ch; // 2 KiB: small next to libdw's own stack use
		if (find_function(m, a, &ch.die[0])) {
			ch.n = 1;
			walk_inlines(&ch.die[0], a, &ch, 0, 0);
			int n = chain_frames(m, &ch, a, pc, out, max);
			if (n > 0) {
				return n;
			}
		}
	}
	const struct cgosym_dwarf_sym *s = cgosym_dwarf_find_sym(m, pc);
	const char *name = s ? cgosym_dwarf_demangled(s->name) : NULL;
	out[0].function = name ? name : cgosym_dwarf_module_offset(m, pc);
	if (out[0].function == NULL) {
		out[0].function = "?";
	}
	out[0].file = NULL;
	out[0].line = 0;
	out[0].entry = name ? s->lo : 0;
	if (name != NULL && m->dw_state == 1) {
		// No DIE covers the PC but a CU's line table may: GCC leaves
		// gaps in function ranges (tails of partly inlined code).
		line_in_cu(m, pc - m->dwbias, &out[0]);
	}
	return 1;
}

// [normal]
void cgosym_dwarf_free_index(struct cgosym_dwarf_module *m) {
	for (size_t i = 0; i < m->n_cus; i++) {
		free(m->cus[i].funcs);
	}
	free(m->cus);
	free(m->cu_ranges);
	free(m->unranged);
	free(m->syms);
	m->cus = NULL;
	m->cu_ranges = NULL;
	m->unranged = NULL;
	m->syms = NULL;
	m->n_cus = m->n_cu_ranges = m->n_unranged = m->n_syms = 0;
	m->dw_state = m->sym_state = 0;
	cgosym_dwarf_close_dwarf(m);
}
