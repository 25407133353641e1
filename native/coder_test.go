//go:build !js

package native

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// What this package relies on in coder/websocket, one test per assumption,
// each named for it (doc.go lists them with the file that relies on each).
// They drive coder/websocket itself, not our layers, over a connection of
// their own (pinConn) behind a fake upgrade (pinUpgrade): no network, and
// no timing but hang guards. The ones that need coder/websocket's own
// timers (3 s, 5 s) run on a fake clock, in coder_clock_test.go. When one
// fails after a coder/websocket upgrade, its message says which of our
// files relied on the old behaviour and what to re-check there.

// pin is what one test pins: the files of ours that rely on it and what
// to re-check there when it breaks.
type pin struct {
	t       *testing.T
	files   string
	recheck string
}

// fatalf fails the test loudly: what coder/websocket did, who relied on
// something else, what to re-check.
func (p pin) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("coder/websocket %s breaks an assumption of native/%s:\n\t%s\n\tre-check: %s",
		coderVersion(), p.files, fmt.Sprintf(format, args...), p.recheck)
}

// coderVersion is the coder/websocket that go.mod requires (a test binary
// carries no module versions).
func coderVersion() string {
	b, _ := os.ReadFile("../go.mod")
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "github.com/coder/websocket" && strings.HasPrefix(f[i+1], "v") {
				return f[i+1]
			}
		}
	}
	return "(version unknown)"
}

// pinConn is the upgraded connection as coder/websocket sees it in these
// tests: the server's bytes are fed to it (serve), and every Write is
// recorded as it came.
type pinConn struct {
	mu     sync.Mutex
	cond   sync.Cond
	in     []byte   // from the server, not read yet
	eof    bool     // the server closed its side: Read returns io.EOF once in is empty
	closed bool     // Close was called
	reads  int      // Read calls
	writes [][]byte // each Write's bytes
}

func newPinConn() *pinConn {
	c := new(pinConn)
	c.cond.L = &c.mu
	return c
}

func (c *pinConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	for len(c.in) == 0 && !c.eof && !c.closed {
		c.cond.Wait()
	}
	if c.closed {
		return 0, net.ErrClosed
	}
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *pinConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

func (c *pinConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	return nil
}

// serve makes frames readable, as if the server had sent them.
func (c *pinConn) serve(frames ...wireFrame) {
	var b []byte
	for _, f := range frames {
		b = append(b, f.bytes()...)
	}
	c.serveBytes(b)
}

// serveBytes makes b readable, as if the server had sent it.
func (c *pinConn) serveBytes(b []byte) {
	c.mu.Lock()
	c.in = append(c.in, b...)
	c.cond.Broadcast()
	c.mu.Unlock()
}

// state returns what was written so far (each Write), how many Reads were
// made, how many bytes wait unread, and whether Close was called.
func (c *pinConn) state() (writes [][]byte, reads, unread int, closed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes, c.reads, len(c.in), c.closed
}

// frames returns the frames written so far.
func (c *pinConn) frames() []clientFrameOf {
	writes, _, _, _ := c.state()
	return parseClientFrames(bytes.Join(writes, nil))
}

// waitFrames waits until ok accepts the frames written, and returns them.
func (c *pinConn) waitFrames(p pin, what string, ok func([]clientFrameOf) bool) []clientFrameOf {
	p.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
		if fs := c.frames(); ok(fs) {
			return fs
		}
		if time.Now().After(deadline) {
			p.fatalf("it did not write %s within 20s", what)
		}
	}
}

// waitReading waits until a Read has taken everything served and waits
// for more.
func (c *pinConn) waitReading(p pin) {
	p.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, reads, unread, _ := c.state(); reads > 0 && unread == 0 {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatal("no Read within 20s")
		}
	}
}

// wroteNothing fails the test if anything was written (a close frame,
// say) by the time what happened.
func (c *pinConn) wroteNothing(p pin, what string) {
	p.t.Helper()
	if fs := c.frames(); len(fs) != 0 {
		code, _, _ := closeSent(fs)
		p.fatalf("after %s it wrote %d frames (a close frame with code %d, 0 if none), want none", what, len(fs), code)
	}
}

// wantClose fails the test unless the first close frame written by the
// time what happened has code.
func (c *pinConn) wantClose(p pin, code int, what string) {
	p.t.Helper()
	if got, _, ok := closeSent(c.frames()); !ok || got != code {
		p.fatalf("after %s it sent close %d (0: no close frame), want %d", what, got, code)
	}
}

// clientFrameOf is one frame coder/websocket wrote, its payload unmasked.
type clientFrameOf struct {
	rsv1, masked bool
	op           byte
	payload      []byte
	size         int // of the whole frame, header included
}

