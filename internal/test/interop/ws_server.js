// A WebSocket server on npm's `ws` 8.x, for the interop tests (interop_test.go).
// It listens on 127.0.0.1 on a free port and prints "PORT <n>" once ready.
//   /echo        echoes text as text and binary as binary; chooses "chat" when offered
//   /close?code=N&reason=R   closes with N and R
//   /ping        pings (payload "hb"); on the pong sends the text "pong:<payload>"
//   /fragments   sends text "hello" as "hel"+"lo", then binary [1,2,3,4] as [1,2]+[3,4]
//   /refuse      answers the upgrade with 403, a header X-Refused: yes and a body
//   /ext-echo    accepts permessage-deflate (ws's defaults: messages of 1 KiB and more
//                compressed, context takeover unless the client asks otherwise);
//                first sends, as text, the Sec-WebSocket-Extensions it answered, then echoes
//   /plain/ext-echo  the same without accepting any extension (sends "")
// Every other endpoint accepts no extension.
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 64 << 20,
  handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
});

// The same, accepting permessage-deflate, for /ext-echo.
const deflateWss = new WebSocketServer({
  noServer: true,
  maxPayload: 64 << 20,
  perMessageDeflate: true,
});
for (const w of [wss, deflateWss]) {
  w.on('headers', (headers, req) => {
    const h = headers.find((l) => /^sec-websocket-extensions:/i.test(l));
    req.extensions = h ? h.slice(h.indexOf(':') + 1).trim() : '';
  });
}

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/refuse') {
    const body = 'refused: go away';
    socket.end('HTTP/1.1 403 Forbidden\r\nX-Refused: yes\r\nContent-Type: text/plain\r\n' +
      'Content-Length: ' + body.length + '\r\nConnection: close\r\n\r\n' + body);
    return;
  }
  if (url.pathname === '/ext-echo') {
    deflateWss.handleUpgrade(req, socket, head, (ws) => serve(ws, url, req));
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => serve(ws, url, req));
});

function serve(ws, url, req) {
  switch (url.pathname) {
    case '/ext-echo':
    case '/plain/ext-echo':
      ws.send(req.extensions, { binary: false });
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      break;
    case '/echo':
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      break;
    case '/close':
      ws.close(Number(url.searchParams.get('code')), url.searchParams.get('reason') || '');
      break;
    case '/ping':
      ws.on('pong', (data) => ws.send('pong:' + data.toString()));
      ws.ping('hb');
      break;
    case '/fragments':
      ws.send('hel', { binary: false, fin: false });
      ws.send('lo', { binary: false, fin: true });
      ws.send(Buffer.from([1, 2]), { binary: true, fin: false });
      ws.send(Buffer.from([3, 4]), { binary: true, fin: true });
      break;
    default:
      ws.close(4004, 'no such endpoint');
  }
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write('PORT ' + server.address().port + '\n');
});
// Stop with the test: when stdin closes (the test ended or died).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
