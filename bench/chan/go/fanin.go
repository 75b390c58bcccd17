// fanin: Go twin of bench/chan/fanin.c. 8 producers send 1..N between them
// (producer p sends v with v%8 == p%8) into one channel; main sums N values.
//
// usage: fanin [N=2000000] [cap=64]
package main

import (
	"fmt"
	"sync"
)

const producers = 8

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
