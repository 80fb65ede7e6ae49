//go:build libs

// The package's libraries without the package: what loading them costs.

package main

// #cgo LDFLAGS: -Wl,--no-as-needed -lgcc_s -lunwind-x86_64 -ldl
import "C"
