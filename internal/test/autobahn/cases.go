//go:build !js

package autobahn

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// The close rules most cases use.
var (
	normalClose   = CloseRule{ByFuzzer: true, Codes: []int{1000}, Clean: true}
	protocolError = CloseRule{ByFuzzer: false, Codes: []int{1002}}
	invalidData   = CloseRule{ByFuzzer: false, Codes: []int{1007}, WrongEndpointFatal: true}
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func okOnly(events ...Event) []Outcome {
	if events == nil {
		events = []Event{}
	}
	return []Outcome{{OK, events}}
}

// echoOrNothing: the echo of the first message is OK, no echo at all is
// NON-STRICT (the cases that fail the connection after a good message).
func echoOrNothing(e Event) []Outcome { return []Outcome{{OK, []Event{e}}, {NonStrict, []Event{}}} }

func star(n int) []byte { return bytes.Repeat([]byte("*"), n) }
func fe(n int) []byte   { return bytes.Repeat([]byte{0xfe}, n) }

// Cases returns every ported case, in Autobahn's order.
func Cases() []*Case {
	var cs []*Case
	cs = append(cs, framing()...)
	cs = append(cs, pings()...)
	cs = append(cs, reservedBits()...)
	cs = append(cs, opcodes()...)
	cs = append(cs, fragmentation()...)
	cs = append(cs, utf8Cases()...)
	cs = append(cs, closing()...)
	cs = append(cs, limits()...)
	cs = append(cs, misc()...)
	cs = append(cs, compression()...)
	return cs
}

// Select returns the cases whose ID matches one of the patterns: "6"
// (a category), "6.4" (a subcategory), "6.4.1" (one case); nil or empty
// patterns select every case.
func Select(cases []*Case, patterns []string) []*Case {
	if len(patterns) == 0 {
		return cases
	}
	var out []*Case
	for _, c := range cases {
		for _, p := range patterns {
			if p = strings.TrimSpace(p); p != "" && (c.ID == p || strings.HasPrefix(c.ID, p+".")) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// 1.x: framing.
func framing() []*Case {
	var cs []*Case
	sizes := []int{0, 125, 126, 127, 128, 65535, 65536, 65536}
	for i, n := range sizes {
		chop, wait := 0, sec(1)
		if n > 128 {
			wait = sec(10)
		}
		if i == 7 {
			chop = 997
		}
		for j, binary := range []bool{false, true} {
			p, e := star(n), msg(string(star(n)))
			desc := fmt.Sprintf("text message of %d bytes", n)
			if binary {
				p, e = fe(n), binMsg(fe(n))
				desc = fmt.Sprintf("binary message of %d bytes", n)
			}
			if chop > 0 {
				desc += fmt.Sprintf(", sent in chops of %d bytes", chop)
			}
			op := byte(opText)
			if binary {
				op = opBinary
			}
			cs = append(cs, &Case{
				ID: fmt.Sprintf("1.%d.%d", j+1, i+1), Desc: desc,
				Expect: okOnly(e), Close: normalClose,
				Run: func(f *Fuzz) {
					f.send(F{Op: op, Fin: true, Payload: p, Chop: chop})
					f.killAfter(wait)
				},
			})
		}
	}
	// Autobahn numbers text 1.1.x, then binary 1.2.x.
	var text, bin []*Case
	for _, c := range cs {
		if strings.HasPrefix(c.ID, "1.1.") {
			text = append(text, c)
		} else {
			bin = append(bin, c)
		}
	}
	return append(text, bin...)
}

// 2.x: pings and pongs.
func pings() []*Case {
	ping := func(id, desc string, payload []byte, chop int, wait float64) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(Event{Kind: "pong", Data: payload}), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opPing, Fin: true, Payload: payload, Chop: chop})
				f.closeAfter(sec(wait))
			}}
	}
	tenPings := func(id string, chop int) *Case {
		var want []Event
		for i := 0; i < 10; i++ {
			want = append(want, pong(fmt.Sprintf("payload-%d", i)))
		}
		return &Case{ID: id, Desc: "10 pings with payload", Expect: okOnly(want...), Close: normalClose,
			Run: func(f *Fuzz) {
				for i := 0; i < 10; i++ {
					f.send(F{Op: opPing, Fin: true, Payload: []byte(fmt.Sprintf("payload-%d", i)), Chop: chop})
				}
				f.closeAfter(sec(3))
			}}
	}
	return []*Case{
		ping("2.1", "ping without payload", []byte{}, 0, 1),
		ping("2.2", "ping with a small text payload", []byte("Hello, world!"), 0, 1),
		ping("2.3", "ping with a small binary payload", []byte("\x00\xff\xfe\xfd\xfc\xfb\x00\xff"), 0, 1),
		ping("2.4", "ping with 125 bytes of binary payload", fe(125), 0, 1),
		{ID: "2.5", Desc: "ping with 126 bytes of payload: the client fails the connection (1002)",
			Expect: okOnly(), Close: protocolError,
			Run: func(f *Fuzz) {
				f.send(F{Op: opPing, Fin: true, Payload: fe(126)})
				f.killAfter(sec(1))
			}},
		ping("2.6", "ping with 125 bytes of payload, sent a byte at a time", fe(125), 1, 2),
		{ID: "2.7", Desc: "unsolicited pong without payload, then close: nothing comes back",
			Expect: okOnly(), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opPong, Fin: true})
				f.sendClose(1000)
				f.closeAfter(sec(1))
			}},
		{ID: "2.8", Desc: "unsolicited pong with payload, then close: nothing comes back",
			Expect: okOnly(), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opPong, Fin: true, Payload: []byte("unsolicited pong payload")})
				f.sendClose(1000)
				f.closeAfter(sec(1))
			}},
		{ID: "2.9", Desc: "unsolicited pong, then ping: only the ping is answered",
			Expect: okOnly(pong("ping payload")), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opPong, Fin: true, Payload: []byte("unsolicited pong payload")},
					F{Op: opPing, Fin: true, Payload: []byte("ping payload")})
				f.closeAfter(sec(1))
			}},
		tenPings("2.10", 0),
		tenPings("2.11", 1),
	}
}

