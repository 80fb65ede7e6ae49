//go:build !go1.23

package main

// setCrashOutput: SetCrashOutput needs Go 1.23.
func setCrashOutput() {}
