// `npm run projections:rebuild`: builds if needed, then rebuilds every read model from position 0.
import { PROJECTOR_REBUILD, buildIfNeeded } from './build-if-needed.mjs';

buildIfNeeded();
await import(PROJECTOR_REBUILD);
