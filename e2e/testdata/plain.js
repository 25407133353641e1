// The plain way (wasm_exec.js and websocket.wasm run by the page), which
// compiles the shim's helpers with the Function constructor: under a CSP
// without 'unsafe-eval' that is a violation, which the test must see.
"use strict";
globalThis.plainViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
	globalThis.plainViolations.push(`${e.violatedDirective} refused ${e.blockedURI || "(inline)"}`);
});
const go = new Go();
WebAssembly.instantiateStreaming(fetch("websocket.wasm"), go.importObject).then((r) => go.run(r.instance));
