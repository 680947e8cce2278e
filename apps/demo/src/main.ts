import { createDemoApp } from "./app";

const port = Number(process.env.PORT ?? 3000);
const app = createDemoApp();
app.listen({ port, hostname: process.env.HOST ?? "0.0.0.0" }, ({ url }) => {
  console.log(`Harpia demo listening on ${url}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await app.stop();
    process.exit(0);
  });
}