// 3.x: reserved bits.
func reservedBits() []*Case {
	hello := []byte("Hello, world!")
	alone := func(id, desc string, fr F) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(), Close: protocolError,
			Run: func(f *Fuzz) { f.send(fr); f.killAfter(sec(1)) }}
	}
	after := func(id, desc string, rsv byte, sync bool, chop int) *Case {
		return &Case{ID: id, Desc: desc, Expect: echoOrNothing(msg(string(hello))), Close: protocolError,
			Run: func(f *Fuzz) {
				f.send(F{Op: opText, Fin: true, Payload: hello, Sync: sync, Chop: chop},
					F{Op: opText, Fin: true, Payload: hello, RSV: rsv, Sync: sync, Chop: chop},
					F{Op: opPing, Fin: true, Sync: sync, Chop: chop})
				f.killAfter(sec(1))
			}}
	}
	return []*Case{
		alone("3.1", "small text message with RSV = 1", F{Op: opText, Fin: true, Payload: hello, RSV: 1}),
		after("3.2", "text message, then again with RSV = 2, then ping", 2, false, 0),
		after("3.3", "text message, then again with RSV = 3, then ping, frame by frame", 3, true, 0),
		after("3.4", "text message, then again with RSV = 4, then ping, a byte at a time", 4, false, 1),
		alone("3.5", "small binary message with RSV = 5", F{Op: opBinary, Fin: true, Payload: []byte("\x00\xff\xfe\xfd\xfc\xfb\x00\xff"), RSV: 5}),
		// Autobahn's 3.6 says "Ping" but sends a binary frame; so does this.
		alone("3.6", "binary frame with RSV = 6", F{Op: opBinary, Fin: true, Payload: hello, RSV: 6}),
		alone("3.7", "close with RSV = 7", F{Op: opClose, Fin: true, RSV: 7}),
	}
}

