package work

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	websocket "github.com/hybridws/websocket"
)

// The files workload: sequential round trips of binary messages of
// FileMsgSize bytes cut from the Autobahn|Testsuite's compression test
// files (internal/test/autobahn/testdata: JSON, a bitmap, German text,
// HTML, a PDF), each file in turn, against /deflate, for Dur. The figure
// is the payload echoed (MiB/s); files-up and files-down are the bytes on
// the wire per payload byte each way.

// FileMsgSize is the size of the files workload's messages (Autobahn
// 12.x.7's).
const FileMsgSize = 16 << 10

// FileNames are the files, in Autobahn's order.
var FileNames = []string{"data1.json", "lena512.bmp", "pg2229.txt", "data1.html", "10.1.1.105.5439.pdf"}

// fileMessages cuts every file of dir into messages, file after file.
func fileMessages(dir string) ([][]byte, error) {
	var msgs [][]byte
	for _, name := range FileNames {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("files workload: %v (-testdata names the directory of Autobahn's test files)", err)
		}
		for i := 0; i+FileMsgSize <= len(data); i += FileMsgSize {
			msgs = append(msgs, data[i:i+FileMsgSize])
		}
	}
	return msgs, nil
}

// wireRatio turns the server's byte counts into bytes on the wire per
// payload byte each way.
func wireRatio(w Wire, payload int64) (up, down float64) {
	return float64(w.In) / float64(payload), float64(w.Out) / float64(payload)
}

// Files runs the files workload on a blocking peer library.
func Files(dial Dial, cfg Config) (int64, time.Duration, Wire, error) {
	msgs, err := fileMessages(cfg.TestData)
	if err != nil {
		return 0, 0, Wire{}, err
	}
	c, err := dial(cfg.URL)
	if err != nil {
		return 0, 0, Wire{}, err
	}
	defer c.Close()
	start := time.Now()
	var n int64
	for ; n%8 != 0 || time.Since(start) < cfg.Dur; n++ {
		m := msgs[n%int64(len(msgs))]
		if err := c.Write(2, m); err != nil {
			return 0, 0, Wire{}, err
		}
		typ, e, err := c.Read()
		if err != nil {
			return 0, 0, Wire{}, err
		}
		if typ != 2 || !bytes.Equal(e, m) {
			return 0, 0, Wire{}, fmt.Errorf("echo of message %d differs", n)
		}
	}
	el := time.Since(start)
	if err := c.Write(1, []byte(WireQuery)); err != nil {
		return 0, 0, Wire{}, err
	}
	_, p, err := c.Read()
	if err != nil {
		return 0, 0, Wire{}, err
	}
	w, err := parseWire(p)
	return n, el, w, err
}

// Files runs the files workload on this library: everything in the
// callback.
func (h *Hyb) Files() (int64, time.Duration, Wire, error) {
	msgs, err := fileMessages(h.cfg.TestData)
	if err != nil {
		return 0, 0, Wire{}, err
	}
	c, setHandler, err := h.open1()
	if err != nil {
		return 0, 0, Wire{}, err
	}
	defer websocket.Disconnect(c)
	done := make(chan struct{})
	var seq, n int64
	var start time.Time
	var el time.Duration
	var w Wire
	setHandler(func(c *websocket.Connection, d *websocket.Data) {
		if n > 0 { // the answer to WireQuery
			var err error
			if w, err = parseWire(d.Message); err != nil {
				h.fe.set(err)
				return
			}
			close(done)
			return
		}
		if d.Type != websocket.DataTypeBinary || !bytes.Equal(d.Message, msgs[seq%int64(len(msgs))]) {
			h.fe.set(fmt.Errorf("echo of message %d differs", seq))
			return
		}
		seq++
		next, opts := msgs[seq%int64(len(msgs))], (*websocket.SendOptions)(nil)
		if seq%8 == 0 && time.Since(start) >= h.cfg.Dur {
			el, n = time.Since(start), seq
			next, opts = []byte(WireQuery), text
		}
		if err := websocket.Send(c, next, opts); err != nil {
			h.fe.set(err)
		}
	})
	start = time.Now()
	if err := websocket.Send(c, msgs[0], nil); err != nil {
		return 0, 0, Wire{}, err
	}
	if err := h.wait(done); err != nil {
		return 0, 0, Wire{}, err
	}
	return n, el, w, nil
}
