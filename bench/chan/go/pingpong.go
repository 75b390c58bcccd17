// pingpong: Go twin of bench/chan/pingpong.c. main and one partner bounce a
// value over two unbuffered channels; prints the sum of the N replies.
//
// usage: pingpong [N=200000]
package main

import (
	"fmt"
	"sync"
)

func main() {
	n := arg(1, 200000, 1)
	ping, pong := make(chan uint64), make(chan uint64)
	var wg sync.WaitGroup

	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := range ping {
			pong <- v + 1
		}
	}()

	var sum uint64
	for i := uint64(1); i <= n; i++ {
		ping <- i
		sum += <-pong
	}
	close(ping)
	wg.Wait() // the C twin must join before freeing; do the same work here
	fmt.Println(sum)
}
