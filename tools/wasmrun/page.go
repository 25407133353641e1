package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// page is what the runner page needs: the program, wasm_exec.js, the
// program's argv and environment, and where its output goes.
type page struct {
	wasm, wasmExec []byte
	argv, env      []string
	out            io.Writer
}

// server serves the runner page on 127.0.0.1.
type server struct {
	url  string
	exit chan int // the program's exit code, once
	srv  *http.Server
}

// runnerHTML loads wasm_exec.js and then runs the program. The page
// replaces wasm_exec.js's stand-in file system: the program's stdout and
// stderr are posted back in order, and other files live in memory (the
// testing package writes an example's output to a temporary file and reads
// it back). go.exit posts the exit code once the output before it has
// gone.
const runnerHTML = `<!doctype html>
<meta charset="utf-8">
<title>wasmrun</title>
<script src="wasm_exec.js"></script>
<script>
"use strict";
(async () => {
	let sending = Promise.resolve(), pending = [], scheduled = false;
	const post = (path, body) => {
		sending = sending.then(() => fetch(path, {method: "POST", body}).catch(() => {}));
	};
	// Output is sent once the program yields to the page: one request per
	// burst of writes, in order.
	const flush = () => {
		scheduled = false;
		if (pending.length > 0) {
			post("out", new Blob(pending));
			pending = [];
		}
	};
	const output = (bytes) => {
		pending.push(bytes.slice());
		if (!scheduled) {
			scheduled = true;
			setTimeout(flush, 0);
		}
	};
	const say = (text) => output(new TextEncoder().encode("wasmrun: " + text + "\n"));
	let exited = false;
	const exit = (code) => {
		if (exited) return;
		exited = true;
		flush();
		post("exit", String(code));
	};
	addEventListener("error", (e) => say("uncaught exception in the page: " + e.message));
	addEventListener("unhandledrejection", (e) => say("unhandled rejection in the page: " + e.reason));

	// The file system: fds 1 and 2 are the output, other files are byte
	// arrays by path. Errors carry the Node.js codes syscall/fs_js.go maps.
	const fail = (code) => Object.assign(new Error(code), {code});
	const C = {O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536};
	const files = new Map(), fds = new Map();
	let nextFD = 3;
	const stat = (f) => ({
		dev: 0, ino: 0, mode: 0o100600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: f.size, blksize: 4096,
		blocks: Math.ceil(f.size / 512), atimeMs: f.mtime, mtimeMs: f.mtime, ctimeMs: f.mtime,
		isDirectory: () => false,
	});
	const fs = globalThis.fs;
	fs.constants = C;
	fs.writeSync = (fd, buf) => {
		output(buf);
		return buf.length;
	};
	fs.open = (path, flags, mode, cb) => {
		let f = files.get(path);
		if (f && (flags & C.O_CREAT) && (flags & C.O_EXCL)) return cb(fail("EEXIST"));
		if (!f) {
			if (!(flags & C.O_CREAT)) return cb(fail("ENOENT"));
			f = {data: new Uint8Array(0), size: 0, mtime: Date.now()};
			files.set(path, f);
		}
		if (flags & C.O_TRUNC) f.size = 0;
		fds.set(nextFD, {f, pos: 0, append: (flags & C.O_APPEND) !== 0});
		cb(null, nextFD++);
	};
	const file = (fd, cb, then) => {
		const h = fds.get(fd);
		if (!h) return cb(fail("EBADF"));
		then(h);
	};
	fs.fstat = (fd, cb) => file(fd, cb, (h) => cb(null, stat(h.f)));
	fs.close = (fd, cb) => file(fd, cb, () => {
		fds.delete(fd);
		cb(null);
	});
	fs.unlink = (path, cb) => files.delete(path) ? cb(null) : cb(fail("ENOENT"));
	fs.write = (fd, buf, offset, length, position, cb) => {
		const bytes = buf.subarray(offset, offset + length);
		if (fd === 1 || fd === 2) {
			output(bytes);
			return cb(null, length);
		}
		file(fd, cb, (h) => {
			const f = h.f, at = position ?? (h.append ? f.size : h.pos);
			if (at + length > f.data.length) {
				const grown = new Uint8Array(Math.max(at + length, 2 * f.data.length));
				grown.set(f.data.subarray(0, f.size));
				f.data = grown;
			}
			f.data.set(bytes, at);
			f.size = Math.max(f.size, at + length);
			f.mtime = Date.now();
			if (position == null) h.pos = at + length;
			cb(null, length);
		});
	};
	fs.read = (fd, buf, offset, length, position, cb) => file(fd, cb, (h) => {
		const at = position ?? h.pos, n = Math.max(0, Math.min(length, h.f.size - at));
		buf.set(h.f.data.subarray(at, at + n), offset);
		if (position == null) h.pos = at + n;
		cb(null, n);
	});

	try {
		const config = await (await fetch("config")).json();
		const go = new Go();
		go.argv = config.argv;
		go.env = config.env;
		go.exit = exit;
		const wasm = await (await fetch("program.wasm")).arrayBuffer();
		const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
		await go.run(instance);
		exit(0); // only if the program returned without exiting
	} catch (e) {
		say("the program failed in the page: " + e);
		exit(1);
	}
})();
</script>
`

func serve(p *page) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, kv := range p.env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	config, err := json.Marshal(map[string]any{"argv": p.argv, "env": env})
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://" + ln.Addr().String() + "/", exit: make(chan int, 1)}
	var once sync.Once
	var outMu sync.Mutex
	mux := http.NewServeMux()
	files := map[string]struct {
		typ  string
		body []byte
	}{
		"/":             {"text/html; charset=utf-8", []byte(runnerHTML)},
		"/wasm_exec.js": {"text/javascript", p.wasmExec},
		"/config":       {"application/json", config},
		"/program.wasm": {"application/wasm", p.wasm},
	}
	for path, f := range files {
		pattern := "GET " + path
		if path == "/" {
			pattern += "{$}"
		}
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", f.typ)
			w.Header().Set("Cache-Control", "no-store")
			w.Write(f.body)
		})
	}
	mux.HandleFunc("POST /out", func(w http.ResponseWriter, r *http.Request) {
		outMu.Lock()
		io.Copy(p.out, r.Body)
		outMu.Unlock()
	})
	mux.HandleFunc("POST /exit", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		code, err := strconv.Atoi(string(b))
		if err != nil {
			code = 1
		}
		once.Do(func() { s.exit <- code })
	})
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *server) close() { s.srv.Close() }
