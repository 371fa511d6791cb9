import { describe, expect, it } from '@jest/globals';
import { Progress } from './progress.js';

/** A stream that keeps what is written, on a terminal or not. */
function sink(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, written };
}

describe('progress of a long run', () => {
  it('on a terminal: one line redrawn in place, with a bar, the rate and the time left', () => {
    let now = 0;
    const { out, written } = sink(true);
    const progress = new Progress({ label: 'Rebuilding', unit: 'events', total: 1_000, out, now: () => now });
    now = 50;
    progress.update(100); // under 100 ms since the last draw: not drawn
    expect(written).toEqual([]);
    now = 2_000;
    progress.update(500);
    expect(written).toEqual([
      `\r\x1b[2KRebuilding [############------------]  50% 500/1,000 events 250 events/s ETA 2 s`,
    ]);
    now = 4_000;
    progress.finish();
    expect(written.at(-1)).toBe(
      `\r\x1b[2KRebuilding [########################] 100% 1,000/1,000 events 250 events/s ETA 0 s\n`,
    );
  });

  it('elsewhere: a plain line every few seconds, then the last one', () => {
    let now = 0;
    const { out, written } = sink(false);
    const progress = new Progress({
      label: 'Verifying',
      unit: 'events',
      total: 10_000,
      out,
      now: () => now,
      everySeconds: 5,
    });
    now = 1_000;
    progress.update(1_000);
    now = 5_000;
    progress.update(4_000);
    now = 6_000;
    progress.update(4_500);
    expect(written).toEqual(['Verifying:  40% (4,000/10,000 events, 800 events/s, ETA 8 s)\n']);
    progress.finish('done');
    expect(written).toHaveLength(2);
    expect(written[1]).toMatch(/^Verifying: 100% \(10,000\/10,000 events, .*\): done\n$/);
  });

  it('without a total: the count and the rate, no bar', () => {
    let now = 0;
    const { out } = sink(true);
    const progress = new Progress({ label: 'Reading', unit: 'events', total: null, out, now: () => now });
    now = 10_000;
    progress.update(5_000);
    expect(progress.line()).toBe('Reading: 5,000 events, 500 events/s, 10 s');
  });
});
