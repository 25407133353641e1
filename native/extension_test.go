//go:build !js

package native

import (
	"bytes"
	"strings"
	"testing"
)

// TestParseDeflateAnswer: the answers a server may give to our offer, and
// the ones the client must refuse (each refusal says why).
func TestParseDeflateAnswer(t *testing.T) {
	for _, tc := range []struct {
		answer  []string
		offered bool
		want    *deflateParams // nil with no problem: no compression
		problem string
	}{
		{answer: nil, offered: true},
		{answer: []string{""}, offered: true},
		{answer: nil, offered: false},
		{answer: []string{"permessage-deflate"}, offered: true, want: &deflateParams{serverBits: 15, clientBits: 15}},
		{answer: []string{"permessage-deflate; server_no_context_takeover; client_no_context_takeover"}, offered: true,
			want: &deflateParams{serverNoTakeover: true, clientNoTakeover: true, serverBits: 15, clientBits: 15}},
		{answer: []string{"permessage-deflate;client_max_window_bits=8;server_max_window_bits=9"}, offered: true,
			want: &deflateParams{serverBits: 9, clientBits: 8}},
		{answer: []string{`permessage-deflate; client_max_window_bits="10"`}, offered: true, want: &deflateParams{serverBits: 15, clientBits: 10}},
		{answer: []string{"PerMessage-Deflate ;  CLIENT_MAX_WINDOW_BITS = 15 "}, offered: true, want: &deflateParams{serverBits: 15, clientBits: 15}},
		{answer: []string{"", "permessage-deflate", ""}, offered: true, want: &deflateParams{serverBits: 15, clientBits: 15}},
		{answer: []string{"permessage-deflate"}, offered: false, problem: `"permessage-deflate", which was not offered`},
		{answer: []string{"permessage-deflate", "permessage-deflate"}, offered: true, problem: "twice"},
		{answer: []string{"permessage-deflate, x-other"}, offered: true, problem: `"x-other", which was not offered`},
		{answer: []string{"permessage-deflate; client_max_window_bits"}, offered: true, problem: "client_max_window_bits needs a value"},
		{answer: []string{"permessage-deflate; server_max_window_bits=1o"}, offered: true, problem: "server_max_window_bits needs a value"},
		{answer: []string{`permessage-deflate; server_max_window_bits="16"`}, offered: true, problem: "server_max_window_bits needs a value"},
		{answer: []string{"permessage-deflate; client_no_context_takeover=true"}, offered: true, problem: "takes no value"},
		{answer: []string{"permessage-deflate; server_max_window_bits=10; server_max_window_bits=11"}, offered: true, problem: "given twice"},
		{answer: []string{"permessage-deflate; x=1"}, offered: true, problem: `unknown permessage-deflate parameter "x=1"`},
	} {
		got, err := parseDeflateAnswer(tc.answer, tc.offered)
		switch {
		case tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem)):
			t.Errorf("%q (offered %v): error %v, want one saying %q", tc.answer, tc.offered, err, tc.problem)
		case tc.problem == "" && err != nil:
			t.Errorf("%q (offered %v): %v", tc.answer, tc.offered, err)
		case tc.problem == "" && (got == nil) != (tc.want == nil), got != nil && tc.want != nil && *got != *tc.want:
			t.Errorf("%q (offered %v): %+v, want %+v", tc.answer, tc.offered, got, tc.want)
		}
	}
}

// TestSentFramesRSV1: marked, the next data frame that starts gets RSV1,
// whatever comes between (control frames) and however the bytes are
// split; the frames after it, and bytes that are not ours, are left alone.
func TestSentFramesRSV1(t *testing.T) {
	key := [4]byte{1, 2, 3, 4}
	var s []byte
	s = append(s, clientFrame(0x9, []byte("ping"), key)...)
	first := len(s)
	s = append(s, clientFrame(0x1, []byte("compressed"), key)...)
	second := len(s)
	s = append(s, clientFrame(0x2, []byte("plain"), key)...)
	for cut := 0; cut <= len(s); cut++ {
		b := bytes.Clone(s)
		var f sentFrames
		f.rsv1 = true
		f.scan(b[:cut], true)
		f.scan(b[cut:], true)
		if b[0] != s[0] || b[first] != s[first]|0x40 || b[second] != s[second] {
			t.Fatalf("split at %d: first bytes %#x %#x %#x, want %#x %#x %#x", cut, b[0], b[first], b[second], s[0], s[first]|0x40, s[second])
		}
	}
	b := bytes.Clone(s)
	f := sentFrames{rsv1: true}
	f.scan(b, false)
	if !bytes.Equal(b, s) {
		t.Error("RSV1 set in bytes that are not ours")
	}
}
