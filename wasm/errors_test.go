//go:build js && wasm

package wasm

import (
	"strings"
	"testing"

	"github.com/hybridws/websocket/internal/wire"
)

// checkClose accepts the codes and reasons a browser takes (1000,
// 3000-4999, a reason of up to 123 bytes of UTF-8) and names what is wrong
// with the others.
func TestCheckClose(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		bad    string // a word the error must contain, "" if accepted
	}{
		{wire.CloseNormalClosure, "", ""},
		{wire.CloseAppMin, "fine", ""},
		{wire.CloseAppMax, strings.Repeat("é", 61) + "x", ""}, // 123 bytes
		{wire.CloseGoingAway, "", "1001"},
		{wire.CloseAbnormalClosure, "", "1006"},
		{wire.CloseAppMin - 1, "", "3000-4999"},
		{5000, "", "5000"},
		{0, "", "0"},
		{wire.CloseNormalClosure, strings.Repeat("x", 124), "124 bytes"},
		{wire.CloseNormalClosure, "\xff", "UTF-8"},
	} {
		err := checkClose(tc.code, tc.reason)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("checkClose(%d, %d bytes): %v", tc.code, len(tc.reason), err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("checkClose(%d, %d bytes): %v, want an error about %q", tc.code, len(tc.reason), err, tc.bad)
		}
	}
}

// A failed dial's text names the subprotocols it asked for, as a possible
// cause (the browser does not say).
func TestDialErrorText(t *testing.T) {
	e := &DialError{URL: "ws://h/", Protocols: []string{"chat", `a"b`}, Code: wire.CloseAbnormalClosure}
	if got, want := e.Error(), `the requested subprotocols ["chat" "a\"b"]`; !strings.Contains(got, want) {
		t.Errorf("%q does not contain %q", got, want)
	}
	e = &DialError{URL: "ws://h/", Code: wire.CloseAbnormalClosure}
	if got := e.Error(); strings.Contains(got, "subprotocols") || !strings.Contains(got, "close code 1006") {
		t.Errorf("%q", got)
	}
}
