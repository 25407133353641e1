//go:build !js

package autobahn

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/inflate"
)

// deflateClient is a client of the compression cases with planted
// mistakes, on raw TCP: it offers permessage-deflate, inflates the
// fuzzer's messages and echoes each compressed with compress/flate, with
// its context kept between messages and a window of 32 KiB whatever the
// answer said, or with RSV1 on a continuation frame.
type deflateClient struct {
	offer     string
	rsv1Later bool // send the echo in two frames, RSV1 on the second
}

// run runs the case at url and returns the fuzzer's answer to the offer.
func (dc deflateClient) run(url string) (string, error) {
	u := url[len("ws://"):]
	host, path, _ := bytes.Cut([]byte(u), []byte("/"))
	conn, err := net.Dial("tcp", string(host))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	key := make([]byte, 16)
	rand.Read(key)
	fmt.Fprintf(conn, "GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Extensions: %s\r\n\r\n",
		path, host, base64.StdEncoding.EncodeToString(key), dc.offer)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return "", err
	}
	answer := resp.Header.Get("Sec-WebSocket-Extensions")
	in := inflate.New(15, true)
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	var msg []byte
	var op byte
	var compressed bool
	for {
		var h [2]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return answer, nil
		}
		n := int(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			io.ReadFull(br, b[:])
			n = int(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			io.ReadFull(br, b[:])
			n = int(binary.BigEndian.Uint64(b[:]))
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(br, p); err != nil {
			return answer, nil
		}
		if h[0]&0x0f == opClose {
			conn.Write(maskedFrame(0x80|opClose, p))
			return answer, nil
		}
		if h[0]&0x0f != opCont {
			op, compressed, msg = h[0]&0x0f, h[0]&0x40 != 0, nil
		}
		msg = append(msg, p...)
		if h[0]&0x80 == 0 {
			continue
		}
		if compressed {
			if msg, err = in.Message(msg, 1<<24); err != nil {
				return answer, err
			}
		}
		out.Reset()
		w.Write(msg)
		w.Flush()
		z := bytes.TrimSuffix(out.Bytes(), []byte{0, 0, 0xff, 0xff})
		if dc.rsv1Later && len(z) > 1 {
			conn.Write(append(maskedFrame(op, z[:1]), maskedFrame(0x80|0x40|opCont, z[1:])...))
		} else {
			conn.Write(maskedFrame(0x80|0x40|op, z))
		}
	}
}

// maskedFrame is a client frame: first byte b0, a zero mask.
func maskedFrame(b0 byte, p []byte) []byte {
	f := []byte{b0}
	switch {
	case len(p) < 126:
		f = append(f, 0x80|byte(len(p)))
	case len(p) <= 0xffff:
		f = binary.BigEndian.AppendUint16(append(f, 0x80|126), uint16(len(p)))
	default:
		f = binary.BigEndian.AppendUint64(append(f, 0x80|127), uint64(len(p)))
	}
	return append(append(f, 0, 0, 0, 0), p...)
}

// TestCompressionMistakes: a client that keeps its context when the answer
// says client_no_context_takeover, or reaches past the 512-byte window of
// client_max_window_bits=9, or sets RSV1 on a continuation frame, FAILS;
// the same client passes the cases whose answer allows what it does; a
// client that offers nothing the case accepts is UNIMPLEMENTED. And the
// answers are autobahn-python's words.
func TestCompressionMistakes(t *testing.T) {
	const offer = "permessage-deflate; client_max_window_bits"
	for _, tc := range []struct {
		id     string
		client deflateClient
		answer string
		want   string
	}{
		{"12.1.4", deflateClient{offer: offer}, "permessage-deflate", OK},
		{"13.4.4", deflateClient{offer: offer}, "permessage-deflate; client_max_window_bits=15", OK},
		{"13.2.3", deflateClient{offer: offer}, "permessage-deflate; client_no_context_takeover", Failed},
		{"13.3.4", deflateClient{offer: offer}, "permessage-deflate; client_max_window_bits=9", Failed},
		{"13.5.4", deflateClient{offer: offer + "; server_no_context_takeover"}, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=9", Failed},
		{"12.1.4", deflateClient{offer: offer, rsv1Later: true}, "permessage-deflate", Failed},
		{"13.3.4", deflateClient{offer: "permessage-deflate"}, "", Unimplemented},
	} {
		t.Run(fmt.Sprintf("%s %+v", tc.id, tc.client), func(t *testing.T) {
			s, err := Start(Select(Cases(), []string{tc.id}), 1)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			answer, err := tc.client.run(s.CaseURL(1))
			if err != nil {
				t.Fatalf("client: %v", err)
			}
			if answer != tc.answer {
				t.Errorf("answer %q, want %q", answer, tc.answer)
			}
			r := s.Await(1, time.Minute)
			if r == nil || r.Behavior != tc.want {
				t.Fatalf("verdict %v, want %s", r, tc.want)
			}
			t.Logf("%s: %s", tc.id, r.Summary())
		})
	}
}
