//go:build !js

package autobahn

import (
	"bytes"
	"embed"
	"fmt"
	"time"
	"unicode/utf8"
)

// 12.x and 13.x: compression (case12_x_x.py). Each case sends 1,000
// messages cut from one of Autobahn's test files, each compressed, one at
// a time, and checks each echo (type, length, content) before the next;
// then the fuzzer closes. 12.x takes the client's offer as it is, with
// each file in turn; 13.x answers the offer in seven ways (context
// takeover or not, window 9 or 15 bits) with data1.json.

//go:embed testdata/data1.json testdata/lena512.bmp testdata/pg2229.txt testdata/data1.html testdata/10.1.1.105.5439.pdf
var testdata embed.FS

// testFile is one of WS_COMPRESSION_TESTDATA.
type testFile struct {
	name, desc string
	binary     bool
	data       []byte
	// runes: the byte offset of every character of a text file, and its
	// length at the end. Autobahn cuts text messages from the decoded
	// file: LEN characters, not bytes.
	runes []int
}

// testFiles, in WS_COMPRESSION_TESTDATA_KEYS order.
var testFiles = func() []*testFile {
	files := []*testFile{
		{name: "data1.json", desc: "Large JSON data file"},
		{name: "lena512.bmp", desc: "Lena Picture, Bitmap 512x512 bw", binary: true},
		{name: "pg2229.txt", desc: "Human readable text, Goethe's Faust I (German)", binary: true},
		{name: "data1.html", desc: "Large HTML file"},
		{name: "10.1.1.105.5439.pdf", desc: "A larger PDF", binary: true},
	}
	for _, f := range files {
		var err error
		if f.data, err = testdata.ReadFile("testdata/" + f.name); err != nil {
			panic(err)
		}
		if !f.binary {
			for i := range string(f.data) {
				f.runes = append(f.runes, i)
			}
			f.runes = append(f.runes, len(f.data))
		}
	}
	return files
}()

// cut returns the message of n units (bytes, or characters of a text
// file) that starts at unit from, wrapping around the end of the file,
// and where the next one starts (sendOne).
func (t *testFile) cut(from, n int) ([]byte, int) {
	size, at := len(t.data), func(i int) int { return i }
	if !t.binary {
		size, at = len(t.runes)-1, func(i int) int { return t.runes[i] }
	}
	to := (from + n) % size
	if to > from {
		return t.data[at(from):at(to)], to
	}
	return append(bytes.Clone(t.data[at(from):]), t.data[:at(to)]...), to
}

// msgSizes is MSG_SIZES: payload length, message count, case timeout
// (seconds), auto-fragment size.
var msgSizes = []struct{ size, count, wait, frag int }{
	{16, 1000, 60, 0}, {64, 1000, 60, 0}, {256, 1000, 120, 0}, {1024, 1000, 240, 0},
	{4096, 1000, 480, 0}, {8192, 1000, 480, 0}, {16384, 1000, 480, 0}, {32768, 1000, 480, 0},
	{65536, 1000, 480, 0}, {131072, 1000, 480, 0},
	{8192, 1000, 480, 256}, {16384, 1000, 480, 256}, {32768, 1000, 480, 256}, {65536, 1000, 480, 256},
	{131072, 1000, 480, 256}, {131072, 1000, 480, 1024}, {131072, 1000, 480, 4096}, {131072, 1000, 480, 32768},
}

// The accept functions of 12.x (accept_deflate) and 13.x (accept1 to
// accept7). autobahn-python reads every offer as accepting
// client_no_context_takeover, so accept2 never declines.
func acceptAs(noTakeover, needNoTakeover bool, bits int) acceptFunc {
	return func(offers []deflateOffer) (deflateAccept, bool) {
		for _, o := range offers {
			if (!needNoTakeover || o.acceptNoContextTakeover) && (bits == 0 || o.acceptMaxWindowBits) {
				return deflateAccept{offer: o, requestNoContextTakeover: noTakeover, requestMaxWindowBits: bits}, true
			}
		}
		return deflateAccept{}, false
	}
}

