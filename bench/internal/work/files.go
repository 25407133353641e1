package work

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
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
	return wireTrips(dial, cfg, func(seq int64) (int, []byte) { return 2, msgs[seq%int64(len(msgs))] }, 8)
}

// Files runs the files workload on this library: everything in the
// callback.
func (h *Hyb) Files() (int64, time.Duration, Wire, error) {
	msgs, err := fileMessages(h.cfg.TestData)
	if err != nil {
		return 0, 0, Wire{}, err
	}
	return h.wireTrips(func(seq int64) (int, []byte) { return 2, msgs[seq%int64(len(msgs))] }, 8)
}