// 4.x: reserved opcodes.
func opcodes() []*Case {
	hello := []byte("Hello, world!")
	var cs []*Case
	for sub, ops := range [][]byte{{3, 4, 5, 6, 7}, {11, 12, 13, 14, 15}} {
		for i, op := range ops {
			id := fmt.Sprintf("4.%d.%d", sub+1, i+1)
			var payload []byte
			if i == 1 || i >= 3 {
				payload = []byte("reserved opcode payload")
				if i >= 3 {
					payload = hello
				}
			}
			chop := 0
			if i == 4 {
				chop = 1
			}
			if i < 2 {
				cs = append(cs, &Case{ID: id, Desc: fmt.Sprintf("frame with reserved opcode %d", op),
					Expect: okOnly(), Close: protocolError,
					Run: func(f *Fuzz) { f.send(F{Op: op, Fin: true, Payload: payload}); f.killAfter(sec(1)) }})
				continue
			}
			cs = append(cs, &Case{ID: id, Desc: fmt.Sprintf("text message, then a frame with reserved opcode %d, then ping", op),
				Expect: echoOrNothing(msg(string(hello))), Close: protocolError,
				Run: func(f *Fuzz) {
					f.send(F{Op: opText, Fin: true, Payload: hello, Chop: chop},
						F{Op: op, Fin: true, Payload: payload, Chop: chop},
						F{Op: opPing, Fin: true, Chop: chop})
					f.killAfter(sec(1))
				}})
		}
	}
	return cs
}

