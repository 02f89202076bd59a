/** Stripe fields hold either an id or, when expanded, the object: the id either way. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}
