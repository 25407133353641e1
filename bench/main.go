// Command bench measures github.com/hybridws/websocket against the client
// libraries a user would pick instead, natively and in headless Chromium,
// and writes BENCHMARKS.md with a chart. `make bench` runs it.
//
//	bench run      the whole benchmark: starts one echo server, runs every
//	               client in its own process, alternating, and reports
//	bench server   the loopback echo server alone
//	bench client   one client process: one library, one workload, one run
//	bench sizes    the download size of the js/wasm builds alone (size.go)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/hybridws/websocket/bench/internal/work"
)

var nativeLibs = []string{"hybrid", "hybrid-queue", "coder", "coder-chan", "gws", "gorilla", "gobwas", "hybrid-deflate", "hybrid-deflate-nct", "coder-deflate", "coder-deflate-nct"}
var nativeWorks = []string{"rtt", "pipe", "big", "idle", "many", "json", "idle-json1", "idle-json", "files"}

// The compression workloads (work/json.go, work/files.go) run on these
// clients only, and the clients that offer compression run only those.
var (
	// wire-*: figures of json runs; files-*: of files runs
	compressionWorks = []string{"json", "wire-up", "wire-down", "idle-json1", "idle-json", "files", "files-up", "files-down"}
	compressionLibs  = []string{"hybrid", "hybrid-deflate", "hybrid-deflate-nct", "coder", "coder-deflate", "coder-deflate-nct"}
)

// runs says whether the run command measures workload w with client lib.
func runs(lib, w string) bool {
	deflateLib := strings.Contains(lib, "-deflate")
	if slices.Contains(compressionWorks, w) {
		return slices.Contains(compressionLibs, lib)
	}
	return !deflateLib
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench run|server|client|sizes [flags]")
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
	case "sizes":
		err = sizesMain(os.Args[2:])
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
	wk := fs.String("work", "rtt", "workload: "+strings.Join(nativeWorks, ", "))
	url := fs.String("url", "", "echo server URL, ws://127.0.0.1:PORT/echo")
	dur := fs.Duration("dur", time.Second, "rtt, pipe, big: how long to send")
	conns := fs.Int("conns", 2000, "idle, many: connections")
	trips := fs.Int("trips", 100, "many: round trips per connection")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile here")
	memprofile := fs.String("memprofile", "", "write a heap profile here at the end (idle: while the connections are open)")
	testdata := fs.String("testdata", defaultTestData, "files: the directory of Autobahn's test files")
	fs.Parse(args)
	cfg := work.Config{URL: *url, Dur: *dur, Conns: *conns, Trips: *trips, MemProfile: *memprofile, TestData: *testdata}
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
	r := runClient(*lib, *wk, cfg)
	return json.NewEncoder(os.Stdout).Encode(r)
}

// defaultTestData is where the files workload finds Autobahn's test files
// when the command runs in bench/ (make bench).
const defaultTestData = "../internal/test/autobahn/testdata"

func runClient(lib, w string, cfg work.Config) work.Result {
	return work.Run(lib, w, rawLibs[lib], cfg)
}
