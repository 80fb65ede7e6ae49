/*
 * dwarf_api.h — libdw and libelf, called through a table filled at run time
 * (dwarf_api.c) instead of linked: a program pays for loading them (and
 * liblzma, libbz2, libz behind them), about 0.7 ms of start-up, only when it
 * first symbolizes. Included by dwarf_internal.h after every libdw and
 * libelf header, so each call below goes through the table, with the
 * headers' own prototypes for its type.
 */
#ifndef CGOSYM_DWARF_API_H
#define CGOSYM_DWARF_API_H

#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

/* Every libdw and libelf function the engine calls. */
#define CGOSYM_DWARF_API(X) \
	X(dwarf_attr) \
	X(dwarf_attr_integrate) \
	X(dwarf_begin_elf) \
	X(dwarf_child) \
	X(dwarf_diecu) \
	X(dwarf_dieoffset) \
	X(dwarf_end) \
	X(dwarf_entrypc) \
	X(dwarf_filesrc) \
	X(dwarf_formref_die) \
	X(dwarf_formstring) \
	X(dwarf_formudata) \
	X(dwarf_get_units) \
	X(dwarf_getsrc_die) \
	X(dwarf_getsrcfiles) \
	X(dwarf_hasattr) \
	X(dwarf_haschildren) \
	X(dwarf_haspc) \
	X(dwarf_lineno) \
	X(dwarf_linesrc) \
	X(dwarf_offdie) \
	X(dwarf_ranges) \
	X(dwarf_setalt) \
	X(dwarf_siblingof) \
	X(dwarf_srclang) \
	X(dwarf_tag) \
	X(dwelf_dwarf_gnu_debugaltlink) \
	X(dwelf_elf_gnu_build_id) \
	X(dwelf_elf_gnu_debuglink) \
	X(dwfl_begin) \
	X(dwfl_end) \
	X(dwfl_getmodules) \
	X(dwfl_linux_proc_report) \
	X(dwfl_module_getelf) \
	X(dwfl_module_getsym_info) \
	X(dwfl_module_getsymtab) \
	X(dwfl_module_info) \
	X(dwfl_report_begin) \
	X(dwfl_report_begin_add) \
	X(dwfl_report_end) \
	X(dwfl_report_module) \
	X(elf_begin) \
	X(elf_end) \
	X(elf_getdata) \
	X(elf_getdata_rawchunk) \
	X(elf_getphdrnum) \
	X(elf_getshdrstrndx) \
	X(elf_kind) \
	X(elf_memory) \
	X(elf_nextscn) \
	X(elf_strptr) \
	X(gelf_getehdr) \
	X(gelf_getphdr) \
	X(gelf_getshdr) \
	X(dwarf_getfuncs) \

struct cgosym_dwarf_api {
#define CGOSYM_DWARF_API_FIELD(name) __typeof__(&name) name;
	CGOSYM_DWARF_API(CGOSYM_DWARF_API_FIELD)
#undef CGOSYM_DWARF_API_FIELD
};

/* The table, NULL until cgosym_dwarf_load_api succeeds; read-only after. */
extern const struct cgosym_dwarf_api *cgosym_dwarf_api;

/* [normal] Loads libdw (and libelf) and fills the table, once per process;
 * 0, or -1 if they cannot be loaded (then, and on every later call, the
 * engine stays closed and C frames are unnamed). Takes the loader's lock: never call it
 * with a lock of ours held. Threads may race here: each loads, one table
 * wins, none waits for another. */
int cgosym_dwarf_load_api(void);

