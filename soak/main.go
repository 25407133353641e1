//go:build !js

// Command soak runs hybridws for a long time under faults, natively and
// in a headless Chromium tab, and checks that every promise holds the
// whole time: the event grammar with reconnects, order within each life
// of a connection, every message echoed or accounted for, no callbacks
// overlapping, Stats consistent with the events, nothing growing (heap,
// RSS, goroutines, timers, js.Funcs). `make soak` runs it and writes
// SOAK.md and docs/soak.png.
//
//	soak run [-d 10m] [-conns 500] [-browser 10m] ...   the soak (the default)
//	soak server -addr HOST:PORT                         the echo server (a child of run)
//	soak browser -server HOST:PORT ...                  the browser side (a child of run)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hybridws/websocket/tools/chart"
)

func main() {
	cmd := "run"
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		cmd = os.Args[1]
		os.Args = append(os.Args[:1], os.Args[2:]...)
	}
	var err error
	switch cmd {
	case "run":
		err = runCmd()
	case "server":
		addr := flag.String("addr", "127.0.0.1:0", "where to listen")
		flag.Parse()
		err = serve(*addr)
	case "browser":
		var o browserOpts
		flag.DurationVar(&o.dur, "d", 10*time.Minute, "how long")
		flag.StringVar(&o.server, "server", "", "the echo server's host:port")
		flag.IntVar(&o.conns, "conns", 16, "connections in the page")
		flag.StringVar(&o.out, "out", "browser.json", "where the result goes")
		flag.Parse()
		err = runBrowserChild(o)
	default:
		err = fmt.Errorf("unknown command %q: run, server or browser", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func runCmd() error {
	var o nativeOpts
	flag.DurationVar(&o.dur, "d", 10*time.Minute, "how long the native soak runs")
	flag.IntVar(&o.conns, "conns", 500, "native connections (0: none)")
	flag.IntVar(&o.proxies, "proxies", 10, "fault proxies the native connections share")
	flag.DurationVar(&o.every, "every", 2*time.Second, "mean time between the messages a client sends by itself")
	bdur := flag.Duration("browser", -1, "how long the browser side runs, at the same time (0: not at all; default: -d)")
	bconns := flag.Int("browser-conns", 16, "connections in the browser page")
	out := flag.String("out", "../SOAK.md", "the report")
	png := flag.String("png", "../docs/soak.png", "the memory chart")
	restartEvery := flag.Duration("restart", 30*time.Second, "mean time between server restarts")
	flag.Parse()
	if *bdur < 0 {
		*bdur = o.dur
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
	rep := &report{Started: time.Now(), GoVersion: runtime.Version(), Race: raceEnabled, CPUs: runtime.NumCPU(),
		CPU: chart.CPUModel(), RestartEvery: *restartEvery}
	base := takeSample(rep.Started)
	rep.Base = checkpoint{Goroutines: base.Goroutines, Timers: base.Timers, Heap: base.Heap}

	srv, err := startServer()
	if err != nil {
		return err
	}
	logf("echo server on %s", srv.addr)
	// The server restarts, every restartEvery on average, until the end;
	// the native side holds gate while its clients settle.
	var gate sync.Mutex
	rctx, stopRestarts := context.WithCancel(context.Background())
	defer stopRestarts()
	restartsDone := make(chan struct{})
	go func() {
		defer close(restartsDone)
		for sleep(rctx, between(*restartEvery*2/3, *restartEvery*4/3)) {
			gate.Lock()
			mode := restartModes[rand.IntN(len(restartModes))]
			if err := srv.restart(mode, between(200*time.Millisecond, 3*time.Second)); err != nil {
				logf("restarting the echo server: %v", err)
			}
			gate.Unlock()
		}
	}()

	var bres *browserResult
	var bwait sync.WaitGroup
	if *bdur > 0 {
		bwait.Add(1)
		go func() {
			defer bwait.Done()
			bres = runBrowserSide(*bdur, srv.addr, *bconns, logf)
		}()
	}
	if o.conns > 0 {
		logf("native: %d connections through %d fault proxies for %v", o.conns, o.proxies, o.dur)
		rep.Native, err = runNative(o, srv, &gate, logf)
		if err != nil {
			return err
		}
	}
	bwait.Wait()
	rep.Browser = bres
	stopRestarts()
	<-restartsDone
	rep.ServerViolations, rep.ServerFirst = srv.found()
	rep.Restarts = srv.restarts.Map()
	srv.stop()
	// Everything the run started has ended: the process is back where it
	// began, but for what the report keeps.
	var end sample
	for i := 0; i < 50; i++ {
		if end = takeSample(rep.Started); end.Goroutines <= base.Goroutines {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	rep.End = checkpoint{Goroutines: end.Goroutines, Timers: end.Timers, Heap: end.Heap}
	if end.Goroutines > base.Goroutines {
		buf := make([]byte, 1<<20)
		rep.Leftover = string(buf[:runtime.Stack(buf, true)])
	}
	rep.Finished = time.Now()
	rep.judge()
	if err := rep.write(*out, *png); err != nil {
		return err
	}
	fmt.Print(rep.summary())
	if len(rep.Failures) > 0 {
		return fmt.Errorf("%d checks failed (see %s)", len(rep.Failures), *out)
	}
	return nil
}

// runBrowserSide runs `soak browser` as a child process and reads its
// result.
func runBrowserSide(d time.Duration, server string, conns int, logf func(string, ...any)) *browserResult {
	r := &browserResult{Dur: d, Conns: conns}
	exe, err := os.Executable()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	f, err := os.CreateTemp("", "hybridws-soak-browser-*.json")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	f.Close()
	defer os.Remove(f.Name())
	logf("browser: %d connections in headless Chromium for %v", conns, d)
	cmd := exec.Command(exe, "browser", "-d", d.String(), "-server", server, "-conns", fmt.Sprint(conns), "-out", f.Name())
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		r.Err = err.Error()
		return r
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if l := sc.Text(); !strings.Contains(l, "unknown IPAddressSpace value") {
			logf("browser: %s", l)
		}
	}
	if err := cmd.Wait(); err != nil {
		r.Err = "soak browser: " + err.Error()
	}
	b, err := os.ReadFile(f.Name())
	if err == nil {
		err = json.Unmarshal(b, r)
	}
	if err != nil && r.Err == "" {
		r.Err = "reading the browser's result: " + err.Error()
	}
	logf("browser: done")
	return r
}
