//go:build !js

package native

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// permessage-deflate (RFC 7692), as a client. The offer and the answer are
// ours: coder/websocket offers neither client_max_window_bits nor takes an
// answer that bounds our window. Once the answer is settled, coder/websocket
// is told only what it needs to inflate the server's messages (whether the
// server keeps context), which it does; our messages are compressed here
// (deflate.go), and the frame that carries one gets RSV1 on its way out
// (sentFrames.rsv1).
//
// Our messages are compressed with context takeover, each against the
// last window of what we sent, unless the server answers
// client_no_context_takeover: the history costs a connection one window
// (32 KiB unless the server asks for less) and the compressor is shared.
// BENCHMARKS.md has the measurements behind the choice.

// deflateOffer is our offer: the server may bound our window
// (client_max_window_bits, no value: any size from 8 to 15 bits).
const deflateOffer = "permessage-deflate; client_max_window_bits"

// Our messages shorter than these are sent uncompressed: they would hardly
// shrink, and compressing costs CPU at both ends. With context takeover a
// short message that repeats an earlier one still shrinks.
const (
	compressMin           = 128
	compressMinNoTakeover = 512
)

// deflateParams is what the server's answer settled.
type deflateParams struct {
	serverNoTakeover bool // the server compresses each message on its own
	clientNoTakeover bool // so must we
	serverBits       int  // the server's window, 8 to 15 bits (any inflates with coder/websocket's 32 KiB)
	clientBits       int  // ours: how far back our matches may reach
}

// extensionError: a server's Sec-WebSocket-Extensions answer that the
// client must refuse (RFC 6455 section 4.1, RFC 7692 section 5): an
// extension that was not offered, or a permessage-deflate parameter that is
// unknown, repeated or invalid. The handshake fails: the TCP connection is
// closed without a close frame (the WebSocket connection never opened).
type extensionError struct{ Answer, Problem string }

func (e *extensionError) Error() string {
	return fmt.Sprintf("Sec-WebSocket-Extensions %q: %s", e.Answer, e.Problem)
}

// parseDeflateAnswer reads the server's answer to our offer (offered:
// whether we offered permessage-deflate). nil and no error: the server
// took no extension.
func parseDeflateAnswer(values []string, offered bool) (*deflateParams, error) {
	answer := strings.Join(values, ", ")
	fail := func(format string, args ...any) (*deflateParams, error) {
		return nil, &extensionError{Answer: answer, Problem: fmt.Sprintf(format, args...)}
	}
	var p *deflateParams
	for _, ext := range splitQuoted(answer, ',') {
		parts := splitQuoted(ext, ';')
		name := strings.TrimSpace(parts[0])
		if name == "" && len(parts) == 1 {
			continue // an empty list element, which the list syntax allows
		}
		switch {
		case !strings.EqualFold(name, "permessage-deflate") || !offered:
			return fail("the server accepted the extension %q, which was not offered", name)
		case p != nil:
			return fail("the server accepted permessage-deflate twice")
		}
		p = &deflateParams{serverBits: 15, clientBits: 15}
		seen := map[string]bool{}
		for _, param := range parts[1:] {
			key, value, hasValue := strings.Cut(param, "=")
			key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
			if seen[key] {
				return fail("the parameter %s is given twice", key)
			}
			seen[key] = true
			switch key {
			case "server_no_context_takeover", "client_no_context_takeover":
				if hasValue {
					return fail("the parameter %s takes no value", key)
				}
				p.serverNoTakeover = p.serverNoTakeover || key == "server_no_context_takeover"
				p.clientNoTakeover = p.clientNoTakeover || key == "client_no_context_takeover"
			case "server_max_window_bits", "client_max_window_bits":
				bits, ok := windowBits(value)
				if !hasValue || !ok {
					return fail("the parameter %s needs a value from 8 to 15", key)
				}
				if key == "server_max_window_bits" {
					p.serverBits = bits
				} else {
					p.clientBits = bits
				}
			default:
				return fail("unknown permessage-deflate parameter %q", strings.TrimSpace(param))
			}
		}
	}
	return p, nil
}

