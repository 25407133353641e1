//go:build !js

package autobahn

import (
	"fmt"
	"unicode/utf8"
)

// 6.x: UTF-8 handling.
func utf8Cases() []*Case {
	hello := []byte("Hello-µ@ßöäüàá-UTF-8!!")
	kosme := []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5")
	echo := func(id, desc string, want []byte, run func(f *Fuzz)) *Case {
		return &Case{ID: id, Desc: desc, Expect: okOnly(msg(string(want))), Close: normalClose,
			Run: func(f *Fuzz) { run(f); f.closeAfter(sec(1)) }}
	}
	text := func(p []byte, fin bool, op byte) F { return F{Op: op, Fin: fin, Payload: p} }
	cs := []*Case{
		echo("6.1.1", "text message of length 0", nil, func(f *Fuzz) { f.send(text(nil, true, opText)) }),
		echo("6.1.2", "text message in 3 empty fragments", nil, func(f *Fuzz) {
			f.send(text(nil, false, opText), text(nil, false, opCont), text(nil, true, opCont))
		}),
		echo("6.1.3", "text message in 3 fragments, only the middle one not empty", []byte("middle frame payload"), func(f *Fuzz) {
			f.send(text(nil, false, opText), text([]byte("middle frame payload"), false, opCont), text(nil, true, opCont))
		}),
		echo("6.2.1", "valid UTF-8 text message in one fragment", hello, func(f *Fuzz) { f.message(false, hello, 0) }),
		echo("6.2.2", "valid UTF-8 text message in two fragments, split on a code point boundary", hello, func(f *Fuzz) {
			f.send(text([]byte("Hello-µ@ßöä"), false, opText), text([]byte("üàá-UTF-8!!"), true, opCont))
		}),
		echo("6.2.3", "valid UTF-8 text message in fragments of 1 byte", hello, func(f *Fuzz) { f.message(false, hello, 1) }),
		echo("6.2.4", "valid UTF-8 text message in fragments of 1 byte", kosme, func(f *Fuzz) { f.message(false, kosme, 1) }),
	}
	// 6.3: invalid exactly at byte 12 (0xa0: a UTF-16 surrogate).
	bad := append(append(append([]byte(nil), kosme...), 0xed, 0xa0, 0x80), "edited"...)
	for i, frag := range []int{0, 1} {
		cs = append(cs, &Case{ID: fmt.Sprintf("6.3.%d", i+1), Desc: fmt.Sprintf("invalid UTF-8 text message in fragments of %d bytes (0: one)", frag),
			Expect: okOnly(), Close: invalidData,
			Run: func(f *Fuzz) { f.message(false, bad, frag); f.killAfter(sec(1)) }})
	}
	cs = append(cs, failFast()...)
	for i, group := range utf8Vectors() {
		for j, v := range group.vectors {
			c := &Case{ID: fmt.Sprintf("6.%d.%d", i+5, j+1), Desc: fmt.Sprintf("%s: %x", group.name, v)}
			if utf8.Valid(v) {
				c.Expect, c.Close = okOnly(msg(string(v))), normalClose
			} else {
				c.Expect, c.Close = okOnly(), invalidData
			}
			c.Run = func(f *Fuzz) { f.message(false, v, 0); f.killAfter(sec(0.5)) }
			cs = append(cs, c)
		}
	}
	return cs
}

// failFast is 6.4.x: an invalid text message in three parts with a pause
// after each; the client must fail the connection during the second pause,
// when the second part made it invalid, not at the end of the message.
func failFast() []*Case {
	part1 := []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5")
	part2 := []byte("\xf4\x90\x80\x80") // 0x110000: out of range, invalid at its second byte
	part3 := []byte("edited")
	whole := append(append(append([]byte(nil), part1...), part2...), part3...)
	splits := [][3][]byte{
		{part1, part2, part3},
		{whole[:12], whole[12:13], whole[13:]}, // the second part is the one byte that breaks it
	}
	var cs []*Case
	for i, frames := range []bool{true, false} {
		for j, sp := range splits {
			n := i*2 + j + 1
			desc := "invalid UTF-8 text message in 3 frames, a pause after each"
			if !frames {
				desc = "invalid UTF-8 text message in one frame sent in 3 chops, a pause after each"
			}
			if j == 1 {
				desc += "; the second part is only the byte that makes it invalid"
			}
			cs = append(cs, &Case{ID: fmt.Sprintf("6.4.%d", n), Desc: desc,
				Expect: []Outcome{{OK, []Event{timeout("A")}}, {NonStrict, []Event{timeout("A"), timeout("B")}}},
				Close:  invalidData,
				Run: func(f *Fuzz) {
					send := func(k int) {
						if frames {
							op, fin := byte(opCont), k == 2
							if k == 0 {
								op = opText
							}
							f.send(F{Op: op, Fin: fin, Payload: sp[k]})
						} else {
							if k == 0 {
								f.raw(header(true, 0, opText, len(whole)))
							}
							f.raw(sp[k])
						}
					}
					send(0)
					f.pause(sec(1))
					if !f.isOpen() {
						f.killAfter(sec(1))
						return
					}
					f.record(timeout("A"))
					send(1)
					f.pause(sec(1))
					if !f.isOpen() {
						f.killAfter(sec(1))
						return
					}
					f.record(timeout("B"))
					send(2)
					f.killAfter(sec(1))
				}})
		}
	}
	return cs
}

