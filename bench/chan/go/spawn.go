// spawn: Go twin of bench/chan/spawn.c. N goroutines each send their number
// once on one unbuffered channel, which main drains; prints the sum of 1..N.
//
// usage: spawn [N=100000]
package main

import "fmt"

func main() {
	n := arg(1, 100000, 1)
	ch := make(chan uint64)
	for i := uint64(1); i <= n; i++ {
		go func(v uint64) { ch <- v }(i)
	}
	var sum uint64
	for i := uint64(0); i < n; i++ {
		sum += <-ch
	}
	fmt.Println(sum)
}
