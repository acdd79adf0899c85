/** One CSV cell (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces. */
export const csvQuote = (text: string): string => (/[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text);
