/** Query parameters whose value is a credential (`?token=`, `?api_key=`, …); matched case-insensitively. */
const SECRET_PARAMETER = /token|key|pass|secret|auth|sig|session|csrf|cred/i;

/** A request URL fit for a log line: the value of every credential-like query parameter is replaced. */
export function loggablePath(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const query = url
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && SECRET_PARAMETER.test(safeDecode(name)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, question)}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
