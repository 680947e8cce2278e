/**
 * The input `harpia-client generate` reads the demo's routes from: a demo with memory stores
 * and no port, asked in process for `/openapi.json`, then closed (see client-routes.ts).
 */
import { startDemo } from "./demo";

export default async function demoForTheGenerator() {
  const demo = await startDemo();
  return { app: demo.app, close: demo.cleanup };
}
