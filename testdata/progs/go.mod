module cgosymbolizer.test/progs

go 1.22

require github.com/cgosymbolizer/cgosymbolizer v0.0.0

replace github.com/cgosymbolizer/cgosymbolizer => ../..
