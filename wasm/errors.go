//go:build js && wasm

package wasm

import (
	"errors"
	"strconv"
	"strings"
	"syscall/js"
	"unicode/utf8"

	"github.com/hybridws/websocket/internal/wire"
)

// closeError ends Read once the connection has closed: the close event's
// code, reason and wasClean.
type closeError struct {
	Code   int
	Reason string
	Clean  bool
}

func (e *closeError) Error() string {
	s := "connection closed with code " + strconv.Itoa(e.Code)
	if e.Reason != "" {
		s += " (" + strconv.Quote(e.Reason) + ")"
	}
	switch {
	case e.Code == wire.CloseAbnormalClosure:
		s += ": no close frame came, or the browser failed the connection itself (it gives no reason)"
	case !e.Clean:
		s += ", not cleanly"
	}
	return s
}

// DialError is a connection the browser failed before it opened. Browsers
// say nothing about why (refused, DNS, TLS, refused upgrade, origin or
// subprotocol mismatch all look alike to a page); Code is the close
// event's code, usually 1006.
type DialError struct {
	URL       string
	Protocols []string // the subprotocols requested
	Code      int
	Reason    string
	Detail    string // an exception the WebSocket constructor threw, if any
}

func (e *DialError) Error() string {
	if e.Detail != "" {
		return "the browser refused to open a WebSocket to " + e.URL + ": " + e.Detail
	}
	s := "the browser refused or failed the connection to " + e.URL +
		" and gives no reason (close code " + strconv.Itoa(e.Code) + "; the browser console may say more)"
	if len(e.Protocols) > 0 {
		s += "; it also fails this way when the server chooses none of the requested subprotocols " + quoteAll(e.Protocols)
	}
	return s
}

// quoteAll writes ss as fmt's %q writes a []string: ["a" "b"].
func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// checkClose reports whether a browser accepts code and reason in
// WebSocket.close: code 1000 or 3000-4999, a UTF-8 reason of at most 123
// bytes.
func checkClose(code int, reason string) error {
	if code != wire.CloseNormalClosure && (code < wire.CloseAppMin || code > wire.CloseAppMax) {
		return errors.New("close code " + strconv.Itoa(code) + " is not allowed in a browser: use 1000 or 3000-4999")
	}
	if !utf8.ValidString(reason) {
		return errors.New("close reason is not valid UTF-8")
	}
	if len(reason) > wire.MaxCloseReason {
		return errors.New("close reason is " + strconv.Itoa(len(reason)) + " bytes long: at most " + strconv.Itoa(wire.MaxCloseReason) + " are allowed")
	}
	return nil
}

// catch turns a JS exception thrown by a call into *err.
func catch(err *error) {
	if r := recover(); r != nil {
		*err = errors.New("the browser threw: " + jsText(r))
	}
}

// jsText is what a recovered panic says: a JavaScript exception (js.Error)
// or any other error, a string, a Stringer.
func jsText(r any) string {
	switch v := r.(type) {
	case js.Error:
		return v.Error()
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	return "a panic that is not an error"
}
