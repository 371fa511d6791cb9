/** Reads Prometheus's text exposition format, as a scraper would. */
import request from 'supertest';

export type Samples = ReadonlyMap<string, number>;

/** `name{a="1",b="2"}` with labels sorted: the key of one series. */
export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

export function parseExposition(text: string): Samples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, '$1');
    samples.set(seriesKey(match[1]!, labels), Number(match[3]));
  }
  return samples;
}

/** GETs the endpoint and parses it, with the raw text for assertions on what it must not contain. */
export async function scrape(url: string): Promise<{ samples: Samples; text: string; contentType: string }> {
  const res = await request(url).get('');
  if (res.status !== 200) throw new Error(`scrape ${url}: ${res.status}`);
  return { samples: parseExposition(res.text), text: res.text, contentType: String(res.headers['content-type']) };
}

/** A series' value, 0 when it is not there yet (counters appear on their first increment). */
export function sample(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(seriesKey(name, labels)) ?? 0;
}
