/**
 * mulberry32: a small, fast generator of numbers in [0, 1) from a 32-bit seed, the same sequence
 * for the same seed on every platform. What the injected faults (FaultyEventStore, and the
 * simulated KurrentDB node's) are drawn from, so that a run can be played again.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