/* Every call through the table (dwarf_api.c itself needs the real names). */
#ifndef CGOSYM_DWARF_API_REAL_NAMES
#define dwarf_attr (cgosym_dwarf_api->dwarf_attr)
#define dwarf_attr_integrate (cgosym_dwarf_api->dwarf_attr_integrate)
#define dwarf_begin_elf (cgosym_dwarf_api->dwarf_begin_elf)
#define dwarf_child (cgosym_dwarf_api->dwarf_child)
#define dwarf_diecu (cgosym_dwarf_api->dwarf_diecu)
#define dwarf_dieoffset (cgosym_dwarf_api->dwarf_dieoffset)
#define dwarf_end (cgosym_dwarf_api->dwarf_end)
#define dwarf_entrypc (cgosym_dwarf_api->dwarf_entrypc)
#define dwarf_filesrc (cgosym_dwarf_api->dwarf_filesrc)
#define dwarf_formref_die (cgosym_dwarf_api->dwarf_formref_die)
#define dwarf_formstring (cgosym_dwarf_api->dwarf_formstring)
#define dwarf_formudata (cgosym_dwarf_api->dwarf_formudata)
#define dwarf_get_units (cgosym_dwarf_api->dwarf_get_units)
#define dwarf_getsrc_die (cgosym_dwarf_api->dwarf_getsrc_die)
#define dwarf_getsrcfiles (cgosym_dwarf_api->dwarf_getsrcfiles)
#define dwarf_hasattr (cgosym_dwarf_api->dwarf_hasattr)
#define dwarf_haschildren (cgosym_dwarf_api->dwarf_haschildren)
#define dwarf_haspc (cgosym_dwarf_api->dwarf_haspc)
#define dwarf_lineno (cgosym_dwarf_api->dwarf_lineno)
#define dwarf_linesrc (cgosym_dwarf_api->dwarf_linesrc)
#define dwarf_offdie (cgosym_dwarf_api->dwarf_offdie)
#define dwarf_ranges (cgosym_dwarf_api->dwarf_ranges)
#define dwarf_setalt (cgosym_dwarf_api->dwarf_setalt)
#define dwarf_siblingof (cgosym_dwarf_api->dwarf_siblingof)
#define dwarf_srclang (cgosym_dwarf_api->dwarf_srclang)
#define dwarf_tag (cgosym_dwarf_api->dwarf_tag)
#define dwelf_dwarf_gnu_debugaltlink (cgosym_dwarf_api->dwelf_dwarf_gnu_debugaltlink)
#define dwelf_elf_gnu_build_id (cgosym_dwarf_api->dwelf_elf_gnu_build_id)
#define dwelf_elf_gnu_debuglink (cgosym_dwarf_api->dwelf_elf_gnu_debuglink)
#define dwfl_begin (cgosym_dwarf_api->dwfl_begin)
#define dwfl_end (cgosym_dwarf_api->dwfl_end)
#define dwfl_getmodules (cgosym_dwarf_api->dwfl_getmodules)
#define dwfl_linux_proc_report (cgosym_dwarf_api->dwfl_linux_proc_report)
#define dwfl_module_getelf (cgosym_dwarf_api->dwfl_module_getelf)
#define dwfl_module_getsym_info (cgosym_dwarf_api->dwfl_module_getsym_info)
#define dwfl_module_getsymtab (cgosym_dwarf_api->dwfl_module_getsymtab)
#define dwfl_module_info (cgosym_dwarf_api->dwfl_module_info)
#define dwfl_report_begin (cgosym_dwarf_api->dwfl_report_begin)
#define dwfl_report_begin_add (cgosym_dwarf_api->dwfl_report_begin_add)
#define dwfl_report_end (cgosym_dwarf_api->dwfl_report_end)
#define dwfl_report_module (cgosym_dwarf_api->dwfl_report_module)
#define elf_begin (cgosym_dwarf_api->elf_begin)
#define elf_end (cgosym_dwarf_api->elf_end)
#define elf_getdata (cgosym_dwarf_api->elf_getdata)
#define elf_getdata_rawchunk (cgosym_dwarf_api->elf_getdata_rawchunk)
#define elf_getphdrnum (cgosym_dwarf_api->elf_getphdrnum)
#define elf_getshdrstrndx (cgosym_dwarf_api->elf_getshdrstrndx)
#define elf_kind (cgosym_dwarf_api->elf_kind)
#define elf_memory (cgosym_dwarf_api->elf_memory)
#define elf_nextscn (cgosym_dwarf_api->elf_nextscn)
#define elf_strptr (cgosym_dwarf_api->elf_strptr)
#define gelf_getehdr (cgosym_dwarf_api->gelf_getehdr)
#define gelf_getphdr (cgosym_dwarf_api->gelf_getphdr)
#define gelf_getshdr (cgosym_dwarf_api->gelf_getshdr)
#define dwarf_getfuncs (cgosym_dwarf_api->dwarf_getfuncs)
#endif

#endif /* CGOSYM_DWARF_API_H */
