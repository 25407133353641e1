//go:build js && wasm

package websocket_test

import (
	"errors"
	"testing"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/wasm"
)

// A failed dial says what was dialled and that the browser gave no reason,
// and DISCONNECTED carries the close event's code.
func TestBrowserDialFailureText(t *testing.T) {
	r := newRecorder(t)
	url := freshURL("/refuse?status=403")
	r.connect(url, nil)
	evs := r.waitDone()
	if kinds(evs) != "ERROR DISCONNECTED" {
		t.Fatalf("events %s", describe(evs))
	}
	checkError(t, evs[0], []error{websocket.ErrDial}, url, "browser", "no reason")
	var dialErr *wasm.DialError
	if !errors.As(evs[0].Err, &dialErr) || dialErr.Code != evs[1].Code {
		t.Errorf("Err %v is not a *wasm.DialError with DISCONNECTED's code %d", evs[0].Err, evs[1].Code)
	}
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
}
