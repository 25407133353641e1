//go:build !js

package websocket_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

// labelled runs f on a new goroutine carrying a pprof label, and waits for
// it. Every goroutine that f starts, and every goroutine those start (the
// connection's, its writer, the HTTP transport's, coder/websocket's),
// inherits the label, while the in-process servers' goroutines do not.
func labelled(label string, f func()) {
	done := make(chan struct{})
	go pprof.Do(context.Background(), pprof.Labels("hybridws-leak", label), func(context.Context) {
		defer close(done)
		f()
	})
	<-done
}

// countLabelled returns how many goroutines carry the label, and their stacks.
func countLabelled(label string) (int, string) {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 1)
	want := fmt.Sprintf(`"hybridws-leak":%q`, label)
	n := 0
	var stacks []string
	for _, rec := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(rec, want) {
			continue
		}
		var k int
		fmt.Sscanf(rec, "%d @", &k)
		n += k
		stacks = append(stacks, rec)
	}
	return n, strings.Join(stacks, "\n\n")
}

// liveTimers returns the library's armed timers: the root package's (close
// timer, dial deadline, reconnect wait) and the native transport's
// (keepalive, pong wait, the wait for the answer to a failing close frame).
func liveTimers() int { return websocket.LiveTimers() }

// checkNoTimers fails the test if any library timer is armed. Tests that
// run in parallel may hold timers of their own, so it is only used where
// no other test runs (the sequential part of the suite).
func checkNoTimers(t *testing.T, what string) {
	t.Helper()
	if n := liveTimers(); n != 0 {
		t.Errorf("%s: %d timers still armed", what, n)
	}
}

