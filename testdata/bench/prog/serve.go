//go:build sqlite

package main

import (
	"database/sql"
	"encoding/json"
	"net/http"
)

// serveMode is never run by the driver: it makes prog_sqlite the size of a
// small service (SQLite behind an HTTP server, about 10 MB), the size the
// crash-path budget is set for.
func serveMode(addr string) error {
	db, err := sql.Open("sqlite3", "file:serve?mode=memory&cache=shared")
	if err != nil {
		return err
	}
	http.HandleFunc("/query", func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.Query(r.URL.Query().Get("q"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if rows.Scan(ptrs...) == nil {
				out = append(out, vals)
			}
		}
		json.NewEncoder(w).Encode(out)
	})
	return http.ListenAndServe(addr, nil)
}
