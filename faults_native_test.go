//go:build !js

package websocket_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/faultproxy"
	"github.com/hybridws/websocket/internal/test/rawserver"
	"github.com/hybridws/websocket/internal/test/testserver"
)

// Fault tests: a fault-injecting proxy (internal/test/faultproxy) between the
// client and the shared test server, or a raw server that misbehaves.
// Each test states its bound, asserts a generous one only to avoid hangs,
// and logs the measured time to detect the fault.

func newProxy(t *testing.T, target string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// checkLost checks that evs is CONNECTED, MESSAGE*, ERROR(ErrConnectionLost),
// DISCONNECTED(1006) and that the messages are /send's, in order, none missing.
func checkLost(t *testing.T, evs []*websocket.Data, size int) {
	t.Helper()
	n := len(evs)
	if n < 3 || evs[0].Event != websocket.EventConnected || evs[n-2].Event != websocket.EventError ||
		evs[n-1].Event != websocket.EventDisconnected || count(evs, websocket.EventMessage) != n-3 {
		t.Fatalf("events %s, want CONNECTED MESSAGE* ERROR DISCONNECTED", describe(evs))
	}
	if e := evs[n-2]; !errors.Is(e.Err, websocket.ErrConnectionLost) {
		t.Errorf("ERROR %q is not ErrConnectionLost", e.Message)
	}
	if d := evs[n-1]; d.Code != websocket.CloseAbnormalClosure {
		t.Errorf("DISCONNECTED %d, want 1006", d.Code)
	}
	for i, d := range evs[1 : n-2] {
		if !bytes.Equal(d.Message, testserver.Payload(i, size)) {
			t.Fatalf("message %d is %.20q: lost, reordered or corrupt", i, d.Message)
		}
	}
}

func waitMessages(r *recorder, n int) {
	r.t.Helper()
	r.waitFor(strconv.Itoa(n)+" messages", func(evs []*websocket.Data) bool {
		return count(evs, websocket.EventMessage) >= n || find(evs, websocket.EventDisconnected) != nil
	})
}

// The server process dies while it streams to us: every connection closes
// at once, without a close frame. Bound: 1s (measured: well under 10ms).
func TestFaultServerKilled(t *testing.T) {
	p := newProxy(t, testServerAddr)
	r := newTimedRecorder(t)
	c := r.connect("ws://"+p.Addr()+"/send?n=10000000&size=100&then=wait", nil)
	waitMessages(r.recorder, 300)
	at := time.Now()
	p.Kill()
	evs := r.waitDone()
	took := r.doneAt().Sub(at)
	checkLost(t, evs, 100)
	if err := websocket.Send(c, []byte("x"), nil); !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("Send after the loss: %v, want ErrClosed", err)
	}
	if took > time.Second {
		t.Errorf("detected after %v, want < 1s", took)
	}
	t.Logf("server killed after %d messages: detected in %v: %s", count(evs, websocket.EventMessage), took, find(evs, websocket.EventError).Message)
}

// The server dies while we send: what it got is an exact prefix of what
// we sent (nothing reordered, duplicated or corrupted), we get ERROR then
// DISCONNECTED 1006, and Send then says ErrClosed. (Send only queues:
// messages queued but not yet written when the link died are lost with it,
// and no event claims otherwise.)
func TestFaultServerKilledWhileSending(t *testing.T) {
	p := newProxy(t, testServerAddr)
	p.SetBandwidth(64 << 10) // so that the kill lands mid-stream
	id := "killed-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r := newTimedRecorder(t)
	c := openConn(t, r.recorder, "ws://"+p.Addr()+"/record?id="+id, nil)
	const n = 2000
	for i := 0; i < n; i++ {
		if err := websocket.Send(c, testserver.Payload(i, 100), nil); err != nil {
			t.Fatal(err)
		}
	}
	// Kill once the server has had a few messages (past the upgrade
	// request); at 64 KiB/s the rest takes seconds more.
	for deadline := time.Now().Add(20 * time.Second); p.ToServer() < 2048; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the proxy forwarded only %d bytes in 20s", p.ToServer())
		}
	}
	at := time.Now()
	p.Kill()
	evs := r.waitDone()
	took := r.doneAt().Sub(at)
	if got := kinds(evs); got != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseAbnormalClosure {
		t.Fatalf("events %s, want CONNECTED ERROR DISCONNECTED(1006)", describe(evs))
	}
	if err := websocket.Send(c, []byte("x"), nil); !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("Send after the loss: %v, want ErrClosed", err)
	}

	// Ask the server, directly, what it received.
	rr := newRecorder(t)
	rr.connect(wsURL("/recorded?id="+id), nil)
	d := rr.waitEvent(websocket.EventMessage)
	var rec testserver.Record
	if err := json.Unmarshal(d.Message, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Messages) == 0 || len(rec.Messages) == n {
		t.Fatalf("the server got %d of %d messages: the kill did not land mid-stream", len(rec.Messages), n)
	}
	for i, m := range rec.Messages {
		if m != string(testserver.Payload(i, 100)) {
			t.Fatalf("server's message %d is %.20q: not a prefix of what we sent", i, m)
		}
	}
	t.Logf("killed while sending: the server got messages 0..%d of %d in order; detected in %v: %s",
		len(rec.Messages)-1, n, took, evs[1].Message)
}