// parseClientFrames splits b into frames; a frame cut off at the end is
// left out.
func parseClientFrames(b []byte) []clientFrameOf {
	var fs []clientFrameOf
	for len(b) >= 2 {
		need := headerLen(b[1])
		if len(b) < need {
			break
		}
		n := payloadLen(b[:need])
		if uint64(len(b)-need) < n {
			break
		}
		f := clientFrameOf{
			rsv1: b[0]&0x40 != 0, masked: b[1]&0x80 != 0, op: b[0] & 0x0f,
			payload: bytes.Clone(b[need : need+int(n)]), size: need + int(n),
		}
		if f.masked {
			key := b[need-4 : need]
			for i := range f.payload {
				f.payload[i] ^= key[i%4]
			}
		}
		fs = append(fs, f)
		b = b[f.size:]
	}
	return fs
}

// closeSent returns the code and reason of the first close frame in fs;
// ok is false if there is none. A close frame without a payload is 1005.
func closeSent(fs []clientFrameOf) (code int, reason string, ok bool) {
	for _, f := range fs {
		if f.op != 0x8 {
			continue
		}
		if len(f.payload) < 2 {
			return 1005, "", true
		}
		return int(binary.BigEndian.Uint16(f.payload)), string(f.payload[2:]), true
	}
	return 0, "", false
}

// pinUpgrade is the HTTP client's transport in these tests: it answers
// the upgrade request itself, with a 101 whose body is conn (a correct
// Sec-WebSocket-Accept unless badAccept), or with status and body.
type pinUpgrade struct {
	conn      *pinConn
	status    int           // 0: 101
	body      io.ReadCloser // the body of a response other than 101
	header    http.Header   // set in the response, over the 101's own headers
	badAccept bool
	req       *http.Request // the upgrade request coder/websocket sent
}

func (u *pinUpgrade) RoundTrip(req *http.Request) (*http.Response, error) {
	u.req = req
	resp := &http.Response{StatusCode: u.status, Header: http.Header{}, Body: u.body, Request: req, ProtoMajor: 1, ProtoMinor: 1}
	if u.status == 0 {
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		accept := base64.StdEncoding.EncodeToString(sum[:])
		if u.badAccept {
			accept = "not" + accept
		}
		resp.StatusCode, resp.Body = http.StatusSwitchingProtocols, u.conn
		resp.Header.Set("Connection", "Upgrade")
		resp.Header.Set("Upgrade", "websocket")
		resp.Header.Set("Sec-WebSocket-Accept", accept)
	}
	for k, v := range u.header {
		resp.Header[k] = v
	}
	return resp, nil
}

// dialPin dials through u with o (nil: the defaults), whose HTTPClient it
// sets.
func dialPin(u *pinUpgrade, o *websocket.DialOptions) (*websocket.Conn, *http.Response, error) {
	if o == nil {
		o = &websocket.DialOptions{}
	}
	o.HTTPClient = &http.Client{Transport: u}
	return websocket.Dial(context.Background(), "ws://pin.test/", o)
}

// openPin dials a fresh pinConn, with the server's answer carrying
// header; the connection is closed when the test ends.
func openPin(p pin, header http.Header, o *websocket.DialOptions) (*websocket.Conn, *pinConn) {
	p.t.Helper()
	pc := newPinConn()
	ws, _, err := dialPin(&pinUpgrade{conn: pc, header: header}, o)
	if err != nil {
		p.fatalf("the dial through a correct upgrade response (extra headers %v) failed: %v", header, err)
	}
	p.t.Cleanup(func() { ws.CloseNow() })
	return ws, pc
}

// readErr reads one message and returns the error that ends it; a message
// that comes instead fails the test.
func readErr(p pin, ws *websocket.Conn, after string) error {
	p.t.Helper()
	typ, b, err := ws.Read(context.Background())
	if err == nil {
		p.fatalf("after %s Read returned a message (type %v, %q), want an error", after, typ, b)
	}
	return err
}

// async runs f on a goroutine of its own; its error comes on the channel.
func async(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

// await returns the error ch brings; nothing within 20s fails the test
// (a hang guard, not a timing assertion).
func await(p pin, what string, ch <-chan error) error {
	p.t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(20 * time.Second):
		p.fatalf("%s did not return within 20s", what)
		return nil
	}
}

// readAsync reads one message on a goroutine of its own; the error that
// ends it comes on the channel.
func readAsync(ws *websocket.Conn) <-chan error {
	return async(func() error { _, _, err := ws.Read(context.Background()); return err })
}

// deflateAnswer is the server's answer to our permessage-deflate offer
// (check.go's deflateOffer): it keeps its own context, we keep none.
var deflateAnswer = http.Header{"Sec-Websocket-Extensions": {"permessage-deflate; client_no_context_takeover"}}

