//go:build js && wasm

package websocket_test

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// In a browser the socket cannot stop reading, so a page that stops
// dispatching while the server streams (48 MiB here, three times the
// bound) gets its connection failed once 16 MiB wait: the wasm heap stays
// bounded, the server gets a close frame, and nothing is dropped silently:
// the messages that waited come in order, then ERROR (ErrQueueFull, saying
// how much waited and since when), then DISCONNECTED.
func TestQueueBoundBrowser(t *testing.T) {
	const size = 16 << 10
	q := websocket.NewQueue()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	id := "qbound-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r := newRecorder(t)
	r.connect(wsURL("/send?n=3000&size=16384&id="+id), &websocket.Params{Queue: q})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if last, ok := websocket.QueueLast(q); ok && last == websocket.EventDisconnected {
			break
		}
		if time.Now().After(deadline) {
			n, cost := websocket.QueueLen(q)
			t.Fatalf("no DISCONNECTED queued after 60s: %d events, %d bytes wait", n, cost)
		}
		time.Sleep(20 * time.Millisecond)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if growth := int64(after.HeapAlloc) - int64(before.HeapAlloc); growth > 2*websocket.MaxPendingBrowser {
		t.Errorf("the wasm heap grew by %d bytes with %d undispatched: not bounded", growth, websocket.MaxPendingBrowser)
	} else {
		t.Logf("heap grew by %.1f MiB while the queue was full", float64(growth)/(1<<20))
	}
	for q.Dispatch() > 0 {
	}
	evs := r.waitDone()
	ms := messages(evs)
	if least := websocket.MaxPendingBrowser / (size + websocket.EventOverhead); len(ms) < least || len(ms) >= 3000 {
		t.Errorf("%d messages before the failure, want at least %d and fewer than 3000", len(ms), least)
	}
	for i, d := range ms {
		if string(d.Message) != string(payload(i, size)) {
			t.Fatalf("message %d is %.20q", i, d.Message)
		}
	}
	checkSeq(t, evs[len(evs)-2:], "ERROR DISCONNECTED")
	checkError(t, evs[len(evs)-2], []error{websocket.ErrQueueFull}, "events", "MiB", "Dispatch", testServerAddr)
	checkDisconnected(t, evs, websocket.CloseNormalClosure, websocket.QueueFullReason)
	if rec := fetchRecord(t, id); rec.Code != websocket.CloseNormalClosure {
		t.Errorf("the server got close code %d, want %d", rec.Code, websocket.CloseNormalClosure)
	}
}

// With Reconnect, a connection that failed because nobody dispatched is
// retried only once the game dispatches again: while the queue stays
// full, no new attempt is made (the stream server sees no second
// connection), however long past RetryIn; once Dispatch runs, it comes
// back.
func TestQueueBoundBrowserReconnect(t *testing.T) {
	q := websocket.NewQueue()
	id := "qboundrc-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r := newRecorder(t)
	rc := &websocket.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond}
	c := r.connect(wsURL("/send?n=3000&size=16384&id="+id), &websocket.Params{Queue: q, Reconnect: rc})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if last, ok := websocket.QueueLast(q); ok && last == websocket.EventError {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ERROR queued after 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Well past RetryIn (at most 40ms), nothing new while nobody dispatches.
	time.Sleep(500 * time.Millisecond)
	if last, _ := websocket.QueueLast(q); last != websocket.EventError {
		t.Fatalf("the connection came back (%v queued) while the queue was still full", last)
	}
	// The game dispatches again: the connection comes back.
	r.waitFor("CONNECTED again", func(evs []*websocket.Data) bool {
		q.Dispatch()
		return count(evs, websocket.EventConnected) == 2
	})
	websocket.Disconnect(c)
	evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
		q.Dispatch()
		return find(evs, websocket.EventDisconnected) != nil
	})
	checkGrammar(t, evs, false)
	e := find(evs, websocket.EventError)
	checkError(t, e, []error{websocket.ErrQueueFull})
	if e.RetryIn <= 0 {
		t.Errorf("RetryIn %v", e.RetryIn)
	}
}
