import { z } from 'zod';
import { renderEmailViews } from '../mail/render';
import type { EmailTemplate } from '../mail/templates';
import { signInUrl } from './sign-in-links';

const data = z.object({ login_token_id: z.uuid() });

/** `sign-in-link`: the password-free sign-in link; its secret is derived at send time, never stored. */
export const signInLinkEmail: EmailTemplate = async (_db, raw, ctx) => {
  const { login_token_id: id } = data.parse(raw);
  const url = signInUrl(ctx.baseUrl, ctx.linkKey, id);
  const subject = `Your sign-in link for ${ctx.settings.organization.name}`;
  return { ...(await renderEmailViews('sign-in-link', subject, { url }, ctx)), attachments: [] };
};
