//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"
	"time"
)

// jsStats is what websocket.stats returned, read into Go.
type jsStats struct {
	Keys                    string // the object's own keys, in order
	State                   string
	Connects                int
	MessagesIn, BytesIn     int
	MessagesOut, BytesOut   int
	SendQueued              int
	RTT                     float64
	allNumbers, allIntegers bool
}

const statsKeys = "state,connects,messages_in,bytes_in,messages_out,bytes_out,send_queued,rtt"

// readStats calls websocket.stats(h) and fails the test if it throws.
func readStats(t testing.TB, h js.Value) jsStats {
	t.Helper()
	var v js.Value
	if err := catch(func() { v = api().Call("stats", h) }); err != nil {
		t.Fatalf("stats threw %s", describeErr(err))
	}
	return toStats(v)
}

func toStats(v js.Value) jsStats {
	s := jsStats{
		Keys:       js.Global().Get("Object").Call("keys", v).Call("join", ",").String(),
		State:      v.Get("state").String(),
		allNumbers: true, allIntegers: true,
	}
	for _, f := range []struct {
		key string
		to  *int
	}{{"connects", &s.Connects}, {"messages_in", &s.MessagesIn}, {"bytes_in", &s.BytesIn}, {"messages_out", &s.MessagesOut},
		{"bytes_out", &s.BytesOut}, {"send_queued", &s.SendQueued}} {
		n := v.Get(f.key)
		if n.Type() != js.TypeNumber {
			s.allNumbers = false
			continue
		}
		if !js.Global().Get("Number").Call("isInteger", n).Bool() || n.Float() < 0 {
			s.allIntegers = false
		}
		*f.to = n.Int()
	}
	if r := v.Get("rtt"); r.Type() == js.TypeNumber {
		s.RTT = r.Float()
	} else {
		s.allNumbers = false
	}
	return s
}

// wellFormed fails the test unless s has the documented fields, in order,
// with counts that are whole numbers >= 0 and a known state.
func (s jsStats) wellFormed(t testing.TB, when string) {
	t.Helper()
	if s.Keys != statsKeys || !s.allNumbers || !s.allIntegers {
		t.Errorf("%s: stats has keys %s (want %s), numbers %v, whole %v: %+v", when, s.Keys, statsKeys, s.allNumbers, s.allIntegers, s)
	}
	switch s.State {
	case "connecting", "open", "reconnecting", "closing", "closed":
	default:
		t.Errorf("%s: state %q", when, s.State)
	}
	if s.RTT != 0 {
		t.Errorf("%s: rtt %v, want 0 in a browser", when, s.RTT)
	}
}

