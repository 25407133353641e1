package websocket_test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/engine"
)

// The reconnect tests run natively and in Chromium against the Phoenix, a
// server the tests can kill and bring back on the same address
// (internal/test/testserver/phoenix.go), controlled through /phoenix. This
// package's is the one called "root": the shim's tests, run at the same
// time against the same test server, restart one of their own.

var fast = &websocket.Reconnect{MinDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond}

// phoenixAddr returns the Phoenix's host:port.
func phoenixAddr(t testing.TB) string {
	t.Helper()
	return control(t, "/phoenix?name=root&op=addr")
}

// restartPhoenix kills the Phoenix and brings it back after down.
func restartPhoenix(t testing.TB, down time.Duration, reset bool) {
	t.Helper()
	q := "/phoenix?name=root&op=restart&down=" + strconv.Itoa(int(down/time.Millisecond))
	if reset {
		q += "&reset=1"
	}
	if got := control(t, q); got != "ok" {
		t.Fatalf("%s answered %q", q, got)
	}
}

func control(t testing.TB, path string) string {
	t.Helper()
	r := newRecorder(t)
	r.connect(wsURL(path), nil)
	ms := messages(r.waitDone())
	if len(ms) != 1 {
		t.Fatalf("%s sent %d messages", path, len(ms))
	}
	return string(ms[0].Message)
}

// checkGrammar checks the reconnect grammar
// (CONNECTED, MESSAGE*)?, (ERROR, [CONNECTED, MESSAGE*])*, DISCONNECTED
// and that every ERROR but a last one before DISCONNECTED says a retry
// follows (RetryIn > 0), and that one with RetryIn > 0 is never the last
// before DISCONNECTED unless Disconnect came during the wait (userStop).
func checkGrammar(t testing.TB, evs []*websocket.Data, userStop bool) {
	t.Helper()
	if len(evs) == 0 || evs[len(evs)-1].Event != websocket.EventDisconnected {
		t.Fatalf("no DISCONNECTED at the end: %s", describe(evs))
	}
	opened := false
	for i, d := range evs[:len(evs)-1] {
		switch d.Event {
		case websocket.EventConnected:
			if opened {
				t.Errorf("event %d: CONNECTED twice without an ERROR between: %s", i, describe(evs))
			}
			opened = true
			if d.HandshakeResponse == nil || d.HandshakeResponse.Status != 101 {
				t.Errorf("event %d: CONNECTED without its HandshakeResponse", i)
			}
		case websocket.EventMessage:
			if !opened {
				t.Errorf("event %d: MESSAGE while not connected: %s", i, describe(evs))
			}
		case websocket.EventError:
			opened = false
			last := i == len(evs)-2
			if d.RetryIn <= 0 && !last {
				t.Errorf("event %d: ERROR with RetryIn %v, yet more follows: %s", i, d.RetryIn, describe(evs))
			}
			if d.RetryIn > 0 && last && !userStop {
				t.Errorf("ERROR promised a retry in %v, then DISCONNECTED: %s", d.RetryIn, describe(evs))
			}
		case websocket.EventDisconnected:
			t.Errorf("event %d: DISCONNECTED before the end", i)
		}
	}
}