// deflateOptions are the dial options of dial.go with Options.Compression.
func deflateOptions() *websocket.DialOptions {
	return &websocket.DialOptions{CompressionMode: websocket.CompressionContextTakeover, CompressionThreshold: compressMin}
}

// deflated compresses msgs as a server with context takeover does: one
// compressor for all, each message flushed and its 00 00 ff ff tail cut.
func deflated(t *testing.T, msgs ...[]byte) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		buf.Reset()
		w.Write(m)
		w.Flush()
		out = append(out, bytes.Clone(bytes.TrimSuffix(buf.Bytes(), []byte{0, 0, 0xff, 0xff})))
	}
	return out
}

// inflate inflates one message compressed on its own (no earlier window).
func inflate(p []byte) ([]byte, error) {
	// The cut tail, then an empty final block, so that the stream ends.
	r := flate.NewReader(io.MultiReader(bytes.NewReader(p), strings.NewReader("\x00\x00\xff\xff\x01\x00\x00\xff\xff")))
	defer r.Close()
	return io.ReadAll(r)
}

// The connection, its frames, closing, pings and dialling.

func TestCoderTalksThroughResponseBody(t *testing.T) {
	p := pin{t, "check.go (upgradeTransport, checkedConn), cork.go, sent.go, nbwrite.go and keepalive.go",
		"that upgradeTransport's checkedConn still sees every byte of the connection: the read follower, the cork, the write follower, the non-blocking writes and keepalive's byte counts all sit in it; and that Dial may still arm it after coder/websocket returns"}
	ws, pc := openPin(p, nil, nil)
	if _, reads, _, _ := pc.state(); reads != 0 {
		p.fatalf("Dial read the 101 response's body %d times before it returned; checkedConn reads as empty until Dial arms it", reads)
	}
	if err := ws.Write(context.Background(), websocket.MessageBinary, []byte("out")); err != nil {
		p.fatalf("Write failed: %v", err)
	}
	if fs := pc.frames(); len(fs) != 1 || string(fs[0].payload) != "out" {
		p.fatalf("a message written did not reach the 101 response's body: frames written there %+v", fs)
	}
	pc.serve(binFrame(true, "in"))
	if _, got, err := ws.Read(context.Background()); err != nil || string(got) != "in" {
		p.fatalf("a message the server sent through the 101 response's body was not read from it: %q, %v", got, err)
	}
}

func TestCoderWritesEachMessageAtOnce(t *testing.T) {
	p := pin{t, "cork.go and datawrite.go",
		"corking exists because each message costs coder/websocket a write of its own, which the cork gathers while a burst waits; and our own data frames go out between its frames, which needs each of its control frames whole in one write"}
	ws, pc := openPin(p, nil, nil)
	sizes := []int{1, 100, 1000, 4000}
	for _, n := range sizes {
		if err := ws.Write(context.Background(), websocket.MessageBinary, make([]byte, n)); err != nil {
			p.fatalf("Write of %d bytes failed: %v", n, err)
		}
	}
	pc.serve(closingFrame(1000, "")) // the answer, in place already: Close does not wait
	if err := ws.Close(websocket.StatusNormalClosure, strings.Repeat("r", 123)); err != nil {
		p.fatalf("Close, answered, failed: %v", err)
	}
	sizes = append(sizes, 2+123) // the close frame's payload
	writes, _, _, _ := pc.state()
	fs := pc.frames()
	if len(writes) != len(sizes) || len(fs) != len(sizes) {
		p.fatalf("%d messages and a close frame went out in %d writes (%d frames), want one write each", len(sizes)-1, len(writes), len(fs))
	}
	for i, f := range fs {
		if len(writes[i]) != f.size || len(f.payload) != sizes[i] {
			p.fatalf("frame %d (%d bytes of payload, op %d) went out in a write of %d bytes, want its whole frame of %d", i, sizes[i], f.op, len(writes[i]), f.size)
		}
	}
}

func TestCoderWritesIn4KiBPieces(t *testing.T) {
	p := pin{t, "cork.go and conn.go (corkBig)",
		"cork.go gathers the pieces of a big message into writes of up to corkMax, and conn.go corks only messages above corkBig, taking the pieces below it to be few; with another write buffer size, re-measure corkBig (make bench)"}
	ws, pc := openPin(p, nil, nil)
	const size = 20 << 10
	if err := ws.Write(context.Background(), websocket.MessageBinary, make([]byte, size)); err != nil {
		p.fatalf("Write failed: %v", err)
	}
	writes, _, _, _ := pc.state()
	total := 0
	for i, w := range writes {
		total += len(w)
		if i < len(writes)-1 && len(w) != 4096 {
			p.fatalf("a %d-byte message went out in writes of %v bytes, want 4096-byte pieces and the rest", size, lens(writes))
		}
	}
	if fs := pc.frames(); len(fs) != 1 || len(fs[0].payload) != size || total != fs[0].size || len(writes) != (total+4095)/4096 {
		p.fatalf("a %d-byte message went out in writes of %v bytes, want one frame in 4096-byte pieces", size, lens(writes))
	}
}