// A link that stalls while we send, then recovers: the socket fills, so
// writes are partial and the rest waits (natively, in the transport's
// spill); once the link moves again every message reaches the server
// whole and in order. The other send tests never fill the socket while
// checking what arrives.
func TestFaultStalledLinkWhileSending(t *testing.T) {
	t.Parallel()
	const n, size = 1000, 16 << 10 // 16 MiB: more than the kernel's socket buffers hold
	p := newProxy(t, testServerAddr)
	id := "stalled-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r := newRecorder(t)
	c := openConn(t, r, "ws://"+p.Addr()+"/record?id="+id, nil)
	p.Pause()
	for i := 0; i < n; i++ {
		if err := websocket.Send(c, testserver.Payload(i, size), nil); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	// Resume once the writer is stuck: what is queued stops shrinking.
	last, since := websocket.SendQueued(c), time.Now()
	for deadline := time.Now().Add(20 * time.Second); time.Since(since) < 200*time.Millisecond; time.Sleep(10 * time.Millisecond) {
		if q := websocket.SendQueued(c); q != last {
			last, since = q, time.Now()
		}
		if time.Now().After(deadline) {
			break
		}
	}
	if last == 0 {
		t.Fatalf("every message left while the link was stalled: the socket never filled")
	}
	p.Resume()
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	rec := fetchRecord(t, id)
	if len(rec.Messages) != n || rec.Code != websocket.CloseNormalClosure {
		t.Fatalf("the server got %d of %d messages and close code %d", len(rec.Messages), n, rec.Code)
	}
	for i, m := range rec.Messages {
		if m != string(testserver.Payload(i, size)) {
			t.Fatalf("message %d arrived as %d bytes %.20q", i, len(m), m)
		}
	}
	t.Logf("%d KiB still queued when the link resumed; all %d messages arrived whole", last>>10, n)
}

// A TCP reset (RST) in the middle of a stream. Bound: 1s.
func TestFaultReset(t *testing.T) {
	p := newProxy(t, testServerAddr)
	r := newTimedRecorder(t)
	r.connect("ws://"+p.Addr()+"/send?n=10000000&size=100&then=wait", nil)
	waitMessages(r.recorder, 300)
	at := time.Now()
	p.Reset()
	evs := r.waitDone()
	took := r.doneAt().Sub(at)
	checkLost(t, evs, 100)
	if took > time.Second {
		t.Errorf("detected after %v, want < 1s", took)
	}
	t.Logf("reset after %d messages: detected in %v: %s", count(evs, websocket.EventMessage), took, find(evs, websocket.EventError).Message)
}

// echoOnce sends msg and waits for its echo.
func echoOnce(t *testing.T, r *recorder, c *websocket.Connection, msg string) {
	t.Helper()
	before := len(r.waitFor("", func([]*websocket.Data) bool { return true }))
	if err := websocket.Send(c, []byte(msg), &websocket.SendOptions{Type: websocket.DataTypeText}); err != nil {
		t.Fatal(err)
	}
	evs := r.waitFor("echo of "+msg, func(evs []*websocket.Data) bool { return len(evs) > before })
	if d := evs[before]; d.Event != websocket.EventMessage || string(d.Message) != msg {
		t.Fatalf("after sending %q: events %s", msg, describe(evs))
	}
}

// assertQuiet checks that no event comes for d.
func assertQuiet(t *testing.T, r *recorder, d time.Duration, what string) {
	t.Helper()
	n := len(r.waitFor("", func([]*websocket.Data) bool { return true }))
	time.Sleep(d)
	if evs := r.waitFor("", func([]*websocket.Data) bool { return true }); len(evs) != n {
		t.Fatalf("%s: unexpected events %s", what, describe(evs[n:]))
	}
}

// A link that goes silent both ways (half-open). Without keepalive nothing
// can notice it: the connection stays open, and our own Disconnect still
// ends it (after coder/websocket's 5s wait for the close reply). With
// keepalive it ends in ERROR, DISCONNECTED 1006 within
// KeepAlive+PongTimeout.
func TestFaultHalfOpen(t *testing.T) {
	t.Run("no keepalive", func(t *testing.T) {
		t.Parallel()
		p := newProxy(t, testServerAddr)
		r := newTimedRecorder(t)
		c := openConn(t, r.recorder, "ws://"+p.Addr()+"/echo", nil)
		echoOnce(t, r.recorder, c, "alive")
		p.Pause()
		if err := websocket.Send(c, []byte("into the void"), nil); err != nil {
			t.Fatal(err)
		}
		assertQuiet(t, r.recorder, time.Second, "half-open without keepalive")
		at := time.Now()
		websocket.Disconnect(c)
		evs := r.waitDone()
		if got := kinds(evs); got != "CONNECTED MESSAGE DISCONNECTED" || evs[2].Code != websocket.CloseNormalClosure {
			t.Fatalf("events %s, want CONNECTED MESSAGE DISCONNECTED(1000)", describe(evs))
		}
		t.Logf("half-open, no keepalive: still open after 1s; Disconnect ended it in %v", r.doneAt().Sub(at))
	})
	t.Run("keepalive", func(t *testing.T) {
		t.Parallel()
		// PongTimeout is what detection waits for, so it cannot be huge;
		// 2s is still far more than a pong takes on a loaded machine.
		const ka, pt = 200 * time.Millisecond, 2 * time.Second
		p := newProxy(t, testServerAddr)
		r := newTimedRecorder(t)
		c := openConn(t, r.recorder, "ws://"+p.Addr()+"/echo", &websocket.Params{KeepAlive: ka, PongTimeout: pt})
		echoOnce(t, r.recorder, c, "alive")
		waitPongs(t, r.recorder, c, 3) // keepalive on a live idle connection: answered, nothing else
		echoOnce(t, r.recorder, c, "still alive")
		at := time.Now()
		p.Pause()
		evs := r.waitDone()
		took := r.doneAt().Sub(at)
		if got := kinds(evs); got != "CONNECTED MESSAGE MESSAGE ERROR DISCONNECTED" || evs[4].Code != websocket.CloseAbnormalClosure {
			t.Fatalf("events %s, want CONNECTED MESSAGE MESSAGE ERROR DISCONNECTED(1006)", describe(evs))
		}
		e := evs[3]
		if !errors.Is(e.Err, websocket.ErrConnectionLost) || !strings.Contains(string(e.Message), "keepalive") {
			t.Errorf("ERROR %q: want ErrConnectionLost naming keepalive", e.Message)
		}
		if took < pt || took > ka+pt+3*time.Second {
			t.Errorf("detected after %v, want about %v", took, ka+pt)
		}
		t.Logf("half-open, KeepAlive %v PongTimeout %v: detected in %v: %s", ka, pt, took, e.Message)
	})
}

// A server that accepts TCP, reads the upgrade request and never answers:
// the dial times out after Params.Timeout.
func TestFaultNeverUpgrades(t *testing.T) {
	srv := rawserver.Start(rawserver.Upgrade{NoUpgrade: true}, nil)
	defer srv.Close()
	r := newTimedRecorder(t)
	start := time.Now()
	r.connect(srv.URL(), &websocket.Params{Timeout: 500 * time.Millisecond})
	evs := r.waitDone()
	took := r.doneAt().Sub(start)
	if got := kinds(evs); got != "ERROR DISCONNECTED" || evs[1].Code != websocket.CloseAbnormalClosure {
		t.Fatalf("events %s, want ERROR DISCONNECTED(1006)", describe(evs))
	}
	if e := evs[0]; !errors.Is(e.Err, websocket.ErrTimeout) || !strings.Contains(string(e.Message), "500ms") {
		t.Errorf("ERROR %q: want ErrTimeout saying 500ms", e.Message)
	}
	if took < 450*time.Millisecond || took > 2*time.Second {
		t.Errorf("took %v, want about 500ms", took)
	}
	t.Logf("never upgrades, Timeout 500ms: ERROR after %v: %s", took, evs[0].Message)
}

// A server that upgrades and then sends nothing. Without keepalive that is
// a quiet connection, not an error. A server that still answers pings
// (/silent) stays up under keepalive; one that does not even read is
// found dead within KeepAlive+PongTimeout.
func TestFaultSilentServer(t *testing.T) {
	t.Run("no keepalive", func(t *testing.T) {
		t.Parallel()
		r := newRecorder(t)
		c := openConn(t, r, wsURL("/silent"), nil)
		assertQuiet(t, r, time.Second, "silent server")
		websocket.Disconnect(c)
		if evs := r.waitDone(); kinds(evs) != "CONNECTED DISCONNECTED" || evs[1].Code != websocket.CloseNormalClosure {
			t.Fatalf("events %s", describe(evs))
		}
	})
	t.Run("keepalive, server answers pings", func(t *testing.T) {
		t.Parallel()
		r := newRecorder(t)
		// Ten pings answered and nothing else: a condition, not a clock;
		// PongTimeout is one no loaded machine reaches.
		c := openConn(t, r, wsURL("/silent"), &websocket.Params{KeepAlive: 20 * time.Millisecond, PongTimeout: 10 * time.Second})
		waitPongs(t, r, c, 10)
		websocket.Disconnect(c)
		if evs := r.waitDone(); kinds(evs) != "CONNECTED DISCONNECTED" || evs[1].Code != websocket.CloseNormalClosure {
			t.Fatalf("events %s", describe(evs))
		}
	})
	t.Run("keepalive, server reads nothing", func(t *testing.T) {
		t.Parallel()
		const ka, pt = 200 * time.Millisecond, 300 * time.Millisecond
		srv := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
			io.Copy(io.Discard, c) // reads, never answers, until the client goes
		})
		defer srv.Close()
		r := newTimedRecorder(t)
		openConn(t, r.recorder, srv.URL(), &websocket.Params{KeepAlive: ka, PongTimeout: pt})
		at := time.Now()
		evs := r.waitDone()
		took := r.doneAt().Sub(at)
		if got := kinds(evs); got != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseAbnormalClosure {
			t.Fatalf("events %s, want CONNECTED ERROR DISCONNECTED(1006)", describe(evs))
		}
		if took > ka+pt+time.Second {
			t.Errorf("detected after %v, want about %v", took, ka+pt)
		}
		t.Logf("silent server, KeepAlive %v PongTimeout %v: detected in %v: %s", ka, pt, took, evs[1].Message)
	})
	t.Run("keepalive, PongTimeout 0 means KeepAlive", func(t *testing.T) {
		t.Parallel()
		srv := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) { io.Copy(io.Discard, c) })
		defer srv.Close()
		r := newRecorder(t)
		openConn(t, r, srv.URL(), &websocket.Params{KeepAlive: 150 * time.Millisecond})
		evs := r.waitDone()
		if got := kinds(evs); got != "CONNECTED ERROR DISCONNECTED" {
			t.Fatalf("events %s, want CONNECTED ERROR DISCONNECTED", describe(evs))
		}
		checkError(t, evs[1], []error{websocket.ErrConnectionLost}, "within 150ms of a ping")
	})
}

