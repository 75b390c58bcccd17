// buffered: Go twin of bench/chan/buffered.c. One producer streams 1..N
// through a buffered channel to main; prints the sum.
//
// usage: buffered [N=2000000] [cap=128]
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
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

func main() {
	n, capacity := arg(1, 2000000, 1), arg(2, 128, 1)
	ch := make(chan uint64, capacity)
	var wg sync.WaitGroup

	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := uint64(1); i <= n; i++ {
			ch <- i
		}
		close(ch)
	}()

	var sum uint64
	for v := range ch {
		sum += v
	}
	wg.Wait()
	fmt.Println(sum)
}
