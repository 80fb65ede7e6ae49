// Command replaced crashes in C after its executable was replaced on disk:
//
//	replaced DIR
//
// It creates DIR/ready, waits (up to 50 s) for DIR/go to exist, then calls
// replaced_entry -> replaced_crash, which writes through NULL. The test
// renames another binary over this one's path in between, so anything that
// reads the program's file by name gets the wrong file.
package main

/*
void replaced_entry(void);
*/
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: replaced DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o666); err != nil {
		panic(err)
	}
	deadline := time.Now().Add(50 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "replaced: timed out waiting for", filepath.Join(dir, "go"))
			os.Exit(3)
		}
		time.Sleep(5 * time.Millisecond)
	}
	C.replaced_entry() // MARK:main_calls_entry
}
