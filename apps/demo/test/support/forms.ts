/** The CSRF token of the first form in a page. */
export function csrfTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error("No CSRF token in the page");
  return token;
}

/** A urlencoded form body, as a browser posts it. */
export function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}
