/**
 * One Intl.DateTimeFormat per zone and style: building one costs ~150 µs and
 * ~29 KB that V8 is slow to give back, and a staff page formats hundreds of
 * dates (the app grew to 2 GB under load before this cache).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function dateFormatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    formatters.set(key, formatter);
  }
  return formatter;
}
