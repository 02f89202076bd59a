// The article footer box, inside its frame: takes the article's details from
// the URL fragment (which no server or CDN sees) into the form, and tells the
// newsroom's page how tall the box is. The form still works without it.
(function () {
  'use strict';
  var form = document.querySelector('.donate-form');
  if (!form) return;
  var CONTEXT_FIELDS = ['article_url', 'article_title', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'referrer', 'return_to'];
  var context;
  try {
    context = new URLSearchParams(window.location.hash.slice(1));
  } catch {
    return;
  }
  CONTEXT_FIELDS.forEach(function (name) {
    var value = context.get(name);
    if (!value || form.querySelector('input[name="' + name + '"]')) return;
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value.slice(0, 2048);
    form.appendChild(input);
  });

  // Only the page the loader says framed us hears from us: postMessage drops
  // the message unless the parent really is that origin.
  var host = context.get('host');
  var id = context.get('id');
  if (!host || !id || window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    try {
      window.parent.postMessage({ type: 'sustain:height', id: id, height: height }, host);
    } catch {
      // A host that is not an origin (a file:// page): nobody to tell.
    }
  }
  if (typeof ResizeObserver === 'function') new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener('load', report);
  report();
})();
