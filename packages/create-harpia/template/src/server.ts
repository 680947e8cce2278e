import { createHarpiaApp } from "./app";

// `bun start` / `bun run dev`: listens on PORT (default 3000). SIGTERM or Ctrl-C closes the app
// gracefully: requests in flight finish, then the process ends by itself.
const { url } = await createHarpiaApp({ shutdownOnSignals: true });
const shown = new URL(url!);
if (shown.hostname === "0.0.0.0") shown.hostname = "localhost";
console.log(`Listening on ${shown.origin}/`);