// lens returns the length of each of bs.
func lens(bs [][]byte) []int {
	var n []int
	for _, b := range bs {
		n = append(n, len(b))
	}
	return n
}

func TestCoderMasksEveryFrame(t *testing.T) {
	p := pin{t, "sent.go", "sentFrames reads the close code out of the frames written, unmasking it with each frame's key"}
	ws, pc := openPin(p, nil, nil)
	ctx := context.Background()
	ws.Write(ctx, websocket.MessageText, []byte("text"))
	ws.Write(ctx, websocket.MessageBinary, []byte("binary"))
	pc.serve(closingFrame(4001, "")) // the answer, in place already: Close does not wait
	if err := ws.Close(4001, "close reason"); err != nil {
		p.fatalf("Close, answered with the same code, failed: %v", err)
	}
	fs := pc.frames()
	if len(fs) != 3 {
		p.fatalf("wrote %d frames, want 3 (text, binary, close)", len(fs))
	}
	for i, want := range []string{"text", "binary", "\x0f\xa1close reason"} {
		if !fs[i].masked || string(fs[i].payload) != want {
			p.fatalf("frame %d: masked %v, payload unmasked with its key %q; want masked, %q", i, fs[i].masked, fs[i].payload, want)
		}
	}
}

func TestCoderAcceptsMaskedServerFrames(t *testing.T) {
	p := pin{t, "check.go (errMaskedFrame)",
		"checkedConn fails a masked frame from the server itself, with 1002, because coder/websocket lets it through; if coder/websocket refuses it now, see which close code it sends (sent.go reads it) and whether the check is still needed"}
	ws, pc := openPin(p, nil, nil)
	f := wireFrame{fin: true, masked: true, op: 0x2, payload: []byte("abcd"), key: [4]byte{1, 2, 3, 4}}
	pc.serve(f)
	typ, got, err := ws.Read(context.Background())
	masked := []byte{'a' ^ 1, 'b' ^ 2, 'c' ^ 3, 'd' ^ 4}
	if err != nil || typ != websocket.MessageBinary || !bytes.Equal(got, masked) {
		p.fatalf("a masked binary frame from the server read as (%v, %q, %v), want the payload still masked (%q) and no error", typ, got, err, masked)
	}
	pc.wroteNothing(p, "a masked frame from the server")
}

func TestCoderFailsHugeLengthWithoutCloseFrame(t *testing.T) {
	p := pin{t, "check.go (errFrameLength)",
		"checkedConn fails a 64-bit length with its top bit set itself, with 1002, because coder/websocket fails the read without a close frame; if it sends one now, sent.go reports its code"}
	ws, pc := openPin(p, nil, nil)
	pc.serveBytes([]byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1})
	readErr(p, ws, "a frame length with its top bit set")
	pc.wroteNothing(p, "a frame length with its top bit set")
}

func TestCoderDoesNotCheckUTF8(t *testing.T) {
	p := pin{t, "check.go and utf8.go (errInvalidUTF8)",
		"checkedConn checks uncompressed text as it arrives, and the root package every text message, because coder/websocket checks none; if it checks now, see when it fails (at the byte, or at the end) and with which code"}
	ws, pc := openPin(p, nil, nil)
	pc.serve(textFrame(false, "ok \xff"), contFrame(true, "\xfe"))
	typ, got, err := ws.Read(context.Background())
	if err != nil || typ != websocket.MessageText || string(got) != "ok \xff\xfe" {
		p.fatalf("a text message that is not UTF-8 read as (%v, %q, %v), want it delivered as is", typ, got, err)
	}
}

func TestCoderReadReturnsCloseError(t *testing.T) {
	p := pin{t, "conn.go (End, closeStatus)",
		"closeStatus takes the peer's close code and reason from a websocket.CloseError in the error that ended Read (1005 when its close frame had no payload), and calls that a clean close"}
	for _, tc := range []struct {
		frame  wireFrame
		code   websocket.StatusCode
		reason string
	}{
		{closingFrame(4001, "bye"), 4001, "bye"},
		{wireFrame{fin: true, op: 0x8}, websocket.StatusNoStatusRcvd, ""},
	} {
		ws, pc := openPin(p, nil, nil)
		pc.serve(tc.frame)
		err := readErr(p, ws, "the server's close frame")
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != tc.code || ce.Reason != tc.reason {
			p.fatalf("after the server's close frame %q Read returned %v, want a CloseError with code %d and reason %q", tc.frame.payload, err, tc.code, tc.reason)
		}
	}
}

