// Command sqliteprog runs SQLite, a real cgo library (github.com/mattn/go-sqlite3,
// which compiles the SQLite amalgamation into the program), with
// github.com/cgosymbolizer/cgosymbolizer imported:
//
//	sqliteprog crash                 SQLite's own C code faults (a wild pointer
//	                                 handed to sqlite3_result_text16)
//	sqliteprog profile FILE SECONDS  writes a CPU profile of an SQL workload
package main

// #include "report.h"
import "C"

import (
	"database/sql"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	_ "github.com/cgosymbolizer/cgosymbolizer"
	_ "github.com/mattn/go-sqlite3"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "crash":
		rc := C.run_label_report()
		fmt.Fprintf(os.Stderr, "sqliteprog: SQLite did not crash (rc=%d)\n", rc)
		os.Exit(1)
	case "profile":
		if len(os.Args) != 4 {
			usage()
		}
		seconds, err := strconv.ParseFloat(os.Args[3], 64)
		if err != nil {
			usage()
		}
		if err := profile(os.Args[2], time.Duration(seconds*float64(time.Second))); err != nil {
			fmt.Fprintln(os.Stderr, "sqliteprog:", err)
			os.Exit(1)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: sqliteprog crash | sqliteprog profile FILE SECONDS")
	os.Exit(2)
}

// profile writes a CPU profile of d of SQL work (inserts, then queries with
// LIKE and ORDER BY) to file.
func profile(file string, d time.Duration) error {
	db, err := sql.Open("sqlite3", "file:bench?mode=memory&cache=shared")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database

	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	queries, rows, err := workload(db, d)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	fmt.Printf("%d queries, %d rows in %v\n", queries, rows, d)
	return f.Close()
}

func workload(db *sql.DB, d time.Duration) (queries, rows int, err error) {
	if _, err := db.Exec(`CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, city TEXT, balance REAL)`); err != nil {
		return 0, 0, err
	}
	cities := []string{"Lisbon", "Osaka", "Lagos", "Quito", "Tromsø", "Perth"}
	tx, err := db.Begin()
	if err != nil {
		return 0, 0, err
	}
	insert, err := tx.Prepare(`INSERT INTO customers(name, city, balance) VALUES (?, ?, ?)`)
	if err != nil {
		return 0, 0, err
	}
	for i := 0; i < 20000; i++ {
		name := fmt.Sprintf("customer-%05d-%x", i, i*7919)
		if _, err := insert.Exec(name, cities[i%len(cities)], float64(i%977)*1.25); err != nil {
			return 0, 0, err
		}
	}
	insert.Close()
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}

	deadline := time.Now().Add(d)
	for i := 0; time.Now().Before(deadline); i++ {
		pattern := fmt.Sprintf("%%-%d%%%x%%", i%10, i%16)
		r, err := db.Query(`SELECT name, city, balance FROM customers
			WHERE name LIKE ? AND city <> 'Perth' ORDER BY balance DESC, name LIMIT 25`, pattern)
		if err != nil {
			return queries, rows, err
		}
		for r.Next() {
			var name, city string
			var balance float64
			if err := r.Scan(&name, &city, &balance); err != nil {
				r.Close()
				return queries, rows, err
			}
			rows++
		}
		if err := r.Close(); err != nil {
			return queries, rows, err
		}
		queries++
	}
	return queries, rows, nil
}
