/** Time enters the product here, at the edge, and reaches the domain inside each command. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
