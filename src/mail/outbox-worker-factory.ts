import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import type { SettingsCache } from '../settings/settings';
import { OutboxWorker } from './outbox-worker';
import { outboxRenderer } from './templates';
import type { MailTransport } from './transport';

/** The outbox worker as the app and `npm run worker` both run it. */
export function createOutboxWorker(
  config: Config,
  db: Knex,
  transport: MailTransport,
  settings: SettingsCache,
  logger: Logger,
): OutboxWorker {
  return new OutboxWorker({
    db,
    transport,
    render: outboxRenderer(db, async () => ({
      settings: await settings.get(),
      baseUrl: config.baseUrl,
      linkKey: config.sessionSecret,
    })),
    from: config.mail.from,
    logger,
  });
}
