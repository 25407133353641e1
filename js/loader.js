// The loader: the last part of the ES module websocket.js. `make wasm`
// (go run ./internal/cmd/jsmodule) puts three parts before it, as
// constants: Go and goGlobals (the toolchain's wasm_exec.js: the class, and
// the global stubs it wanted), glue (shim/glue.js) and wasmHelpers
// (wasm/helpers.js). They are ordinary code here, so the page
// needs no 'unsafe-eval' in its Content-Security-Policy, only the
// 'wasm-unsafe-eval' that any WebAssembly needs.

// loading is the promise of the first load, shared by every later call;
// null before it and after it failed (a later call tries again).
let loading = null;

// load fetches websocket.wasm (by default the one beside this module),
// runs it, and resolves to the API it installs on globalThis.websocket.
// A second call returns the same promise, so the same object; a load that
// failed rejects with an Error naming the URL and why, and the next call
// tries again. A wasmURL that is not a string or a URL rejects with a
// TypeError.
export function load(wasmURL) {
	let url;
	try {
		url = resolve(wasmURL);
	} catch (e) {
		return Promise.reject(e);
	}
	if (loading === null) {
		const p = start(url);
		loading = p;
		p.catch(() => {
			if (loading === p) loading = null;
		});
	}
	return loading;
}

const describe = (v) =>
	v === null ? "null" : v === "" ? "an empty string" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : "a " + typeof v;

// resolve returns the absolute URL to fetch: the given one resolved the
// way fetch() resolves it, or websocket.wasm beside this module.
function resolve(wasmURL) {
	if (wasmURL === undefined) return new URL("websocket.wasm", import.meta.url).href;
	if (wasmURL instanceof URL) return wasmURL.href;
	if (typeof wasmURL !== "string" || wasmURL === "") {
		throw new TypeError(`websocket.js: load(wasmURL): wasmURL must be a URL or a non-empty string, or left out, got ${describe(wasmURL)}`);
	}
	const base = globalThis.document?.baseURI ?? globalThis.location?.href ?? import.meta.url;
	try {
		return new URL(wasmURL, base).href;
	} catch (e) {
		throw new TypeError(`websocket.js: load(wasmURL): ${JSON.stringify(wasmURL)} is not a URL: ${e.message}`);
	}
}

async function start(url) {
	const fail = (why, cause) => new Error(`websocket.js: cannot load ${url}: ${why}`, cause === undefined ? undefined : { cause });
	let resp;
	try {
		resp = await fetch(url);
	} catch (e) {
		throw fail(`the fetch failed (${e.name}: ${e.message})`, e);
	}
	if (!resp.ok) {
		throw fail(`HTTP ${resp.status}${resp.statusText ? " " + resp.statusText : ""}`);
	}
	const go = new Go();
	let instance;
	try {
		const type = resp.headers.get("Content-Type") ?? "";
		if (typeof WebAssembly.instantiateStreaming === "function" && /^application\/wasm\b/i.test(type)) {
			({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
		} else {
			({ instance } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject));
		}
	} catch (e) {
		throw fail(`it is not a WebAssembly module this Go runtime can run (${e.name}: ${e.message})`, e);
	}

	// The Go side looks these up while the program starts: its JavaScript
	// helpers, which it then need not compile itself, and the stubs of
	// fs, process and path that wasm_exec.js provides where the page has
	// none. All go again once it has started.
	Object.defineProperty(globalThis, "__hybridws", { value: { glue, wasm: wasmHelpers }, configurable: true });
	const stubbed = [];
	for (const [name, stub] of Object.entries(goGlobals.stubs)) {
		if (name in globalThis) continue;
		Object.defineProperty(globalThis, name, { value: stub, configurable: true, writable: true });
		stubbed.push(name);
	}
	goGlobals.setFS(globalThis.fs);
	let api;
	const ready = (ev) => {
		api = ev.detail;
	};
	const events = typeof globalThis.addEventListener === "function";
	if (events) globalThis.addEventListener("websocket-ready", ready, { once: true });
	let exited;
	try {
		// Runs the Go program until main waits for calls from the page:
		// by then it has installed the API.
		exited = go.run(instance);
	} finally {
		delete globalThis.__hybridws;
		for (const name of stubbed) delete globalThis[name];
		if (events) globalThis.removeEventListener("websocket-ready", ready);
	}
	if (!events) api = globalThis.websocket;
	if (api === undefined || typeof api.connect !== "function") {
		exited.catch(() => {}); // what went wrong is said here, and by the program on the console
		throw fail(go.exited
			? "the Go program exited before it installed the API (the console may say why)"
			: "it ran but installed no websocket API: is it websocket.wasm built from hybridws's ./shim?");
	}
	const exit = (e) => console.error(`websocket.js: the Go program of ${url} ended: websocket calls fail from now on`, e ?? "");
	exited.then(() => exit(), exit);
	return api;
}