// A slow link (latency and a bandwidth limit): every message still
// arrives, whole and in order, and keepalive does not mistake a large
// message in transit for a dead peer. (PongTimeout must still cover the
// time our ping waits behind what we send: 100 KB take 400ms here.)
func TestFaultSlowLink(t *testing.T) {
	p := newProxy(t, testServerAddr)
	p.SetLatency(30 * time.Millisecond)
	p.SetBandwidth(256 << 10)
	r := newTimedRecorder(t)
	c := openConn(t, r.recorder, "ws://"+p.Addr()+"/echo",
		&websocket.Params{KeepAlive: 100 * time.Millisecond, PongTimeout: time.Second})
	sizes := []int{1, 100, 1000, 10000, 100000} // 100000 bytes take ~400ms each way
	var sent [][]byte
	start := time.Now()
	for i := 0; i < 30; i++ {
		m := bytes.Repeat([]byte{byte('a' + i%26)}, sizes[i%len(sizes)])
		copy(m, strconv.Itoa(i))
		sent = append(sent, m)
		if err := websocket.Send(c, m, nil); err != nil {
			t.Fatal(err)
		}
	}
	evs := r.waitFor("30 echoes", func(evs []*websocket.Data) bool {
		return count(evs, websocket.EventMessage) >= len(sent) || find(evs, websocket.EventDisconnected) != nil
	})
	took := time.Since(start)
	if got := kinds(evs); got != "CONNECTED"+strings.Repeat(" MESSAGE", len(sent)) {
		t.Fatalf("events %s", describe(evs))
	}
	for i, m := range sent {
		if !bytes.Equal(evs[1+i].Message, m) {
			t.Fatalf("echo %d differs: %d bytes %.10q, sent %d bytes %.10q", i, len(evs[1+i].Message), evs[1+i].Message, len(m), m)
		}
	}
	websocket.Disconnect(c)
	if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure || count(evs, websocket.EventError) != 0 {
		t.Fatalf("events %s", describe(evs))
	}
	t.Logf("slow link (30ms, 256 KiB/s): %d messages echoed in order in %v", len(sent), took)
}

