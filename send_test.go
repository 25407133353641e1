package websocket_test

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// Guarantee 4: Send before CONNECTED is ErrNotConnected, and sends nothing.
func TestSendBeforeConnected(t *testing.T) {
	r := newRecorder(t)
	c := r.connect(connectingURL(t), nil)
	err := websocket.Send(c, []byte("early"), nil)
	wantErr(t, err, websocket.ErrNotConnected)
	if errors.Is(err, websocket.ErrInvalidArgument) {
		t.Errorf("a state error wraps ErrInvalidArgument: %v", err)
	}
	websocket.Disconnect(c)
	r.waitDone()
}

// Send after DISCONNECTED (server closed) and after our own Disconnect is ErrClosed.
func TestSendAfterClose(t *testing.T) {
	r := newRecorder(t)
	c := r.connect(wsURL("/close?code=1000"), nil)
	r.waitDone()
	wantErr(t, websocket.Send(c, []byte("late"), nil), websocket.ErrClosed)

	r = newRecorder(t)
	c = openConn(t, r, wsURL("/echo"), nil)
	if err := websocket.Disconnect(c); err != nil {
		t.Fatal(err)
	}
	wantErr(t, websocket.Send(c, []byte("closing"), nil), websocket.ErrClosed) // closing
	evs := r.waitDone()
	wantErr(t, websocket.Send(c, []byte("closed"), nil), websocket.ErrClosed) // closed
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
}

// Invalid UTF-8 as text and bad Types are errors and send nothing.
func TestSendBadInput(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), nil)
	wantErr(t, websocket.Send(c, []byte{'o', 'k', 0xff}, text), websocket.ErrInvalidUTF8, websocket.ErrInvalidArgument)
	wantErr(t, websocket.Send(c, []byte("\xed\xa0\x80"), text), websocket.ErrInvalidUTF8) // a surrogate
	for _, typ := range []websocket.DataType{3, -1, 8, 9} {
		err := websocket.Send(c, []byte("x"), &websocket.SendOptions{Type: typ})
		wantErr(t, err, websocket.ErrInvalidOptions, websocket.ErrInvalidArgument)
		if !strings.Contains(err.Error(), "Type") || !strings.Contains(err.Error(), itoa(int(typ))) {
			t.Errorf("error %q does not name the Type %d", err, typ)
		}
	}
	// The same bytes as binary are fine, and only they were sent.
	if err := websocket.Send(c, []byte{'o', 'k', 0xff}, nil); err != nil {
		t.Fatal(err)
	}
	d := r.waitEvent(websocket.EventMessage)
	if string(d.Message) != "ok\xff" || d.Type != websocket.DataTypeBinary {
		t.Errorf("first echo %v %q: something else was sent", d.Type, d.Message)
	}
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
}

// Send and Disconnect with a nil connection return ErrNilConnection.
func TestNilConnection(t *testing.T) {
	wantErr(t, websocket.Send(nil, []byte("x"), nil), websocket.ErrNilConnection, websocket.ErrInvalidArgument)
	wantErr(t, websocket.Send(nil, []byte("x"), text), websocket.ErrNilConnection)
	wantErr(t, websocket.Disconnect(nil), websocket.ErrNilConnection)
}

// Send from many goroutines at once: every message arrives, and each
// goroutine's messages keep their order.
func TestSendConcurrent(t *testing.T) {
	const goroutines, each = 8, 200
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), nil)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := websocket.Send(c, fmt.Appendf(nil, "%d:%d", g, i), text); err != nil {
					t.Errorf("Send: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	r.waitFor("every echo", func(evs []*websocket.Data) bool { return len(messages(evs)) == goroutines*each })
	websocket.Disconnect(c)
	evs := r.waitDone()
	next := make([]int, goroutines)
	for _, d := range messages(evs) {
		var g, i int
		if _, err := fmt.Sscanf(string(d.Message), "%d:%d", &g, &i); err != nil || g < 0 || g >= goroutines {
			t.Fatalf("bad echo %q", d.Message)
		}
		if i != next[g] {
			t.Fatalf("goroutine %d: message %d arrived when %d was due", g, i, next[g])
		}
		next[g]++
	}
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
}

// Past SendQueueSize, Send returns ErrSendQueueFull; it never blocks and
// the queue never grows past the bound.
func TestSendQueueFull(t *testing.T) {
	t.Parallel() // its Disconnect waits out the close timeout
	const limit = 64 << 10
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/noread"), &websocket.Params{SendQueueSize: limit})
	msg := make([]byte, 4<<10)
	var err error
	for i := 0; ; i++ {
		if i*len(msg) > 256<<20 {
			t.Fatalf("256 MiB sent to a server that never reads, and the queue is not full yet")
		}
		start := time.Now()
		err = websocket.Send(c, msg, nil)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Send blocked for %v", d)
		}
		if q := websocket.SendQueued(c); q > limit {
			t.Fatalf("send queue holds %d bytes, bound %d", q, limit)
		}
		if err != nil {
			break
		}
	}
	wantErr(t, err, websocket.ErrSendQueueFull)
	if errors.Is(err, websocket.ErrInvalidArgument) {
		t.Errorf("ErrSendQueueFull wraps ErrInvalidArgument: %v", err)
	}
	if !strings.Contains(err.Error(), "SendQueueSize") {
		t.Errorf("error %q does not say which bound", err)
	}
	// Still full on the next try; a message that fits nowhere is refused too.
	wantErr(t, websocket.Send(c, msg, nil), websocket.ErrSendQueueFull)
	wantErr(t, websocket.Send(c, make([]byte, limit+1), nil), websocket.ErrSendQueueFull)

	// Disconnect still ends the connection although the socket is stuck.
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "*")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR after our own Disconnect: %s", describe(evs))
	}
}

