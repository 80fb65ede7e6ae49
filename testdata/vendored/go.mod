module cgosymbolizer.test/vendored

go 1.22
