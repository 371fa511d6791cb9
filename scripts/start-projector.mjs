// `npm run start:projector`: the projector as a process of its own (the API runs one inside it unless RUN_PROJECTOR=false).
import { PROJECTOR_MAIN, buildIfNeeded } from './build-if-needed.mjs';

buildIfNeeded();
await import(PROJECTOR_MAIN);
