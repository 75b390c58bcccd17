// fanin: Go twin of bench/chan/fanin.c. 8 producers send 1..N between them
// (producer p sends v with v%8 == p%8) into one channel; main sums N values.
//
// usage: fanin [N=2000000] [cap=64]
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

const producers = 8

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

func main() {
	n, capacity := arg(1, 2000000, 1), arg(2, 64, 0)
	ch := make(chan uint64, capacity)
	var wg sync.WaitGroup

	wg.Add(producers)
	for p := uint64(1); p <= producers; p++ {
		go func(first uint64) {
			defer wg.Done()
			for v := first; v <= n; v += producers {
				ch <- v
			}
		}(p)
	}

	var sum uint64
	for i := uint64(0); i < n; i++ {
		sum += <-ch
	}
	wg.Wait()
	fmt.Println(sum)
}