// A server that stops reading while we send: Send never blocks, the queue
// fills up to SendQueueSize and Send then returns ErrSendQueueFull; the
// connection stays open (nothing is wrong with it). With keepalive the
// unanswered pings end it in ERROR, DISCONNECTED 1006.
func TestFaultServerStopsReading(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := "no keepalive"
		params := &websocket.Params{SendQueueSize: 1 << 20}
		if keep {
			name = "keepalive"
			params.KeepAlive, params.PongTimeout = 200*time.Millisecond, 300*time.Millisecond
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := newProxy(t, testServerAddr)
			r := newTimedRecorder(t)
			c := openConn(t, r.recorder, "ws://"+p.Addr()+"/noread", params)
			start := time.Now()
			msg := make([]byte, 64<<10)
			var times sendTimes
			sent, full := 0, 0
			deadline := time.Now().Add(10 * time.Second)
			for full < 20 && time.Now().Before(deadline) {
				err := times.send(c, msg)
				switch {
				case err == nil:
					sent++
				case errors.Is(err, websocket.ErrSendQueueFull):
					full++
					time.Sleep(10 * time.Millisecond)
				case keep && errors.Is(err, websocket.ErrClosed):
					full = 20 // keepalive already ended it
				default:
					t.Fatalf("Send: %v", err)
				}
			}
			if full < 20 {
				t.Fatalf("the send queue never filled: %d sent", sent)
			}
			times.check(t)
			t.Logf("%d x 64 KiB queued before ErrSendQueueFull", sent)
			if !keep {
				assertQuiet(t, r.recorder, 500*time.Millisecond, "server not reading")
				p.Kill()
				evs := r.waitDone()
				if got := kinds(evs); got != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseAbnormalClosure {
					t.Fatalf("events %s", describe(evs))
				}
				return
			}
			evs := r.waitDone()
			if got := kinds(evs); got != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseAbnormalClosure {
				t.Fatalf("events %s", describe(evs))
			}
			t.Logf("server not reading, keepalive: DISCONNECTED %v after CONNECTED: %s", r.doneAt().Sub(start), evs[1].Message)
		})
	}
}