// The server dies (dropped, or reset) and comes back on the same address:
// ERROR (the cause, RetryIn > 0), maybe more ERRORs while it is down, then
// CONNECTED with a new HandshakeResponse, and messages flow again on the
// same *Connection; in callback and in Queue mode.
func TestReconnectAfterRestart(t *testing.T) {
	addr := phoenixAddr(t)
	for _, reset := range []bool{false, true} {
		for _, queue := range []bool{false, true} {
			t.Run("reset="+strconv.FormatBool(reset)+",queue="+strconv.FormatBool(queue), func(t *testing.T) {
				var q *websocket.Queue
				if queue {
					q = websocket.NewQueue()
					dispatchLoops(t, q, 1)
				}
				r := newRecorder(t)
				var sent atomic.Int32
				r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
					if d.Event == websocket.EventConnected {
						n := sent.Add(1)
						if err := websocket.Send(c, []byte("hello "+itoa(int(n))), text); err != nil {
							t.Errorf("Send after CONNECTED %d: %v", n, err)
						}
					}
					if d.Event == websocket.EventError && d.RetryIn > 0 {
						if err := websocket.Send(c, []byte("x"), nil); !errors.Is(err, websocket.ErrNotConnected) {
							t.Errorf("Send while down: %v, want ErrNotConnected", err)
						}
					}
				}
				c := r.connect("ws://"+addr+"/echo", &websocket.Params{Queue: q, Reconnect: fast})
				r.waitFor("the first echo", func(evs []*websocket.Data) bool { return len(messages(evs)) == 1 })
				restartPhoenix(t, 300*time.Millisecond, reset)
				evs := r.waitFor("the echo after the restart", func(evs []*websocket.Data) bool { return len(messages(evs)) == 2 })
				websocket.Disconnect(c)
				evs = r.waitDone()
				checkGrammar(t, evs, false)
				if n := count(evs, websocket.EventConnected); n != 2 {
					t.Errorf("%d CONNECTED, want 2: %s", n, describe(evs))
				}
				ms := messages(evs)
				if string(ms[0].Message) != "hello 1" || string(ms[1].Message) != "hello 2" {
					t.Errorf("echoes %q, %q", ms[0].Message, ms[1].Message)
				}
				lost := find(evs, websocket.EventError)
				checkError(t, lost, []error{websocket.ErrConnectionLost}, addr)
				checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
			})
		}
	}
}

// A clean close that the server did not mean for good (1001 going away,
// 1011, 1012 service restart, 1013, and no code at all) is retried; 1000,
// 1008 and 3000-4999 end the connection with a lone DISCONNECTED. WebKit
// takes 1012-1014 for a protocol error and reports 1006, a connection lost
// without a close frame: it is retried all the same, but the ERROR cannot
// name the server's code.
func TestReconnectCloseCodes(t *testing.T) {
	for _, code := range []string{"1001", "1011", "1012", "1013", "none"} {
		t.Run("retry "+code, func(t *testing.T) {
			r := newRecorder(t)
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				if d.Event == websocket.EventConnected {
					websocket.Send(c, []byte("back"), text)
				}
				if d.Event == websocket.EventMessage {
					websocket.Disconnect(c)
				}
			}
			id := "cc-" + code + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			r.connect(wsURL("/closeonce?id="+id+"&code="+code+"&reason=later"), &websocket.Params{Reconnect: fast})
			evs := r.waitDone()
			checkGrammar(t, evs, false)
			checkSeq(t, evs, "CONNECTED ERROR CONNECTED MESSAGE DISCONNECTED")
			want := code
			switch {
			case code == "none":
				want = itoa(websocket.CloseNoStatusReceived)
			case engine.Name == engine.WebKit && (code == "1012" || code == "1013"):
				want = itoa(websocket.CloseAbnormalClosure)
			}
			checkError(t, evs[1], []error{websocket.ErrConnectionLost}, "code "+want)
			checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
		})
	}
	for _, code := range []int{websocket.CloseNormalClosure, websocket.ClosePolicyViolation, 3000, 4001, 4999} {
		t.Run("final "+itoa(code), func(t *testing.T) {
			r := newRecorder(t)
			r.connect(wsURL("/close?code="+itoa(code)+"&reason=bye"), &websocket.Params{Reconnect: fast})
			evs := r.waitDone()
			checkSeq(t, evs, "CONNECTED DISCONNECTED")
			checkDisconnected(t, evs, code, "bye")
			r.settle(evs)
		})
	}
}

