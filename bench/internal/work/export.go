package work

// For clients outside this package that run the workloads their own way
// (bench/wasmclient's raw syscall/js floor): the same messages and checks.

// Fill writes message seq of len(p) bytes into p (small: the filler
// depends on seq, as rtt's messages).
func Fill(p []byte, seq uint64, small bool) { fill(p, seq, small) }

// PutSeq writes seq into the header of message p.
func PutSeq(p []byte, seq uint64) { putSeq(p, seq) }

// NewBig returns the template of pipe's and big's messages, n bytes long.
func NewBig(n int) []byte { return newBig(n) }

// Check verifies that echo is message want of size bytes (tmpl: the
// template for pipe and big, nil for rtt).
func Check(echo []byte, want uint64, size int, tmpl []byte) error {
	return check(echo, want, size, tmpl)
}
