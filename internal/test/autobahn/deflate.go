//go:build !js

package autobahn

import (
	"bytes"
	"compress/flate"
	"fmt"
	"strconv"
	"strings"

	"github.com/hybridws/websocket/internal/test/inflate"
)

// permessage-deflate on the fuzzer's side, as autobahn-python 0.10.9 (the
// version the suite pins) does it as a server: it parses the client's
// offers (PerMessageDeflateOffer.parse), lets the case's accept function
// pick one and answer it (PerMessageDeflateOfferAccept), then compresses
// with zlib at its default level and inflates with the window the answer
// set (PerMessageDeflate).

// deflateOffer is one permessage-deflate offer of the client, as
// autobahn-python reads it.
type deflateOffer struct {
	acceptNoContextTakeover  bool // autobahn-python assumes true whatever the offer says
	acceptMaxWindowBits      bool // the offer has client_max_window_bits
	requestNoContextTakeover bool // the offer has server_no_context_takeover
	requestMaxWindowBits     int  // the offer's server_max_window_bits, 0 if none
}

// deflateAccept is an accept function's answer to an offer
// (PerMessageDeflateOfferAccept).
type deflateAccept struct {
	offer                    deflateOffer
	requestNoContextTakeover bool // client_no_context_takeover in the answer
	requestMaxWindowBits     int  // client_max_window_bits=N in the answer, 0 if none
}

// acceptFunc is a case's SERVER_ACCEPT: an answer to one of the offers, or
// false to take none (the case is then UNIMPLEMENTED).
type acceptFunc func(offers []deflateOffer) (deflateAccept, bool)

// answer is the Sec-WebSocket-Extensions answer (getExtensionString).
func (a deflateAccept) answer() string {
	s := "permessage-deflate"
	if a.offer.requestNoContextTakeover {
		s += "; server_no_context_takeover"
	}
	if a.offer.requestMaxWindowBits != 0 {
		s += fmt.Sprintf("; server_max_window_bits=%d", a.offer.requestMaxWindowBits)
	}
	if a.requestNoContextTakeover {
		s += "; client_no_context_takeover"
	}
	if a.requestMaxWindowBits != 0 {
		s += fmt.Sprintf("; client_max_window_bits=%d", a.requestMaxWindowBits)
	}
	return s
}

// parseOffers reads the client's Sec-WebSocket-Extensions as
// autobahn-python does (_parseExtensionsHeader, then
// PerMessageDeflateOffer.parse for each permessage-deflate offer); an
// error fails the handshake, as there. Other extensions are ignored.
func parseOffers(header string) ([]deflateOffer, error) {
	var offers []deflateOffer
	for _, ext := range strings.Split(header, ",") {
		if ext = strings.TrimSpace(ext); ext == "" {
			continue
		}
		parts := strings.Split(ext, ";")
		if strings.ToLower(strings.TrimSpace(parts[0])) != "permessage-deflate" {
			continue
		}
		o := deflateOffer{acceptNoContextTakeover: true}
		seen := map[string]bool{}
		for _, p := range parts[1:] {
			key, value, hasValue := strings.Cut(p, "=")
			key, value = strings.ToLower(strings.TrimSpace(key)), strings.Trim(strings.TrimSpace(value), `"`)
			if seen[key] {
				return nil, fmt.Errorf("multiple occurrence of extension parameter '%s' for extension 'permessage-deflate'", key)
			}
			seen[key] = true
			bits, err := strconv.Atoi(value)
			validBits := err == nil && bits >= 8 && bits <= 15
			switch {
			case key == "client_max_window_bits" && (!hasValue || validBits):
				o.acceptMaxWindowBits = true
			case key == "client_no_context_takeover" && !hasValue:
				o.acceptNoContextTakeover = true
			case key == "server_max_window_bits" && hasValue && validBits:
				o.requestMaxWindowBits = bits
			case key == "server_no_context_takeover" && !hasValue:
				o.requestNoContextTakeover = true
			default:
				return nil, fmt.Errorf("illegal extension parameter '%s' for extension 'permessage-deflate'", strings.TrimSpace(p))
			}
		}
		offers = append(offers, o)
	}
	return offers, nil
}

// pmd is permessage-deflate as agreed on one connection
// (PerMessageDeflate.createFromOfferAccept, server side).
type pmd struct {
	serverNoTakeover bool
	serverBits       int
	in               *inflate.Stream // the client's messages
	// The fuzzer's compressor: zlib at Z_DEFAULT_COMPRESSION (6), as
	// compress/flate level 6. Its window is 32 KiB: for a smaller
	// server_max_window_bits it starts afresh (after a sync flush) every
	// window's worth of input, so no match reaches further back.
	w     *flate.Writer
	out   bytes.Buffer
	since int // input since the compressor last started afresh

	// For the report: the client's messages, inflated and on the wire.
	appIn, wireIn int64
}

func newPMD(a deflateAccept) *pmd {
	bits := func(n int) int {
		if n == 0 {
			return 15
		}
		return n
	}
	return &pmd{
		serverNoTakeover: a.offer.requestNoContextTakeover,
		serverBits:       bits(a.offer.requestMaxWindowBits),
		in:               inflate.New(bits(a.requestMaxWindowBits), !a.requestNoContextTakeover),
	}
}

// compress returns p compressed as one message (startCompressMessage,
// compressMessageData, endCompressMessage: the sync flush without its
// last four bytes).
func (z *pmd) compress(p []byte) []byte {
	z.out.Reset()
	if z.w == nil || z.serverNoTakeover {
		if z.w == nil {
			z.w, _ = flate.NewWriter(&z.out, flate.DefaultCompression)
		}
		z.w.Reset(&z.out)
		z.since = 0
	}
	window := 1 << z.serverBits
	for len(p) > 0 {
		if z.serverBits < 15 && z.since == window {
			z.w.Flush()
			z.w.Reset(&z.out)
			z.since = 0
		}
		n := len(p)
		if z.serverBits < 15 {
			n = min(n, window-z.since)
		}
		z.w.Write(p[:n])
		z.since += n
		p = p[n:]
	}
	z.w.Flush()
	return bytes.Clone(bytes.TrimSuffix(z.out.Bytes(), []byte{0, 0, 0xff, 0xff}))
}

// sendCompressed sends a message as autobahn-python's sendMessage does
// with compression on: the whole message compressed, then cut into frames
// of fragSize bytes (all of it in one frame when it fits or fragSize is
// 0), RSV1 on the first. A compressed length that is a multiple of
// fragSize ends with an empty final frame, as there.
func (f *Fuzz) sendCompressed(binary bool, p []byte, fragSize int) {
	op := byte(opText)
	if binary {
		op = opBinary
	}
	c := f.z.compress(p)
	if fragSize <= 0 || len(c) <= fragSize {
		f.send(F{Op: op, Fin: true, RSV: 4, Payload: c})
		return
	}
	buf := make([]byte, 0, len(c)+len(c)/fragSize*4+16)
	rsv := byte(4)
	for i := 0; ; i += fragSize {
		j, done := i+fragSize, false
		if j > len(c) {
			j, done = len(c), true
		}
		buf = append(buf, header(done, rsv, op, j-i)...)
		buf = append(buf, c[i:j]...)
		f.mu.Lock()
		f.txFrames[op]++
		f.mu.Unlock()
		op, rsv = opCont, 0
		if done {
			break
		}
	}
	f.queue(buf)
}
