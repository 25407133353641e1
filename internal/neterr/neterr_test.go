package neterr

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

// The errors below are built the way Go's net package builds them on each
// OS (a *net.OpError around an *os.SyscallError around the errno), with the
// errno values those OSes return, so the tables are checked on any OS.
func TestClassifyOn(t *testing.T) {
	dial := func(call string, errno uintptr) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError(call, syscall.Errno(errno))}
	}
	read := func(call string, errno uintptr) error {
		return fmt.Errorf("failed to read frame header: %w",
			&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError(call, syscall.Errno(errno))})
	}
	cases := []struct {
		goos string
		err  error
		want Cause
	}{
		{"linux", dial("connect", 111), Refused},
		{"android", dial("connect", 111), Refused},
		{"linux", read("read", 104), Reset},
		{"linux", read("write", 32), Reset},
		{"linux", dial("connect", 110), TimedOut},
		{"linux", dial("connect", 113), Unreachable},
		{"linux", dial("connect", 101), Unreachable},
		{"darwin", dial("connect", 61), Refused},
		{"ios", dial("connect", 61), Refused},
		{"freebsd", dial("connect", 61), Refused},
		{"darwin", read("read", 54), Reset},
		{"darwin", dial("connect", 60), TimedOut},
		{"darwin", dial("connect", 65), Unreachable},
		{"windows", dial("connectex", 10061), Refused},
		{"windows", dial("connectex", 1225), Refused},
		{"windows", read("wsarecv", 10054), Reset},
		{"windows", read("wsasend", 10053), Reset},
		{"windows", read("wsarecv", 64), Reset},
		{"windows", dial("connectex", 10060), TimedOut},
		{"windows", dial("connectex", 1232), Unreachable},
		// The same number means different things on different OSes.
		{"linux", dial("connect", 61), Unknown}, // ENODATA
		{"windows", dial("connect", 111), Unknown},
		{"darwin", dial("connect", 111), Unknown},
		{"linux", dial("connectex", 10061), Unknown},
		// No errno at all.
		{"linux", errors.New("connection refused"), Unknown},
		{"windows", nil, Unknown},
		{"plan9", dial("connect", 111), Unknown},
	}
	for _, c := range cases {
		if got := ClassifyOn(c.goos, c.err); got != c.want {
			t.Errorf("ClassifyOn(%q, %v) = %v, want %v", c.goos, c.err, got, c.want)
		}
	}
}
