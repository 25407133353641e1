//go:build !js

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/hybridws/websocket/soak/client"
)

// serverProc runs the echo server (`soak server`, server.go) as a child
// process, always on the same address, and brings it down and back up
// again in one of the ways a server goes: killed (SIGKILL), every
// connection reset, or closed with 1012 (service restart) or 1013 (try
// again later).
type serverProc struct {
	addr string

	mu         sync.Mutex
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	exited     chan struct{}
	violations []string // the first of what the server found
	nViolation int
	restarts   client.Counts // by mode
}

// startServer starts the echo server on a free port of 127.0.0.1.
func startServer() (*serverProc, error) {
	s := &serverProc{addr: "127.0.0.1:0"}
	if err := s.launch(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *serverProc) launch() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "server", "-addr", s.addr)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		return fmt.Errorf("the echo server did not start on %s: %q %v", s.addr, line, err)
	}
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			l := sc.Text()
			if v, ok := strings.CutPrefix(l, "VIOLATION "); ok {
				s.mu.Lock()
				s.nViolation++
				if len(s.violations) < 20 {
					s.violations = append(s.violations, v)
				}
				s.mu.Unlock()
				continue
			}
			fmt.Fprintln(os.Stderr, "echo server:", l)
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(exited)
	}()
	s.mu.Lock()
	s.addr, s.cmd, s.stdin, s.exited = addr, cmd, stdin, exited
	s.mu.Unlock()
	return nil
}

// restartModes are the ways the server goes down.
var restartModes = []string{"kill", "reset", "close 1012", "close 1013"}

// restart brings the server down (mode, one of restartModes), keeps it
// down for down, and starts it again on the same address.
func (s *serverProc) restart(mode string, down time.Duration) error {
	s.mu.Lock()
	cmd, stdin, exited := s.cmd, s.stdin, s.exited
	s.mu.Unlock()
	s.restarts.Add(mode)
	switch mode {
	case "kill":
		cmd.Process.Kill()
	default:
		fmt.Fprintln(stdin, mode)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	stdin.Close()
	time.Sleep(down)
	var err error
	for range 100 { // the port may take a moment to be free again
		if err = s.launch(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// stop kills the server for good.
func (s *serverProc) stop() {
	s.mu.Lock()
	cmd, stdin, exited := s.cmd, s.stdin, s.exited
	s.mu.Unlock()
	cmd.Process.Kill()
	<-exited
	stdin.Close()
}

// found returns how many violations the server saw, and the first.
func (s *serverProc) found() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nViolation, append([]string(nil), s.violations...)
}
