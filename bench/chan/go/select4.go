// select4: Go twin of bench/chan/select4.c. 4 producers each send on their
// own unbuffered channel (producer k sends v with v%4 == k%4) and close it;
// main selects over all four, setting a closed channel to nil; prints the sum.
//
// usage: select4 [N=500000]
package main

import (
	"fmt"
	"sync"
)

const producers = 4

func main() {
	n := arg(1, 500000, 1)
	var ch [producers]chan uint64
	var wg sync.WaitGroup

	wg.Add(producers)
	for k := range ch {
		ch[k] = make(chan uint64)
		go func(out chan<- uint64, first uint64) {
			defer wg.Done()
			for v := first; v <= n; v += producers {
				out <- v
			}
			close(out)
		}(ch[k], uint64(k)+1)
	}

	var sum uint64
	c0, c1, c2, c3 := ch[0], ch[1], ch[2], ch[3]
	for open := producers; open > 0; {
		select {
		case v, ok := <-c0:
			if !ok {
				c0, open = nil, open-1
			}
			sum += v // v is 0 once closed
		case v, ok := <-c1:
			if !ok {
				c1, open = nil, open-1
			}
			sum += v
		case v, ok := <-c2:
			if !ok {
				c2, open = nil, open-1
			}
			sum += v
		case v, ok := <-c3:
			if !ok {
				c3, open = nil, open-1
			}
			sum += v
		}
	}
	wg.Wait()
	fmt.Println(sum)
}
