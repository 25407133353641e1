//go:build !js

package native

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/faultproxy"
	"github.com/hybridws/websocket/internal/test/testserver"
	"github.com/hybridws/websocket/internal/wire"
)

// dialTest dials path on a fresh test server with o (URL filled in).
func dialTest(t *testing.T, path string, o Options) *Conn {
	t.Helper()
	srv := httptest.NewServer(testserver.Handler())
	t.Cleanup(srv.Close)
	return dialTo(t, "ws"+strings.TrimPrefix(srv.URL, "http")+path, o)
}

// proxiedServer starts a fresh test server behind a fault proxy and
// returns the proxy and the URL of path through it.
func proxiedServer(t *testing.T, path string) (*faultproxy.Proxy, string) {
	t.Helper()
	srv := httptest.NewServer(testserver.Handler())
	t.Cleanup(srv.Close)
	p, err := faultproxy.New(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, "ws://" + p.Addr() + path
}

// dialTo dials url with o (URL filled in; MaxMessageSize 1 MiB if unset),
// and aborts the connection when the test ends.
func dialTo(t *testing.T, url string, o Options) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o.URL = url
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = 1 << 20
	}
	c, _, err := Dial(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Abort)
	return c
}

// inTime runs f and fails the test if it has not returned within 20s: the
// guard for a Write that waits for the network.
func inTime(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s blocked for 20s", what)
	}
}

// Write never waits for the network, and the queue holds at most
// SendLimit: against a server that never reads, Writes are accepted until
// the queue is full, then refused with a QueueFullError that says what the
// queue holds, each at once; Abort ends the writer stuck under them and
// counts what never went out as unsent.
func TestWriteBoundedNeverBlocks(t *testing.T) {
	const limit = 64 << 10
	c := dialTest(t, "/noread", Options{SendLimit: limit})
	msg := make([]byte, 4<<10)
	cost := int64(len(msg)) + wire.MsgOverhead
	var full *wire.QueueFullError
	accepted := int64(0)
	inTime(t, "Write", func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			err := c.Write(2, msg)
			if q := buffered(c); q > limit {
				t.Errorf("queue holds %d bytes, limit %d", q, limit)
				return
			}
			if err == nil {
				accepted += int64(len(msg))
				continue
			}
			if !errors.As(err, &full) {
				t.Errorf("Write: %v, want a QueueFullError", err)
				return
			}
			// The writer may still move a little while the socket's
			// buffers fill: full means full for a while.
			time.Sleep(50 * time.Millisecond)
			if q := buffered(c); q+cost <= limit {
				full = nil
				continue
			}
			return
		}
	})
	if full == nil {
		t.Fatalf("%d bytes accepted for a server that never reads, and the queue never filled", accepted)
	}
	if full.Limit != limit || full.Queued+cost <= limit || full.Queued > limit {
		t.Fatalf("QueueFullError{Queued: %d, Limit: %d} for a %d-byte message, limit %d", full.Queued, full.Limit, cost, limit)
	}
	queued := buffered(c)
	// Every further Write is refused at once and queues nothing.
	inTime(t, "a refused Write", func() {
		for i := 0; i < 100; i++ {
			if err := c.Write(2, msg); !errors.As(err, &full) {
				t.Errorf("Write %d on a full queue: %v", i, err)
				return
			}
		}
	})
	if q := buffered(c); q != queued {
		t.Fatalf("refused Writes changed the queue: %d bytes, then %d", queued, q)
	}
	inTime(t, "Abort", c.Abort)
	// What waited counts as unsent: the queue's messages, whole, overhead
	// aside, and, framed, what the writer had written but the socket had
	// not taken: a corked burst, what the spill held where writes never
	// block (at most a burst and a message, as the writer waits for the
	// spill to drain after each message).
	waiting := queued / cost * int64(len(msg))
	if u := c.unsent(); u <= 0 || u < waiting || u > waiting+corkMax+cost {
		t.Fatalf("unsent() = %d after Abort, with %d bytes (%d messages) queued", u, queued, queued/cost)
	}
	if err := c.Write(2, msg); err == nil {
		t.Fatalf("Write after Abort accepted")
	}
	if c.send.writing {
		t.Fatalf("the writer still runs after Abort returned")
	}
	if err := c.writeErr(); err != nil {
		t.Fatalf("writeErr() = %v: the failure Abort caused is not news", err)
	}
}

