/** A route the document cannot describe: the message names the route and what is wrong. */
export class OpenApiError extends Error {
  override readonly name = "OpenApiError";
  /** The route, as `"POST /books"` (undefined for a problem with the options). */
  readonly route: string | undefined;

  constructor(message: string, route?: string, options?: ErrorOptions) {
    super(message, options);
    this.route = route;
  }
}
