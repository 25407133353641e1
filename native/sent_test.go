//go:build !js

package native

import "testing"

// clientFrame builds one masked frame as a client writes it.
func clientFrame(op byte, payload []byte, key [4]byte) []byte {
	return wireFrame{fin: true, masked: true, op: op, payload: payload, key: key}.bytes()
}

func closePayload(code int, reason string) []byte {
	return append([]byte{byte(code >> 8), byte(code)}, reason...)
}

// stream is data frames of every length encoding, a ping, then close
// frames: the first one's code is what sentFrames must report.
func stream(firstClose []byte) []byte {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	var s []byte
	s = append(s, clientFrame(0x2, make([]byte, 10), key)...)
	s = append(s, clientFrame(0x1, []byte("\x03\xe8 looks like a close code"), key)...)
	s = append(s, clientFrame(0x2, make([]byte, 300), key)...)
	s = append(s, clientFrame(0x9, []byte{0x03, 0xea}, key)...)
	s = append(s, clientFrame(0x2, make([]byte, 70000), key)...)
	s = append(s, clientFrame(0x8, firstClose, [4]byte{0xff, 0x00, 0xa5, 0x5a})...)
	s = append(s, clientFrame(0x8, closePayload(1000, ""), key)...)
	return s
}

// The close code is found whatever the write boundaries: written whole,
// byte by byte, and split at every point of the close frame's header.
func TestSentFramesCloseCode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload []byte
		want    int
	}{
		{"protocol error", closePayload(1002, "received fragmented control frame"), 1002},
		{"too big", closePayload(1009, ""), 1009},
		{"application code", closePayload(4321, "x"), 4321},
		{"no code", nil, 1005},
	} {
		s := stream(tc.payload)
		var whole sentFrames
		whole.scan(s, false)
		if got := whole.sentCloseCode(); got != tc.want {
			t.Errorf("%s, one write: %d, want %d", tc.name, got, tc.want)
		}
		var bytewise sentFrames
		for i := range s {
			bytewise.scan(s[i:i+1], false)
		}
		if got := bytewise.sentCloseCode(); got != tc.want {
			t.Errorf("%s, byte by byte: %d, want %d", tc.name, got, tc.want)
		}
		for cut := len(s) - 30; cut < len(s); cut++ {
			var split sentFrames
			split.scan(s[:cut], false)
			split.scan(s[cut:], false)
			if got := split.sentCloseCode(); got != tc.want {
				t.Errorf("%s, split at %d of %d: %d, want %d", tc.name, cut, len(s), got, tc.want)
			}
		}
	}
	var none sentFrames
	none.scan(stream(nil)[:70000], false)
	if got := none.sentCloseCode(); got != 0 {
		t.Errorf("data frames only: %d, want 0", got)
	}
}

// FuzzSentFrames: any split of a stream of frames into writes gives the
// same close code as one write.
func FuzzSentFrames(f *testing.F) {
	f.Add(uint16(1002), "reason", uint32(7), uint32(70001))
	f.Add(uint16(0), "", uint32(1), uint32(2))
	f.Add(uint16(4999), "é", uint32(70320), uint32(70322))
	f.Fuzz(func(t *testing.T, code uint16, reason string, a, b uint32) {
		var payload []byte
		want := 1005
		if code != 0 {
			payload, want = closePayload(int(code), reason), int(code)
		}
		if len(payload) > 125 {
			payload = payload[:125]
		}
		s := stream(payload)
		i, j := int(a)%len(s), int(b)%len(s)
		if i > j {
			i, j = j, i
		}
		var f sentFrames
		f.scan(s[:i], false)
		f.scan(s[i:j], false)
		f.scan(s[j:], false)
		if got := f.sentCloseCode(); got != want {
			t.Fatalf("writes split at %d and %d: close code %d, want %d", i, j, got, want)
		}
	})
}
