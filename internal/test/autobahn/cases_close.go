//go:build !js

package autobahn

import "fmt"

// 7.x: closing.
func closing() []*Case {
	hello := []byte("Hello World!")
	// closeCase: the fuzzer closes (with whatever run sends) and the
	// client must answer with one of codes.
	closeCase := func(id, desc string, codes []int, clean bool, run func(f *Fuzz)) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(), SuppressClose: true,
			Close: CloseRule{ByFuzzer: true, Codes: codes, Clean: clean}, Judge: wrongCodeFails,
			Run: func(f *Fuzz) { run(f); f.killAfter(sec(1)) }}
	}
	normal := []int{1000}
	cs := []*Case{
		{ID: "7.1.1", Desc: "a message, then close", Expect: okOnly(msg(string(hello))), Close: normalClose, Judge: wrongCodeFails,
			Run: func(f *Fuzz) { f.send(F{Op: opText, Fin: true, Payload: hello}); f.killAfter(sec(1)) }},
		closeCase("7.1.2", "two close frames", normal, true, func(f *Fuzz) {
			f.sendClose(1000)
			f.send(F{Op: opClose, Fin: true})
		}),
		closeCase("7.1.3", "a ping after the close frame: no pong", normal, true, func(f *Fuzz) {
			f.sendClose(1000)
			f.send(F{Op: opPing, Fin: true})
		}),
		closeCase("7.1.4", "a text message after the close frame: ignored", normal, true, func(f *Fuzz) {
			f.sendClose(1000)
			f.send(F{Op: opText, Fin: true, Payload: hello})
		}),
		closeCase("7.1.5", "a first fragment, then close, then the last fragment", normal, true, func(f *Fuzz) {
			f.send(F{Op: opText, Payload: []byte("fragment1")})
			f.sendClose(1000)
			f.send(F{Op: opCont, Fin: true, Payload: []byte("fragment2")})
		}),
		{ID: "7.1.6", Desc: "a 256 KiB message and a small one, then close, then a ping",
			Expect: echoOrNothing(msg(string(hello))), SuppressClose: true, Close: normalClose, Judge: informational,
			// Autobahn expects the small message alone: its echo of the big
			// one is not in the expected events, so OK and NON-STRICT both
			// mean "the close overtook the big echo"; the verdict only informs.
			Run: func(f *Fuzz) {
				f.send(F{Op: opText, Fin: true, Payload: []byte("BAsd7&jh23"), Len: 256 << 10},
					F{Op: opText, Fin: true, Payload: hello})
				f.sendClose(1000)
				f.send(F{Op: opPing, Fin: true})
				f.killAfter(sec(1))
			}},
		closeCase("7.3.1", "close frame with an empty payload", normal, true, func(f *Fuzz) { f.closeFrame(-1, nil) }),
		closeCase("7.3.2", "close frame with a payload of 1 byte", []int{1002}, false, func(f *Fuzz) {
			f.mu.Lock()
			f.sentClose, f.closedByMe = true, true
			f.mu.Unlock()
			f.send(F{Op: opClose, Fin: true, Payload: []byte("a")})
		}),
		closeCase("7.3.3", "close frame with a code (payload of 2 bytes)", normal, true, func(f *Fuzz) { f.sendClose(1000) }),
		closeCase("7.3.4", "close frame with a code and a reason", normal, true, func(f *Fuzz) { f.closeFrame(1000, hello) }),
		closeCase("7.3.5", "close frame with a reason of 123 bytes (the most allowed)", normal, true, func(f *Fuzz) { f.closeFrame(1000, star(123)) }),
		closeCase("7.3.6", "close frame with a reason of 124 bytes (payload of 126: too long)", []int{1002}, false, func(f *Fuzz) {
			f.closeFrame(1000, star(124))
		}),
		closeCase("7.5.1", "close frame with a reason that is not UTF-8", []int{1002, 1007}, false, func(f *Fuzz) {
			f.closeFrame(1000, []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"))
		}),
	}
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		cs = append(cs, closeCase(fmt.Sprintf("7.7.%d", i+1), fmt.Sprintf("close with the valid code %d: answered with 1000 or %d", code, code),
			[]int{1000, code}, true, func(f *Fuzz) { f.closeFrame(code, nil) }))
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999} {
		cs = append(cs, closeCase(fmt.Sprintf("7.9.%d", i+1), fmt.Sprintf("close with the invalid code %d: answered with 1002", code),
			[]int{1002}, false, func(f *Fuzz) { f.closeFrame(code, nil) }))
	}
	for i, code := range []int{5000, 65535} {
		c := closeCase(fmt.Sprintf("7.13.%d", i+1), fmt.Sprintf("close with the code %d (the spec leaves the answer open)", code),
			[]int{1000, code, 1002}, false, func(f *Fuzz) { f.closeFrame(code, nil) })
		c.Judge = func(f *Fuzz, r *Result) {
			r.Behavior, r.BehaviorClose, r.Detail = Informational, Informational, "the spec leaves the answer open"
		}
		cs = append(cs, c)
	}
	return cs
}
