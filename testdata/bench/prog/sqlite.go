//go:build sqlite

package main

// #include "bench.h"
import "C"

import (
	"bytes"
	"database/sql"
	"fmt"
	"runtime"
	"runtime/pprof"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func init() {
	memoryMode = modeMemory
	serve = serveMode
}

// modeMemory profiles an SQLite workload at 1 kHz for seconds, then
// measures resident memory around StopCPUProfile, where the profile is
// built and every PC in it symbolized.
func modeMemory(seconds float64) map[string]any {
	db, err := sql.Open("sqlite3", "file:bench?mode=memory&cache=shared")
	if err != nil {
		fail(err.Error())
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	runtime.GC()
	rssStart := rssKiB()
	var prof bytes.Buffer
	runtime.SetCPUProfileRate(1000) // pprof then warns that it cannot set 100 Hz: expected
	if err := pprof.StartCPUProfile(&prof); err != nil {
		fail(err.Error())
	}
	queries, err := sqliteWorkload(db, time.Duration(seconds*float64(time.Second)))
	if err != nil {
		fail(err.Error())
	}
	runtime.GC()
	rssBefore, heapBefore := rssKiB(), C.bench_heap_bytes()
	t := time.Now()
	pprof.StopCPUProfile()
	stop := time.Since(t)
	runtime.GC()
	rssAfter, heapAfter := rssKiB(), C.bench_heap_bytes()
	samples, err := profileSamples(prof.Bytes())
	if err != nil {
		fail(err.Error())
	}
	modules, err := profileModules(prof.Bytes())
	if err != nil {
		fail(err.Error())
	}
	return map[string]any{
		"queries": queries, "samples": samples, "profile_bytes": prof.Len(), "modules": modules,
		"rss_start_kib": rssStart, "rss_before_kib": rssBefore, "rss_after_kib": rssAfter,
		"stop_ns": stop.Nanoseconds(), "heap_growth_kib": (int64(heapAfter) - int64(heapBefore)) / 1024,
	}
}

// sqliteWorkload: inserts, an index, then a mix of queries (LIKE, ORDER
// BY, GROUP BY, a join) until d has passed.
func sqliteWorkload(db *sql.DB, d time.Duration) (int, error) {
	for _, q := range []string{
		`CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, city TEXT, balance REAL)`,
		`CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount REAL, note TEXT)`,
	} {
		if _, err := db.Exec(q); err != nil {
			return 0, err
		}
	}
	cities := []string{"Lisbon", "Osaka", "Lagos", "Quito", "Tromsø", "Perth"}
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	for i := 0; i < 20000; i++ {
		if _, err := tx.Exec(`INSERT INTO customers(name, city, balance) VALUES (?, ?, ?)`,
			fmt.Sprintf("customer-%05d-%x", i, i*7919), cities[i%len(cities)], float64(i%977)*1.25); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(`INSERT INTO orders(customer, amount, note) VALUES (?, ?, ?)`,
			1+(i*31)%20000, float64(i%313)*0.5, fmt.Sprintf("order %d", i)); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if _, err := db.Exec(`CREATE INDEX orders_customer ON orders(customer)`); err != nil {
		return 0, err
	}
	queries := []string{
		`SELECT name, city, balance FROM customers WHERE name LIKE ? AND city <> 'Perth' ORDER BY balance DESC, name LIMIT 25`,
		`SELECT city, count(*), avg(balance), max(name) FROM customers WHERE name LIKE ? GROUP BY city ORDER BY 2 DESC`,
		`SELECT c.name, sum(o.amount) FROM customers c JOIN orders o ON o.customer = c.id WHERE c.name LIKE ? GROUP BY c.id ORDER BY 2 DESC LIMIT 10`,
		`SELECT upper(note), length(note) FROM orders WHERE note LIKE ? ORDER BY amount LIMIT 50`,
	}
	deadline := time.Now().Add(d)
	n := 0
	for ; time.Now().Before(deadline); n++ {
		rows, err := db.Query(queries[n%len(queries)], fmt.Sprintf("%%%d%%", n%97))
		if err != nil {
			return n, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return n, err
			}
		}
		if err := rows.Close(); err != nil {
			return n, err
		}
	}
	return n, nil
}