// Keepalive does not count time while the connection is not reading: here
// a Queue that nobody dispatches holds reading back (the server's pongs
// wait in the socket) for far longer than KeepAlive+PongTimeout, and the
// connection survives with every message.
func TestKeepAlivePausedReader(t *testing.T) {
	t.Parallel()
	const n, size = 100, 64 << 10 // 6.4 MB, past the Queue's 4 MiB bound
	const ka, pt = 100 * time.Millisecond, time.Second
	q := websocket.NewQueue()
	r := newRecorder(t)
	c := r.connect(wsURL("/send?n="+strconv.Itoa(n)+"&size="+strconv.Itoa(size)+"&then=wait"),
		&websocket.Params{Queue: q, KeepAlive: ka, PongTimeout: pt})
	// No Dispatch: the reader pauses once the Queue passes its bound. Wait
	// until it has, then keep it paused for twice KeepAlive+PongTimeout
	// (the time keepalive must not count), checking that it stays paused.
	queued, _ := waitQueuePast(t, q, websocket.MaxPending)
	if queued >= n+1 {
		t.Fatalf("all %d messages queued: the reader never paused", n)
	}
	time.Sleep(2 * (ka + pt))
	if again, _ := websocket.QueueLen(q); again != queued {
		t.Fatalf("%d events queued, then %d: the reader did not pause", queued, again)
	}
	deadline := time.Now().Add(20 * time.Second)
	for count(r.waitFor("", func([]*websocket.Data) bool { return true }), websocket.EventMessage) < n {
		if q.Dispatch() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("messages stopped coming")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	evs := r.waitFor("", func([]*websocket.Data) bool { return true })
	if got := kinds(evs); got != "CONNECTED"+strings.Repeat(" MESSAGE", n) {
		t.Fatalf("events %s", describe(evs))
	}
	for i, d := range evs[1:] {
		if !bytes.Equal(d.Message, testserver.Payload(i, size)) {
			t.Fatalf("message %d is %.20q", i, d.Message)
		}
	}
	websocket.Disconnect(c)
	for find(r.waitFor("", func([]*websocket.Data) bool { return true }), websocket.EventDisconnected) == nil {
		q.Dispatch()
		time.Sleep(5 * time.Millisecond)
	}
	if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure {
		t.Fatalf("events %s", describe(evs[n:]))
	}
}
