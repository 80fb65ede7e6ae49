// Command sigframe crashes in a C signal handler: main -> sigframe_entry ->
// sigframe_interrupted, which sends itself SIGUSR1 with a raw system call;
// the handler (sigframe_handler -> sigframe_crash) writes through NULL. The
// C part of the dump must walk out of the handler through the signal
// trampoline into the interrupted frame, at the exact PC after the system
// call instruction (sigframe_after_syscall), and on to its callers.
package main

/*
void sigframe_entry(void);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.sigframe_entry() // MARK:main_calls_entry
}
