// `npm start`: builds if needed, then runs the API in this process (SQLite under ./data, port 3000 by default).
import { API_MAIN, buildIfNeeded } from './build-if-needed.mjs';

buildIfNeeded();
await import(API_MAIN);
