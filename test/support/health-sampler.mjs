// GET <url>/health every <everyMs> ms until its standard input closes, then the latencies (ms) and
// statuses as JSON on standard output. Its own process, so that what it measures is the server's
// answer time, not the pauses of the test process that drives the load.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const [url, everyMs = '20'] = process.argv.slice(2);
const samples = [];
let done = false;
process.stdin.on('end', () => (done = true));
process.stdin.resume();
while (!done) {
  const started = performance.now();
  try {
    const response = await globalThis.fetch(`${url}/health`);
    await response.arrayBuffer();
    samples.push({ ms: performance.now() - started, status: response.status });
  } catch (error) {
    samples.push({ ms: performance.now() - started, status: 0, error: String(error) });
  }
  await sleep(Number(everyMs));
}
process.stdout.write(JSON.stringify(samples));
