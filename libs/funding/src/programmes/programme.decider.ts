import { defineMeasure } from './define-measure.js';
import { establishProgramme } from './establish-programme.js';
import { PROGRAMME } from './programme.js';

/** The programmes capability: its state, and the commands decided on it (each with its plan). */
export const programmeDecider = {
  ...PROGRAMME,
  commands: { EstablishProgramme: establishProgramme, DefineMeasure: defineMeasure },
} as const;
