// The contract and integration tiers run the embedded store's writer thread: transpile it (a worker
// thread loads JavaScript). The process tiers build the whole API instead (global-setup.mjs).
import { transpileWriterThread } from './writer-thread-build.mjs';

export default function fastTierSetup() {
  transpileWriterThread();
}
