/**
 * SVG written as text for EJS to print unescaped (`<%- %>`), so every piece
 * of text and every attribute value goes through `escapeXml` here: a chart's
 * labels include what readers' links carried (UTM tags, headlines).
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export type Attributes = Record<string, string | number | null | undefined>;

/** Coordinates to a tenth of a unit: enough for a viewBox a few hundred units wide, and short markup. */
export function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== null && entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(typeof value === 'number' ? String(round(value)) : value)}"`)
    .join('');
}

/** One element; `children` is markup already escaped (built by these helpers). */
export function element(name: string, attrs: Attributes, children?: string): string {
  return children === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${children}</${name}>`;
}

/** A text element; its content is escaped here. */
export function text(attrs: Attributes, content: string): string {
  return element('text', attrs, escapeXml(content));
}

/** A label longer than `max` characters, cut with an ellipsis (the data table beside the chart has it whole). */
export function shorten(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}
