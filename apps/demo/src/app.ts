import harpia, { logger } from "@harpia/core";
import { bookRoutes } from "./routes/books.routes";

/** Builds the demo app (no port: `main.ts` listens, tests call `app.fetch`). */
export function createDemoApp(options: { log?: boolean } = {}) {
  const app = harpia({ development: process.env.NODE_ENV !== "production" });
  if (options.log !== false) app.use(logger());

  app.get("/", (_req, res) =>
    res.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harpia demo</title></head>
<body><h1>Hello from Harpia</h1><p>Try <a href="/api/books">/api/books</a> or <a href="/hello/world">/hello/world</a>.</p></body></html>`),
  );
  app.get("/hello/:name", (req) => ({ message: `Hello, ${req.params.name}!` }));
  app.routes(bookRoutes);
  return app;
}

export const app = createDemoApp({ log: false });
