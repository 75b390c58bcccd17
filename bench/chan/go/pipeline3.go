// pipeline3: Go twin of bench/chan/pipeline3.c. generator -> square -> sum
// over unbuffered channels; prints the sum of v*v for v in 1..N (mod 2^64).
//
// usage: pipeline3 [N=500000]
package main

import (
	"fmt"
	"sync"
)

func main() {
	n := arg(1, 500000, 1)
	nums, squares := make(chan uint64), make(chan uint64)
	var wg sync.WaitGroup

	wg.Add(2)
	go func() { // generator
		defer wg.Done()
		for v := uint64(1); v <= n; v++ {
			nums <- v
		}
		close(nums)
	}()
	go func() { // square
		defer wg.Done()
		for v := range nums {
			squares <- v * v
		}
		close(squares)
	}()

	var sum uint64
	for v := range squares {
		sum += v
	}
	wg.Wait()
	fmt.Println(sum)
}
