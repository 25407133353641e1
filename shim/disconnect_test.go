//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"syscall/js"
	"testing"
	"time"
)

// fetchRecord asks the test server's /recorded what its /record?id=id
// received: the close code the client sent (-1: none).
func fetchRecord(t *testing.T, id string) (code int) {
	t.Helper()
	s := ask(t, "/recorded?id="+id)
	var rec struct{ Code int }
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		t.Fatalf("/recorded?id=%s: %q: %v", id, s, err)
	}
	return rec.Code
}

// disconnect(connection, code, reason) sends the page's own code and
// reason (both optional: 1000 and ""): the server receives the code and
// DISCONNECTED reports both. A second call sends nothing and throws
// nothing.
func TestDisconnectCodeReason(t *testing.T) {
	lone := jsEval(`() => "\ud800".repeat(41)`) // 41 lone surrogates: 123 bytes once each is U+FFFD, as the browser sends them
	for i, tc := range []struct {
		args       []any
		code       int
		reason     string
		loneReason bool
	}{
		{args: []any{4001, "kicked"}, code: 4001, reason: "kicked"},
		{args: []any{3000}, code: 3000},
		{args: []any{1000, "bye"}, code: 1000, reason: "bye"},
		{args: []any{4999, strings.Repeat("é", 61) + "x"}, code: 4999, reason: strings.Repeat("é", 61) + "x"}, // 123 bytes
		{args: []any{4002, lone}, code: 4002, reason: strings.Repeat("\ufffd", 41)},
		{args: nil, code: 1000},
		{args: []any{js.Undefined(), "just a reason"}, code: 1000, reason: "just a reason"},
		{args: []any{js.Null(), js.Null()}, code: 1000},
		{args: []any{4000.0, js.Undefined()}, code: 4000},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			id := fmt.Sprintf("js-dw-%d-%d", i, time.Now().UnixNano()%1e9)
			r := newRecorder(t)
			h := r.connect(wsURL("/record?id="+id), nil)
			r.waitCount(evConnected, 1)
			if err := catch(call(api(), "disconnect", append([]any{h}, tc.args...)...)); err != nil {
				t.Fatalf("disconnect(%v) threw %s", tc.args, describeErr(err))
			}
			if err := catch(call(api(), "disconnect", h, 4003, "again")); err != nil {
				t.Errorf("a second disconnect threw %s", describeErr(err))
			}
			evs := r.waitDone()
			if d := evs[len(evs)-1]; kinds(evs) != "CONNECTED DISCONNECTED" || d.code != tc.code || d.reason != tc.reason {
				t.Errorf("disconnect(%v): events %v, want DISCONNECTED(%d %q)", tc.args, evs, tc.code, tc.reason)
			}
			if got := fetchRecord(t, id); got != tc.code {
				t.Errorf("disconnect(%v): the server got close code %d, want %d", tc.args, got, tc.code)
			}
		})
	}
	t.Run("while connecting", func(t *testing.T) {
		r := newRecorder(t)
		h := r.connect(wsURL("/slow?ms=500"), nil)
		api().Call("disconnect", h, 4100, "changed my mind")
		evs := r.waitDone()
		if kinds(evs) != "DISCONNECTED" || evs[0].code != 4100 || evs[0].reason != "changed my mind" {
			t.Errorf("events %v, want DISCONNECTED(4100 \"changed my mind\")", evs)
		}
	})
}

// A code or reason of the wrong type is a TypeError, one that is not
// allowed a RangeError, each naming the argument; types are checked
// before values (as WebIDL converts every argument of the browser's
// WebSocket.close first). Nothing is sent: the connection still echoes,
// and closes with 1000 afterwards. The checks hold after DISCONNECTED too.
func TestDisconnectBadCodeReason(t *testing.T) {
	ws := api()
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), nil)
	r.waitCount(evConnected, 1)
	g := js.Global()
	cases := []struct {
		args      []any
		class     string // TypeError or RangeError
		arg       string // what the message names
		inMessage string
	}{
		{[]any{"4000"}, "TypeError", "code", "got a string"},
		{[]any{true}, "TypeError", "code", "got the boolean true"},
		{[]any{map[string]any{}}, "TypeError", "code", "got an object"},
		{[]any{jsEval(`() => 4000n`)}, "TypeError", "code", "got a bigint"},
		{[]any{g.Get("Number").New(4000)}, "TypeError", "code", "got a Number"},
		{[]any{4000, 5}, "TypeError", "reason", "got the number 5"},
		{[]any{4000, []any{"bye"}}, "TypeError", "reason", "got an array"},
		{[]any{"x", 5}, "TypeError", "code", "got a string"},
		{[]any{999, 5}, "TypeError", "reason", "got the number 5"}, // the type first
		{[]any{999}, "RangeError", "code", "got the number 999"},
		{[]any{1001}, "RangeError", "code", "got the number 1001"},
		{[]any{1005}, "RangeError", "code", "got the number 1005"},
		{[]any{2999}, "RangeError", "code", "got the number 2999"},
		{[]any{5000}, "RangeError", "code", "got the number 5000"},
		{[]any{0}, "RangeError", "code", "got the number 0"},
		{[]any{-1}, "RangeError", "code", "got the number -1"},
		{[]any{4000.5}, "RangeError", "code", "got the number 4000.5"},
		{[]any{g.Get("NaN")}, "RangeError", "code", "got the number NaN"},
		{[]any{g.Get("Infinity")}, "RangeError", "code", "got the number Infinity"},
		{[]any{4000, strings.Repeat("x", 124)}, "RangeError", "reason", "got 124"},
		{[]any{4000, strings.Repeat("é", 62)}, "RangeError", "reason", "got 124"},
		{[]any{4000, jsEval(`() => "\ud800".repeat(41) + "x"`)}, "RangeError", "reason", "got 124"},
		{[]any{1001, strings.Repeat("x", 200)}, "RangeError", "code", "got the number 1001"},
	}
	check := func(when string) {
		t.Helper()
		for _, tc := range cases {
			err := catch(call(ws, "disconnect", append([]any{h}, tc.args...)...))
			want := "websocket.disconnect: " + tc.arg + " "
			switch {
			case err == nil:
				t.Errorf("%s: disconnect(%v): nothing thrown", when, tc.args)
			case err.Get("name").String() != tc.class || !err.InstanceOf(g.Get(tc.class)):
				t.Errorf("%s: disconnect(%v) threw %s, want a %s", when, tc.args, describeErr(err), tc.class)
			case !strings.HasPrefix(err.Get("message").String(), want) || !strings.Contains(err.Get("message").String(), tc.inMessage):
				t.Errorf("%s: disconnect(%v): %q, want %q... with %q", when, tc.args, err.Get("message").String(), want, tc.inMessage)
			}
		}
	}
	check("open")
	t.Logf("for example: %s", describeErr(catch(call(ws, "disconnect", h, 1001))))
	ws.Call("send", h, "still open", map[string]any{"type": typeText})
	if evs := r.waitCount(evMessage, 1); evs[1].text != "still open" {
		t.Errorf("events %v", evs)
	}
	ws.Call("disconnect", h)
	evs := r.waitDone()
	if kinds(evs) != "CONNECTED MESSAGE DISCONNECTED" || evs[2].code != 1000 || evs[2].reason != "" {
		t.Errorf("events %v", evs)
	}
	check("after DISCONNECTED")
}
