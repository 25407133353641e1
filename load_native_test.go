//go:build !js

package websocket_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/testserver"
)

// TestLoad: many concurrent connections from one process to an echo
// server, each sending and receiving messages of mixed sizes and both
// types: nothing lost, per-connection order kept, and afterwards the
// goroutines and the heap return to their baseline. The echo server (the
// shared test server's /echo) runs in a child process, so the memory
// measured is the client's alone. It runs only with HYBRIDWS_LOAD=1 (make
// test-load); HYBRIDWS_LOAD_CONNS and HYBRIDWS_LOAD_MSGS change the
// 2,000 x 200 default.
func TestLoad(t *testing.T) {
	if os.Getenv("HYBRIDWS_LOAD") != "1" {
		t.Skip("load test: set HYBRIDWS_LOAD=1 (make test-load)")
	}
	conns := envInt("HYBRIDWS_LOAD_CONNS", 2000)
	msgs := envInt("HYBRIDWS_LOAD_MSGS", 200)
	echoURL := startLoadServer(t) + "/echo"

	// The runtime never frees a goroutine's descriptor, it keeps it for
	// the next goroutine: have as many as the test will need before the
	// baseline, so that they do not count as memory kept afterwards.
	prewarm(3 * conns)
	baseG, baseObjs, baseStacks := settle()
	baseHeap := baseObjs + baseStacks
	t.Logf("baseline: %d goroutines, %.1f MiB live heap+stacks", baseG, mib(baseHeap))

	var (
		connected, echoed, closed sync.WaitGroup
		failures                  atomic.Int64
		firstErr                  atomic.Value
		received                  atomic.Int64
	)
	fail := func(format string, args ...any) {
		if failures.Add(1) == 1 {
			firstErr.Store(fmt.Sprintf(format, args...))
		}
	}
	connected.Add(conns)
	echoed.Add(conns)
	closed.Add(conns)

	start := time.Now()
	cs := make([]*websocket.Connection, conns)
	mus := make([]sync.Mutex, conns) // orders the first window's Sends before the callback's
	for id := 0; id < conns; id++ {
		next := 0
		mu := &mus[id]
		cb := func(c *websocket.Connection, d *websocket.Data) {
			switch d.Event {
			case websocket.EventConnected:
				connected.Done()
			case websocket.EventMessage:
				typ, want := loadMessage(id, next)
				if d.Type != typ || !bytes.Equal(d.Message, want) {
					fail("conn %d: message %d is %s %d bytes %.12q, want %s %d bytes %.12q",
						id, next, d.Type, len(d.Message), d.Message, typ, len(want), want)
				}
				if i := next + loadWindow; i < msgs {
					typ, m := loadMessage(id, i)
					mu.Lock()
					if err := websocket.Send(c, m, &websocket.SendOptions{Type: typ}); err != nil {
						fail("conn %d: Send %d: %v", id, i, err)
					}
					mu.Unlock()
				}
				next++
				received.Add(1)
				if next == msgs {
					echoed.Done()
				}
			case websocket.EventError:
				fail("conn %d: ERROR %s", id, d.Message)
			case websocket.EventDisconnected:
				if d.Code != websocket.CloseNormalClosure {
					fail("conn %d: DISCONNECTED %d %s", id, d.Code, d.Reason)
				}
				if next < msgs {
					echoed.Done() // lets the wait below end; the failure is recorded
					fail("conn %d: DISCONNECTED after %d of %d echoes", id, next, msgs)
				}
				closed.Done()
			}
		}
		c, err := websocket.Connect(echoURL, &websocket.Params{Timeout: time.Minute}, cb)
		if err != nil {
			t.Fatal(err)
		}
		cs[id] = c
	}
	if !waitGroup(&connected, 2*time.Minute) {
		t.Fatalf("not all %d connections opened in 2 minutes; first failure: %v", conns, firstErr.Load())
	}
	tConnect := time.Since(start)
	openG, openObjs, openStacks := settle()
	openHeap := openObjs + openStacks
	perConnIdle := float64(openHeap-baseHeap) / float64(conns)
	t.Logf("%d connections open in %v: %d goroutines, %.1f MiB live heap+stacks (%.1f KiB per connection)",
		conns, tConnect.Round(time.Millisecond), openG, mib(openHeap), perConnIdle/1024)

	stopSampling := make(chan struct{})
	peak := make(chan [2]uint64, 1)
	go func() {
		var m runtime.MemStats
		var heap, maxG uint64
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			runtime.ReadMemStats(&m)
			heap = maxOf(heap, m.HeapInuse+m.StackInuse)
			maxG = maxOf(maxG, uint64(runtime.NumGoroutine()))
			select {
			case <-stopSampling:
				peak <- [2]uint64{heap, maxG}
				return
			case <-tk.C:
			}
		}
	}()

	sendStart := time.Now()
	var sentBytes int64
	for id, c := range cs {
		for i := 0; i < msgs; i++ {
			_, m := loadMessage(id, i)
			sentBytes += int64(len(m))
		}
		mus[id].Lock()
		for i := 0; i < min(loadWindow, msgs); i++ {
			typ, m := loadMessage(id, i)
			if err := websocket.Send(c, m, &websocket.SendOptions{Type: typ}); err != nil {
				t.Fatalf("conn %d: Send %d: %v", id, i, err)
			}
		}
		mus[id].Unlock()
	}
	if !waitGroup(&echoed, 4*time.Minute) {
		t.Fatalf("echoes incomplete after 4 minutes: %d of %d; first failure: %v", received.Load(), conns*msgs, firstErr.Load())
	}
	tEcho := time.Since(sendStart)
	close(stopSampling)
	pk := <-peak
	peakMem, peakG := pk[0], pk[1]
	t.Logf("%d messages (%.1f MiB) echoed in %v (%.0f messages/s each way); peak heap spans+stacks in use %.1f MiB: %.1f KiB per connection above baseline",
		conns*msgs, mib(uint64(sentBytes)), tEcho.Round(time.Millisecond), float64(conns*msgs)/tEcho.Seconds(),
		mib(peakMem), float64(peakMem-baseHeap)/float64(conns)/1024)

	for _, c := range cs {
		websocket.Disconnect(c)
	}
	if !waitGroup(&closed, 2*time.Minute) {
		t.Fatalf("not all connections closed in 2 minutes")
	}
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d failures; first: %v", n, firstErr.Load())
	}
	cs = nil

	// Back to baseline: goroutines exactly, live heap objects within 1 MiB
	// (a leak of per-connection state, ~20 KiB each, would show as 40 MiB).
	// Stack memory is only logged: the runtime keeps some freed stack spans
	// cached, and leaked stacks would show as leaked goroutines.
	const allow = 1 << 20
	deadline := time.Now().Add(20 * time.Second)
	var g int
	var heap, stacks uint64
	for {
		g, heap, stacks = settle()
		if g <= baseG && heap < baseObjs+allow || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("after: %d goroutines (baseline %d, peak %d), live heap %.2f MiB (baseline %.2f), stacks %.2f MiB (baseline %.2f); total %v",
		g, baseG, peakG, mib(heap), mib(baseObjs), mib(stacks), mib(baseStacks), time.Since(start).Round(time.Millisecond))
	if g > baseG {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines outlive the test (baseline %d):\n%s", g, baseG, buf[:runtime.Stack(buf, true)])
	}
	if heap >= baseObjs+allow {
		t.Fatalf("live heap %.2f MiB, baseline %.2f MiB: memory kept after every connection closed", mib(heap), mib(baseObjs))
	}
}

