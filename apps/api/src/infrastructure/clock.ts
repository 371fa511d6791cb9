export { systemClock, type Clock } from '@app/commands';

/** The clock's injection token: time enters the product at the edge (tests may hand in their own). */
export const CLOCK = Symbol('Clock');
