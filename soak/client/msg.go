package client

import (
	"errors"
	"strconv"
)

// A soak message carries who sent it, in which life of the connection,
// and where it stands in the sender's stream, "id.gen.life.seq|", then a
// filler that depends on seq, so that an echo that comes back cut,
// spliced or from another connection is caught. It is ASCII: valid as a
// text message and as a binary one.

// header is what every message begins with.
type header struct {
	id, gen int    // the Client and which of its Connections sent it
	life    int    // Stats.Connects when it was sent: its life, or the one before if the connection came back during Send
	seq     uint64 // its place in that Connection's stream, from 1
}

// minSize is the smallest message: the longest header fits.
const minSize = 48

// encode returns a message of size bytes (at least minSize) for h.
func encode(h header, size int) []byte {
	size = max(size, minSize)
	b := make([]byte, 0, size)
	b = strconv.AppendInt(b, int64(h.id), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(h.gen), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(h.life), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, h.seq, 10)
	b = append(b, '|')
	for i := len(b); i < size; i++ {
		b = append(b, filler(h.seq, i))
	}
	return b
}

func filler(seq uint64, i int) byte { return 'a' + byte((seq+uint64(i))%26) }

var errMalformed = errors.New("malformed header")

// decode reads a message's header and checks its filler.
func decode(p []byte) (header, error) {
	var h header
	var f [4]uint64
	n, start := 0, 0
	end := -1
	for i, c := range p {
		if c != '.' && c != '|' {
			continue
		}
		if n == len(f) {
			return h, errMalformed
		}
		v, err := strconv.ParseUint(string(p[start:i]), 10, 64)
		if err != nil {
			return h, errMalformed
		}
		f[n], n, start = v, n+1, i+1
		if c == '|' {
			end = i
			break
		}
	}
	if end < 0 || n != len(f) {
		return h, errMalformed
	}
	h = header{id: int(f[0]), gen: int(f[1]), life: int(f[2]), seq: f[3]}
	for i := end + 1; i < len(p); i++ {
		if p[i] != filler(h.seq, i) {
			return h, errors.New("filler corrupt at byte " + strconv.Itoa(i))
		}
	}
	return h, nil
}

// Check reads a soak message's header and checks its filler, for the
// echo server: the Client that sent it (id), which of its Connections
// (gen), in which life (see header), and its place in that Connection's
// stream (seq).
func Check(p []byte) (id, gen, life int, seq uint64, err error) {
	h, err := decode(p)
	return h.id, h.gen, h.life, h.seq, err
}