// Failed attempts: RetryIn follows the backoff (each in [d/2, d], d
// doubling from MinDelay to MaxDelay), and after MaxAttempts failures in a
// row the last ERROR has RetryIn 0 and DISCONNECTED follows. In Firefox
// each wait is at least Firefox's own delay after failed attempts to a
// host and path (200-400ms after the first, 1.5 times longer after each
// further one): the library waits out that delay itself, by the upper
// bound, so that Firefox holds up no socket.
func TestReconnectMaxAttempts(t *testing.T) {
	r := newRecorder(t)
	rc := &websocket.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 80 * time.Millisecond, MaxAttempts: 5}
	r.connect(closedURL(t), &websocket.Params{Reconnect: rc})
	evs := r.waitDone()
	checkGrammar(t, evs, false)
	checkSeq(t, evs, "ERROR ERROR ERROR ERROR ERROR DISCONNECTED")
	for i, d := range []time.Duration{20, 40, 80, 80} {
		d *= time.Millisecond
		lo, hi := d/2, d
		if engine.Name == engine.Firefox {
			lo, hi = firefoxDelay(i, 200*time.Millisecond), firefoxDelay(i, 400*time.Millisecond)
		}
		if got := evs[i].RetryIn; got < lo || got > hi {
			t.Errorf("ERROR %d: RetryIn %v, want in [%v, %v]", i, got, lo, hi)
		}
		checkError(t, evs[i], []error{websocket.ErrDial})
	}
	if evs[4].RetryIn != 0 {
		t.Errorf("last ERROR: RetryIn %v, want 0", evs[4].RetryIn)
	}
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	r.settle(evs)
}

// firefoxDelay is Firefox's delay after n+1 failed attempts in a row, when
// the first was first.
func firefoxDelay(n int, first time.Duration) time.Duration {
	d := first
	for range n {
		d = d * 3 / 2
	}
	return d
}

// retryWaits dials a closed port with rc until its MaxAttempts failures
// end the connection, checks the events (MaxAttempts ERRORs, the last one
// without a retry, then DISCONNECTED) and returns the RetryIn of the
// others, in order.
func retryWaits(t testing.TB, rc *websocket.Reconnect) []time.Duration {
	t.Helper()
	if engine.Name == engine.Firefox {
		// Each wait there is Firefox's own, longer, deterministic delay
		// (TestReconnectMaxAttempts checks it): the backoff under it
		// cannot be seen.
		t.Skip("Firefox's own delay after a failed attempt (200-400 ms, growing 1.5x) overrides the backoff's jitter and cap there")
	}
	r := newRecorder(t)
	r.connect("ws://"+closedAddr(t)+"/", &websocket.Params{Reconnect: rc})
	evs := r.waitDone()
	checkGrammar(t, evs, false)
	checkSeq(t, evs, strings.Repeat("ERROR ", rc.MaxAttempts)+"DISCONNECTED")
	var waits []time.Duration
	for _, e := range evs[:rc.MaxAttempts-1] {
		waits = append(waits, e.RetryIn)
	}
	return waits
}

// Each wait is drawn at random in [d/2, d], so that the clients of a
// restarted server do not all come back in the same instant. With
// MinDelay == MaxDelay every wait has the same d: the RetryIn values of
// seven failed attempts (a closed port) lie in [d/2, d] and differ (a
// draw from 20 million nanoseconds repeats itself almost never), where a
// backoff without jitter gives d every time.
func TestReconnectJitter(t *testing.T) {
	const d = 40 * time.Millisecond
	waits := retryWaits(t, &websocket.Reconnect{MinDelay: d, MaxDelay: d, MaxAttempts: 8})
	seen := map[time.Duration]bool{}
	for i, w := range waits {
		if w < d/2 || w > d {
			t.Errorf("ERROR %d: RetryIn %v, want in [%v, %v]", i, w, d/2, d)
		}
		seen[w] = true
	}
	if len(seen) < len(waits)-2 {
		t.Errorf("RetryIn %v: only %d different waits in %d, the backoff has no jitter", waits, len(seen), len(waits))
	}
}

// MaxDelay caps every wait, also when the doubling jumps past it: from
// 30ms the delays go 30ms, then 60ms capped to 32ms, so every RetryIn
// after the first lies in [16ms, 32ms]. (An uncapped 60ms draws in
// [30ms, 60ms], above 32ms 14 times in 15; with the defaults it would be
// 32s instead of 30s.)
func TestReconnectCappedAtMaxDelay(t *testing.T) {
	const lo, hi = 30 * time.Millisecond, 32 * time.Millisecond
	for i, w := range retryWaits(t, &websocket.Reconnect{MinDelay: lo, MaxDelay: hi, MaxAttempts: 8}) {
		d := hi
		if i == 0 {
			d = lo
		}
		if w < d/2 || w > d {
			t.Errorf("ERROR %d: RetryIn %v, want in [%v, %v] (MaxDelay %v)", i, w, d/2, d, hi)
		}
	}
}