// The counts after echoes of every kind of message (bytes_in of text are
// its UTF-8 bytes), the state at each moment of the connection's life,
// and a handle after DISCONNECTED that still answers with the final
// counts, a new object each call.
func TestStats(t *testing.T) {
	r := newRecorder(t)
	seen := map[int]string{} // event -> stats().state in its callback
	r.onEvent = func(c js.Value, e event) { seen[e.event] = readStats(t, c).State }
	h := r.connect(wsURL("/slow?ms=300"), nil)
	s := readStats(t, h)
	s.wellFormed(t, "right after connect")
	if s.State != "connecting" || s.Connects != 0 || s.MessagesOut != 0 {
		t.Errorf("right after connect: %+v, want connecting and no counts", s)
	}
	// A send that throws counts nothing.
	if err := catch(call(api(), "send", h, "too early")); err == nil {
		t.Fatal("send before CONNECTED did not throw")
	}
	r.waitCount(evConnected, 1)

	ws := api()
	text := map[string]any{"type": typeText}
	sends := []struct {
		msg   any
		opts  any
		bytes int
	}{
		{"héllo ✓", text, 10},
		{jsEval(`() => "pair \ud83d\ude00"`), text, 9},
		{jsEval(`() => "lone \ud800"`), text, 8}, // sent, and echoed, as U+FFFD
		{"bin é", nil, 6},
		{u8(1, 2, 0, 255), nil, 4},
		{u8(0, 1, 2, 3, 4, 5).Call("subarray", 2, 5), nil, 3},
		{u8(9, 8).Get("buffer"), nil, 2},
		{"", text, 0},
		{strings.Repeat("x", 70<<10), nil, 70 << 10},
		{"x" + strings.Repeat("😀", 20000), text, 80001}, // counted in parts of 64 KiB: none may split a pair
		{strings.Repeat("é", 40000), text, 80000},
	}
	total := 0
	for _, m := range sends {
		ws.Call("send", h, m.msg, m.opts)
		total += m.bytes
	}
	r.waitCount(evMessage, len(sends))
	s = readStats(t, h)
	s.wellFormed(t, "after the echoes")
	want := jsStats{Keys: statsKeys, State: "open", Connects: 1, MessagesIn: len(sends), BytesIn: total,
		MessagesOut: len(sends), BytesOut: total, allNumbers: true, allIntegers: true}
	want.SendQueued = s.SendQueued // the socket's bufferedAmount: checked below
	if s != want {
		t.Errorf("after %d echoes:\n  got  %+v\n  want %+v", len(sends), s, want)
	}
	if s.SendQueued != 0 {
		// The echoes came back, so everything went out; the browser may
		// lower bufferedAmount a moment later.
		deadline := time.Now().Add(5 * time.Second)
		for s.SendQueued != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
			s = readStats(t, h)
		}
		if s.SendQueued != 0 {
			t.Errorf("send_queued %d after every echo came back", s.SendQueued)
		}
	}

	ws.Call("disconnect", h)
	if s := readStats(t, h); s.State != "closing" && s.State != "closed" {
		t.Errorf("right after disconnect: state %q, want closing (or closed)", s.State)
	}
	r.waitDone()
	if seen[evConnected] != "open" || seen[evMessage] != "open" || seen[evDisconnected] != "closed" {
		t.Errorf("stats().state in the callbacks: CONNECTED %q, MESSAGE %q, DISCONNECTED %q", seen[evConnected], seen[evMessage], seen[evDisconnected])
	}

	// After DISCONNECTED: the final counts, the same each call, in a new
	// object each call that the page may change.
	a := ws.Call("stats", h)
	b := ws.Call("stats", h)
	if a.Equal(b) {
		t.Errorf("stats returned the same object twice")
	}
	a.Set("messages_in", -1)
	want.State, want.SendQueued = "closed", 0
	for i, got := range []jsStats{toStats(b), readStats(t, h)} {
		if got != want {
			t.Errorf("after DISCONNECTED (%d):\n  got  %+v\n  want %+v", i, got, want)
		}
	}
}

// Messages the server sends count in messages_in and bytes_in, text and
// binary alike, and a handle whose connection never opened answers too.
func TestStatsServerMessages(t *testing.T) {
	for _, typ := range []string{"text", "binary"} {
		r := newRecorder(t)
		h := r.connect(wsURL("/send?n=3&size=6&type="+typ), nil)
		r.waitDone()
		s := readStats(t, h)
		s.wellFormed(t, typ)
		if s.State != "closed" || s.Connects != 1 || s.MessagesIn != 3 || s.BytesIn != 18 || s.MessagesOut != 0 || s.BytesOut != 0 {
			t.Errorf("%s: %+v, want closed after 1 connect, 3 messages (18 bytes) in, none out", typ, s)
		}
	}
	r := newRecorder(t)
	h := r.connect(wsURL("/refuse"), nil)
	r.waitDone()
	if s := readStats(t, h); s.State != "closed" || s.Connects != 0 || s.MessagesIn != 0 {
		t.Errorf("refused: %+v, want closed, never connected", s)
	}
}

// Go's goroutines run while JavaScript calls into Go, and one may write
// another connection's stats meanwhile (its last ones, before its
// DISCONNECTED; here, a goroutine of the test calling stats): stats still
// answers for its own connection.
func TestStatsWhileGoRuns(t *testing.T) {
	a, b := newRecorder(t), newRecorder(t)
	ha, hb := a.connect(wsURL("/echo"), nil), b.connect(wsURL("/echo"), nil)
	a.waitCount(evConnected, 1)
	b.waitCount(evConnected, 1)
	for range 3 {
		api().Call("send", hb, "b")
	}
	b.waitCount(evMessage, 3)

	var inner jsStats
	asleep, nested := make(chan bool, 1), make(chan bool, 1)
	go func() {
		asleep <- true
		time.Sleep(time.Millisecond) // over by the time stats runs below, which lets this run
		inner = readStats(t, hb)
		nested <- true
	}()
	<-asleep // and it runs on until it sleeps: wasm has one thread
	outer := toStats(jsEval(`() => (ws, h) => {
		const t = performance.now();
		while (performance.now() - t < 20) {} // no event can run meanwhile
		return ws.stats(h);
	}`).Invoke(api(), ha))
	select {
	case <-nested:
	default:
		t.Fatal("the goroutine did not run inside stats: the test proves nothing")
	}
	if outer.MessagesOut != 0 || inner.MessagesOut != 3 {
		t.Errorf("messages_out: %d for a (want 0), %d for b (want 3), b's asked while a's was", outer.MessagesOut, inner.MessagesOut)
	}
	api().Call("disconnect", ha)
	api().Call("disconnect", hb)
	a.waitDone()
	b.waitDone()
}

