//go:build cgosym

package main

import _ "github.com/cgosymbolizer/cgosymbolizer"