// Disconnect during the wait ends the connection at once, not when the
// timer fires; Send during it returns ErrNotConnected.
func TestReconnectDisconnectDuringWait(t *testing.T) {
	r := newRecorder(t)
	slow := &websocket.Reconnect{MinDelay: 20 * time.Second, MaxDelay: 20 * time.Second}
	c := r.connect(closedURL(t), &websocket.Params{Reconnect: slow})
	e := r.waitEvent(websocket.EventError)
	if e.RetryIn < 10*time.Second {
		t.Fatalf("RetryIn %v, want at least 10s", e.RetryIn)
	}
	if err := websocket.Send(c, []byte("x"), nil); !errors.Is(err, websocket.ErrNotConnected) {
		t.Errorf("Send while waiting: %v, want ErrNotConnected", err)
	}
	start := time.Now()
	websocket.Disconnect(c)
	evs := r.waitDone()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("DISCONNECTED came %v after Disconnect, want at once", d)
	}
	checkGrammar(t, evs, true)
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	r.settle(evs)
}

// An upgrade refused with a 4xx status is final natively; a 5xx one is
// retried. A browser hides the status, so there every refusal is retried.
func TestReconnectRefusedUpgrade(t *testing.T) {
	rc := &websocket.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond, MaxAttempts: 3}
	for _, status := range []int{403, 404, 503} {
		t.Run(itoa(status), func(t *testing.T) {
			r := newRecorder(t)
			r.connect(freshURL("/refuse?status="+itoa(status)), &websocket.Params{Reconnect: rc})
			evs := r.waitDone()
			checkGrammar(t, evs, false)
			if status < 500 && !inBrowserTest {
				checkSeq(t, evs, "ERROR DISCONNECTED")
				checkError(t, evs[0], []error{websocket.ErrUpgradeRefused}, itoa(status))
			} else {
				checkSeq(t, evs, "ERROR ERROR ERROR DISCONNECTED")
			}
			r.settle(evs)
		})
	}
}

// A server that refuses with 429 or 503 and Retry-After is listened to,
// natively: the wait is at least what it asks (at most 5 minutes), and
// 429 is retried like 503. A browser hides the status and the headers:
// there the wait is the backoff, as for any failed attempt (in Firefox at
// least its own delay after a failure).
func TestReconnectRetryAfter(t *testing.T) {
	rc := &websocket.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond}
	for _, c := range []struct {
		name, query string
		want        time.Duration // natively; 0: the backoff
	}{
		{"429 seconds", "status=429&retry_after=3", 3 * time.Second},
		{"503 seconds", "status=503&retry_after=2", 2 * time.Second},
		{"503 date", "status=503&retry_after=" + url.QueryEscape(time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat)), 90 * time.Second},
		{"429 capped", "status=429&retry_after=86400", 5 * time.Minute},
		{"429 without Retry-After", "status=429", 0},
		{"503 junk", "status=503&retry_after=later", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRecorder(t)
			conn := r.connect(freshURL("/refuse?"+c.query), &websocket.Params{Reconnect: rc})
			e := r.waitEvent(websocket.EventError)
			websocket.Disconnect(conn)
			evs := r.waitDone()
			checkGrammar(t, evs, true)
			checkSeq(t, evs, "ERROR DISCONNECTED")
			lo, hi := c.want-2*time.Second, c.want // the date form loses up to a second, twice
			switch {
			case engine.Name == engine.Firefox: // its own delay after the first failure
				lo, hi = firefoxDelay(0, 200*time.Millisecond), firefoxDelay(0, 400*time.Millisecond)
			case c.want == 0 || inBrowserTest:
				lo, hi = rc.MinDelay/2, rc.MinDelay
			}
			if e.RetryIn < lo || e.RetryIn > hi {
				t.Errorf("RetryIn %v, want in [%v, %v]", e.RetryIn, lo, hi)
			}
			if !inBrowserTest {
				checkError(t, e, []error{websocket.ErrUpgradeRefused}, c.query[7:10])
			}
		})
	}
}

