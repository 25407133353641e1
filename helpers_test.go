package websocket_test

import (
	"encoding/json"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// wsURL returns the test server's URL for path (such as "/echo?x=1").
func wsURL(path string) string { return "ws://" + testServerAddr + path }

var fresh atomic.Int64

// freshURL is wsURL on a path of its own, which no other dial used (the
// test server's /u/TOKEN/ prefix): Firefox delays a socket to a host and
// path whose last attempt failed, so a test that fails dials on purpose
// gives each its own path.
func freshURL(path string) string { return wsURL("/u/" + freshToken() + path) }

// closedURL is a ws:// URL on closedAddr, on a path of its own (see
// freshURL).
func closedURL(t testing.TB) string { return "ws://" + closedAddr(t) + "/" + freshToken() }

func freshToken() string { return uniqueID() + "-" + itoa(int(fresh.Add(1))) }

// recorder is a Callback that records every event and checks, as they
// come, that callbacks never overlap and that conn is the one Connect
// returned.
type recorder struct {
	t       testing.TB
	mu      sync.Mutex
	conn    *websocket.Connection
	url     string // what was dialled: every ERROR must name it
	events  []*websocket.Data
	times   []time.Time // when each event's callback began, under mu with events
	inCall  bool
	changed chan struct{}
	// onEvent, if set, runs inside the callback after recording.
	onEvent func(c *websocket.Connection, d *websocket.Data)
}

func newRecorder(t testing.TB) *recorder {
	return &recorder{t: t, changed: make(chan struct{}, 1)}
}

func (r *recorder) callback(c *websocket.Connection, d *websocket.Data) {
	at := time.Now()
	r.mu.Lock()
	if r.inCall {
		r.t.Errorf("callbacks of one connection overlap")
	}
	r.inCall = true
	if r.conn != nil && c != r.conn {
		r.t.Errorf("callback got conn %p, Connect returned %p", c, r.conn)
	}
	if n := len(r.events); n > 0 && r.events[n-1].Event == websocket.EventDisconnected {
		r.t.Errorf("event %v after DISCONNECTED", d.Event)
	}
	if d.Event == websocket.EventError {
		r.checkNamesURL(d)
	}
	r.events = append(r.events, d)
	r.times = append(r.times, at)
	r.mu.Unlock()
	if r.onEvent != nil {
		r.onEvent(c, d)
	}
	r.mu.Lock()
	r.inCall = false
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// connect calls Connect with the recorder as callback and fails the test
// on a synchronous error.
func (r *recorder) connect(url string, p *websocket.Params) *websocket.Connection {
	r.t.Helper()
	r.mu.Lock() // so the first callback sees r.conn set
	r.url = url
	c, err := websocket.Connect(url, p, r.callback)
	r.conn = c
	r.mu.Unlock()
	if err != nil {
		r.t.Fatalf("Connect(%q): %v", url, err)
	}
	return c
}

// checkNamesURL checks that an ERROR says what was dialled: its text
// contains the URL given to Connect, and so does its *websocket.Error.
// r.mu is held.
func (r *recorder) checkNamesURL(d *websocket.Data) {
	if r.url == "" {
		return // not connected through r.connect
	}
	if !strings.Contains(string(d.Message), r.url) {
		r.t.Errorf("ERROR %q does not name what was dialled, %s", d.Message, r.url)
	}
	var e *websocket.Error
	if !errors.As(d.Err, &e) || e.URL != r.url {
		r.t.Errorf("ERROR %q: Err is not a *websocket.Error with URL %s", d.Message, r.url)
	}
}

// eventTime returns when the callback of the first event of kind e began;
// the test fails if no such event was recorded.
func (r *recorder) eventTime(e websocket.Event) time.Time {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, d := range r.events {
		if d.Event == e {
			if r.times[i].IsZero() {
				r.t.Fatalf("%v recorded without its time", e)
			}
			return r.times[i]
		}
	}
	r.t.Fatalf("no %v recorded, so no time for it; events %s", e, describe(r.events))
	return time.Time{}
}

// waitFor waits until pred holds for the recorded events, or fails after
// a generous timeout.
func (r *recorder) waitFor(what string, pred func([]*websocket.Data) bool) []*websocket.Data {
	r.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		r.mu.Lock()
		evs := append([]*websocket.Data(nil), r.events...)
		r.mu.Unlock()
		if pred(evs) {
			return evs
		}
		select {
		case <-r.changed:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			r.t.Fatalf("timed out waiting for %s; events: %s", what, describe(evs))
			return nil
		}
	}
}

// waitEvent waits for the first event of kind e and returns it.
func (r *recorder) waitEvent(e websocket.Event) *websocket.Data {
	r.t.Helper()
	evs := r.waitFor(e.String(), func(evs []*websocket.Data) bool { return find(evs, e) != nil })
	return find(evs, e)
}

// waitDone waits for DISCONNECTED and returns every event.
func (r *recorder) waitDone() []*websocket.Data {
	r.t.Helper()
	return r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool { return find(evs, websocket.EventDisconnected) != nil })
}

