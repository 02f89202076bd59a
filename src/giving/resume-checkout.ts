import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { readCookie } from '../http/sessions';
import { findResumableMembership } from '../members/membership-queries';
import type { FormValues } from './donate-view';
import { findResumableDonation, type TypedGiftDetails } from './donation-queries';

/**
 * A reader who leaves Checkout comes back to `/donate?...&canceled=1&resume=<id>`.
 * The amount, frequency and attribution travel in that URL; what they typed
 * about themselves (email, dedication, note) does not, since URLs end up in
 * logs, browser history and analytics. The URL names our pending row instead,
 * and the form is refilled from it, but only in the browser that started the
 * attempt (a cookie names the same row): whoever else holds the URL, from a
 * shared link or a proxy's log, gets the form without the reader's details.
 */

const RESUME_COOKIE = 'sustain_resume';

/** A Checkout Session lasts 24 hours at most; after that the attempt is not coming back. */
export const RESUME_WINDOW_MS = 24 * 60 * 60 * 1000;

const resumeId = z.uuid();

/** Marks this browser as the one that started the attempt `id` (POST /donate, before Checkout). */
export function rememberAttempt(res: Response, id: string, secure: boolean): void {
  res.cookie(RESUME_COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/donate', maxAge: RESUME_WINDOW_MS, secure });
}

/** The attempt named by a Checkout cancel link, if this browser started it. */
export function attemptToResume(req: Request, resume: string | undefined): string | undefined {
  return resume && readCookie(req, RESUME_COOKIE) === resume ? resume : undefined;
}

/**
 * The form values typed for an unfinished, recent gift attempt (a donation or
 * a membership). Anything else — no id, not an id, unknown, paid, too old —
 * refills nothing: the form still opens.
 */
export async function loadResumedValues(db: Db, id: string | undefined, now: Date): Promise<FormValues> {
  if (!id || !resumeId.safeParse(id).success) return {};
  const since = new Date(now.getTime() - RESUME_WINDOW_MS);
  const row = (await findResumableDonation(db, id, since)) ?? (await findResumableMembership(db, id, since));
  return row ? resumedValues(row) : {};
}

export function resumedValues(row: TypedGiftDetails): FormValues {
  const values: FormValues = {};
  if (row.email) values.email = row.email;
  if (row.anonymous) values.anonymous = 'on';
  if (row.tribute_name) values.tribute_name = row.tribute_name;
  if (row.comment) values.comment = row.comment;
  return values;
}