var (
	accept1 = acceptAs(false, false, 0)
	accept2 = acceptAs(true, true, 0)
	accept3 = acceptAs(false, false, 9)
	accept4 = acceptAs(false, false, 15)
	accept5 = acceptAs(true, true, 9)
	accept6 = acceptAs(true, true, 15)
	accept7 = func(offers []deflateOffer) (deflateAccept, bool) {
		for _, f := range []acceptFunc{accept5, accept2, accept1} {
			if a, ok := f(offers); ok {
				return a, true
			}
		}
		return deflateAccept{}, false
	}
)

// compression returns 12.x and 13.x.
func compression() []*Case {
	var cs []*Case
	for j, file := range testFiles {
		for i, s := range msgSizes {
			cs = append(cs, compressionCase(fmt.Sprintf("12.%d.%d", j+1, i+1), file, s.size, s.count, s.wait, s.frag, accept1,
				"the client's offer as it is"))
		}
	}
	answers := []struct {
		accept acceptFunc
		desc   string
	}{
		{accept1, "(client_no_context_takeover, client_max_window_bits): [(false, 0)]"},
		{accept2, "[(true, 0)]"},
		{accept3, "[(false, 9)]"},
		{accept4, "[(false, 15)]"},
		{accept5, "[(true, 9)]"},
		{accept6, "[(true, 15)]"},
		{accept7, "[(true, 9), (true, 0), (false, 0)]"},
	}
	for j, a := range answers {
		for i, s := range msgSizes {
			cs = append(cs, compressionCase(fmt.Sprintf("13.%d.%d", j+1, i+1), testFiles[0], s.size, s.count, s.wait, s.frag, a.accept,
				"the fuzzer's answer "+a.desc))
		}
	}
	return cs
}

func compressionCase(id string, file *testFile, size, count, wait, frag int, accept acceptFunc, answer string) *Case {
	kind := "text"
	if file.binary {
		kind = "binary"
	}
	c := &Case{ID: id, Close: normalClose, Accept: accept,
		Desc: fmt.Sprintf("%d compressed %s messages of %d from %s, fragments of %d bytes, %s", count, kind, size, file.name, frag, answer)}
	// The message sent last and the next one's start, for this run.
	type progress struct {
		sent    []byte
		next, n int
	}
	sendOne := func(f *Fuzz, p *progress) {
		p.sent, p.next = file.cut(p.next, size)
		p.n++
		f.sendCompressed(file.binary, p.sent, frag)
		f.flush()
	}
	c.Run = func(f *Fuzz) {
		if f.z == nil {
			// Autobahn: the client offered nothing the case accepts.
			f.mu.Lock()
			f.behavior, f.detail = Unimplemented, "permessage-deflate was not negotiated"
			f.mu.Unlock()
			f.sendClose(1000)
			f.closeAfter(closeTimeout)
			return
		}
		f.state = &progress{}
		f.setDetail(fmt.Sprintf("the case did not finish within %d s", wait))
		sendOne(f, f.state.(*progress))
		f.closeAfter(time.Duration(wait) * time.Second)
	}
	c.OnMessage = func(f *Fuzz, e Event) {
		p := f.state.(*progress)
		got, want := len(e.Data), len(p.sent)
		if !file.binary {
			got, want = utf8.RuneCount(e.Data), size
		}
		fail := ""
		switch {
		case e.Binary != file.binary:
			fail = fmt.Sprintf("the echo's type differs (binary %v, sent binary %v)", e.Binary, file.binary)
		case got != want:
			fail = fmt.Sprintf("the echo's length differs (%d, sent %d)", got, want)
		case !bytes.Equal(e.Data, p.sent):
			fail = "the echo's content differs"
		}
		switch {
		case fail != "":
			f.mu.Lock()
			f.behavior, f.detail = Failed, fmt.Sprintf("message %d: %s", p.n, fail)
			f.mu.Unlock()
			f.sendClose(1000)
		case p.n < count:
			sendOne(f, p)
		default:
			f.mu.Lock()
			f.behavior, f.detail = OK, ""
			f.mu.Unlock()
			f.sendClose(1000)
		}
	}
	return c
}
