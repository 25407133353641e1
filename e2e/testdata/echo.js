// The page side of the JavaScript package's tests (e2e/module_test.go):
// install(load) puts hybridwsTest on globalThis for the test to drive
// through DevTools, and records every Content-Security-Policy violation.
export function install(load) {
	const violations = [];
	document.addEventListener("securitypolicyviolation", (e) => {
		violations.push(`${e.violatedDirective} refused ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`);
	});

	// describe turns what a promise settled with into a line for the test.
	const describe = (p) => p.then(
		(v) => (v === globalThis.websocket ? "resolved: globalThis.websocket" : "resolved: " + String(v)),
		(e) => `rejected: ${e?.name}: ${e?.message}`,
	);

	// statsLine describes websocket.stats(c) for the test.
	const statsLine = (ws, c) => {
		const s = ws.stats(c);
		return `STATS ${s.state} connects=${s.connects} in=${s.messages_in}/${s.bytes_in} out=${s.messages_out}/${s.bytes_out}` +
			(s.state === "closed" ? ` queued=${s.send_queued} rtt=${s.rtt}` : "");
	};

	// echo connects to url, sends a text and a binary message, disconnects
	// with code 4001 after both echoes, and resolves to the events it saw
	// and the stats at both ends, one line each.
	const echo = async (url) => {
		const ws = await load();
		return new Promise((resolve) => {
			const events = [];
			let echoes = 0;
			const timer = setTimeout(() => resolve([...events, "timed out"]), 20000);
			const conn = ws.connect(url, { protocol: "chat" }, (c, d) => {
				if (c !== conn) events.push("the callback got another handle");
				switch (d.event) {
				case ws.EVENT_CONNECTED:
					events.push(`CONNECTED ${d.handshake_response.status} ${d.handshake_response.protocol}`);
					ws.send(c, "héllo ✓", { type: ws.DATA_TYPE_TEXT });
					ws.send(c, new Uint8Array([1, 2, 0, 255]));
					break;
				case ws.EVENT_MESSAGE:
					events.push(typeof d.message === "string"
						? `MESSAGE text ${d.message}`
						: `MESSAGE binary ${Array.from(d.message).join(",")}`);
					if (++echoes === 2) {
						events.push(statsLine(ws, c));
						ws.disconnect(c, 4001, "bye ✓");
					}
					break;
				case ws.EVENT_ERROR:
					events.push(`ERROR ${d.message}`);
					break;
				case ws.EVENT_DISCONNECTED:
					events.push(`DISCONNECTED ${d.code} ${d.reason}`, statsLine(ws, c));
					clearTimeout(timer);
					resolve(events);
					break;
				}
			});
		});
	};

	// loads runs load() with each argument in turn (undefined: none) and
	// describes how each ended, in order.
	const loads = async (...args) => {
		const out = [];
		for (const a of args) out.push(await describe(a === undefined ? load() : load(a)));
		return out;
	};

	// same: two loads give one object, globalThis.websocket.
	const same = async () => {
		const [a, b] = await Promise.all([load(), load()]);
		return a === b && a === (await load()) && a === globalThis.websocket && Object.isFrozen(a);
	};

	globalThis.hybridwsTest = { violations, load, loads, echo, same };
}