// Messages written during a Hold: where writes never block, the first
// goes out at once and the rest of the burst waits for Release, which
// writes it on its own goroutine (no writer goroutine starts); elsewhere
// the writer writes them. Either way they arrive in order.
func TestHoldRelease(t *testing.T) {
	c := dialTest(t, "/echo", Options{})
	c.Hold()
	var want [][]byte
	for i := 0; i < 5; i++ {
		p := bytes.Repeat([]byte{byte('a' + i)}, 100*(i+1))
		want = append(want, p)
		if err := c.Write(1, p); err != nil {
			t.Fatal(err)
		}
	}
	c.send.mu.Lock()
	writing := c.send.writing
	c.send.mu.Unlock()
	if writing == fastWrites {
		t.Fatalf("during a Hold: writer running %v, want %v (fastWrites %v)", writing, !fastWrites, fastWrites)
	}
	c.Release()
	if fastWrites {
		// Written by Release itself: nothing waits once it returns.
		if q := buffered(c); q != 0 {
			t.Fatalf("%d bytes still queued after Release", q)
		}
	}
	for i, w := range want {
		typ, p, err := c.Read()
		if err != nil || typ != 1 || !bytes.Equal(p, w) {
			t.Fatalf("echo %d: typ %d, %.10q, err %v; want 1, %.10q", i, typ, p, err, w)
		}
	}
}

// Close waits behind what was written: the server reads every message,
// then the close frame (/record says so), and answers it; Read, running
// all along as in the root package, then returns the clean close. Writes
// after Close are refused.
func TestCloseAfterWrites(t *testing.T) {
	srv := httptest.NewServer(testserver.Handler())
	defer srv.Close()
	base := "ws" + strings.TrimPrefix(srv.URL, "http")
	dial := func(path string) *Conn {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, _, err := Dial(ctx, Options{URL: base + path, MaxMessageSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Abort)
		return c
	}
	readAll := func(c *Conn) (got [][]byte, err error) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				_, p, rerr := c.Read()
				if rerr != nil {
					err = rerr
					return
				}
				got = append(got, p)
			}
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("Read did not end")
		}
		return got, err
	}

	id := t.Name()
	c := dial("/record?id=" + id)
	const n = 50
	var want []string
	for i := 0; i < n; i++ {
		m := strings.Repeat(string(rune('a'+i%26)), i+1)
		want = append(want, m)
		if err := c.Write(1, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(wire.CloseNormalClosure, "bye"); err != nil {
		t.Fatal(err)
	}
	if err := c.Write(2, []byte("late")); err == nil {
		t.Fatalf("Write after Close accepted")
	}
	_, err := readAll(c)
	// The peer's answer, or, when coder/websocket's Close read that answer
	// itself between two Reads, the code we sent.
	if code, _, _ := c.closeStatus(err); code != wire.CloseNormalClosure {
		t.Fatalf("closeStatus(%v): %d, want 1000", err, code)
	}

	got, _ := readAll(dial("/recorded?id=" + id))
	if len(got) != 1 {
		t.Fatalf("/recorded sent %d messages", len(got))
	}
	var rec testserver.Record
	if err := json.Unmarshal(got[0], &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Code != wire.CloseNormalClosure || strings.Join(rec.Messages, ",") != strings.Join(want, ",") {
		t.Fatalf("the server read %d messages then close code %d, want the %d messages in order then 1000", len(rec.Messages), rec.Code, n)
	}
}

// buffered returns what c holds unsent: its send queue, overhead
// included, and what waits in the spill (nbwrite.go), where a message
// goes once the writer has taken it off the queue: the figure
// Options.SendLimit bounds (Conn.refuse).
func buffered(c *Conn) int64 {
	c.send.mu.Lock()
	defer c.send.mu.Unlock()
	return c.send.queued + c.spilled()
}

// Queued counts down as the network takes the queue, message by message,
// not only once the writer has written the whole batch it took: on a slow
// link a long queue would otherwise look full (to Stats.SendQueued, and to
// SendLimit, which refuses Writes) for as long as the batch takes to go,
// although most of it has gone. A big first message keeps the writer busy
// while the rest queues up behind it as one batch; the proxy's count of
// what it forwarded is what the network surely took.
func TestQueuedCountsDownWhileWriting(t *testing.T) {
	p, url := proxiedServer(t, "/echo")
	p.SetBandwidth(8 << 20)
	c := dialTo(t, url, Options{MaxMessageSize: 16 << 20})
	go func() { // the echoes
		for {
			if _, _, err := c.Read(); err != nil {
				return
			}
		}
	}()
	const first, n, size = 8 << 20, 256, 64 << 10
	if err := c.Write(2, make([]byte, first)); err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, size)
	for range n {
		if err := c.Write(2, msg); err != nil {
			t.Fatal(err)
		}
	}
	// What was forwarded went out (frame headers and the handshake make it
	// a little more than payload). A message under way counts whole, and
	// the spill holds a little: once the big one has been forwarded, that
	// is a MiB at most.
	const total, slack = first + n*size, 1 << 20
	deadline := time.Now().Add(30 * time.Second)
	for {
		queued, forwarded := c.Queued(), p.ToServer()
		if over := queued - (total - forwarded); over > slack && forwarded > first+slack {
			t.Fatalf("Queued() = %d with %d of %d bytes forwarded: it counts %d bytes the network took", queued, forwarded, total, over)
		}
		if queued == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still queued after 30s, %d of %d forwarded", queued, forwarded, total)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