func TestCoderEchoesCloseReason(t *testing.T) {
	p := pin{t, "check.go (errCloseReason) and conn.go (closeStatus)",
		"checkedConn holds back a close frame whose reason is not UTF-8 so that coder/websocket does not echo it, and closeStatus checks the reason's UTF-8 itself"}
	ws, pc := openPin(p, nil, nil)
	pc.serve(closingFrame(4002, "\xffbad"))
	err := readErr(p, ws, "a close frame whose reason is not UTF-8")
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Reason != "\xffbad" {
		p.fatalf("a close reason that is not UTF-8 read as %v, want it in a CloseError as is", err)
	}
	if code, reason, ok := closeSent(pc.frames()); !ok || code != 4002 || reason != "\xffbad" {
		p.fatalf("it answered close 4002 %q with close %d %q (sent: %v), want the same code and reason echoed", "\xffbad", code, reason, ok)
	}
}

func TestCoderReportsProtocolCloseOnlyAsText(t *testing.T) {
	p := pin{t, "sent.go and conn.go (closeStatus)",
		"closeStatus reads the code of the close frame coder/websocket sent on a protocol violation off the wire (sentFrames), because the error it returns carries none; if the error carries it now, use that instead"}
	ws, pc := openPin(p, nil, nil)
	pc.serve(frame(true, 0x3, "reserved opcode"))
	err := readErr(p, ws, "a frame with a reserved opcode")
	pc.wantClose(p, 1002, "a frame with a reserved opcode")
	if st := websocket.CloseStatus(err); st != -1 || errors.Is(err, websocket.ErrMessageTooBig) {
		p.fatalf("the error of a protocol violation (%v) now carries a status (%d), want text only", err, st)
	}
}

func TestCoderClosesWith1009PastReadLimit(t *testing.T) {
	p := pin{t, "conn.go (the ErrMessageTooBig row of failures) and sent.go",
		"a message past the read limit is coder/websocket's failure: it sends 1009 itself (ours=false) and returns an error wrapping ErrMessageTooBig"}
	ws, pc := openPin(p, nil, nil)
	ws.SetReadLimit(10)
	pc.serve(binFrame(true, "eleven byte"))
	err := readErr(p, ws, "a message past the read limit")
	if !errors.Is(err, websocket.ErrMessageTooBig) {
		p.fatalf("a message past the read limit failed with %v, want an error wrapping ErrMessageTooBig", err)
	}
	pc.wantClose(p, 1009, "a message past the read limit")
}

func TestCoderReadLimitIsInclusive(t *testing.T) {
	p := pin{t, "dial.go (SetReadLimit(MaxMessageSize))",
		"Params.MaxMessageSize is inclusive (a message of exactly that size is accepted), and dial.go passes it to SetReadLimit unchanged"}
	ws, pc := openPin(p, nil, nil)
	ws.SetReadLimit(10)
	pc.serve(binFrame(false, "ten "), contFrame(true, "bytes!"))
	if _, got, err := ws.Read(context.Background()); err != nil || len(got) != 10 {
		p.fatalf("with a read limit of 10, a 10-byte message in two frames read as %q, %v; want it accepted", got, err)
	}
	pc.serve(binFrame(true, "eleven byte"))
	if err := readErr(p, ws, "an 11-byte message with a read limit of 10"); !errors.Is(err, websocket.ErrMessageTooBig) {
		p.fatalf("with a read limit of 10, an 11-byte message failed with %v, want ErrMessageTooBig", err)
	}
}

func TestCoderReadLimitNegativeIsNone(t *testing.T) {
	p := pin{t, "dial.go (SetReadLimit(MaxMessageSize))",
		"a negative MaxMessageSize means no limit, and dial.go passes it to SetReadLimit unchanged (not only -1)"}
	ws, pc := openPin(p, nil, nil)
	ws.SetReadLimit(-5)
	big := strings.Repeat("x", 100<<10) // past coder/websocket's default of 32 KiB
	pc.serve(binFrame(true, big))
	if _, got, err := ws.Read(context.Background()); err != nil || len(got) != len(big) {
		p.fatalf("with a read limit of -5, a %d-byte message read as %d bytes, %v; want no limit", len(big), len(got), err)
	}
}

