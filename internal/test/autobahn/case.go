//go:build !js

package autobahn

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Verdicts, Autobahn's words.
const (
	OK            = "OK"
	NonStrict     = "NON-STRICT"
	WrongCode     = "WRONG CODE"
	Unclean       = "UNCLEAN"
	Failed        = "FAILED"
	Informational = "INFORMATIONAL"
	Unimplemented = "UNIMPLEMENTED"
)

// Event is one thing the fuzzer saw (Autobahn's "received" list): a
// message, a pong, a ping, or a timeout the case noted.
type Event struct {
	Kind   string // "message", "pong", "ping", "timeout"
	Data   []byte
	Binary bool // messages only
}

func (e Event) equal(o Event) bool {
	return e.Kind == o.Kind && e.Binary == o.Binary && bytes.Equal(e.Data, o.Data)
}

func (e Event) String() string {
	d := e.Data
	s := ""
	if len(d) > 24 {
		s = fmt.Sprintf("…(%d bytes)", len(d))
		d = d[:24]
	}
	switch e.Kind {
	case "message":
		t := "text"
		if e.Binary {
			t = "binary"
		}
		return fmt.Sprintf("%s %q%s", t, d, s)
	default:
		return fmt.Sprintf("%s %q%s", e.Kind, d, s)
	}
}

func msg(text string) Event      { return Event{Kind: "message", Data: []byte(text)} }
func binMsg(p []byte) Event      { return Event{Kind: "message", Data: p, Binary: true} }
func pong(payload string) Event  { return Event{Kind: "pong", Data: []byte(payload)} }
func timeout(label string) Event { return Event{Kind: "timeout", Data: []byte(label)} }

// Outcome is one expected outcome: the events a client may produce for a
// verdict (Autobahn's self.expected[verdict]).
type Outcome struct {
	Verdict string
	Events  []Event
}

// CloseRule is what the closing of a case must look like (Autobahn's
// self.expectedClose).
type CloseRule struct {
	ByFuzzer bool  // the fuzzer (server) starts the closing handshake ("closedByMe")
	Codes    []int // codes the client may send in its close frame (or none)
	Clean    bool  // the closing handshake must complete
	// WrongEndpointFatal: closing by the wrong endpoint fails the case,
	// not only its closing (the client did not detect what it had to).
	WrongEndpointFatal bool
}

// Case is one Autobahn case.
type Case struct {
	ID   string // "1.1.1"
	Desc string
	// Expect lists the outcomes, checked in order.
	Expect []Outcome
	Close  CloseRule
	// SuppressClose: the fuzzer does not close when the events match
	// (cases that send their own close frames).
	SuppressClose bool
	// Run sends what the case sends and ends with f.killAfter or
	// f.closeAfter.
	Run func(f *Fuzz)
	// OnMessage, when set, replaces the default handling of a message
	// (record it, close once the events match).
	OnMessage func(f *Fuzz, e Event)
	// Judge, when set, runs after the default verdict rules and may
	// change the result.
	Judge func(f *Fuzz, r *Result)
	// Accept, when set, answers the client's permessage-deflate offers
	// (the compression categories, deflate.go).
	Accept acceptFunc
}

// Category returns the case's first number, "1" for "1.1.1".
func (c *Case) Category() string {
	cat, _, _ := strings.Cut(c.ID, ".")
	return cat
}

// Result is the verdict on one case.
type Result struct {
	ID            string
	Behavior      string // the events: OK, NON-STRICT, INFORMATIONAL, FAILED
	BehaviorClose string // the closing: OK, WRONG CODE, UNCLEAN, FAILED, INFORMATIONAL
	Detail        string // why, when not OK
	DetailClose   string
	Duration      time.Duration

	// What happened on the wire.
	Received    []Event
	ClientCode  int    // the code in the client's close frame; 0 none (no frame or no code)
	ClientClose bool   // the client sent a close frame
	ClosedByMe  bool   // the fuzzer started the closing handshake
	EchoOnly    bool   // the case expects the fuzzer to close: the client only echoes
	Clean       bool   // the closing handshake completed
	DroppedByMe bool   // the fuzzer dropped the TCP connection
	Violation   string // the client broke the protocol on the wire
	// The client's messages with permessage-deflate: their bytes, and
	// their payload bytes on the wire (compressed or not).
	AppIn, WireIn int64
}

// Passed reports whether both verdicts are OK or INFORMATIONAL.
func (r *Result) Passed() bool {
	good := func(v string) bool { return v == OK || v == Informational }
	return good(r.Behavior) && good(r.BehaviorClose)
}

// Verdict is the single word for the case: the events' verdict, unless
// they passed and the closing did not (then WRONG CODE, UNCLEAN or FAILED).
func (r *Result) Verdict() string {
	if r.Behavior == OK && r.BehaviorClose != OK && r.BehaviorClose != Informational {
		return r.BehaviorClose
	}
	return r.Behavior
}

// Summary is one line about the result.
func (r *Result) Summary() string {
	code := "none"
	if r.ClientClose {
		code = "no code"
		if r.ClientCode != 0 {
			code = fmt.Sprint(r.ClientCode)
		}
	}
	first := "neither (no close frame)"
	switch {
	case r.ClosedByMe:
		first = "fuzzer"
	case r.ClientClose:
		first = "client"
	}
	s := fmt.Sprintf("%s (close %s): client close code %s, closed first by %s, clean %v",
		r.Behavior, r.BehaviorClose, code, first, r.Clean)
	if r.Detail != "" {
		s += "; " + r.Detail
	}
	if r.DetailClose != "" && r.BehaviorClose != OK {
		s += "; " + r.DetailClose
	}
	return s
}
