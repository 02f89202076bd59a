/*
 * Sustain's article footer loader, served as /embed.js. A newsroom places
 *   <script src="https://donate.example.org/embed.js" data-campaign="spring-drive" async></script>
 * where the box should appear. ES5 style (minified to ES2015 when served), no
 * dependencies; it defines one global (SustainEmbed) and never lets an error
 * of ours reach the host page.
 */
(function () {
  'use strict';
  var DATA_ATTRIBUTES = ['campaign', 'frequency', 'amounts', 'variant', 'theme', 'lang'];
  var DEFAULT_HEIGHT = 560;
  var state;

  function guard(fn) {
    return function () {
      try {
        return fn.apply(this, arguments);
      } catch {
        // Ours to swallow: the article matters more than the box.
      }
    };
  }

  function meta(selector, attribute) {
    var element = document.querySelector(selector);
    var value = element && element.getAttribute(attribute);
    return value ? value.trim() : '';
  }

  function absolute(url) {
    try {
      return new URL(url, location.href).href;
    } catch {
      return '';
    }
  }

  /** The page as the reader sees it, without a thank-you marker of ours. */
  function pageUrl() {
    return location.href.split('#')[0];
  }

  function articleContext() {
    var context = {
      article_url: absolute(meta('link[rel="canonical"]', 'href') || meta('meta[property="og:url"]', 'content')) || pageUrl(),
      article_title: meta('meta[property="og:title"]', 'content') || document.title || '',
      referrer: document.referrer || '',
      return_to: pageUrl(),
    };
    var search = new URLSearchParams(location.search);
    ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content'].forEach(function (key) {
      if (search.get(key)) context[key] = search.get(key);
    });
    return context;
  }

  function whenBody(fn) {
    if (document.body) fn();
    else document.addEventListener('DOMContentLoaded', guard(fn));
  }

  function storageKey(query) {
    return 'sustain-embed-height:' + query;
  }

  function remembered(query) {
    try {
      var value = Number(window.localStorage.getItem(storageKey(query)));
      return value >= 100 && value <= 3000 ? value : DEFAULT_HEIGHT;
    } catch {
      return DEFAULT_HEIGHT;
    }
  }

  function mount(script) {
    script.setAttribute('data-sustain-mounted', '');
    var origin = new URL(script.src, location.href).origin;
    var query = new URLSearchParams();
    DATA_ATTRIBUTES.forEach(function (name) {
      var value = script.getAttribute('data-' + name);
      if (value) query.set(name, value);
    });
    var id = 'sustain-box-' + (state.boxes.length + 1);
    var fragment = new URLSearchParams(articleContext());
    fragment.set('host', location.origin);
    fragment.set('id', id);

    var container = document.createElement('div');
    container.className = 'sustain-embed';
    container.id = id;
    container.style.cssText = 'display:block;max-width:40rem;margin:1.5rem 0;';
    var frame = document.createElement('iframe');
    var queryString = query.toString();
    var height = remembered(queryString);
    frame.src = origin + '/embed/footer' + (queryString ? '?' + queryString : '') + '#' + fragment.toString();
    frame.title = 'Donate to support this newsroom';
    frame.setAttribute('loading', 'lazy');
    frame.setAttribute('scrolling', 'no');
    // Our form may open Checkout in the reader's window, and only when they press Donate.
    frame.setAttribute(
      'sandbox',
      'allow-forms allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation',
    );
    frame.style.cssText = 'display:block;width:100%;border:0;overflow:hidden;height:' + height + 'px;';
    container.appendChild(frame);

    var box = { id: id, origin: origin, frame: frame, container: container, query: queryString, ready: false };
    state.boxes.push(box);
    // A box that never reports (our server down, a page not allowed to frame
    // it) gives its space back rather than leave a blank hole in the article.
    frame.addEventListener(
      'load',
      guard(function () {
        setTimeout(
          guard(function () {
            if (!box.ready) container.style.display = 'none';
          }),
          8000,
        );
      }),
    );
    // data-target names where the box goes when the tag cannot sit there itself
    // (Ghost's site-wide code injection: data-target=".gh-content").
    var target = script.getAttribute('data-target');
    var parent = script.parentNode;
    if (!target && parent && parent !== document.head) parent.insertBefore(container, script);
    else
      whenBody(function () {
        var into = null;
        try {
          into = target ? document.querySelector(target) : null;
        } catch {
          // Not a selector: the end of the page will do.
        }
        (into || document.body).appendChild(container);
      });
  }

  var onMessage = guard(function (event) {
    var data = event.data;
    if (!data || data.type !== 'sustain:height' || typeof data.height !== 'number') return;
    for (var i = 0; i < state.boxes.length; i += 1) {
      var box = state.boxes[i];
      if (event.source !== box.frame.contentWindow || event.origin !== box.origin || data.id !== box.id) continue;
      var height = Math.max(100, Math.min(3000, Math.ceil(data.height)));
      box.ready = true;
      box.container.style.display = 'block';
      box.frame.style.height = height + 'px';
      try {
        window.localStorage.setItem(storageKey(box.query), String(height));
      } catch {
        // Storage blocked: the next page reserves the default height.
      }
    }
  });

  /** Back from Checkout: the thank-you success URL ends in #sustain-thanks=<frequency>. */
  function thankReader(origin) {
    var match = /(?:^#|&)sustain-thanks(?:=(once|monthly|annual))?(?:&|$)/.exec(location.hash);
    if (!match || state.thanked) return;
    state.thanked = true;
    var member = match[1] === 'monthly' || match[1] === 'annual';
    var banner = document.createElement('div');
    banner.className = 'sustain-thanks';
    banner.setAttribute('role', 'status');
    banner.style.cssText =
      'position:fixed;left:50%;top:1rem;transform:translateX(-50%);z-index:2147483647;max-width:min(36rem,calc(100% - 2rem));' +
      'background:#1f5132;color:#fff;font:16px/1.4 system-ui,sans-serif;padding:.9rem 3rem .9rem 1.1rem;border-radius:8px;box-shadow:0 4px 18px rgba(0,0,0,.25);';
    var text = document.createElement('p');
    text.style.cssText = 'margin:0;';
    text.textContent = member
      ? 'Thank you for becoming a ' + (match[1] === 'annual' ? 'yearly' : 'monthly') + ' member! We will email your receipt. '
      : 'Thank you for your gift! We will email your receipt. ';
    if (member) {
      var manage = document.createElement('a');
      manage.href = origin + '/account';
      manage.textContent = 'Manage your membership';
      manage.style.cssText = 'color:#fff;text-decoration:underline;';
      text.appendChild(manage);
    }
    var close = document.createElement('button');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '\u00d7';
    close.style.cssText = 'position:absolute;right:.5rem;top:.4rem;background:none;border:0;color:#fff;font-size:1.6rem;line-height:1;cursor:pointer;padding:.2rem .5rem;';
    close.addEventListener('click', function () {
      if (banner.parentNode) banner.parentNode.removeChild(banner);
    });
    banner.appendChild(text);
    banner.appendChild(close);
    whenBody(function () {
      document.body.appendChild(banner);
    });
    // Reloading or sharing the article should not thank anyone again.
    if (window.history && history.replaceState) history.replaceState(history.state, '', pageUrl());
  }

  guard(function () {
    state = window.SustainEmbed = window.SustainEmbed || { boxes: [], thanked: false, listening: false };
    if (!state.listening) {
      window.addEventListener('message', onMessage);
      state.listening = true;
    }
    // Ours are the tags that load this very file: other sites serve an
    // /embed.js too (Instagram, TikTok), and their tags are none of ours.
    var current = document.currentScript;
    if (!current || !current.src) return;
    var own = new URL(current.src, location.href);
    var scripts = document.querySelectorAll('script[src]');
    for (var i = 0; i < scripts.length; i += 1) {
      var script = scripts[i];
      if (script.hasAttribute('data-sustain-mounted')) continue;
      var src = new URL(script.src, location.href);
      if (src.origin !== own.origin || src.pathname !== own.pathname) continue;
      mount(script);
    }
    thankReader(own.origin);
  })();
})();
