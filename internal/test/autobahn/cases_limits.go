//go:build !js

package autobahn

import (
	"bytes"
	"fmt"
)

// limitCase is one 9.x case: one big message, echoed, judged on its type
// and length (Autobahn checks no more); the fuzzer closes on the echo.
func limitCase(id, desc string, binary bool, size int, wait float64, send func(f *Fuzz)) *Case {
	return &Case{ID: id, Desc: desc, Close: normalClose,
		Run: func(f *Fuzz) {
			f.setDetail(fmt.Sprintf("no message came back within %v s", wait))
			send(f)
			f.closeAfter(sec(wait))
		},
		OnMessage: func(f *Fuzz, e Event) {
			f.mu.Lock()
			switch {
			case e.Binary != binary:
				f.detail = fmt.Sprintf("the echo has the wrong type (binary %v)", e.Binary)
			case len(e.Data) != size:
				f.detail = fmt.Sprintf("the echo has %d bytes, not %d", len(e.Data), size)
			default:
				f.behavior, f.detail = OK, ""
			}
			f.mu.Unlock()
			f.sendClose(1000)
		}}
}

// 9.x: limits, up to 16 MiB.
func limits() []*Case {
	var cs []*Case
	sizes := []int{64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20}
	for sub, binary := range []bool{false, true} {
		for i, n := range sizes {
			wait := 100.0
			if n <= 256<<10 || binary && n <= 4<<20 {
				wait = 10
			}
			kind := map[bool]string{false: "text", true: "binary"}[binary]
			op := byte(opText)
			if binary {
				op = opBinary
			}
			cs = append(cs, limitCase(fmt.Sprintf("9.%d.%d", sub+1, i+1), fmt.Sprintf("%s message of %d bytes", kind, n), binary, n, wait,
				func(f *Fuzz) { f.send(F{Op: op, Fin: true, Payload: pattern(binary), Len: n}) }))
		}
	}
	frags := []int{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20}
	for sub, binary := range []bool{false, true} {
		for i, frag := range frags {
			kind := map[bool]string{false: "text", true: "binary"}[binary]
			// Autobahn's payload for these is all '*' (text) or 0xfe (binary).
			fill := byte('*')
			if binary {
				fill = 0xfe
			}
			cs = append(cs, limitCase(fmt.Sprintf("9.%d.%d", sub+3, i+1), fmt.Sprintf("%s message of 4 MiB in fragments of %d bytes", kind, frag), binary, 4<<20, 100,
				func(f *Fuzz) { f.message(binary, bytes.Repeat([]byte{fill}, 4<<20), frag) }))
		}
	}
	chops := []int{64, 128, 256, 512, 1024, 2048}
	for sub, binary := range []bool{false, true} {
		for i, chop := range chops {
			kind := map[bool]string{false: "text", true: "binary"}[binary]
			op := byte(opText)
			if binary {
				op = opBinary
			}
			cs = append(cs, limitCase(fmt.Sprintf("9.%d.%d", sub+5, i+1), fmt.Sprintf("%s message of 1 MiB sent in chops of %d bytes", kind, chop), binary, 1<<20, 1000,
				func(f *Fuzz) { f.send(F{Op: op, Fin: true, Payload: pattern(binary), Len: 1 << 20, Chop: chop}) }))
		}
	}
	// 9.7 and 9.8: 1000 round trips each, one message at a time.
	rtts := []struct {
		size int
		wait float64
	}{{0, 60}, {16, 60}, {64, 60}, {256, 120}, {1024, 240}, {4096, 480}}
	for sub, binary := range []bool{false, true} {
		for i, t := range rtts {
			cs = append(cs, roundTrips(fmt.Sprintf("9.%d.%d", sub+7, i+1), binary, t.size, 1000, t.wait))
		}
	}
	return cs
}

func roundTrips(id string, binary bool, size, count int, wait float64) *Case {
	op, fill := byte(opText), []byte("*")
	if binary {
		op, fill = opBinary, []byte{0xfe}
	}
	kind := map[bool]string{false: "text", true: "binary"}[binary]
	sendOne := func(f *Fuzz) {
		f.send(F{Op: op, Fin: true, Payload: bytes.Repeat(fill, size)})
		f.flush()
	}
	return &Case{ID: id, Desc: fmt.Sprintf("%d %s messages of %d bytes, one round trip at a time", count, kind, size), Close: normalClose,
		Run: func(f *Fuzz) {
			f.setDetail(fmt.Sprintf("the case did not finish within %v s", wait))
			sendOne(f)
			f.closeAfter(sec(wait))
		},
		OnMessage: func(f *Fuzz, e Event) {
			switch {
			case e.Binary != binary || len(e.Data) != size:
				f.mu.Lock()
				f.behavior, f.detail = Failed, fmt.Sprintf("an echo differs in type or length (binary %v, %d bytes)", e.Binary, len(e.Data))
				f.mu.Unlock()
				f.sendClose(1000)
			case f.count("message") < count-1:
				f.record(Event{Kind: "message"}) // counted, not kept: the events of 9.x are not compared
				sendOne(f)
			default:
				f.mu.Lock()
				f.behavior, f.detail = OK, ""
				f.mu.Unlock()
				f.sendClose(1000)
			}
		}}
}

// pattern is what Autobahn repeats to fill a 9.x message.
func pattern(binary bool) []byte {
	if binary {
		return []byte("\x00\xfe\x23\xfa\xf0")
	}
	return []byte("BAsd7&jh23")
}

// 10.x: a 64 KiB text message sent in fragments of 1300 bytes; Autobahn
// also checks that it sent the frames it meant to (50 continuations and one
// text frame).
func misc() []*Case {
	p := star(65536)
	return []*Case{{ID: "10.1.1", Desc: "text message of 64 KiB in fragments of 1300 bytes",
		Expect: okOnly(msg(string(p))), Close: normalClose,
		Run: func(f *Fuzz) { f.message(false, p, 1300); f.killAfter(sec(10)) },
		Judge: func(f *Fuzz, r *Result) {
			if f.txFrames[opCont] != 65536/1300 || f.txFrames[opText] != 1 {
				r.Behavior, r.Detail = Failed, fmt.Sprintf("the fuzzer sent %d text and %d continuation frames", f.txFrames[opText], f.txFrames[opCont])
			}
		}}}
}
