// The end-to-end tests start the built API as a separate process: build it once, if needed.
import { buildIfNeeded } from '../../scripts/build-if-needed.mjs';

export default function globalSetup() {
  buildIfNeeded();
}
