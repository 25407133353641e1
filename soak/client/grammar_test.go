package client

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridws/websocket"
)

const testURL = "ws://127.0.0.1:1/echo"

func ev(kind string) *websocket.Data {
	switch kind {
	case "C":
		return &websocket.Data{Event: websocket.EventConnected, HandshakeResponse: &websocket.HandshakeResponse{Status: 101}}
	case "M":
		return &websocket.Data{Event: websocket.EventMessage}
	case "E", "E0":
		err := &websocket.Error{Op: "read", URL: testURL, Kind: websocket.ErrConnectionLost, Msg: "lost"}
		d := &websocket.Data{Event: websocket.EventError, Err: err, Message: []byte(err.Error())}
		if kind == "E" {
			d.RetryIn = 1
		}
		return d
	case "D":
		return &websocket.Data{Event: websocket.EventDisconnected}
	}
	panic(kind)
}

// The grammar (CONNECTED, MESSAGE*)?, (ERROR, [CONNECTED, MESSAGE*])*,
// DISCONNECTED, with RetryIn: sequences it accepts and ones it refuses,
// each refused at the event that breaks it.
func TestGrammar(t *testing.T) {
	for _, tc := range []struct {
		seq      string
		userStop int // index of the first event after Disconnect; 0: never
		bad      int // index of the first event refused; -1: none
	}{
		{"C M M E C M E0 D", 0, -1},
		{"E E C M E C D", 6, -1},
		{"D", 1, -1},
		{"C D", 1, -1},
		{"C M E D", 3, -1}, // Disconnect during the wait before a retry
		{"E0 D", 0, -1},
		{"C M E D", 0, 3}, // a retry was promised, then nothing
		{"C C", 0, 1},     // CONNECTED twice
		{"M", 0, 0},       // MESSAGE before CONNECTED
		{"C E M", 0, 2},   // MESSAGE while down
		{"C E0 C", 0, 2},  // CONNECTED after RetryIn 0
		{"C E0 E", 0, 2},  // ERROR after RetryIn 0
		{"C D M", 1, 2},   // anything after DISCONNECTED
		{"C D D", 1, 2},
	} {
		var g Grammar
		bad := -1
		for i, k := range strings.Fields(tc.seq) {
			if err := g.Event(ev(k), tc.userStop > 0 && i >= tc.userStop, testURL); err != nil && bad < 0 {
				bad = i
			}
		}
		if bad != tc.bad {
			t.Errorf("%q (Disconnect before event %d): first refused event %d, want %d", tc.seq, tc.userStop, bad, tc.bad)
		}
	}
}

// The details around the grammar: CONNECTED without its 101, an ERROR
// whose text is not its Err's or does not name the URL.
func TestGrammarDetails(t *testing.T) {
	var g Grammar
	if err := g.Event(&websocket.Data{Event: websocket.EventConnected}, false, testURL); err == nil {
		t.Error("CONNECTED without a HandshakeResponse accepted")
	}
	e := ev("E")
	e.Message = []byte("something else")
	if err := g.Event(e, false, testURL); err == nil {
		t.Error("ERROR whose Message is not Err.Error() accepted")
	}
	e = ev("E")
	e.Err = errors.New("no URL")
	e.Message = []byte(e.Err.Error())
	if err := g.Event(e, false, testURL); err == nil || !strings.Contains(err.Error(), "dialled") {
		t.Errorf("ERROR that does not name the URL: %v", err)
	}
}

// CheckLog replays a page's log through the Grammar: what the page saw
// is judged by the same rules outside it.
func TestCheckLog(t *testing.T) {
	for log, ok := range map[string]bool{
		"C M×3 E C M×1 S D": true,
		"E E C S D":         true,
		"S D":               true,
		"C M×2 E D":         false, // a retry was promised
		"C M×2":             false, // no DISCONNECTED
		"C C S D":           false,
		"E M×1 S D":         false,
		"C X D":             false,
	} {
		if err := CheckLog(log); (err == nil) != ok {
			t.Errorf("CheckLog(%q) = %v, want ok %v", log, err, ok)
		}
	}
}
