/** One line for any error (the message of a known error; the class name added for unexpected ones). */
export function formatCliErrorMessage(e: unknown): string {
  if (e instanceof Error) {
    const known = /Error$/.test(e.name) && !["Error", "TypeError", "ReferenceError", "RangeError", "SyntaxError"].includes(e.name);
    return known ? e.message : `${e.name}: ${e.message}`;
  }
  return String(e);
}
