// parked: Go twin of bench/chan/parked.c. N goroutines block at once on one
// channel that main closes once all have started; prints how many saw the
// close, and on stderr the resident memory per parked goroutine.
//
// usage: parked [N=1000000]
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// resident returns the process's resident memory in bytes (/proc/self/statm).
func resident() uint64 {
	var size, rss uint64
	f, err := os.Open("/proc/self/statm")
	if err == nil {
		_, err = fmt.Fscan(f, &size, &rss)
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot read /proc/self/statm")
		os.Exit(1)
	}
	return rss * uint64(os.Getpagesize())
}

func main() {
	n := arg(1, 1000000, 1)
	gate := make(chan struct{})
	var started, ended sync.WaitGroup
	var woken uint64
	before := resident()
	started.Add(int(n))
	ended.Add(int(n))
	for i := uint64(0); i < n; i++ {
		go func() {
			started.Done()
			if _, ok := <-gate; !ok {
				atomic.AddUint64(&woken, 1)
			}
			ended.Done()
		}()
	}
	started.Wait()
	during := resident()
	close(gate)
	ended.Wait()
	fmt.Fprintf(os.Stderr, "rss_per_task_bytes %d\n", (during-before)/n)
	fmt.Println(woken)
}
