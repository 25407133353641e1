//go:build !js

package autobahn

import "strings"

// judge applies Autobahn's verdict rules (Case.onConnectionLost) to a
// finished run, then the case's own Judge.
func (f *Fuzz) judge(opened bool) *Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.c
	r := &Result{
		ID: c.ID, Received: f.received, ClientCode: f.clientCode, ClientClose: f.clientClose,
		ClosedByMe: f.closedByMe, EchoOnly: c.Close.ByFuzzer, Clean: f.clean, DroppedByMe: f.dropped, Violation: f.violation,
		Behavior: Failed, Detail: "the events differ from every expected outcome",
	}
	if c.OnMessage != nil {
		r.Detail = f.detail
		if f.behavior != "" {
			r.Behavior = f.behavior
		}
	} else {
		for _, o := range c.Expect {
			if eventsEqual(f.received, o.Events) {
				r.Behavior, r.Detail = o.Verdict, ""
				break
			}
		}
	}
	if f.z != nil {
		r.AppIn, r.WireIn = f.z.appIn, f.z.wireIn
	}
	if !opened {
		r.Behavior, r.BehaviorClose = Failed, Failed
		r.DetailClose = "the opening handshake never completed"
		return r
	}
	rule := c.Close
	switch {
	case rule.ByFuzzer != f.closedByMe:
		r.BehaviorClose, r.DetailClose = Failed, "the connection was closed by the wrong endpoint"
	case rule.Clean && !f.clean:
		r.BehaviorClose, r.DetailClose = Unclean, "the closing handshake had to complete cleanly"
	case f.clientCode != 0 && !contains(rule.Codes, f.clientCode):
		r.BehaviorClose, r.DetailClose = WrongCode, "the close code should have been one of "+codes(rule.Codes)+" or none"
	default:
		r.BehaviorClose = OK
	}
	if rule.WrongEndpointFatal && rule.ByFuzzer != f.closedByMe {
		r.Behavior = Failed
		if r.Detail == "" {
			r.Detail = "the client never failed the connection"
		}
	}
	if f.violation != "" {
		r.Behavior, r.Detail = Failed, "the client broke the protocol: "+f.violation
	}
	if c.Judge != nil {
		c.Judge(f, r)
	}
	return r
}

// wrongCodeFails is the Judge of the closing cases: a wrong close code
// fails the case itself.
func wrongCodeFails(f *Fuzz, r *Result) {
	if r.BehaviorClose == WrongCode {
		r.Behavior, r.Detail = Failed, r.DetailClose
	}
}

// informational is the Judge of the cases whose outcome the spec leaves
// open: both verdicts are INFORMATIONAL, and the detail says what happened.
func informational(f *Fuzz, r *Result) {
	switch r.Behavior {
	case OK:
		r.Detail = "the message was processed before the close"
	case NonStrict:
		r.Detail = "the close was processed before the message could be returned"
	default:
		var got []string
		for _, e := range r.Received {
			got = append(got, e.String())
		}
		r.Detail = "the fuzzer got: " + strings.Join(got, ", ")
	}
	r.Behavior, r.BehaviorClose = Informational, Informational
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