// Guarantee 6: no goroutine and no timer outlives its connection, however
// it ends, with keepalive off and on. The timers must be gone by the time
// DISCONNECTED runs: a close timer or a ping's timer left armed is a leak
// even though it fires later.
func TestNoGoroutineLeak(t *testing.T) {
	// Every connection of the tests that ran before has ended.
	deadline := time.Now().Add(5 * time.Second)
	for n := liveTimers(); n != 0; n = liveTimers() {
		if time.Now().After(deadline) {
			t.Fatalf("%d timers armed before the test began: an earlier test leaks", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	tlsAddr, tlsCfg := newTLSServer(t)
	closed := closedAddr(t)
	sendThenDisconnect := func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			websocket.Send(c, []byte("x"), nil)
		case websocket.EventMessage:
			websocket.Disconnect(c)
		}
	}
	cases := []struct {
		name    string
		url     string
		params  *websocket.Params
		onEvent func(*websocket.Connection, *websocket.Data)
		after   func(*websocket.Connection) // right after Connect
	}{
		{"echo then Disconnect", wsURL("/echo"), nil, sendThenDisconnect, nil},
		{"server close", wsURL("/close?code=4001&reason=bye"), nil, nil, nil},
		{"server sends then closes", wsURL("/send?n=100&then=close"), nil, nil, nil},
		{"TCP drop", wsURL("/drop"), nil, nil, nil},
		{"refused connection", "ws://" + closed + "/", nil, nil, nil},
		{"refused upgrade", wsURL("/refuse"), nil, nil, nil},
		{"subprotocol not chosen", wsURL("/noproto"), &websocket.Params{Protocol: "chat"}, nil, nil},
		{"timeout", hangingURL(t), &websocket.Params{Timeout: 200 * time.Millisecond}, nil, nil},
		{"Disconnect while connecting", hangingURL(t), nil, nil, func(c *websocket.Connection) { websocket.Disconnect(c) }},
		{"message too big", wsURL("/echo"), &websocket.Params{MaxMessageSize: 10}, func(c *websocket.Connection, d *websocket.Data) {
			if d.Event == websocket.EventConnected {
				websocket.Send(c, make([]byte, 11), nil)
			}
		}, nil},
		{"invalid UTF-8 from the server", wsURL("/badtext"), nil, nil, nil},
		{"wss echo", "wss://" + tlsAddr + "/echo", &websocket.Params{TLSConfig: tlsCfg}, sendThenDisconnect, nil},
		{"wss untrusted", "wss://" + tlsAddr + "/echo", nil, nil, nil},
		{"Disconnect from another goroutine with Sends queued", wsURL("/echo"), nil, func(c *websocket.Connection, d *websocket.Data) {
			if d.Event == websocket.EventConnected {
				go func() {
					for i := 0; i < 100; i++ {
						websocket.Send(c, make([]byte, 1000), nil)
					}
					websocket.Disconnect(c)
				}()
			}
		}, nil},
	}
	// A server that answers nothing, so keepalive ends the connection.
	deaf := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) { io.Copy(io.Discard, c) })
	defer deaf.Close()
	cases = append(cases, struct {
		name    string
		url     string
		params  *websocket.Params
		onEvent func(*websocket.Connection, *websocket.Data)
		after   func(*websocket.Connection)
	}{"keepalive gets no pong", deaf.URL(), &websocket.Params{KeepAlive: 20 * time.Millisecond, PongTimeout: 100 * time.Millisecond}, nil, nil})
	// Reconnect: Disconnect while the retry waits (its timer armed: the
	// Disconnect comes from elsewhere, a little after the ERROR), and
	// giving up after MaxAttempts.
	disconnectSoonAfterError := func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventError {
			go func() {
				time.Sleep(50 * time.Millisecond)
				websocket.Disconnect(c)
			}()
		}
	}
	type leakCase = struct {
		name    string
		url     string
		params  *websocket.Params
		onEvent func(*websocket.Connection, *websocket.Data)
		after   func(*websocket.Connection)
	}
	cases = append(cases,
		leakCase{"reconnect: Disconnect while waiting to retry", "ws://" + closed + "/",
			&websocket.Params{Reconnect: &websocket.Reconnect{MinDelay: time.Minute, MaxDelay: time.Minute}},
			disconnectSoonAfterError, nil},
		leakCase{"reconnect: gives up after MaxAttempts", "ws://" + closed + "/",
			&websocket.Params{Reconnect: &websocket.Reconnect{MinDelay: 10 * time.Millisecond, MaxAttempts: 3}}, nil, nil},
		leakCase{"reconnect: lost, then Disconnect while waiting", wsURL("/drop"),
			&websocket.Params{Reconnect: &websocket.Reconnect{MinDelay: time.Minute, MaxDelay: time.Minute}},
			disconnectSoonAfterError, nil},
	)
	for i, tc := range cases {
		for _, keep := range []bool{false, true} {
			name, label := tc.name, fmt.Sprint(i)
			var params *websocket.Params
			if tc.params != nil {
				p := *tc.params
				params = &p
			}
			if keep && (params == nil || params.KeepAlive == 0) {
				// Pings every 10ms, answered or not within 10s: the pinger
				// and a ping's timer are armed whenever the connection ends.
				if params == nil {
					params = &websocket.Params{}
				}
				params.KeepAlive, params.PongTimeout = 10*time.Millisecond, 10*time.Second
				name, label = name+", keepalive", label+"k"
			} else if keep {
				continue
			}
			t.Run(name, func(t *testing.T) {
				checkLeaks(t, label, tc.url, params, tc.onEvent, tc.after)
			})
		}
	}
	// The queue mode: DISCONNECTED waits in the Queue; once it is
	// dispatched nothing of the connection is left.
	t.Run("queue mode", func(t *testing.T) {
		q := websocket.NewQueue()
		r := newRecorder(t)
		labelled("queue", func() { r.connect(wsURL("/send?n=10&then=close"), &websocket.Params{Queue: q}) })
		evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
			q.Dispatch()
			return find(evs, websocket.EventDisconnected) != nil
		})
		checkDisconnected(t, evs, websocket.CloseNormalClosure, "done")
		checkNoTimers(t, "queue mode")
		deadline := time.Now().Add(5 * time.Second)
		for n, stacks := countLabelled("queue"); n != 0; n, stacks = countLabelled("queue") {
			if time.Now().After(deadline) {
				t.Fatalf("%d goroutines outlive the connection:\n%s", n, stacks)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// checkLeaks connects, lets the connection end, and checks that no timer
// is armed once DISCONNECTED has run and that no goroutine of it is left.
func checkLeaks(t *testing.T, label, url string, params *websocket.Params, onEvent func(*websocket.Connection, *websocket.Data), after func(*websocket.Connection)) {
	r := newRecorder(t)
	atDone := -1
	ran := make(chan struct{})
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if onEvent != nil {
			onEvent(c, d)
		}
		if d.Event == websocket.EventDisconnected {
			atDone = liveTimers()
			close(ran)
		}
	}
	labelled(label, func() {
		c := r.connect(url, params)
		if after != nil {
			after(c)
		}
	})
	evs := r.waitDone()
	if find(evs, websocket.EventDisconnected) == nil {
		t.Fatalf("events %s", describe(evs))
	}
	<-ran
	if atDone != 0 {
		t.Errorf("%d timers armed when DISCONNECTED ran (events %s)", atDone, describe(evs))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, stacks := countLabelled(label)
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines outlive the connection (events %s):\n%s", n, describe(evs), stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The timer counts see armed timers: a dial's deadline while connecting,
// the keepalive pinger while open; and both are gone once it has ended.
func TestLiveTimersCount(t *testing.T) {
	checkNoTimers(t, "before")
	r := newRecorder(t)
	c := r.connect(hangingURL(t), &websocket.Params{Timeout: time.Minute})
	if n := liveTimers(); n < 1 {
		t.Errorf("connecting with a Timeout: %d timers armed, want the dial's deadline", n)
	}
	websocket.Disconnect(c)
	r.waitDone()
	checkNoTimers(t, "after Disconnect while connecting")

	r = newRecorder(t)
	c = openConn(t, r, wsURL("/echo"), &websocket.Params{KeepAlive: time.Minute})
	if n := liveTimers(); n < 1 {
		t.Errorf("open with KeepAlive: %d timers armed, want the pinger's", n)
	}
	websocket.Disconnect(c)
	r.waitDone()
	checkNoTimers(t, "after Disconnect")
}

// The label machinery itself works: a goroutine started inside labelled
// is counted while it runs, and no longer once it has ended.
func TestLabelledCountsGoroutines(t *testing.T) {
	stop := make(chan struct{})
	labelled("self-test", func() { go func() { <-stop }() })
	if n, _ := countLabelled("self-test"); n < 1 {
		t.Errorf("counted %d labelled goroutines, want at least 1", n)
	}
	close(stop)
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := countLabelled("self-test"); n != 0; n, _ = countLabelled("self-test") {
		if time.Now().After(deadline) {
			t.Fatalf("%d labelled goroutines left", n)
		}
		time.Sleep(time.Millisecond)
	}
}

// The keepalive pinger ends with its connection, however it ends: there is
// none left the moment DISCONNECTED arrives (it comes after the
// transport's Abort, which stops the pinger and waits for it).
// The check looks for the pinger by its function's name; the self-test at
// the start makes sure it finds one that runs, so a rename cannot turn it
// into a check of nothing.
func TestKeepAliveNoLeak(t *testing.T) {
	running := func() (bool, string) {
		buf := make([]byte, 1<<20)
		st := string(buf[:runtime.Stack(buf, true)])
		return strings.Contains(st, "(*keepAlive).run"), st
	}
	check := func(how string) {
		t.Helper()
		// The pinger has ended when DISCONNECTED comes (Abort waits for
		// it), but its goroutine may not have left run's last line yet
		// on a loaded machine: gone within a second, or it leaked.
		for deadline := time.Now().Add(time.Second); ; time.Sleep(5 * time.Millisecond) {
			ok, st := running()
			if !ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: a keepalive goroutine outlives its connection by a second:\n%s", how, st)
			}
		}
	}
	slow := &websocket.Params{KeepAlive: time.Second, PongTimeout: time.Second}
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), slow)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if ok, _ := running(); ok {
			break
		}
		if time.Now().After(deadline) {
			websocket.Disconnect(c)
			t.Fatal("self-test: no (*keepAlive).run goroutine while a keepalive connection is open: the leak check below would find nothing")
		}
	}
	websocket.Disconnect(c)
	r.waitDone()
	check("our Disconnect")
	for _, path := range []string{"/close?code=4000", "/drop"} {
		r := newRecorder(t)
		r.connect(wsURL(path), slow)
		r.waitDone()
		check(path)
	}
	srv := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) { io.Copy(io.Discard, c) })
	defer srv.Close()
	r = newRecorder(t)
	r.connect(srv.URL(), &websocket.Params{KeepAlive: 20 * time.Millisecond, PongTimeout: 100 * time.Millisecond})
	if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseAbnormalClosure {
		t.Fatalf("events %s", describe(evs))
	}
	check("keepalive failure")
}
