// demo.c — ordinary C code with the call paths the demo shows:
//   Go main -> parse_config -> validate_entry -> Go reportProgress
//   Go main -> load_record -> store_field (inlined) -> NULL write

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"
#include "demo.h"

// Checks one "key=value" entry and tells Go about it.
static __attribute__((noinline)) int validate_entry(const char *entry, size_t len, int index) {
	const char *eq = memchr(entry, '=', len);
	if (eq == NULL || eq == entry) {
		return -1;
	}
	char key[64];
	size_t klen = (size_t)(eq - entry) < sizeof key - 1 ? (size_t)(eq - entry) : sizeof key - 1;
	memcpy(key, entry, klen);
	key[klen] = '\0';
	reportProgress(index, key); // calls back into Go
	return 0;
}

int parse_config(const char *text) {
	int n = 0;
	while (*text != '\0') {
		size_t len = strcspn(text, ";");
		if (validate_entry(text, len, n) == 0) {
			n++;
		}
		text += len;
		if (*text == ';') {
			text++;
		}
	}
	return n;
}

struct record {
	const char *name;
	long *slots[8];
};

struct record *new_record(const char *name, int ncolumns) {
	struct record *rec = calloc(1, sizeof *rec);
	rec->name = name;
	for (int i = 0; i < ncolumns && i < 8; i++) {
		rec->slots[i] = calloc(1, sizeof(long));
	}
	return rec;
}

// Small enough that the compiler inlines it into load_record: the crash
// dump still shows it as a frame of its own.
static inline void store_field(struct record *rec, int column, long value) {
	*rec->slots[column] = value; // NULL when the column has no slot
}

void load_record(struct record *rec, int column, long value) {
	store_field(rec, column, value);
	fprintf(stderr, "stored %ld in %s[%d]\n", value, rec->name, column);
}