func find(evs []*websocket.Data, e websocket.Event) *websocket.Data {
	for _, d := range evs {
		if d.Event == e {
			return d
		}
	}
	return nil
}

// kinds returns the sequence of events as names, such as "CONNECTED MESSAGE DISCONNECTED".
func kinds(evs []*websocket.Data) string {
	s := ""
	for i, d := range evs {
		if i > 0 {
			s += " "
		}
		s += d.Event.String()
	}
	return s
}

func describe(evs []*websocket.Data) string {
	s := "["
	for i, d := range evs {
		if i > 0 {
			s += ", "
		}
		s += d.Event.String()
		switch d.Event {
		case websocket.EventError:
			s += "(" + string(d.Message) + ")"
		case websocket.EventDisconnected:
			s += "(" + itoa(d.Code) + " " + d.Reason + ")"
		case websocket.EventMessage:
			s += "(" + itoa(len(d.Message)) + "B)"
		}
	}
	return s + "]"
}

func itoa(n int) string { return strconv.Itoa(n) }

// skipInBrowser skips the test in the browser run only, for a check that
// cannot apply there (custom headers, Timeout, in-process servers, ...).
// Natively it does nothing: no native test is ever skipped.
func skipInBrowser(t testing.TB, reason string) {
	t.Helper()
	if inBrowserTest {
		t.Skip("not in a browser: " + reason)
	}
}

// checkError checks an EventError: Message equals Err.Error(), Err
// matches every sentinel, and the text contains every substring.
func checkError(t testing.TB, d *websocket.Data, sentinels []error, substrings ...string) {
	t.Helper()
	if d == nil || d.Event != websocket.EventError {
		t.Fatalf("want an ERROR event, got %v", d)
	}
	if d.Err == nil {
		t.Fatalf("ERROR without Err; Message %q", d.Message)
	}
	if string(d.Message) != d.Err.Error() {
		t.Errorf("ERROR Message %q != Err.Error() %q", d.Message, d.Err.Error())
	}
	for _, s := range sentinels {
		if !errors.Is(d.Err, s) {
			t.Errorf("ERROR %q: errors.Is(Err, %q) is false", d.Message, s)
		}
	}
	for _, s := range substrings {
		if !strings.Contains(string(d.Message), s) {
			t.Errorf("ERROR %q does not mention %q", d.Message, s)
		}
	}
}

// checkSeq fails unless the events are exactly the sequence want (such as
// "CONNECTED DISCONNECTED"); a trailing "MESSAGE*" in want is not used, use
// countKind for that.
func checkSeq(t testing.TB, evs []*websocket.Data, want string) {
	t.Helper()
	if got := kinds(evs); got != want {
		t.Fatalf("events %s, want %s", describe(evs), want)
	}
}

// checkDisconnected checks the last event is DISCONNECTED with code (and reason, unless "*").
func checkDisconnected(t testing.TB, evs []*websocket.Data, code int, reason string) {
	t.Helper()
	if len(evs) == 0 {
		t.Fatalf("no events")
	}
	d := evs[len(evs)-1]
	if d.Event != websocket.EventDisconnected || d.Code != code || (reason != "*" && d.Reason != reason) {
		t.Fatalf("last event of %s: want DISCONNECTED(%d %s)", describe(evs), code, reason)
	}
}