// loadWindow is how many messages each connection keeps in flight: it
// sends message i+loadWindow when the echo of message i arrives.
const loadWindow = 8

// loadMessage returns message i of connection id: mostly small, some of a
// few KiB, one in 50 of 32 KiB; one in three text. It starts with i, so a
// lost or reordered message shows.
func loadMessage(id, i int) (websocket.DataType, []byte) {
	var size int
	switch k := (id*7 + i) % 50; {
	case k == 0:
		size = 32 << 10
	case k%10 == 1:
		size = 4096 + k*13
	default:
		size = 8 + (id+i*31)%256
	}
	m := make([]byte, size)
	copy(m, strconv.Itoa(i)+":"+strconv.Itoa(id)+":")
	for j := range m[min(size, 16):] {
		m[16+j] = byte('a' + (i+j)%26)
	}
	if (id+i)%3 == 0 {
		return websocket.DataTypeText, m
	}
	return websocket.DataTypeBinary, m
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// settle collects garbage and returns the goroutine count, the bytes of
// live heap objects and those of goroutine stacks.
func settle() (int, uint64, uint64) {
	var m runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapAlloc, m.StackInuse
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func waitGroup(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// startLoadServer runs the shared test server in a child process (this
// test binary, running TestLoadServer) and returns ws://host:port.
func startLoadServer(t *testing.T) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HYBRIDWS_LOAD_SERVER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the server exits when its stdin closes
		cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LOADSERVER "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return "ws://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("the load test's echo server did not start")
		return ""
	}
}

// TestLoadServer is the child process of TestLoad: it serves the shared
// test endpoints on 127.0.0.1 until its standard input closes.
func TestLoadServer(t *testing.T) {
	if os.Getenv("HYBRIDWS_LOAD_SERVER") != "1" {
		t.Skip("the child process of TestLoad")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: testserver.Handler()}
	go srv.Serve(ln)
	fmt.Println("LOADSERVER " + ln.Addr().String())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

// prewarm starts n goroutines and lets them all end.
func prewarm(n int) {
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			<-release
			wg.Done()
		}()
	}
	close(release)
	wg.Wait()
}