// A failed dial ends the connection: Send then returns ErrClosed (not
// ErrNotConnected, which would say "wait for CONNECTED"), inside the ERROR
// and DISCONNECTED callbacks and after them, in callback and Queue mode.
func TestSendAfterFailedDial(t *testing.T) {
	type failure struct {
		name   string
		url    string
		params websocket.Params
	}
	failures := []failure{
		{"refused", closedURL(t), websocket.Params{}},
		{"upgrade refused", freshURL("/refuse"), websocket.Params{}},
		{"subprotocol not chosen", wsURL("/noproto"), websocket.Params{Protocol: "chat"}},
	}
	if !inBrowserTest {
		failures = append(failures, failure{"timeout", connectingURL(t), websocket.Params{Timeout: 100 * time.Millisecond}})
	}
	for _, f := range failures {
		for _, queued := range []bool{false, true} {
			name := f.name
			p := f.params
			if queued {
				name += ", Queue"
				p.Queue = websocket.NewQueue()
			}
			t.Run(name, func(t *testing.T) {
				r := newRecorder(t)
				r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
					err := websocket.Send(c, []byte("x"), nil)
					if !errors.Is(err, websocket.ErrClosed) || errors.Is(err, websocket.ErrNotConnected) {
						t.Errorf("Send inside %v: %v, want ErrClosed", d.Event, err)
					}
				}
				c := r.connect(f.url, &p)
				evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
					if p.Queue != nil {
						p.Queue.Dispatch()
					}
					return find(evs, websocket.EventDisconnected) != nil
				})
				checkSeq(t, evs, "ERROR DISCONNECTED")
				err := websocket.Send(c, []byte("x"), nil)
				if !errors.Is(err, websocket.ErrClosed) || errors.Is(err, websocket.ErrNotConnected) {
					t.Errorf("Send after the failed dial: %v, want ErrClosed", err)
				}
			})
		}
	}
}

// Guarantee 4, checked so that a stall fails: under a socket that does
// not move, Send keeps returning at once, the transport is given
// SendQueueSize as its bound and fills to exactly that (the fake applies
// the bound as the backends do, by the limit it was dialled with; native's
// own queue has its test in native/send_test.go), and then every Send
// returns ErrSendQueueFull, again at once. Nothing here waits for the
// clock except the bound on 300 calls together, which a Send that waited
// even 20ms breaks and a loaded machine does not; a Send that waits for
// good fails at the 20s hang guard instead of the suite's timeout.
func TestSendNeverBlocksOnStuckSocket(t *testing.T) {
	// Each message costs exactly 1 KiB in the queue, so 64 fill it to the
	// byte: SendQueueSize is inclusive, the 65th is refused.
	const limit, size, extra = 64 << 10, 1024 - websocket.MsgOverhead, 300
	s := websocket.NewStuckSocket(t.Name())
	r := newRecorder(t)
	c := openConn(t, r, s.URL, &websocket.Params{SendQueueSize: limit})
	want := limit / (size + websocket.MsgOverhead) // what fits in the queue

	type result struct {
		accepted, full int
		other          error
		took           time.Duration
	}
	done := make(chan result, 1)
	go func() {
		var res result
		start := time.Now()
		for i := 0; i < want+extra; i++ {
			err := websocket.Send(c, payload(i, size), nil)
			switch {
			case err == nil:
				res.accepted++
			case errors.Is(err, websocket.ErrSendQueueFull):
				res.full++
			case res.other == nil:
				res.other = err
			}
		}
		res.took = time.Since(start)
		done <- res
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Send blocked: the loop of Sends did not end within 20s while the socket was stuck")
	}
	if res.other != nil {
		t.Fatalf("Send: %v", res.other)
	}
	if res.accepted != want || res.full != extra {
		t.Errorf("%d Sends accepted and %d refused with ErrSendQueueFull, want %d and %d (SendQueueSize %d)",
			res.accepted, res.full, want, extra, limit)
	}
	if q := websocket.SendQueued(c); q > limit {
		t.Errorf("send queue holds %d bytes, bound %d", q, limit)
	}
	if res.took > 6*time.Second {
		t.Errorf("%d Sends took %v together: a Send waits for the socket", want+extra, res.took)
	}
	if written, _ := s.Written(); len(written) != 0 {
		t.Fatalf("%d messages written on a stuck socket", len(written))
	}

	// Once the socket moves, everything accepted goes out in order, then
	// the close frame, and the connection ends cleanly.
	s.Unstick()
	// Written, so no longer queued: nothing may still count against the bound.
	for deadline := time.Now().Add(20 * time.Second); websocket.SendQueued(c) != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still count as queued after every message was written", websocket.SendQueued(c))
		}
	}
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	written, code := s.Written()
	if len(written) != want || code != websocket.CloseNormalClosure {
		t.Fatalf("%d messages then close code %d written once released, want %d then 1000", len(written), code, want)
	}
	for i, p := range written {
		if !bytes.Equal(p, payload(i, size)) {
			t.Fatalf("message %d written as %.20q", i, p)
		}
	}
	t.Logf("%d Sends (%d accepted, %d refused) took %v under a stuck socket", want+extra, res.accepted, res.full, res.took)
}

