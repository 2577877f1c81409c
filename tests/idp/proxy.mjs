#!/usr/bin/env node
// A minimal forward proxy for the proxy tests: HTTP CONNECT tunnels (what clients use for
// https:// through HTTPS_PROXY). Prints {"port"} when ready, then one line per tunnel
// ("CONNECT host:port") on stdout; exits when stdin closes.
import http from 'node:http';
import net from 'node:net';

const server = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
server.on('connect', (req, clientSocket, head) => {
  process.stdout.write(`CONNECT ${req.url}\n`);
  const [host, port] = req.url.split(':');
  const upstream = net.connect(Number(port), host, () => {
    clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(clientSocket);
    clientSocket.pipe(upstream);
  });
  upstream.on('error', () => clientSocket.destroy());
  clientSocket.on('error', () => upstream.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdout.on('error', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
