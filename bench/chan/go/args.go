// Shared by the Go twins: each is built as `go build NAME.go args.go`.
package main

import (
	"fmt"
	"os"
	"strconv"
)

// arg returns os.Args[i] as an integer >= min, or def when absent.
func arg(i int, def, min uint64) uint64 {
	if i >= len(os.Args) {
		return def
	}
	v, err := strconv.ParseUint(os.Args[i], 10, 64)
	if err != nil || v < min {
		fmt.Fprintf(os.Stderr, "%s: argument %d: want an integer >= %d, got %q\n", os.Args[0], i, min, os.Args[i])
		os.Exit(2)
	}
	return v
}
