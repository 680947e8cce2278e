/**
 * Type-level tests of schema inference, checked by `tsc` (the typecheck step of CI): a wrong
 * inference, or a wrong field accepted, fails the build. Never run.
 */
import * as v from "valibot";
import { z } from "zod";
import { harpia } from "../app";
import type { RequestCookies } from "../cookies";
import { Router } from "../group";
import type { HarpiaRequest } from "../request";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof: T): void {}

const Book = z.object({ title: z.string(), pages: z.number(), year: z.number().optional() });
const NewBook = z.object({ title: z.string(), pages: z.coerce.number() });
const NotFound = z.object({ error: z.string() });

export function requestPartsAreInferred(): void {
  const app = harpia();
  app.post(
    "/books/:shelf",
    {
      schema: {
        body: NewBook,
        query: z.object({ page: z.coerce.number().default(1) }),
        headers: v.object({ "x-api-key": v.string() }),
        cookies: v.object({ sid: v.string() }),
      },
    },
    (req) => {
      assertType<Equal<typeof req.body, { title: string; pages: number }>>(true);
      assertType<Equal<typeof req.query, { page: number }>>(true);
      assertType<Equal<typeof req.params, { shelf: string }>>(true);
      assertType<Equal<typeof req.cookies, { sid: string }>>(true);
      const key: string = req.headers["x-api-key"];
      const raw: string | null = req.headers.get("x-api-key");
      // @ts-expect-error not a field of the body schema
      req.body.author;
      // @ts-expect-error pages is a number after validation
      const pages: string = req.body.pages;
      // @ts-expect-error an undeclared query key
      req.query.limit;
      return [key, raw, pages];
    },
  );
  // A params schema's output replaces the pattern's params.
  app.get("/n/:id", { schema: { params: z.object({ id: z.coerce.number() }) } }, (req) => {
    assertType<Equal<typeof req.params, { id: number }>>(true);
  });
  // Without schemas nothing changes.
  app.get("/plain/:id", { bodyLimit: 10 }, (req) => {
    assertType<Equal<typeof req.params, { id: string }>>(true);
    assertType<Equal<typeof req.query, Record<string, string>>>(true);
    assertType<Equal<typeof req.cookies, RequestCookies>>(true);
    assertType<Equal<typeof req.body, any>>(true);
    return "anything";
  });
}

export function responsesAreChecked(): void {
  const app = harpia();
  // One schema: res.json and the returned value take it for 2xx statuses.
  app.get("/one", { schema: { response: Book } }, (_req, res) => res.json({ title: "Dune", pages: 412 }));
  app.get("/one-returned", { schema: { response: Book } }, () => ({ title: "Dune", pages: 412 }));
  // @ts-expect-error a returned value missing a field
  app.get("/one-bad", { schema: { response: Book } }, () => ({ title: "Dune" }));
  app.get("/one-bad-json", { schema: { response: Book } }, (_req, res) => {
    // @ts-expect-error a wrong field type
    res.json({ title: "Dune", pages: "many" });
  });
  // Per status: res.status(404).json(x) checks x against 404's schema.
  app.get("/map/:id", { schema: { response: { 200: Book, 404: NotFound } } }, (req, res) => {
    if (req.params.id === "x") return res.status(404).json({ error: "no such book" });
    if (req.params.id === "y") {
      // @ts-expect-error 404's schema, not 200's
      return res.status(404).json({ title: "Dune", pages: 1 });
    }
    if (req.params.id === "z") {
      // @ts-expect-error 200's schema, not 404's
      return res.json({ error: "x" });
    }
    // An undeclared status takes anything.
    if (req.params.id === "w") return res.status(500).json({ anything: true });
    return { title: "Dune", pages: 412 };
  });
  // A status known only as `number` takes the union of the declared bodies.
  app.get("/dyn", { schema: { response: { 200: Book, 404: NotFound } } }, (_req, res) => {
    const code: number = 404;
    res.status(code).json({ error: "x" });
    // @ts-expect-error neither Book nor NotFound
    res.status(code).json({ nope: 1 });
  });
  // Middleware before the handler is not held to the response schema.
  app.post(
    "/mw",
    { schema: { body: NewBook, response: { 201: Book } } },
    (_req, _res, next) => next(),
    async (req, res) => res.status(201).json({ title: req.body.title, pages: req.body.pages }),
  );
}

export function routersAndWebSockets(): void {
  const api = Router("/api/:tenant", { schema: { headers: z.object({ "x-key": z.string() }) } });
  api.post("/books", { schema: { body: NewBook } }, (req) => {
    assertType<Equal<typeof req.params, { tenant: string }>>(true);
    return req.body.title;
  });
  const app = harpia();
  app.ws("/chat/:room", {
    schema: { message: z.object({ text: z.string() }) },
    message(ws, message) {
      assertType<Equal<typeof message, { text: string }>>(true);
      assertType<Equal<typeof ws.data.params, { room: string }>>(true);
      // @ts-expect-error not a field of the message schema
      message.to;
    },
  });
  app.ws("/raw", {
    message(_ws, message) {
      assertType<Equal<typeof message, string | Buffer<ArrayBuffer>>>(true);
    },
  });
}

/** A helper written for any request (a logger, `requestIdOf(req)`) takes one with schemas too. */
export function requestsWithSchemasPassAsAnyRequest(): void {
  const app = harpia();
  const pathOf = (req: HarpiaRequest<any>): string => req.path;
  app.post("/books", { schema: { body: NewBook, query: z.object({ q: z.string() }) } }, (req) => pathOf(req));
  // ...while a request typed for other schemas does not pass for this one's.
  const titleOf = (req: HarpiaRequest<any, { body: { title: string } }>): string => req.body.title;
  // @ts-expect-error the body here is { error: string }, not { title: string }
  app.post("/errors", { schema: { body: NotFound } }, (req) => titleOf(req));
}
