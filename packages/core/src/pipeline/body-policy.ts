/**
 * The body policy of a route: whether its body is read before the chain, which media types it
 * accepts (415), how large it may be (413), and parsing it onto `req.body`; then the chain.
 */
import { bodyKind, mediaType, type ParsedBody, parseBody, parseDecoded, tooLarge } from "../body/parse";
import { HttpError } from "../errors";
import type { HarpiaRequest } from "../request";
import type { HarpiaResponse } from "../response";
import { PARSED } from "../symbols";
import { type Finish, runChain } from "./chain";
import type { CompiledApp, CompiledRoute } from "./compiled";
import { fail } from "./respond";

/** Methods whose body is never parsed. */
export const NO_BODY_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** The body's media type and declared length, read once per request. */
export interface BodyHeaders {
  type: string;
  length: string | null;
}

/**
 * The body headers, or `undefined` when the request carries no body (the stream is not touched).
 * `headers` is `request.headers`, when the caller holds it already.
 */
export function bodyHeaders(request: Request, headers: Headers = request.headers): BodyHeaders | undefined {
  const length = headers.get("content-length");
  if (length === "0") return undefined;
  if (length === null && !headers.has("transfer-encoding") && request.body === null) return undefined;
  return { type: mediaType(headers.get("content-type")), length };
}

/**
 * Reads and parses the body the route's policy asks for onto `req.body`, then runs the route's
 * chain. A refused body is answered instead: 415 for a type the route does not accept, 413 past
 * its limit, 400 for a malformed body. One async step (the read), as cheap as the body allows:
 * what can be refused from the headers is refused before it, synchronously.
 * `finish` is the app's, unless the route's timeout wraps it.
 */
export function withBody(
  compiled: CompiledApp,
  route: CompiledRoute,
  req: HarpiaRequest<any>,
  res: HarpiaResponse,
  body: BodyHeaders,
  finish: Finish = compiled.finish,
): Response | Promise<Response> {
  const limit = route.bodyLimit ?? compiled.bodyLimit;
  let reading: Promise<ParsedBody> | undefined;
  try {
    const type = body.type;
    const kind = bodyKind(type);
    if (route.accepts !== undefined && (kind === undefined || !route.accepts.has(kind))) {
      const expected = [...route.accepts].join(" or ");
      throw new HttpError(
        415,
        `Content-Type "${type || "(none)"}" is not accepted here; expected ${expected}`,
        { code: "UNSUPPORTED_MEDIA_TYPE" },
      );
    }
    const parsed = req[PARSED];
    if (parsed !== undefined) {
      // Read already (a form read for method override): only its size is checked for this route.
      if (parsed.size > limit) throw tooLarge(limit);
    } else if (kind !== undefined) {
      const declared = body.length;
      if (kind !== "multipart" && declared !== null) {
        // The common case in one read: the length is known, Bun reads exactly that much and
        // decodes it (see `parseDecoded` for invalid UTF-8).
        const size = Number(declared);
        if (size > limit) throw tooLarge(limit);
        const limits = route.bodyLimits;
        return req.raw.text().then(
          (text) => {
            try {
              const parsed = parseDecoded(kind, text, size, limits);
              req[PARSED] = parsed;
              req.body = parsed.body;
            } catch (error) {
              return fail(compiled, req, res, error, finish);
            }
            return runChain(route.chain, req, res, finish);
          },
          (error) => fail(compiled, req, res, error, finish),
        );
      }
      reading = parseBody(req.raw, kind, limit, route.bodyLimits);
    }
  } catch (error) {
    return fail(compiled, req, res, error, finish);
  }
  if (reading === undefined) return runChain(route.chain, req, res, finish);
  return reading.then(
    (read) => {
      req[PARSED] = read;
      req.body = read.body;
      return runChain(route.chain, req, res, finish);
    },
    (error) => fail(compiled, req, res, error, finish),
  );
}
