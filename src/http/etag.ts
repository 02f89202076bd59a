import { createHash } from 'node:crypto';

/** A strong ETag for bytes we serve unchanged to everyone (the embed's loader and box). */
export function strongEtag(bytes: string | Buffer, variant = ''): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}${variant}"`;
}
