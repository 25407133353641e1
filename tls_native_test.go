//go:build !js

package websocket_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/testserver"
)

// newTLSServer starts the test endpoints behind TLS and returns the wss
// address and a TLS config that trusts its certificate.
func newTLSServer(t testing.TB) (string, *tls.Config) {
	t.Helper()
	srv := httptest.NewTLSServer(testserver.Handler())
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return strings.TrimPrefix(srv.URL, "https://"), &tls.Config{RootCAs: pool}
}

// wss:// with Params.TLSConfig trusting the server: echo works, also
// through an https:// URL.
func TestWSS(t *testing.T) {
	addr, cfg := newTLSServer(t)
	for _, u := range []string{"wss://" + addr + "/echo", "https://" + addr + "/echo"} {
		r := newRecorder(t)
		r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
			switch d.Event {
			case websocket.EventConnected:
				websocket.Send(c, []byte("secret"), text)
			case websocket.EventMessage:
				websocket.Disconnect(c)
			}
		}
		r.connect(u, &websocket.Params{TLSConfig: cfg, Protocol: "chat"})
		evs := r.waitDone()
		checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
		if string(evs[1].Message) != "secret" || evs[1].Type != websocket.DataTypeText {
			t.Errorf("echo %v %q", evs[1].Type, evs[1].Message)
		}
		if hs := evs[0].HandshakeResponse; hs == nil || hs.Status != 101 || hs.Protocol != "chat" {
			t.Errorf("HandshakeResponse %+v", hs)
		}
		checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	}
}

// Without a config that trusts the certificate: ERROR (ErrTLS) that says
// so, then DISCONNECTED 1006. TLS also counts against Timeout, and the
// server's own error is no business of ours.
func TestWSSUntrusted(t *testing.T) {
	addr, _ := newTLSServer(t)
	for _, p := range []*websocket.Params{nil, {TLSConfig: &tls.Config{}}} {
		r := newRecorder(t)
		r.connect("wss://"+addr+"/echo", p)
		evs := r.waitDone()
		checkSeq(t, evs, "ERROR DISCONNECTED")
		checkError(t, evs[0], []error{websocket.ErrTLS}, "TLS", "certificate", addr)
		checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
		r.settle(evs)
	}
}

// A plain-TCP server behind a wss:// URL: a TLS failure too, not a hang.
func TestWSSToPlainServer(t *testing.T) {
	r := newRecorder(t)
	r.connect("wss://"+testServerAddr+"/echo", nil)
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrTLS}, "TLS")
}

// TLS failures are classified by where they happen, not by their text:
// a VerifyConnection hook of the user's that refuses the server (its error
// says nothing about TLS) and a version the server does not speak are
// both ErrTLS, on every OS.
func TestWSSHandshakeFailures(t *testing.T) {
	addr, trusted := newTLSServer(t)
	pinned := trusted.Clone()
	pinned.VerifyConnection = func(tls.ConnectionState) error { return errors.New("pinned key mismatch") }
	old := trusted.Clone()
	old.MaxVersion = tls.VersionTLS10 // httptest's server wants TLS 1.2 at least
	for name, cfg := range map[string]*tls.Config{"VerifyConnection": pinned, "version": old} {
		t.Run(name, func(t *testing.T) {
			r := newRecorder(t)
			r.connect("wss://"+addr+"/echo", &websocket.Params{TLSConfig: cfg})
			evs := r.waitDone()
			checkSeq(t, evs, "ERROR DISCONNECTED")
			checkError(t, evs[0], []error{websocket.ErrTLS}, "TLS", addr)
			checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
		})
	}
}
