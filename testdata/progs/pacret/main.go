//go:build arm64

// Command pacret crashes in C code built with return-address signing
// (-mbranch-protection=standard, set by a pragma in pacret.c: cgo's flag
// check refuses the option): main -> pac_entry -> pac_a -> pac_b ->
// pac_c, which calls pac_d and then writes through NULL. Every function's
// CFI carries DW_CFA_AARCH64_negate_ra_state, which Debian 12's libunwind
// (1.6.2) cannot parse: its step then guesses the caller from X30, which
// would print pac_c a second time.
package main

/*
void pac_entry(void);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.pac_entry() // MARK:main_calls_entry
}