func TestCoderReaderEndsWithBareEOF(t *testing.T) {
	p := pin{t, "read.go (readMessage)", "readMessage ends a message at err == io.EOF exactly, not errors.Is"}
	ws, pc := openPin(p, nil, nil)
	pc.serve(binFrame(false, "one "), contFrame(false, "two "), contFrame(true, "three"))
	_, r, err := ws.Reader(context.Background())
	if err != nil {
		p.fatalf("Reader failed: %v", err)
	}
	var got []byte
	buf := make([]byte, 3)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == nil {
			continue
		}
		if err != io.EOF || string(got) != "one two three" {
			p.fatalf("a message read in 3-byte pieces gave %q and ended with %#v, want %q and io.EOF itself", got, err, "one two three")
		}
		return
	}
}

func TestCoderReadSeesAnswerToOurClose(t *testing.T) {
	p := pin{t, "send.go (Close) and conn.go (closeStatus)",
		"Close's contract: Read ends when the closing handshake is done. When our reader waits in Read as the answer comes, it reads the answer, and its error carries it as a CloseError (otherwise coder/websocket's Close reads it, Read returns net.ErrClosed, and closeStatus falls back to the code we sent)"}
	ws, pc := openPin(p, nil, nil)
	read := readAsync(ws)
	pc.waitReading(p)
	closed := async(func() error { return ws.Close(websocket.StatusNormalClosure, "") })
	pc.waitFrames(p, "the close frame", func(fs []clientFrameOf) bool { _, _, ok := closeSent(fs); return ok })
	pc.serve(closingFrame(1000, "bye"))
	var ce websocket.CloseError
	if err := await(p, "Read, once the server answered Close,", read); !errors.As(err, &ce) || ce.Code != 1000 || ce.Reason != "bye" {
		p.fatalf("while Close waited, Read returned %v, want the server's answer as a CloseError (1000, %q)", err, "bye")
	}
	if err := await(p, "Close, once the server answered,", closed); err != nil {
		p.fatalf("Close returned %v after the server answered, want nil", err)
	}
}

func TestCoderCloseNowClosesAtOnce(t *testing.T) {
	p := pin{t, "conn.go (Abort, abortNow), keepalive.go and control.go (letGo)",
		"Abort and keepalive's kill end the connection with CloseNow, and letGo ends coder/websocket's part once we speak the protocol: it must close the connection without a close frame, end a Read that waits, and be safe to call again"}
	ws, pc := openPin(p, nil, nil)
	read := readAsync(ws)
	pc.waitReading(p)
	await(p, "CloseNow, called twice (Abort and keepalive may both call it),", async(func() error {
		ws.CloseNow()
		return ws.CloseNow()
	}))
	if err := await(p, "a Read that waited, after CloseNow,", read); err == nil {
		p.fatalf("Read returned no error after CloseNow")
	}
	if _, _, _, closed := pc.state(); !closed {
		p.fatalf("CloseNow did not close the connection under it")
	}
	pc.wroteNothing(p, "CloseNow")
}

