/** An OTLP/HTTP receiver of JSON trace exports on the loopback interface: what a collector would be given. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
}

export class Collector {
  readonly spans: ExportedSpan[] = [];
  readonly payloads: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += String(chunk)));
    req.on('end', () => {
      this.payloads.push(body);
      const exported = JSON.parse(body) as {
        resourceSpans: Array<{
          scopeSpans: Array<{
            spans: Array<
              Omit<ExportedSpan, 'attributes'> & { attributes?: Array<{ key: string; value: Record<string, unknown> }> }
            >;
          }>;
        }>;
      };
      for (const resource of exported.resourceSpans) {
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) {
            const attributes = Object.fromEntries(
              (span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]),
            );
            this.spans.push({ ...span, attributes });
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Waits for a span; the process exports in batches every 100 ms here. */
  async span(where: (span: ExportedSpan) => boolean): Promise<ExportedSpan> {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const found = this.spans.find(where);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`No such span among ${this.spans.map((s) => s.name).join(', ')}`);
  }
}
