//go:build !js

// Package realproxy runs real forward proxies for the tests, as child
// processes on 127.0.0.1 with configs generated in the test's temp dir:
// squid (CONNECT, with an https_port, Basic authentication, access rules
// and a hosts file of its own), tinyproxy (BasicAuth, an upstream) and
// microsocks (SOCKS5, with or without a username and password). Debian
// packages them; make test-proxy installs them. A test whose proxy is not
// installed is skipped, saying so.
package realproxy

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Proxy is one running proxy process.
type Proxy struct {
	Name    string // "squid", "tinyproxy", "microsocks"
	Addr    string // 127.0.0.1:port of its plain listener
	TLSAddr string // squid's https_port, when Squid.TLS is set

	t       testing.TB
	args    []string
	logFile string // squid's access log; "" for the others, which log to stdout
	out     syncBuffer

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has exited and been waited for
}

// Log returns what the proxy logged so far: squid's access log, the
// others' standard output and error.
func (p *Proxy) Log() string {
	if p.logFile != "" {
		b, _ := os.ReadFile(p.logFile)
		return string(b)
	}
	return p.out.String()
}

// Mark returns where the log ends now, for Since and WaitFor.
func (p *Proxy) Mark() int { return len(p.Log()) }

// Since returns what the proxy logged after mark.
func (p *Proxy) Since(mark int) string { return p.Log()[mark:] }

// WaitFor reports whether the proxy logs want after mark within 10
// seconds: squid logs a tunnel once it has closed.
func (p *Proxy) WaitFor(mark int, want string) bool {
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if strings.Contains(p.Since(mark), want) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// Stop kills the proxy at once, like a crash, and waits for it to exit.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Kill()
	<-p.exited
	p.cmd = nil
}

// Restart starts the proxy again, on the same ports, after Stop.
func (p *Proxy) Restart() {
	p.t.Helper()
	if err := p.start(); err != nil {
		p.t.Fatalf("restarting %s: %v", p.Name, err)
	}
}

func (p *Proxy) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	addrs := []string{p.Addr}
	if p.TLSAddr != "" {
		addrs = append(addrs, p.TLSAddr)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, a := range addrs {
		for {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				return fmt.Errorf("%s exited before listening on %s:\n%s", p.Name, a, p.out.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				<-exited
				return fmt.Errorf("%s not listening on %s after 30s:\n%s", p.Name, a, p.out.String())
			}
		}
	}
	p.cmd, p.exited = cmd, exited
	return nil
}

// launch starts the proxy on a fresh port (p.Addr), after setup has
// written its config and p.args for that port, and stops it when the test
// ends. A port taken by someone else between our choice and the proxy's
// bind makes the proxy exit: then it is tried again on others.
func launch(t testing.TB, p *Proxy, setup func(port string) error) *Proxy {
	t.Helper()
	p.t = t
	var err error
	for try := 0; try < 3; try++ {
		if p.Addr, err = freePort(); err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(p.Addr)
		if err = setup(port); err != nil {
			t.Fatal(err)
		}
		if err = p.start(); err == nil {
			t.Cleanup(p.Stop)
			return p
		}
	}
	t.Fatalf("starting %s: %v", p.Name, err)
	return nil
}