type vectorGroup struct {
	name    string
	vectors [][]byte
}

// utf8Vectors are Autobahn's 6.5 to 6.22: Markus Kuhn's UTF-8 decoder
// test file, with each vector's validity as UTF-8 (RFC 3629) deciding
// what the client must do.
func utf8Vectors() []vectorGroup {
	b := func(s string) []byte { return []byte(s) }
	kosme := "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
	var gs []vectorGroup
	add := func(name string, vs ...string) {
		g := vectorGroup{name: name}
		for _, v := range vs {
			g.vectors = append(g.vectors, b(v))
		}
		gs = append(gs, g)
	}
	add("Some valid UTF-8 sequences", "hello\x24world", "hello\xc2\xa2world", "hello\xe2\x82\xacworld", "hello\xf0\xa4\xad\xa2world", kosme)
	var prefixes []string
	for i := 1; i <= len(kosme); i++ {
		prefixes = append(prefixes, kosme[:i])
	}
	add("All prefixes of a valid UTF-8 string that contains multi-byte code points", prefixes...)
	add("First possible sequence of a certain length", "\x00", "\xc2\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80")
	add("First possible sequence length 5/6 (invalid codepoints)", "\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80")
	add("Last possible sequence of a certain length", "\x7f", "\xdf\xbf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf")
	add("Last possible sequence length 4/5/6 (invalid codepoints)", "\xf7\xbf\xbf\xbf", "\xfb\xbf\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf\xbf")
	add("Other boundary conditions", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80")
	var run []byte
	for c := 0x80; c < 0xbf; c++ {
		run = append(run, byte(c))
	}
	add("Unexpected continuation bytes", "\x80", "\xbf", "\x80\xbf", "\x80\xbf\x80", "\x80\xbf\x80\xbf", "\x80\xbf\x80\xbf\x80", "\x80\xbf\x80\xbf\x80\xbf", string(run))
	var lonely []string
	for _, r := range [][2]int{{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}} {
		var s []byte
		for c := r[0]; c < r[1]; c++ { // Autobahn's range leaves the last one out
			s = append(s, byte(c), 0x20)
		}
		lonely = append(lonely, string(s))
	}
	add("Lonely start characters", lonely...)
	missing := []string{"\xc0", "\xe0\x80", "\xf0\x80\x80", "\xf8\x80\x80\x80", "\xfc\x80\x80\x80\x80",
		"\xdf", "\xef\xbf", "\xf7\xbf\xbf", "\xfb\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf"}
	add("Sequences with last continuation byte missing", missing...)
	all := ""
	for _, m := range missing {
		all += m
	}
	add("Concatenation of incomplete sequences", all)
	add("Impossible bytes", "\xfe", "\xff", "\xfe\xfe\xff\xff")
	add("Examples of an overlong ASCII character", "\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf8\x80\x80\x80\xaf", "\xfc\x80\x80\x80\x80\xaf")
	add("Maximum overlong sequences", "\xc1\xbf", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xf8\x87\xbf\xbf\xbf", "\xfc\x83\xbf\xbf\xbf\xbf")
	add("Overlong representation of the NUL character", "\xc0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xf8\x80\x80\x80\x80", "\xfc\x80\x80\x80\x80\x80")
	add("Single UTF-16 surrogates", "\xed\xa0\x80", "\xed\xad\xbf", "\xed\xae\x80", "\xed\xaf\xbf", "\xed\xb0\x80", "\xed\xbe\x80", "\xed\xbf\xbf")
	add("Paired UTF-16 surrogates", "\xed\xa0\x80\xed\xb0\x80", "\xed\xa0\x80\xed\xbf\xbf", "\xed\xad\xbf\xed\xb0\x80", "\xed\xad\xbf\xed\xbf\xbf",
		"\xed\xae\x80\xed\xb0\x80", "\xed\xae\x80\xed\xbf\xbf", "\xed\xaf\xbf\xed\xb0\x80", "\xed\xaf\xbf\xed\xbf\xbf")
	nonchars := []string{"\xef\xbf\xbe", "\xef\xbf\xbf"}
	for _, z1 := range []string{"\xf0", "\xf1", "\xf2", "\xf3", "\xf4"} {
		for _, z2 := range []string{"\x8f", "\x9f", "\xaf", "\xbf"} {
			if z1 == "\xf4" && z2 != "\x8f" {
				continue // past U+10FFFF
			}
			for _, z3 := range []string{"\xbe", "\xbf"} {
				zz := z1 + z2 + "\xbf" + z3
				if zz != "\xf0\x8f\xbf\xbe" && zz != "\xf0\x8f\xbf\xbf" { // overlong
					nonchars = append(nonchars, zz)
				}
			}
		}
	}
	add("Non-character code points (valid UTF-8)", nonchars...)
	add("Unicode specials (i.e. replacement char)", "\xef\xbf\xb9", "\xef\xbf\xba", "\xef\xbf\xbb", "\xef\xbf\xbc", "\xef\xbf\xbd", "\xef\xbf\xbe", "\xef\xbf\xbf")
	return gs
}
