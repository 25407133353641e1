package websocket_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// Fault cases that a browser can see too: these run natively and in
// Chromium (the proxy-based ones in faults_test.go are native only).

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

	rr := newRecorder(t)
	rr.connect(wsURL("/recorded?id="+id), nil)
	d := rr.waitEvent(websocket.EventMessage)
	var rec struct {
		Messages []string `json:"messages"`
		Code     int      `json:"code"`
	}
	if err := json.Unmarshal(d.Message, &rec); err != nil {
		t.Fatal(err)
	}
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