// 5.x: fragmentation.
func fragmentation() []*Case {
	fails := func(id, desc string, frames ...F) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(), Close: protocolError,
			Run: func(f *Fuzz) { f.send(frames...); f.killAfter(sec(1)) }}
	}
	b := func(s string) []byte { return []byte(s) }
	two := func(id, desc string, sync bool, chop int) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(msg("fragment1fragment2")), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opText, Payload: b("fragment1"), Sync: sync, Chop: chop},
					F{Op: opCont, Fin: true, Payload: b("fragment2"), Sync: sync, Chop: chop})
				f.closeAfter(sec(1))
			}}
	}
	withPing := func(id, desc string, sync bool, chop int) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(pong("ping payload"), msg("fragment1fragment2")), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opText, Payload: b("fragment1"), Sync: sync, Chop: chop},
					F{Op: opPing, Fin: true, Payload: b("ping payload"), Sync: sync, Chop: chop},
					F{Op: opCont, Fin: true, Payload: b("fragment2"), Sync: sync, Chop: chop})
				f.closeAfter(sec(1))
			}}
	}
	nothingToContinue := func(id, desc string, fin, sync bool, chop int) *Case {
		return fails(id, desc,
			F{Op: opCont, Fin: fin, Payload: b("non-continuation payload"), Sync: sync, Chop: chop},
			F{Op: opText, Fin: true, Payload: b("Hello, world!"), Sync: sync, Chop: chop})
	}
	twice := func(id, desc string, fin bool) *Case {
		var frames []F
		for i := 0; i < 2; i++ {
			frames = append(frames, F{Op: opCont, Fin: fin, Payload: b("fragment1")},
				F{Op: opText, Payload: b("fragment2")}, F{Op: opCont, Fin: true, Payload: b("fragment3")})
		}
		return fails(id, desc, frames...)
	}
	pingsInside := func(id, desc string, sync bool) *Case {
		frags := []string{"fragment1", "fragment2", "fragment3", "fragment4", "fragment5"}
		return &Case{ID: id, Desc: desc,
			Expect: okOnly(pong("pongme 1!"), pong("pongme 2!"), msg(strings.Join(frags, ""))), Close: normalClose,
			Run: func(f *Fuzz) {
				f.send(F{Op: opText, Payload: b(frags[0]), Sync: sync},
					F{Op: opCont, Payload: b(frags[1]), Sync: sync},
					F{Op: opPing, Fin: true, Payload: b("pongme 1!"), Sync: sync})
				// Autobahn waits 1 s here; the first pong ends the wait early.
				f.wait(sec(1), func() bool { return f.count("pong") > 0 || !f.isOpen() })
				if !f.isOpen() {
					f.killAfter(0)
					return
				}
				f.send(F{Op: opCont, Payload: b(frags[2]), Sync: sync},
					F{Op: opCont, Payload: b(frags[3]), Sync: sync},
					F{Op: opPing, Fin: true, Payload: b("pongme 2!"), Sync: sync},
					F{Op: opCont, Fin: true, Payload: b(frags[4]), Sync: sync})
				f.closeAfter(sec(1))
			}}
	}
	return []*Case{
		fails("5.1", "ping in 2 fragments", F{Op: opPing, Payload: b("fragment1")}, F{Op: opCont, Fin: true, Payload: b("fragment2")}),
		fails("5.2", "pong in 2 fragments", F{Op: opPong, Payload: b("fragment1")}, F{Op: opCont, Fin: true, Payload: b("fragment2")}),
		two("5.3", "text message in 2 fragments", false, 0),
		two("5.4", "text message in 2 fragments, frame by frame", true, 0),
		two("5.5", "text message in 2 fragments, a byte at a time", false, 1),
		withPing("5.6", "text message in 2 fragments with a ping between them", false, 0),
		withPing("5.7", "text message in 2 fragments with a ping between them, frame by frame", true, 0),
		withPing("5.8", "text message in 2 fragments with a ping between them, a byte at a time", false, 1),
		nothingToContinue("5.9", "continuation (FIN) with nothing to continue, then a text message", true, false, 0),
		nothingToContinue("5.10", "continuation (FIN) with nothing to continue, then a text message, frame by frame", true, true, 0),
		nothingToContinue("5.11", "continuation (FIN) with nothing to continue, then a text message, a byte at a time", true, false, 1),
		nothingToContinue("5.12", "continuation (no FIN) with nothing to continue, then a text message", false, false, 0),
		nothingToContinue("5.13", "continuation (no FIN) with nothing to continue, then a text message, frame by frame", false, true, 0),
		nothingToContinue("5.14", "continuation (no FIN) with nothing to continue, then a text message, a byte at a time", false, false, 1),
		{ID: "5.15", Desc: "text message in 2 fragments, then a continuation with nothing to continue, then a text message",
			Expect: echoOrNothing(msg("fragment1fragment2")), Close: protocolError,
			Run: func(f *Fuzz) {
				f.send(F{Op: opText, Payload: b("fragment1")}, F{Op: opCont, Fin: true, Payload: b("fragment2")},
					F{Op: opCont, Payload: b("fragment3")}, F{Op: opText, Fin: true, Payload: b("fragment4")})
				f.killAfter(sec(1))
			}},
		twice("5.16", "twice: continuation (no FIN) with nothing to continue, then a text message in 2 fragments", false),
		twice("5.17", "twice: continuation (FIN) with nothing to continue, then a text message in 2 fragments", true),
		fails("5.18", "text message in 2 fragments, both with the text opcode",
			F{Op: opText, Payload: b("fragment1")}, F{Op: opText, Fin: true, Payload: b("fragment2")}),
		pingsInside("5.19", "text message in 5 fragments with 2 pings among them, in two bursts", false),
		pingsInside("5.20", "as 5.19, frame by frame", true),
	}
}

// count returns how many events of kind the fuzzer has seen.
func (f *Fuzz) count(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, e := range f.received {
		if e.Kind == kind {
			n++
		}
	}
	return n
}
