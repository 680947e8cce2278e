import { afterAll, beforeAll, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia from "@harpia/core";
import { shield } from "@harpia/shield";
import type { Browser } from "playwright-core";
import { z } from "zod";
import { openapi } from "../src";
import { launchChromium, watchedContext } from "./support/chromium";

/**
 * The reference page in headless Chromium, under shield's default Content-Security-Policy
 * (with nonces, as apps that use inline scripts have it): it loads, lists every operation, and
 * nothing logs a console error, throws, fails to load or trips the CSP.
 */
const Book = z.object({ id: z.number().int(), title: z.string(), author: z.string() });
const app = harpia();
app.use(shield({ useNonce: true }));
app.use(openapi({ info: { title: "Library", version: "1.0.0" } }));
app.get(
  "/books",
  {
    schema: { query: z.object({ q: z.string().optional() }), response: z.object({ books: z.array(Book) }) },
    detail: { summary: "List the books", tags: ["books"] },
  },
  () => ({ books: [] }),
);
app.post(
  "/books",
  {
    schema: { body: Book.omit({ id: true }), response: { 201: Book } },
    detail: { summary: "Add a book", tags: ["books"] },
  },
  (_req, res) => {
    res.status(201).json({ id: 1, title: "Dune", author: "Frank Herbert" });
  },
);
app.get(
  "/books/:id(\\d+)",
  {
    schema: { params: z.object({ id: z.coerce.number() }), response: Book },
    detail: { summary: "One book", tags: ["books"] },
  },
  () => ({ id: 1, title: "Dune", author: "Frank Herbert" }),
);
app.delete(
  "/books/:id(\\d+)",
  { detail: { summary: "Remove a book", tags: ["books"], deprecated: true } },
  (_req, res) => {
    res.status(204).send(null);
  },
);

let browser: Browser;
let base: string;
beforeAll(async () => {
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  base = `http://127.0.0.1:${server.port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app.close();
});

test("/docs renders every operation under shield's CSP, with no console error or violation", async () => {
  const problems: string[] = [];
  const context = await watchedContext(browser, problems);
  const page = await context.newPage();
  const response = await page.goto(`${base}/docs`);
  expect(response?.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  await page.waitForSelector(".opblock-summary", { timeout: 20_000 });
  const operations = await page.$$eval(".opblock-summary", (nodes) =>
    nodes.map((n) => (n.textContent ?? "").replace(/\s+/g, " ").trim()),
  );
  expect(operations).toHaveLength(4);
  for (const summary of ["List the books", "Add a book", "One book", "Remove a book"])
    expect(operations.some((text) => text.includes(summary))).toBe(true);
  expect(await page.textContent(".title")).toContain("Library");
  // Open an operation: its parameters and schemas render from the document too.
  await page.locator(".opblock-get", { hasText: "One book" }).locator(".opblock-summary").click();
  await page.waitForSelector(".parameters-container");
  await page.screenshot({ path: path.join(tmpdir(), "harpia-openapi-docs.png"), fullPage: true });
  await context.close();
  expect(problems).toEqual([]);
}, 60_000);
