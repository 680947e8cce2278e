// Type-level checks, run by `tsc -p packages/request-id/tsconfig.json` (`bun run typecheck`):
// every `@ts-expect-error` below must be an error, or the check fails.
import harpia, { type HarpiaRequest } from "@harpia/core";
import { type RequestIdOptions, requestId, requestIdOf } from "@harpia/request-id";

const app = harpia();
app.use(requestId({ header: "X-Correlation-Id", generate: (req) => `${req.method}-${Date.now()}` }));

app.get("/users/:id", (req) => {
  // Importing the package types req.state.requestId for every handler.
  const id: string = req.state.requestId;
  // @ts-expect-error the id is a string
  const asNumber: number = req.state.requestId;
  // @ts-expect-error it is not writable as anything else
  req.state.requestId = 42;
  // requestIdOf says the truth: undefined when no plugin set it.
  const maybe: string | undefined = requestIdOf(req);
  // @ts-expect-error requestIdOf may return undefined
  const sure: string = requestIdOf(req);
  return [id, asNumber, maybe, sure, req.params.id];
});

app.addHook("onSend", (req: HarpiaRequest<any>, res) => {
  res.header("x-seen-id", req.state.requestId.toUpperCase());
});

export const checked: RequestIdOptions[] = [
  { maxLength: 64, trustIncoming: false },
  // @ts-expect-error unknown option
  { headerName: "x-id" },
  // @ts-expect-error generate returns a string
  { generate: () => 42 },
  // @ts-expect-error maxLength is a number
  { maxLength: "64" },
];
