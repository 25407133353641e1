//go:build js && wasm && hybridws_lean

package websocket

import (
	"slices"
	"testing"
)

// A lean build's Header answers Get and Values as http.Header does: by the
// canonical name, whatever the case asked for.
func TestLeanHeader(t *testing.T) {
	h, _, _, err := parseHeaders("x-multi: a\r\nX-MULTI: b\r\nsec-websocket-accept: c")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Values("X-Multi"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Values(X-Multi) = %q", got)
	}
	for _, k := range []string{"Sec-WebSocket-Accept", "SEC-WEBSOCKET-ACCEPT", "sec-websocket-accept"} {
		if got := h.Get(k); got != "c" {
			t.Errorf("Get(%q) = %q, want c", k, got)
		}
	}
	if got := h.Get("X-Missing"); got != "" {
		t.Errorf("Get(X-Missing) = %q", got)
	}
	if got := h.Values("X-Missing"); got != nil {
		t.Errorf("Values(X-Missing) = %q", got)
	}
}
