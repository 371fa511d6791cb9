import type { Server } from 'node:http';

/**
 * Guards on the HTTP server itself, below the framework. A client that sends its headers or its
 * body too slowly is answered 408 and cut off when `requestTimeoutMs` has passed (Node's own
 * request timeout is checked only every 30 s, so the deadline is kept here, per request). A client
 * address holding more than `maxConnectionsPerAddress` connections has the extra ones closed at
 * once. Behind a reverse proxy every connection comes from the proxy: set these limits there too
 * (docs/security.md).
 */
export function guardServer(
  server: Server,
  options: { requestTimeoutMs: number; maxConnectionsPerAddress: number },
): void {
  server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = Math.min(options.requestTimeoutMs, 10_000);

  server.on('request', (req, res) => {
    if (req.complete) return;
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      res.writeHead(408, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(
        JSON.stringify({
          statusCode: 408,
          code: 'REQUEST_TIMEOUT',
          message: `The request was not received within ${options.requestTimeoutMs} ms`,
        }),
      );
      res.once('finish', () => req.socket.destroy());
    }, options.requestTimeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    res.once('close', clear);
  });

  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > options.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
