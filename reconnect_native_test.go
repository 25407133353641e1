//go:build !js

package websocket_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// A TLS failure is bad input a retry cannot fix: no retry.
func TestReconnectNotAfterTLSFailure(t *testing.T) {
	addr, _ := newTLSServer(t)
	r := newRecorder(t)
	r.connect("wss://"+addr+"/echo", &websocket.Params{Reconnect: fast})
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrTLS})
	if evs[0].RetryIn != 0 {
		t.Errorf("RetryIn %v after a TLS failure, want 0", evs[0].RetryIn)
	}
	r.settle(evs)
}

// 100 reconnect cycles (a server that closes every connection with 1012)
// leave no goroutine behind once DISCONNECTED has come.
func TestReconnectNoLeak(t *testing.T) {
	r := newRecorder(t)
	var c *websocket.Connection
	rc := &websocket.Reconnect{MinDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
	labelled("reconnect", func() { c = r.connect(wsURL("/close?code=1012"), &websocket.Params{Reconnect: rc}) })
	r.waitFor("100 cycles", func(evs []*websocket.Data) bool { return count(evs, websocket.EventConnected) >= 100 })
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkGrammar(t, evs, true)
	deadline := time.Now().Add(5 * time.Second)
	for n, stacks := countLabelled("reconnect"); n != 0; n, stacks = countLabelled("reconnect") {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines outlive the connection after %d cycles:\n%s", n, count(evs, websocket.EventConnected), stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The clients of a restarted server do not all come back in the same
// instant: 500 connections with the default backoff, the server restarts,
// and no 10 ms window holds a third of the reconnections (a
// fixed delay would put them all in one). The histogram is logged.
func TestReconnectSpread(t *testing.T) {
	const n = 500
	addr := phoenixAddr(t)
	var mu sync.Mutex
	var back []time.Time
	opened := make(chan struct{}, n)
	conns := make([]*websocket.Connection, n)
	for i := range conns {
		first := true
		c, err := websocket.Connect("ws://"+addr+"/echo", &websocket.Params{Reconnect: &websocket.Reconnect{}},
			func(c *websocket.Connection, d *websocket.Data) {
				if d.Event != websocket.EventConnected {
					return
				}
				if first {
					first = false
					opened <- struct{}{}
					return
				}
				mu.Lock()
				back = append(back, time.Now())
				mu.Unlock()
			})
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	defer func() {
		for _, c := range conns {
			websocket.Disconnect(c)
		}
	}()
	for range conns {
		select {
		case <-opened:
		case <-time.After(30 * time.Second):
			t.Fatal("not every connection opened")
		}
	}
	start := time.Now()
	restartPhoenix(t, 0, false)
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		k := len(back)
		mu.Unlock()
		if k == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d connections came back", k, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	buckets := map[int]int{}
	for _, b := range back {
		buckets[int(b.Sub(start)/(10*time.Millisecond))]++
	}
	keys := make([]int, 0, len(buckets))
	most := 0
	for k, v := range buckets {
		keys = append(keys, k)
		most = max(most, v)
	}
	sort.Ints(keys)
	var hist strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&hist, "\n%4d-%4d ms %3d %s", k*10, k*10+10, buckets[k], strings.Repeat("#", buckets[k]))
	}
	t.Logf("reconnections of %d clients after the restart, per 10 ms:%s", n, hist.String())
	if most >= n/3 {
		t.Errorf("%d of %d connections came back within the same 10 ms", most, n)
	}
}

// A half-open connection found by keepalive is retried: the proxy stops
// forwarding, keepalive reports the loss (ERROR, RetryIn > 0), and once
// it forwards again the connection comes back.
func TestReconnectAfterKeepAlive(t *testing.T) {
	p := newProxy(t, testServerAddr)
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventConnected {
			websocket.Send(c, []byte("ping"), text)
		}
	}
	c := r.connect("ws://"+p.Addr()+"/echo", &websocket.Params{
		KeepAlive: 100 * time.Millisecond, PongTimeout: 300 * time.Millisecond, Timeout: 10 * time.Second, Reconnect: fast,
	})
	r.waitFor("the first echo", func(evs []*websocket.Data) bool { return len(messages(evs)) == 1 })
	p.Pause()
	e := r.waitEvent(websocket.EventError)
	checkError(t, e, []error{websocket.ErrConnectionLost}, "keepalive")
	if e.RetryIn <= 0 {
		t.Fatalf("RetryIn %v after a keepalive failure", e.RetryIn)
	}
	p.Resume()
	r.waitFor("the echo after coming back", func(evs []*websocket.Data) bool { return len(messages(evs)) == 2 })
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkGrammar(t, evs, false)
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
}
