package neterr

import (
	"syscall"
	"testing"
)

// The table agrees with the Winsock values syscall names on Windows.
func TestTableMatchesSyscall(t *testing.T) {
	for errno, want := range map[syscall.Errno]Cause{
		syscall.WSAECONNRESET:         Reset,
		syscall.WSAECONNABORTED:       Reset,
		syscall.ERROR_NETNAME_DELETED: Reset,
	} {
		if got := Classify(errno); got != want {
			t.Errorf("Classify(%v [%d]) = %v, want %v", errno, uintptr(errno), got, want)
		}
	}
}