// The server dies while we send to it (it drops TCP, without a close
// frame, after 50 messages): ERROR then DISCONNECTED 1006, Send then says
// ErrClosed, and what the server got is exactly our first 50 messages.
func TestFaultServerDiesWhileWeSend(t *testing.T) {
	const n, drop = 300, 50
	id := "dies-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/record?id="+id+"&drop="+strconv.Itoa(drop)), nil)
	payload := func(i int) []byte { return []byte("message " + strconv.Itoa(i)) }
	sent := 0
	for ; sent < n; sent++ {
		if err := websocket.Send(c, payload(sent), nil); err != nil {
			if !errors.Is(err, websocket.ErrClosed) {
				t.Fatalf("Send %d: %v", sent, err)
			}
			break
		}
		if sent%20 == 19 {
			time.Sleep(5 * time.Millisecond) // let the server read: it must die mid-stream
		}
	}
	evs := r.waitDone()
	if got := kinds(evs); got != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseAbnormalClosure {
		t.Fatalf("events %s, want CONNECTED ERROR DISCONNECTED(1006)", describe(evs))
	}
	if err := websocket.Send(c, []byte("x"), nil); !errors.Is(err, websocket.ErrClosed) {
		t.Errorf("Send after DISCONNECTED: %v, want ErrClosed", err)
	}

	rec := fetchRecord(t, id)
	if len(rec.Messages) != drop || rec.Code != -1 {
		t.Fatalf("the server recorded %d messages and code %d, want %d and -1 (it dropped TCP)", len(rec.Messages), rec.Code, drop)
	}
	for i, m := range rec.Messages {
		if m != string(payload(i)) {
			t.Fatalf("the server's message %d is %q: not what we sent", i, m)
		}
	}
	t.Logf("%d Sends accepted before the loss was known; the server got exactly the first %d; %s", sent, drop, evs[1].Message)
}

// Send keeps no reference to the message: a game that reuses one buffer
// for every message, changing it as soon as Send returns, still sends
// each content as it was during the call: small ones sent from a callback
// (natively they wait for the callback to return), and small and large
// ones sent while the link is stalled (they wait in the queue).
func TestSendReusedBuffer(t *testing.T) {
	id := "reuse-" + itoa(int(time.Now().UnixNano()%1e9))
	url, stall, resume := stallableURL(t, "/record?id="+id)
	buf := make([]byte, 256<<10)
	var want []string
	send := func(c *websocket.Connection, i, n int) {
		p := buf[:n]
		for j := range p {
			p[j] = byte('a' + (i+j/64)%26)
		}
		copy(p, itoa(i)+":")
		want = append(want, string(p))
		if err := websocket.Send(c, p, text); err != nil {
			t.Errorf("Send %d: %v", i, err)
		}
		for j := range p { // the game reuses the buffer at once
			p[j] = '#'
		}
	}
	r := newRecorder(t)
	sentInCallback := make(chan struct{})
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventConnected {
			for i := range 100 {
				send(c, i, 50+i)
			}
			close(sentInCallback)
		}
	}
	c := openConn(t, r, url, nil)
	<-sentInCallback
	stall()
	for i := 100; i < 200; i++ {
		n := 100 + i%7
		if i%4 == 0 {
			n = 200<<10 + i // 25 x 200 KiB: more than the socket buffers hold
		}
		send(c, i, n)
	}
	t.Logf("%d bytes wait while the link is stalled", websocket.SendQueued(c))
	resume()
	websocket.Disconnect(c) // flushes the queue, then closes
	r.waitDone()
	rec := fetchRecord(t, id)
	if len(rec.Messages) != len(want) {
		t.Fatalf("the server got %d messages, want %d", len(rec.Messages), len(want))
	}
	for i := range want {
		if rec.Messages[i] != want[i] {
			t.Fatalf("message %d arrived as %.40q..., want %.40q...", i, rec.Messages[i], want[i])
		}
	}
}
