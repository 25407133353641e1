// Type-checked by TestNpmPack in the scratch project that installed the
// tarball: the types come through package.json's exports.
import { load, type WebSocketAPI, type Data } from "@hybridws/websocket";

const api: Promise<WebSocketAPI> = load();
api.then((ws) => ws.connect("ws://127.0.0.1/", (_c, d: Data) => console.log(d.event)));
// @ts-expect-error: load takes a URL
load(1);