// windowBits parses a window size parameter's value: a decimal from 8 to
// 15 without leading zeros, maybe as a quoted string (RFC 7692 section 7.1).
func windowBits(v string) (int, bool) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = strings.ReplaceAll(v[1:len(v)-1], `\`, "")
	}
	switch {
	case len(v) == 1 && v[0] >= '8' && v[0] <= '9':
		return int(v[0] - '0'), true
	case len(v) == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5':
		return 10 + int(v[1]-'0'), true
	}
	return 0, false
}

// splitQuoted splits s at sep outside quoted strings.
func splitQuoted(s string, sep byte) []string {
	var out []string
	quoted, escaped, from := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			out = append(out, s[from:i])
			from = i + 1
		}
	}
	return append(out, s[from:])
}

// offerDeflate sets coder/websocket up for permessage-deflate: it inflates
// what the server compresses, and never compresses a message itself (the
// offer on the wire is upgradeTransport's).
func offerDeflate(opts *websocket.DialOptions) {
	opts.CompressionMode = websocket.CompressionContextTakeover
	opts.CompressionThreshold = math.MaxInt
}

// answerHeader is the Sec-WebSocket-Extensions response header field.
const answerHeader = "Sec-Websocket-Extensions"

// refusedAnswer is what coder/websocket sees instead of an answer we
// refused, so that it fails the handshake too.
const refusedAnswer = "x-hybridws-refused"

// settleAnswer reads the server's answer in resp's headers and rewrites
// them for coder/websocket: only what it needs to inflate, or an answer
// it refuses when we do. restoreAnswer puts the server's own back.
func (t *upgradeTransport) settleAnswer(h http.Header) {
	t.answer = h[answerHeader]
	t.params, t.answerErr = parseDeflateAnswer(t.answer, t.deflate)
	switch {
	case t.answerErr != nil:
		h[answerHeader] = []string{refusedAnswer}
	case t.params != nil:
		a := "permessage-deflate"
		if t.params.serverNoTakeover {
			a += "; server_no_context_takeover"
		}
		h[answerHeader] = []string{a}
	default:
		delete(h, answerHeader)
	}
}

// restoreAnswer puts the server's answer back into the response headers
// (HandshakeResponse shows it) and turns coder/websocket's failure on an
// answer we refused into ours.
func (t *upgradeTransport) restoreAnswer(h http.Header, err error) error {
	if t.answer != nil {
		h[answerHeader] = t.answer
	}
	if t.answerErr != nil && err != nil {
		return t.answerErr
	}
	return err
}

// deflater returns the compressor the answer settled, nil if the server
// took no compression (or the connection cannot mark compressed frames).
func (t *upgradeTransport) deflater() *deflater {
	if t.params == nil || t.body == nil {
		return nil
	}
	return newDeflater(t.params.clientBits, !t.params.clientNoTakeover)
}

// threshold: our messages shorter than this go uncompressed.
func (d *deflater) threshold() int {
	if d.takeover {
		return compressMin
	}
	return compressMinNoTakeover
}

// deflatedKeep: a buffer of compressed bytes up to this size goes back to
// the pool; a bigger one (a big message) is left to the collector.
const deflatedKeep = 256 << 10

var deflatedPool = sync.Pool{New: func() any { return new([]byte) }}

// writeDeflated compresses p and writes it as one frame with RSV1. The
// frame goes out corked, so that the header passes through our own
// buffer, where sentFrames sets RSV1 (coder/websocket sends it clear).
// Once compressed, p is part of the history the server inflates with: it
// goes out compressed even when that did not make it smaller.
func (c *Conn) writeDeflated(typ int, p []byte) error {
	bp := deflatedPool.Get().(*[]byte)
	z := c.deflate.compress((*bp)[:0], p)
	c.cork()
	c.body.markCompressed()
	err := c.ws.Write(context.Background(), websocket.MessageType(typ), z)
	c.body.unmarkCompressed()
	if uerr := c.uncork(); err == nil {
		err = uerr
	}
	if cap(z) <= deflatedKeep {
		*bp = z[:0]
		deflatedPool.Put(bp)
	}
	return err
}
