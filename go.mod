module github.com/cgosymbolizer/cgosymbolizer

go 1.22