// The attempt count starts again once a connection has stayed open for a
// while: the first connection is closed with 1012 at once (failure 1), the
// second stays open 300ms and is then lost (the Phoenix restarts). With a
// stable time of 100ms that loss waits in [MinDelay/2, MinDelay] again;
// with 1 minute it is failure 2, in [MinDelay, 2*MinDelay].
func TestReconnectCountResets(t *testing.T) {
	addr := phoenixAddr(t)
	for _, stable := range []time.Duration{100 * time.Millisecond, time.Minute} {
		t.Run(stable.String(), func(t *testing.T) {
			defer websocket.SetReconnectStable(stable)()
			rc := &websocket.Reconnect{MinDelay: 40 * time.Millisecond, MaxDelay: 5 * time.Second}
			r := newRecorder(t)
			id := "reset-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			c := r.connect("ws://"+addr+"/closeonce?id="+id+"&code=1012", &websocket.Params{Reconnect: rc})
			r.waitFor("the second CONNECTED", func(evs []*websocket.Data) bool { return count(evs, websocket.EventConnected) == 2 })
			time.Sleep(300 * time.Millisecond)
			restartPhoenix(t, 0, false)
			r.waitFor("the third CONNECTED", func(evs []*websocket.Data) bool { return count(evs, websocket.EventConnected) == 3 })
			websocket.Disconnect(c)
			evs := r.waitDone()
			checkGrammar(t, evs, false)
			// CONNECTED ERROR, [ERROR ...] (an attempt Firefox failed at
			// once, now and then), CONNECTED ERROR, then maybe more ERRORs
			// (an attempt that came while the Phoenix was restarting),
			// CONNECTED.
			second := 0
			for i, d := range evs {
				if d.Event == websocket.EventConnected && i > 0 {
					second = i
					break
				}
			}
			before := count(evs[:second], websocket.EventError) // failures before the second connection
			checkSeq(t, evs[:second+2], "CONNECTED"+strings.Repeat(" ERROR", before)+" CONNECTED ERROR")
			if engine.Name != engine.Firefox && before != 1 {
				t.Errorf("%d ERRORs before the second CONNECTED, want 1: %s", before, describe(evs))
			}
			// The loss is failure 1 again once the connection stayed open
			// for the stable time, else failure before+1.
			lo, hi := 20*time.Millisecond, 40*time.Millisecond
			if stable >= time.Second {
				for range before {
					lo, hi = lo*2, hi*2
				}
			}
			if got := evs[second+1].RetryIn; got < lo || got > hi {
				t.Errorf("RetryIn after the second connection's loss %v, want in [%v, %v]", got, lo, hi)
			}
		})
	}
}

// A connection that stayed open for the stable time resets the count for
// its own loss only: the attempts that fail after it count again, so the
// backoff grows and MaxAttempts ends it. Here the connection stays open
// past a stable time of 100ms, then the Phoenix goes down for 3s: the loss
// is failure 1 (RetryIn in [10ms, 20ms]), the refused attempts failures
// 2, 3 (in [20ms, 40ms], [40ms, 80ms]) and 4, the last (RetryIn 0), then
// DISCONNECTED. A mark left set would make every failure the first: ERRORs
// at MinDelay until the Phoenix came back.
func TestReconnectCountsAfterStableLoss(t *testing.T) {
	addr := phoenixAddr(t)
	defer websocket.SetReconnectStable(100 * time.Millisecond)()
	const attempts = 4
	rc := &websocket.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 5 * time.Second, MaxAttempts: attempts}
	r := newRecorder(t)
	r.connect("ws://"+addr+"/echo", &websocket.Params{Reconnect: rc})
	r.waitEvent(websocket.EventConnected)
	time.Sleep(300 * time.Millisecond)
	restartPhoenix(t, 3*time.Second, false)
	defer waitPhoenix(t, addr)
	evs := r.waitFor("DISCONNECTED, or more ERRORs than MaxAttempts", func(evs []*websocket.Data) bool {
		return find(evs, websocket.EventDisconnected) != nil || count(evs, websocket.EventError) > attempts
	})
	checkSeq(t, evs, "CONNECTED"+strings.Repeat(" ERROR", attempts)+" DISCONNECTED")
	checkGrammar(t, evs, false)
	for i, d := range []time.Duration{20, 40, 80} {
		d *= time.Millisecond
		lo, hi := d/2, d
		if engine.Name == engine.Firefox && i > 0 { // a failed attempt: Firefox's own delay
			lo, hi = firefoxDelay(i-1, 200*time.Millisecond), firefoxDelay(i-1, 400*time.Millisecond)
		}
		if got := evs[1+i].RetryIn; got < lo || got > hi {
			t.Errorf("ERROR %d: RetryIn %v, want in [%v, %v]", i, got, lo, hi)
		}
	}
	checkError(t, evs[1], []error{websocket.ErrConnectionLost}, addr)
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
}

