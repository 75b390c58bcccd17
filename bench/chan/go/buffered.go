// buffered: Go twin of bench/chan/buffered.c. One producer streams 1..N
// through a buffered channel to main; prints the sum.
//
// usage: buffered [N=2000000] [cap=128]
package main

import (
	"fmt"
	"sync"
)

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