// find returns the path of a proxy's binary, or skips the test.
func find(t testing.TB, name string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	if path := "/usr/sbin/" + name; fileExists(path) {
		return path
	}
	t.Skipf("%s is not installed: make test-proxy installs it (Debian: apt-get install %s)", name, name)
	return ""
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

// freePort returns a 127.0.0.1 address that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tempDir is t.TempDir opened to every user: squid, started as root,
// drops to its own user, which must write its logs there.
func tempDir(t testing.TB) string {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Squid says how to run squid.
type Squid struct {
	Hosts map[string]string // names only squid resolves, to IPs
	TLS   *Cert             // when set, also an https_port with this certificate
	Users map[string]string // when set, Basic authentication: user -> password
	Deny  []string          // CONNECT to these host names is refused (403)
}

// StartSquid runs squid 5 in the foreground (-N) with a config that
// allows CONNECT to any port on loopback from loopback, caches nothing
// and resolves names only through its hosts file.
func StartSquid(t testing.TB, o Squid) *Proxy {
	t.Helper()
	bin := find(t, "squid")
	dir := tempDir(t)
	p := &Proxy{Name: "squid", logFile: filepath.Join(dir, "access.log")}
	return launch(t, p, func(string) error {
		var conf strings.Builder
		fmt.Fprintf(&conf, "http_port %s\n", p.Addr)
		if o.TLS != nil {
			var err error
			if p.TLSAddr, err = freePort(); err != nil {
				return err
			}
			cert, key, err := o.TLS.write(dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(&conf, "https_port %s tls-cert=%s tls-key=%s\n", p.TLSAddr, cert, key)
		}
		hosts := ""
		names := make([]string, 0, len(o.Hosts))
		for name := range o.Hosts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			hosts += o.Hosts[name] + " " + name + "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
			return err
		}
		conf.WriteString("acl SSL_ports port 1-65535\nacl Safe_ports port 1-65535\nacl CONNECT method CONNECT\n")
		conf.WriteString("http_access deny !Safe_ports\nhttp_access deny CONNECT !SSL_ports\n")
		if len(o.Deny) > 0 {
			fmt.Fprintf(&conf, "acl denied dstdomain %s\nhttp_access deny denied\n", strings.Join(o.Deny, " "))
		}
		if len(o.Users) > 0 {
			// A helper of our own: Debian's basic_ncsa_auth wants crypt
			// or MD5 password files. Squid gives it "user pass" lines,
			// URL-escaped; the test's names and passwords need none.
			var check strings.Builder
			check.WriteString("#!/bin/sh\nwhile read -r u p; do\n  case \"$u $p\" in\n")
			for u, pw := range o.Users {
				fmt.Fprintf(&check, "  %s) echo OK;;\n", shellQuote(u+" "+pw))
			}
			check.WriteString("  *) echo ERR;;\n  esac\ndone\n")
			helper := filepath.Join(dir, "auth.sh")
			if err := os.WriteFile(helper, []byte(check.String()), 0o755); err != nil {
				return err
			}
			fmt.Fprintf(&conf, "auth_param basic program %s\nauth_param basic children 1\nauth_param basic realm realproxy\n", helper)
			conf.WriteString("acl authed proxy_auth REQUIRED\nhttp_access deny !authed\n")
		}
		fmt.Fprintf(&conf, `http_access allow localhost
http_access deny all
dns_nameservers 127.0.0.1
hosts_file %[1]s/hosts
cache deny all
access_log stdio:%[1]s/access.log
cache_log %[1]s/cache.log
pid_filename none
coredump_dir %[1]s
netdb_filename none
pinger_enable off
shutdown_lifetime 0 seconds
`, dir)
		path := filepath.Join(dir, "squid.conf")
		p.args = []string{bin, "-N", "-d", "1", "-f", path}
		return os.WriteFile(path, []byte(conf.String()), 0o644)
	})
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Tinyproxy says how to run tinyproxy.
type Tinyproxy struct {
	User, Password string // when set, BasicAuth
	Upstream       string // when set, every connection goes through this HTTP proxy (host:port)
}

// StartTinyproxy runs tinyproxy in the foreground (-d), logging to its
// standard output.
func StartTinyproxy(t testing.TB, o Tinyproxy) *Proxy {
	t.Helper()
	bin := find(t, "tinyproxy")
	dir := tempDir(t)
	p := &Proxy{Name: "tinyproxy"}
	return launch(t, p, func(port string) error {
		conf := "Port " + port + "\nListen 127.0.0.1\nTimeout 600\nLogLevel Info\nMaxClients 100\n"
		if o.User != "" {
			conf += "BasicAuth " + o.User + " " + o.Password + "\n"
		}
		if o.Upstream != "" {
			conf += "Upstream http " + o.Upstream + "\n"
		}
		path := filepath.Join(dir, "tinyproxy.conf")
		p.args = []string{bin, "-d", "-c", path}
		return os.WriteFile(path, []byte(conf), 0o644)
	})
}

// StartMicrosocks runs microsocks, with username/password authentication
// when user is not empty. It logs each connection it makes ("connected to
// host:port") on its standard error.
func StartMicrosocks(t testing.TB, user, password string) *Proxy {
	t.Helper()
	bin := find(t, "microsocks")
	p := &Proxy{Name: "microsocks"}
	return launch(t, p, func(port string) error {
		p.args = []string{bin, "-i", "127.0.0.1", "-p", port}
		if user != "" {
			p.args = append(p.args, "-u", user, "-P", password)
		}
		return nil
	})
}

// Cert is a self-signed certificate for 127.0.0.1, localhost and the
// extra names given, for a TLS proxy or a wss:// server.
type Cert struct {
	TLS  tls.Certificate
	Pool *x509.CertPool // trusts it
	PEM  []byte         // the certificate
	key  []byte         // PEM
}

// NewCert makes one, valid for an hour.
func NewCert(names ...string) (*Cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "realproxy test"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              append([]string{"localhost"}, names...),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	c := &Cert{
		PEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
		Pool: x509.NewCertPool(),
	}
	if c.TLS, err = tls.X509KeyPair(c.PEM, c.key); err != nil {
		return nil, err
	}
	leaf, _ := x509.ParseCertificate(der)
	c.Pool.AddCert(leaf)
	return c, nil
}

// write puts the certificate and key in dir, readable by the proxy.
func (c *Cert) write(dir string) (cert, key string, err error) {
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err = os.WriteFile(cert, c.PEM, 0o644); err == nil {
		err = os.WriteFile(key, c.key, 0o644)
	}
	return cert, key, err
}

// syncBuffer is a bytes.Buffer that a process writes while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
