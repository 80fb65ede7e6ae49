// report.h — C code of the SQLite test program that calls SQLite's C API
// directly.

#ifndef REPORT_H
#define REPORT_H

// Opens an in-memory database, registers the SQL function label(kind) and
// runs a query that calls it. label is buggy: it hands SQLite a wild
// pointer, and SQLite's own code faults while copying the string. Returns
// only if it did not crash (the SQLite result code).
int run_label_report(void);

#endif
