// Command bench measures github.com/hybridws/websocket against the client
// libraries a user would pick instead, natively and in headless Chromium,
// and writes BENCHMARKS.md with a chart. `make bench` runs it.
//
//	bench run      the whole benchmark: starts one echo server, runs every
//	               client in its own process, alternating, and reports
//	bench server   the loopback echo server alone
//	bench client   one client process: one library, one workload, one run
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

var nativeLibs = []string{"hybrid", "hybrid-queue", "coder", "gorilla", "gobwas"}
var nativeWorks = []string{"rtt", "pipe", "big", "idle", "many"}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench run|server|client [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "server":
		fs := flag.NewFlagSet("server", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback only)")
		dir := fs.String("dir", "", "directory served at /page/")
		fs.Parse(os.Args[2:])
		err = serve(*addr, *dir)
	case "client":
		err = clientMain(os.Args[2:])
	case "run":
		err = runMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func clientMain(args []string) error {
	fs := flag.NewFlagSet("client", flag.ExitOnError)
	lib := fs.String("lib", "hybrid", "client: "+strings.Join(nativeLibs, ", "))
	work := fs.String("work", "rtt", "workload: "+strings.Join(nativeWorks, ", "))
	url := fs.String("url", "", "echo server URL, ws://127.0.0.1:PORT/echo")
	dur := fs.Duration("dur", time.Second, "rtt, pipe, big: how long to send")
	conns := fs.Int("conns", 2000, "idle, many: connections")
	trips := fs.Int("trips", 100, "many: round trips per connection")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile here")
	memprofile := fs.String("memprofile", "", "write a heap profile here at the end (idle: while the connections are open)")
	fs.Parse(args)
	cfg := config{url: *url, dur: *dur, conns: *conns, trips: *trips, memprofile: *memprofile}
	if *memprofile != "" {
		runtime.MemProfileRate = 1
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	r := runClient(*lib, *work, cfg)
	return json.NewEncoder(os.Stdout).Encode(r)
}

func runClient(lib, work string, cfg config) result {
	r := result{Lib: lib, Work: work}
	var n int64
	var el time.Duration
	var kib float64
	var err error
	if dial, ok := rawLibs[lib]; ok {
		switch work {
		case "rtt":
			n, el, err = rawRTT(dial, cfg)
		case "pipe":
			n, el, err = rawPipe(dial, cfg)
		case "big":
			n, el, err = rawBig(dial, cfg)
		case "idle":
			kib, err = rawIdle(dial, cfg)
		case "many":
			n, el, err = rawMany(dial, cfg)
		default:
			err = fmt.Errorf("unknown workload %q", work)
		}
	} else if lib == "hybrid" || lib == "hybrid-queue" {
		h := newHyb(lib == "hybrid-queue", cfg)
		switch work {
		case "rtt":
			n, el, err = h.rtt()
		case "pipe":
			n, el, err = h.pipe()
		case "big":
			n, el, err = h.big()
		case "idle":
			kib, err = h.idle()
		case "many":
			n, el, err = h.many()
		default:
			err = fmt.Errorf("unknown workload %q", work)
		}
	} else {
		err = fmt.Errorf("unknown client %q", lib)
	}
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.N, r.Secs = n, el.Seconds()
	switch work {
	case "rtt", "many":
		r.Value = float64(n) / el.Seconds()
	case "pipe":
		r.Value = float64(n) * pipeSize / (1 << 20) / el.Seconds()
	case "big":
		r.Value = float64(n) * bigSize / (1 << 20) / el.Seconds()
	case "idle":
		r.Value = kib
	}
	return r
}