// messages returns the MESSAGE events.
func messages(evs []*websocket.Data) []*websocket.Data {
	var out []*websocket.Data
	for _, d := range evs {
		if d.Event == websocket.EventMessage {
			out = append(out, d)
		}
	}
	return out
}

// settle waits a little and checks that no further event arrived after
// the ones in evs (nothing follows DISCONNECTED, no late ERROR, ...).
func (r *recorder) settle(evs []*websocket.Data) {
	r.t.Helper()
	time.Sleep(150 * time.Millisecond)
	r.mu.Lock()
	n := len(r.events)
	all := append([]*websocket.Data(nil), r.events...)
	r.mu.Unlock()
	if n != len(evs) {
		r.t.Errorf("events after the expected end: %s", describe(all))
	}
}

// text is SendOptions for a text message.
var text = &websocket.SendOptions{Type: websocket.DataTypeText}

// payload is message i of the test server's /send endpoint: its number,
// padded with '.' to size bytes (testserver.Payload, which the browser
// build cannot import).
func payload(i, size int) []byte {
	s := strconv.Itoa(i)
	if len(s) < size {
		s += strings.Repeat(".", size-len(s))
	}
	return []byte(s)
}

// openConn connects r to url and waits for CONNECTED.
func openConn(t testing.TB, r *recorder, url string, p *websocket.Params) *websocket.Connection {
	t.Helper()
	c := r.connect(url, p)
	r.waitEvent(websocket.EventConnected)
	return c
}

// count returns how many events of kind e are in evs.
func count(evs []*websocket.Data, e websocket.Event) int {
	n := 0
	for _, d := range evs {
		if d.Event == e {
			n++
		}
	}
	return n
}

// record is what the test server's /record endpoint received.
type record struct {
	Messages []string `json:"messages"`
	Code     int      `json:"code"`
}

// fetchRecord asks /recorded what /record?id=id received.
func fetchRecord(t testing.TB, id string) record {
	t.Helper()
	r := newRecorder(t)
	r.connect(wsURL("/recorded?id="+id), nil)
	evs := r.waitDone()
	ms := messages(evs)
	if len(ms) != 1 {
		t.Fatalf("/recorded: events %s", describe(evs))
	}
	var rec record
	if err := json.Unmarshal(ms[0].Message, &rec); err != nil {
		t.Fatalf("/recorded sent %q: %v", ms[0].Message, err)
	}
	return rec
}

// goid returns the current goroutine's id.
func goid() int64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _ := strconv.ParseInt(s[:strings.IndexByte(s, ' ')], 10, 64)
	return id
}

// waitPongs waits until the server has answered n keepalive pings of c,
// and fails if any event comes meanwhile.
func waitPongs(t testing.TB, r *recorder, c *websocket.Connection, n int64) {
	t.Helper()
	before := len(r.waitFor("", func([]*websocket.Data) bool { return true }))
	deadline := time.Now().Add(20 * time.Second)
	for got := websocket.KeepAlivePongs(c); got < n; got = websocket.KeepAlivePongs(c) {
		if evs := r.waitFor("", func([]*websocket.Data) bool { return true }); len(evs) != before {
			t.Fatalf("after %d answered pings: events %s", got, describe(evs))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d keepalive pings answered after 20s", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func wantErr(t testing.TB, err error, sentinels ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want %v", sentinels)
	}
	for _, s := range sentinels {
		if !errors.Is(err, s) {
			t.Errorf("error %q: errors.Is(err, %q) is false", err, s)
		}
	}
}

// dispatchLoops starts k goroutines that each wait on q's Ready channel and
// Dispatch, as a game loop without frame pacing does, until the test ends.
func dispatchLoops(t testing.TB, q *websocket.Queue, k int) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(stop); wg.Wait() })
	for g := 0; g < k; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-q.Ready():
					q.Dispatch()
				case <-stop:
					return
				}
			}
		}()
	}
}
