package websocket_test

// The texts and kinds of the ERROR a failed dial gives (describe.go).

import (
	"testing"

	"github.com/hybridws/websocket"
)

// Nothing listens: ERROR naming the address, then DISCONNECTED 1006.
func TestConnectionRefused(t *testing.T) {
	addr := closedAddr(t)
	r := newRecorder(t)
	r.connect("ws://"+addr+"/echo", nil)
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrDial}, addr)
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	r.settle(evs)
}

// The server refuses the upgrade: ERROR with the status and the
// HandshakeResponse (status, headers, the body), then DISCONNECTED.
func TestUpgradeRefused(t *testing.T) {
	r := newRecorder(t)
	r.connect(freshURL("/refuse"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	r.settle(evs)
	skipInBrowser(t, "browsers hide the status, headers and body of a refused upgrade")
	checkError(t, evs[0], []error{websocket.ErrUpgradeRefused}, "status 403 Forbidden")
	hs := evs[0].HandshakeResponse
	if hs == nil {
		t.Fatal("no HandshakeResponse on the ERROR of a refused upgrade")
	}
	if hs.Status != 403 || hs.Headers.Get("X-Refused") != "yes" || string(hs.Response) != "refused: go away" {
		t.Errorf("HandshakeResponse %+v (body %q)", hs, hs.Response)
	}

	// Another status, also in the text.
	r = newRecorder(t)
	r.connect(freshURL("/refuse?status=503"), nil)
	evs = r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrUpgradeRefused}, "status 503 Service Unavailable")
	if hs := evs[0].HandshakeResponse; hs == nil || hs.Status != 503 {
		t.Errorf("HandshakeResponse %+v", hs)
	}
}
