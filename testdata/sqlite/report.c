// report.c — a buggy SQL function, registered through SQLite's C API.
//
// github.com/mattn/go-sqlite3 compiles the SQLite amalgamation
// (sqlite3-binding.c) into the program but does not export its header to
// other packages; its functions are ordinary global symbols of the binary,
// so the few used here are declared by hand.

#include <stddef.h>
#include <stdint.h>

#include "report.h"

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;

int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs);
int sqlite3_create_function_v2(sqlite3 *db, const char *name, int nargs, int text_rep, void *app,
			       void (*func)(sqlite3_context *, int, sqlite3_value **),
			       void (*step)(sqlite3_context *, int, sqlite3_value **),
			       void (*final)(sqlite3_context *), void (*destroy)(void *));
int sqlite3_exec(sqlite3 *db, const char *sql, int (*row)(void *, int, char **, char **), void *arg,
		 char **errmsg);
int sqlite3_value_int(sqlite3_value *value);
void *sqlite3_user_data(sqlite3_context *ctx);
void sqlite3_result_text16(sqlite3_context *ctx, const void *text, int nbytes, void (*destroy)(void *));
int sqlite3_close(sqlite3 *db);

#define SQLITE_OPEN_READWRITE 0x00000002
#define SQLITE_OPEN_CREATE 0x00000004
#define SQLITE_UTF8 1
#define SQLITE_TRANSIENT ((void (*)(void *))-1)

// UTF-16 labels, indexed by kind.
struct label_table {
	const uint16_t *labels[3];
};

static const uint16_t label_none[] = {'n', 'o', 'n', 'e', 0};
static const uint16_t label_low[] = {'l', 'o', 'w', 0};
static const uint16_t label_high[] = {'h', 'i', 'g', 'h', 0};

static int labels_returned;

// label(kind): the table comes from the function's user data, which the
// caller corrupted (see run_label_report): SQLite is handed a wild pointer
// and faults reading it.
static void label_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	const struct label_table *table = sqlite3_user_data(ctx);
	int kind = argc > 0 ? sqlite3_value_int(argv[0]) : 0;
	const uint16_t *text = kind >= 0 && kind < 3 ? table->labels[kind] : label_none;
	sqlite3_result_text16(ctx, text, -1, SQLITE_TRANSIENT); /* MARK:sqlite_label_call */
	labels_returned++; // keeps the call above from being a tail call
}

static const char report_sql[] =
	"CREATE TABLE readings(id INTEGER PRIMARY KEY, kind INTEGER);"
	"INSERT INTO readings(kind) VALUES (0), (2), (1);"
	"SELECT id, label(kind) FROM readings ORDER BY id;";

static int ignore_row(void *arg, int ncols, char **values, char **names) {
	(void)arg, (void)ncols, (void)values, (void)names;
	return 0;
}

int run_label_report(void) {
	static struct label_table table = {{label_none, label_low, label_high}};
	// The bug under test: a stray write left the slot for kind 1
	// pointing at address 0x10.
	table.labels[1] = (const uint16_t *)(uintptr_t)0x10;

	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != 0) {
		return rc;
	}
	rc = sqlite3_create_function_v2(db, "label", 1, SQLITE_UTF8, &table, label_func, NULL, NULL, NULL);
	if (rc == 0) {
		rc = sqlite3_exec(db, report_sql, ignore_row, NULL, NULL); /* MARK:sqlite_exec_call */
	}
	sqlite3_close(db);
	return rc;
}