// waitPhoenix waits until the Phoenix, at addr, accepts connections again.
func waitPhoenix(t testing.TB, addr string) {
	t.Helper()
	r := newRecorder(t)
	c := r.connect("ws://"+addr+"/echo", &websocket.Params{Reconnect: fast})
	r.waitEvent(websocket.EventConnected)
	websocket.Disconnect(c)
	r.waitDone()
}

// Bad Reconnect values are bad input: an error naming the field, no event.
func TestReconnectBadInput(t *testing.T) {
	for _, c := range []struct {
		rc   websocket.Reconnect
		want string
	}{
		{websocket.Reconnect{MinDelay: -1}, "MinDelay"},
		{websocket.Reconnect{MaxDelay: -1}, "MaxDelay"},
		{websocket.Reconnect{MaxAttempts: -1}, "MaxAttempts"},
		{websocket.Reconnect{MinDelay: 2 * time.Second, MaxDelay: time.Second}, "MinDelay 2s is more than MaxDelay 1s"},
	} {
		rc := c.rc
		_, err := websocket.Connect(wsURL("/echo"), &websocket.Params{Reconnect: &rc}, func(*websocket.Connection, *websocket.Data) {
			t.Error("an event after bad input")
		})
		if !errors.Is(err, websocket.ErrInvalidOptions) || !errors.Is(err, websocket.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Reconnect %+v: err %v, want ErrInvalidOptions naming %q", c.rc, err, c.want)
		}
	}
}

// What Send queued and the connection never sent is reported, not lost
// silently: the server stops reading, 48 MiB wait behind it (more than
// any socket buffers take), the server dies, and the ERROR that announces
// the retry says how many bytes of the queue were never sent. Except in
// WebKitGTK: once the page yields, it moves whatever waits into its
// network process, where bufferedAmount no longer counts it, so the page
// cannot know what never went out, and the ERROR claims nothing.
func TestReconnectReportsUnsent(t *testing.T) {
	addr := phoenixAddr(t)
	r := newRecorder(t)
	c := r.connect("ws://"+addr+"/noread", &websocket.Params{Reconnect: fast})
	r.waitEvent(websocket.EventConnected)
	msg := make([]byte, 1<<20)
	for i := 0; i < 48; i++ {
		if err := websocket.Send(c, msg, nil); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	restartPhoenix(t, 0, false)
	e := r.waitEvent(websocket.EventError)
	if e.RetryIn <= 0 {
		t.Fatalf("RetryIn %v", e.RetryIn)
	}
	if engine.Name == engine.WebKit {
		checkError(t, e, []error{websocket.ErrConnectionLost})
		if strings.Contains(string(e.Message), "bytes queued by Send") {
			t.Errorf("ERROR %q: WebKitGTK's bufferedAmount counted what its network process holds", e.Message)
		}
	} else {
		checkError(t, e, []error{websocket.ErrConnectionLost}, "bytes queued by Send were not sent")
	}
	websocket.Disconnect(c)
	checkGrammar(t, r.waitDone(), true)
}
