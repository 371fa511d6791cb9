// The end-to-end tests start the built API as a separate process, and the event store's contract suite
// runs the embedded store's writer thread from the build: build it once, if needed.
import { buildIfNeeded } from '../../scripts/build-if-needed.mjs';

export default function globalSetup() {
  buildIfNeeded();
}
