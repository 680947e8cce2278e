// Inside this monorepo, tsconfig `paths` map "@harpia/<name>" to "packages/<name>/src/index.ts",
// so "@harpia/shield/augment" lands here; the published package serves dist/augment.js instead
// (see the "./augment" export). Not shipped: only dist is in "files".
import "../../src/augment";
