module cgosymbolizer.test/bench

go 1.22

require (
	github.com/cgosymbolizer/cgosymbolizer v0.0.0
	github.com/mattn/go-sqlite3 v1.14.53
)

replace github.com/cgosymbolizer/cgosymbolizer => ../..
