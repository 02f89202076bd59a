// Progressive enhancement for the donate form: it works without this file.
(function () {
  'use strict';
  var form = document.querySelector('.donate-form');
  if (!form) return;
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();

  var bps = Number(form.getAttribute('data-fee-bps'));
  var fixed = Number(form.getAttribute('data-fee-fixed'));
  var currency = (form.getAttribute('data-currency') || 'usd').toUpperCase();
  var feeText = form.querySelector('[data-fee-text]');
  var other = form.querySelector('#amount_other');
  var money = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency });

  function selectedMinor() {
    var checked = form.querySelector('input[name="amount"]:checked');
    var raw = !checked ? '' : checked.value === 'other' ? other.value : checked.value;
    return parseMajorAmount(raw);
  }

  // The server's parseMajorAmount (src/lib/money.ts), for the preview only:
  // "1,000.50" reads as 1000.50; "25,50" or "1,00" is malformed, not 25.50.
  function parseMajorAmount(raw) {
    var match = /^\s*\$?\s*(\d+|[1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d{1,2}))?\s*$/.exec(raw);
    if (!match) return null;
    var digits = match[1].replace(/,/g, '');
    if (digits.length > 9) return null;
    return Number(digits) * 100 + Number((match[2] || '').padEnd(2, '0'));
  }

  // Same rule as the server's grossUpForFees; the server recomputes regardless.
  function update() {
    var gift = selectedMinor();
    if (!feeText) return;
    if (gift === null || gift <= 0) {
      feeText.textContent = '';
      return;
    }
    var total = Math.ceil(((gift + fixed) * 10000) / (10000 - bps));
    feeText.textContent = 'That adds ' + money.format((total - gift) / 100) + ', for a total of ' + money.format(total / 100) + '.';
  }

  // Picking a preset clears a typed amount: the server takes a typed amount
  // over a preset, which is what a donor without this script means.
  form.addEventListener('change', function (event) {
    var target = event.target;
    if (other && target && target.name === 'amount' && target.value !== 'other') other.value = '';
    update();
  });
  form.addEventListener('input', update);
  // Typing an amount chooses "Other"; merely passing through the box (a
  // keyboard user tabbing to the next field) must leave a chosen preset alone.
  if (other) {
    other.addEventListener('input', function () {
      var radio = form.querySelector('#amount-other');
      // The form's own input listener (after this one) updates the fee text.
      if (radio && other.value.trim() !== '') radio.checked = true;
    });
  }
  update();
})();
