// demo.h — the C side of the demo: a config parser that reports progress to
// Go, and a record loader with a NULL-pointer bug.

#ifndef DEMO_H
#define DEMO_H

// Parses "key=value;key=value" text, calling the Go function reportProgress
// for each entry it validates. Returns the number of entries.
int parse_config(const char *text);

// A record keeps each column's value in a slot of its own; a column the
// table does not have gets no slot (NULL).
struct record;

// Returns a new record of table name with slots for ncolumns columns.
struct record *new_record(const char *name, int ncolumns);

// Stores value into column of rec. Crashes (a NULL write in the inlined
// store_field) when the column has no slot.
void load_record(struct record *rec, int column, long value);

#endif
