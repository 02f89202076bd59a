import { printable } from '../lib/text';

/**
 * The staff page's forms as typed. Nothing is refused here: a field that is
 * missing or not printable text reads as empty, and createStaffUser or
 * setStaffPassword then answer with the page's own messages, re-rendered next
 * to what was typed.
 */
function text(body: unknown, key: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  const parsed = printable.max(1000).safeParse(value ?? '');
  return parsed.success ? parsed.data : '';
}

export function newStaffFields(body: unknown): { email: string; name: string; role: string; password: string } {
  return { email: text(body, 'email').trim(), name: text(body, 'name').trim(), role: text(body, 'role'), password: text(body, 'password') };
}

export function passwordField(body: unknown): string {
  return text(body, 'password');
}
