import type { Settings } from '../settings/settings';

/**
 * `/demo/article` (never in production): a made-up local news story laid out
 * like a newsroom's article page, with the footer box placed by the very tag
 * docs/EMBED.md gives newsrooms. It is where a developer starts.
 */
export function buildDemoArticleView(settings: Settings, ownOrigin: string) {
  const snippet = `<script src="${ownOrigin}/embed.js" data-campaign="demo" async></script>`;
  return {
    org: settings.organization,
    title: 'Riverside council votes to keep the branch library open on Sundays',
    canonical: `${ownOrigin}/demo/article`,
    loaderSrc: `${ownOrigin}/embed.js`,
    snippet,
    published: 'Published November 30, 2026',
  };
}
