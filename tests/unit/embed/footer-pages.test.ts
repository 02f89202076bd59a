import express from 'express';
import type { Request } from 'express';
import { VIEWS_DIR } from '../../../src/app';
import { FooterPages } from '../../../src/embed/footer-pages';
import { defaultSettings } from '../../../src/settings/settings';

describe('FooterPages: the rendered box, kept per tag while the settings it shows stay the same', () => {
  const app = express();
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  const requestFor = (query: Record<string, string>) => ({ app, query }) as unknown as Request;

  it('serves a reload of the same settings (a new object, the same values) from what it rendered', async () => {
    const pages = new FooterPages('http://localhost:3000');
    const first = await pages.render(requestFor({ campaign: 'a' }), defaultSettings(), 'campaign=a');
    expect(pages.cached(defaultSettings(), 'campaign=a')).toBe(first);
  });

  it('renders anew once a setting the box shows has changed', async () => {
    const pages = new FooterPages('http://localhost:3000');
    await pages.render(requestFor({}), defaultSettings(), '');
    const changed = defaultSettings();
    changed.embed.headline = 'Keep local news alive';
    expect(pages.cached(changed, '')).toBeUndefined();
    const page = await pages.render(requestFor({}), changed, '');
    expect(page.body.toString()).toContain('Keep local news alive');
    expect(pages.cached(changed, '')).toBe(page);
  });

  it('keeps at most 200 tags, dropping the oldest, so invented query strings cannot grow it', async () => {
    const pages = new FooterPages('http://localhost:3000');
    const settings = defaultSettings();
    for (let i = 0; i < 205; i += 1) await pages.render(requestFor({ variant: `v${i}` }), settings, `variant=v${i}`);
    expect(pages.cached(settings, 'variant=v0')).toBeUndefined();
    expect(pages.cached(settings, 'variant=v204')).toBeDefined();
  });
});