// send_queued rises while the server does not read, and bytes_out counts
// every byte send accepted.
func TestStatsSendQueued(t *testing.T) {
	r := newRecorder(t)
	h := r.connect(wsURL("/noread"), nil)
	r.waitCount(evConnected, 1)
	msg := js.Global().Get("Uint8Array").New(64 << 10)
	accepted, n := 0, 0
	var s jsStats
	for accepted < 32<<20 {
		if err := catch(call(api(), "send", h, msg)); err != nil {
			t.Logf("send %d threw %s", n, describeErr(err))
			break
		}
		accepted += 64 << 10
		n++
		if s = readStats(t, h); s.SendQueued > 0 && accepted >= 8<<20 {
			break
		}
	}
	s.wellFormed(t, "while the server does not read")
	if s.SendQueued <= 0 || s.SendQueued > accepted {
		t.Errorf("send_queued %d after %d bytes sent to a server that does not read", s.SendQueued, accepted)
	}
	if s.BytesOut != accepted || s.MessagesOut != n {
		t.Errorf("bytes_out %d in %d messages, send accepted %d in %d", s.BytesOut, s.MessagesOut, accepted, n)
	}
	api().Call("disconnect", h)
	r.waitDone()
	if s := readStats(t, h); s.SendQueued != 0 || s.State != "closed" || s.BytesOut != accepted {
		t.Errorf("after DISCONNECTED: %+v, want closed, nothing queued, bytes_out %d", s, accepted)
	}
}

// Anything but a handle is a TypeError naming connection.
func TestStatsTypeErrors(t *testing.T) {
	ws := api()
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), nil)
	for _, tc := range []struct {
		name string
		arg  []any
	}{
		{"no arguments", nil},
		{"undefined", []any{js.Undefined()}},
		{"null", []any{js.Null()}},
		{"a number", []any{h.Get("id")}},
		{"a string", []any{"conn"}},
		{"a look-alike", []any{map[string]any{"id": h.Get("id"), "url": h.Get("url")}}},
		{"a copy", []any{js.Global().Get("Object").Call("assign", map[string]any{}, h)}},
		{"a proxy", []any{js.Global().Get("Proxy").New(h, map[string]any{})}},
	} {
		err := catch(call(ws, "stats", tc.arg...))
		switch {
		case err == nil:
			t.Errorf("stats(%s): nothing thrown", tc.name)
		case !err.InstanceOf(js.Global().Get("TypeError")):
			t.Errorf("stats(%s): threw %s, want a TypeError", tc.name, describeErr(err))
		case !strings.HasPrefix(err.Get("message").String(), "websocket.stats: connection "):
			t.Errorf("stats(%s): %q does not name connection", tc.name, err.Get("message").String())
		}
	}
	ws.Call("disconnect", h)
	r.waitDone()
}

// BenchmarkStatsFromJS: one op is websocket.stats(handle) called from
// JavaScript on an open connection, what a page's HUD does each animation
// frame: one call into Go, and a new object. "floor" is the same loop
// calling a Go function that does nothing: what any call into Go costs.
// The allocations reported are Go's only (syscall/js's own per call); the
// object is JavaScript's.
//
//	make test-browser BROWSER_TESTFLAGS='-bench=StatsFromJS -benchmem -run=^$$'
func BenchmarkStatsFromJS(b *testing.B) {
	r := newRecorder(b)
	h := r.connect(wsURL("/echo"), nil)
	r.waitCount(evConnected, 1)
	loop := jsEval(`() => (f, h, n) => { let s; for (let i = 0; i < n; i++) s = f(h); return s?.state ?? ""; }`)
	b.Run("stats", func(b *testing.B) {
		b.ReportAllocs()
		if state := loop.Invoke(api().Get("stats"), h, b.N).String(); state != "open" {
			b.Errorf("state %q, want open", state)
		}
	})
	b.Run("floor", func(b *testing.B) {
		nop := js.FuncOf(func(js.Value, []js.Value) any { return nil })
		defer nop.Release()
		b.ReportAllocs()
		loop.Invoke(nop, h, b.N)
	})
	api().Call("disconnect", h)
	r.waitDone()
}
