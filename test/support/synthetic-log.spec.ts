import { describe, expect, it } from '@jest/globals';
import { streamOf } from '@app/funding';
import { lifecycleBlock } from './synthetic-log.js';

describe('the synthetic log', () => {
  it('renames every id of a copied block, so blocks share no stream', async () => {
    const [zero, seven] = [await lifecycleBlock(0), await lifecycleBlock(7)];
    expect(seven).toHaveLength(zero.length);
    const streamsOfZero = new Set(zero.map((e) => e.stream));
    for (const { stream, event } of seven) {
      expect(stream).toBe(streamOf(event));
      expect(streamsOfZero.has(stream)).toBe(false);
      // A CUP's stream is the CUP, a document's the hash of its key: both renamed, neither naming the block.
      if (!stream.startsWith('cup-') && !stream.startsWith('document-')) expect(stream).toMatch(/-p7(-|$)/);
      expect(JSON.stringify(event)).not.toMatch(/"p0|"P0"/);
    }
  });
});
