// The floor page's server (bench/ui-floor.ts), a process of its own as the host is: serves a page
// of one line of text and answers each WebSocket message at once with a step answer's size of
// JSON. Prints "running at <url>" when it listens.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>floor</title></head>
<body style="font: 13px sans-serif; margin: 0">
<div id="line" style="position: absolute; top: 10px; right: 10px">step 0</div>
<script>
  // Measured as the debugger's steps are (renderer/src/debugger/useDebugger.ts): from the
  // keydown's timestamp to the first task after the frame that shows the new text.
  window.__floorLatencies = [];
  const roundTrip = new URLSearchParams(location.search).has('round-trip');
  const socket = new WebSocket('ws://' + location.host);
  socket.onopen = () => (window.__floorReady = true);
  const line = document.getElementById('line');
  let at = 0;
  let count = 0;
  function show(text) {
    line.textContent = text;
    requestAnimationFrame(() =>
      setTimeout(() => window.__floorLatencies.push(performance.now() - at), 0),
    );
  }
  socket.onmessage = (e) => {
    const answer = JSON.parse(e.data);
    show('step ' + answer.seq + ' (' + answer.state.length + ' bytes)');
  };
  addEventListener('keydown', (e) => {
    at = e.timeStamp;
    count++;
    if (roundTrip) socket.send(JSON.stringify({ op: 'step', seq: count }));
    else show('step ' + count);
  });
</script></body></html>`;

// About the size of a debugger step's answer (~1.8 KB).
const STATE = 'x'.repeat(1700);
const server = createServer((_req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(PAGE);
});
new WebSocketServer({ server }).on('connection', (socket) =>
  socket.on('message', (data) => {
    const { seq } = JSON.parse(String(data));
    socket.send(JSON.stringify({ seq, state: STATE }));
  }),
);
server.listen(0, '127.0.0.1', () => {
  console.log(`running at http://127.0.0.1:${server.address().port}/`);
});