func TestCoderPingNeedsConcurrentReader(t *testing.T) {
	p := pin{t, "keepalive.go",
		"keepalive pings only while the root package's reader runs (its pong is read there), and counts a ping's wait only while Read waits; if Ping reads its pong itself now, simplify that"}
	ws, pc := openPin(p, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	pinged := async(func() error { return ws.Ping(ctx) })
	fs := pc.waitFrames(p, "a ping", func(fs []clientFrameOf) bool { return len(fs) > 0 })
	if fs[0].op != 0x9 {
		p.fatalf("Ping wrote a frame with opcode %d, want 9", fs[0].op)
	}
	pc.serve(pongFrame(string(fs[0].payload)))
	cancel()
	err := await(p, "Ping, its context cancelled,", pinged)
	if _, reads, _, _ := pc.state(); err == nil || reads != 0 {
		p.fatalf("with no Reader running, Ping returned %v and the connection was read %d times; want it to wait (the pong unread) until its context ended", err, reads)
	}
	// With a reader, the same Ping gets its answer.
	readAsync(ws)
	pinged = async(func() error { return ws.Ping(context.Background()) })
	fs = pc.waitFrames(p, "a second ping", func(fs []clientFrameOf) bool { return len(fs) > 1 })
	pc.serve(pongFrame(string(fs[1].payload)))
	if err := await(p, "Ping, with a Reader running and its pong sent,", pinged); err != nil {
		p.fatalf("with a Reader running, Ping failed: %v", err)
	}
}

func TestCoderPingPayloadIsCounter(t *testing.T) {
	p := pin{t, "keepalive.go (maxPingFrame)",
		"keepalive does not count its own ping as a sign of life, taking a ping frame to be at most maxPingFrame bytes: header, mask, decimal counter"}
	ws, pc := openPin(p, nil, nil)
	readAsync(ws)
	for i := 1; i <= 3; i++ {
		pinged := async(func() error { return ws.Ping(context.Background()) })
		fs := pc.waitFrames(p, "a ping", func(fs []clientFrameOf) bool { return len(fs) == i })
		f := fs[i-1]
		if f.op != 0x9 || string(f.payload) != strconv.Itoa(i) || f.size > maxPingFrame {
			p.fatalf("ping %d went out as opcode %d, payload %q, %d bytes; want a ping of the counter %q, at most %d bytes", i, f.op, f.payload, f.size, strconv.Itoa(i), maxPingFrame)
		}
		pc.serve(pongFrame(string(f.payload)))
		if err := await(p, "Ping, its pong sent,", pinged); err != nil {
			p.fatalf("Ping %d failed: %v", i, err)
		}
	}
}

func TestCoderKeepsRefusedBody1KiB(t *testing.T) {
	p := pin{t, "dial.go (refusedBodyMax, Handshake.Body)",
		"HandshakeResponse.Response is at most the first 1 KiB of a refused upgrade's body, read from the response coder/websocket returns with its error"}
	body := bytes.Repeat([]byte("0123456789abcdef"), 200) // 3200 bytes, then EOF
	_, resp, err := dialPin(&pinUpgrade{status: http.StatusForbidden, body: io.NopCloser(bytes.NewReader(body))}, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		p.fatalf("a refused upgrade (403) returned err %v and response %v, want both, status 403", err, resp)
	}
	if got, rerr := io.ReadAll(resp.Body); rerr != nil || !bytes.Equal(got, body[:refusedBodyMax]) {
		p.fatalf("the refused upgrade's response body read %d bytes (%v), want its first %d", len(got), rerr, refusedBodyMax)
	}
}

func TestCoderReturns101WithHandshakeError(t *testing.T) {
	p := pin{t, "dial.go (HandshakeError)",
		"a failed Dial whose response is a 101 is the server breaking the handshake (HandshakeError, which the root package reports as ErrProtocol)"}
	for _, tc := range []struct {
		name string
		u    *pinUpgrade
		o    *websocket.DialOptions
	}{
		{"a wrong Sec-WebSocket-Accept", &pinUpgrade{badAccept: true}, nil},
		{"a subprotocol not offered", &pinUpgrade{header: http.Header{"Sec-Websocket-Protocol": {"other"}}}, &websocket.DialOptions{Subprotocols: []string{"chat"}}},
	} {
		tc.u.conn = newPinConn()
		tc.u.conn.eof = true // the body read after the refusal ends at once
		ws, resp, err := dialPin(tc.u, tc.o)
		if err == nil || resp == nil || resp.StatusCode != http.StatusSwitchingProtocols {
			if ws != nil {
				ws.CloseNow()
			}
			p.fatalf("a 101 with %s returned err %v, response %v; want an error and the 101 response", tc.name, err, resp)
		}
	}
}

func TestCoderAllowsNoSubprotocol(t *testing.T) {
	p := pin{t, "dial.go (Handshake.Protocol), and conn.go in the root package (ErrSubprotocol)",
		"the root package fails a connection whose server chose none of the requested subprotocols itself, with ErrSubprotocol (final, as in browsers), after a Dial that succeeded"}
	ws, resp, err := dialPin(&pinUpgrade{conn: newPinConn()}, &websocket.DialOptions{Subprotocols: []string{"chat"}})
	if err != nil {
		p.fatalf("a 101 that chose none of the subprotocols offered failed the dial: %v (response %v); want a connection with no subprotocol", err, resp)
	}
	defer ws.CloseNow()
	if ws.Subprotocol() != "" || resp.Header.Get("Sec-WebSocket-Protocol") != "" {
		p.fatalf("the subprotocol is %q, want none", ws.Subprotocol())
	}
}

func TestCoderChecksRSVBits(t *testing.T) {
	p := pin{t, "check.go (checkedConn leaves RSV bits alone)",
		"checkedConn checks no RSV bit, because coder/websocket fails with 1002 an RSV2 or RSV3, and an RSV1 unless permessage-deflate was negotiated and the frame starts a data message (RFC 7692 section 6)"}
	for _, tc := range []struct {
		name   string
		header http.Header
		o      *websocket.DialOptions
		stream []byte
	}{
		{"RSV1 without permessage-deflate", nil, nil, wireFrame{fin: true, rsv1: true, op: 0x2, payload: []byte("x")}.bytes()},
		{"RSV1 on a continuation frame", deflateAnswer, deflateOptions(), append(binFrame(false, "x").bytes(), wireFrame{fin: true, rsv1: true, op: 0x0, payload: []byte("x")}.bytes()...)},
		{"RSV2", nil, nil, []byte{0x80 | 0x20 | 0x2, 1, 'x'}},
		{"RSV3", deflateAnswer, deflateOptions(), []byte{0x80 | 0x10 | 0x2, 1, 'x'}},
	} {
		ws, pc := openPin(p, tc.header, tc.o)
		pc.serveBytes(tc.stream)
		readErr(p, ws, tc.name)
		pc.wantClose(p, 1002, tc.name)
	}
}

func TestCoderSendsOurCloseCodes(t *testing.T) {
	p := pin{t, "conn.go (closeNow) and the root package's DisconnectWith",
		"Close and Fail hand coder/websocket the codes 1000, 1002, 1007, 1009 and 3000-4999 with reasons of up to 123 bytes (wire.MaxCloseReason), and the close frame must carry them as given"}
	long := strings.Repeat("r", 123)
	for _, tc := range []struct {
		code   websocket.StatusCode
		reason string
	}{{1000, ""}, {1002, "masked frame from server"}, {1007, long}, {1009, ""}, {3000, long}, {4999, "é"}} {
		ws, pc := openPin(p, nil, nil)
		pc.serve(closingFrame(uint16(tc.code), "")) // the answer, in place already
		err := ws.Close(tc.code, tc.reason)
		if code, reason, ok := closeSent(pc.frames()); !ok || code != int(tc.code) || reason != tc.reason {
			p.fatalf("Close(%d, a %d-byte reason) sent close %d with a %d-byte reason (sent: %v, err %v); want them as given", tc.code, len(tc.reason), code, len(reason), ok, err)
		}
	}
}

// permessage-deflate.

func TestCoderDeflateOfferIsOneHeader(t *testing.T) {
	p := pin{t, "check.go (upgradeTransport, deflateOffer)",
		"upgradeTransport replaces coder/websocket's offer with deflateOffer by setting Sec-WebSocket-Extensions; an offer elsewhere, or in a header of another name, would go out next to ours"}
	u := &pinUpgrade{conn: newPinConn(), header: deflateAnswer}
	ws, _, err := dialPin(u, deflateOptions())
	if err != nil {
		p.fatalf("the answer %q to the offer failed the dial: %v", deflateAnswer.Get("Sec-WebSocket-Extensions"), err)
	}
	defer ws.CloseNow()
	if got := u.req.Header.Values("Sec-WebSocket-Extensions"); len(got) != 1 || got[0] != "permessage-deflate" {
		p.fatalf("with CompressionContextTakeover the request's Sec-WebSocket-Extensions is %q, want the one value %q", got, "permessage-deflate")
	}
	for k, v := range u.req.Header {
		if k != "Sec-Websocket-Extensions" && strings.Contains(strings.Join(v, ","), "deflate") {
			p.fatalf("the request carries a deflate offer in %s: %q", k, v)
		}
	}
}

func TestCoderCorruptDeflateSendsNoCloseFrame(t *testing.T) {
	p := pin{t, "conn.go (isCorruptDeflate)",
		"a compressed message that does not inflate is failed by us with 1002, because coder/websocket returns the inflater's error and sends no close frame"}
	ws, pc := openPin(p, deflateAnswer, deflateOptions())
	pc.serve(wireFrame{fin: true, rsv1: true, op: 0x2, payload: []byte{0xff, 0xff, 0xff}}) // a block of the reserved type 3
	err := readErr(p, ws, "corrupt compressed data")
	if !isCorruptDeflate(err) {
		p.fatalf("corrupt compressed data failed with %v, want an error wrapping flate.CorruptInputError or flate.InternalError", err)
	}
	pc.wroteNothing(p, "corrupt compressed data")
}

func TestCoderReadLimitCountsInflatedBytes(t *testing.T) {
	p := pin{t, "conn.go (the ErrMessageTooBig row of failures), dial.go (SetReadLimit)",
		"MaxMessageSize bounds the inflated size of a compressed message, inclusively, with 1009, found as it inflates"}
	ws, pc := openPin(p, deflateAnswer, deflateOptions())
	ws.SetReadLimit(1000)
	for _, n := range []int{1000, 1001} {
		c := deflated(t, make([]byte, n))[0]
		pc.serve(wireFrame{fin: true, rsv1: true, op: 0x2, payload: c})
		_, got, err := ws.Read(context.Background())
		switch {
		case n == 1000 && (err != nil || len(got) != n):
			p.fatalf("with a read limit of 1000, a message of %d compressed bytes that inflates to 1000 read as %d bytes (%v); want it accepted", len(c), len(got), err)
		case n == 1001 && !errors.Is(err, websocket.ErrMessageTooBig):
			p.fatalf("with a read limit of 1000, a message of %d compressed bytes that inflates to 1001 read as %d bytes (%v); want ErrMessageTooBig", len(c), len(got), err)
		}
	}
	pc.wantClose(p, 1009, "a compressed message that inflates past the limit")
}
