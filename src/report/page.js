// The coach report's script, inlined into the page by html.rs: hover
// tooltips (copied from each turn's transcript entry), filters and the id
// search. The page is complete without it.
(function () {
  var tip = document.getElementById('tip');
  function place(e) {
    var r = tip.getBoundingClientRect();
    var x = e.clientX + 16, y = e.clientY + 16;
    if (x + r.width > window.innerWidth - 8) x = e.clientX - r.width - 16;
    if (y + r.height > window.innerHeight - 8) y = e.clientY - r.height - 16;
    tip.style.left = Math.max(8, x) + 'px';
    tip.style.top = Math.max(8, y) + 'px';
  }
  function target(e) { return e.target && e.target.closest ? e.target.closest('[data-tip]') : null; }
  document.addEventListener('mouseover', function (e) {
    var t = target(e); if (!t) return;
    var src = document.getElementById(t.getAttribute('data-tip')); if (!src) return;
    tip.innerHTML = src.innerHTML; tip.hidden = false; place(e);
  });
  document.addEventListener('mousemove', function (e) { if (!tip.hidden) place(e); });
  document.addEventListener('mouseout', function (e) { if (target(e)) tip.hidden = true; });
  // The rich tooltip replaces the native one; keep the text for screen readers.
  Array.prototype.forEach.call(document.querySelectorAll('[data-tip] > title'), function (t) {
    t.parentNode.setAttribute('aria-label', t.textContent); t.parentNode.removeChild(t);
  });
  var form = document.getElementById('filters');
  var cards = Array.prototype.slice.call(document.querySelectorAll('li.card'));
  var shown = document.getElementById('shown'), none = document.getElementById('none');
  function val(name) { var f = form.elements[name]; return f ? f.value : ''; }
  // Agent, queue, channel: a card matches when one of its values (joined by |) is the one chosen.
  var facets = Array.prototype.slice.call(form.querySelectorAll('select.facet'));
  function has(list, v) { return (list || '').split('|').map(function (a) { return a.trim(); }).indexOf(v) >= 0; }
  function checked(name) { var f = form.elements[name]; return f ? f.checked : false; }
  function apply() {
    var q = val('q').trim().toLowerCase(), lang = val('lang'), emo = val('emotion'),
        emp = val('empathy'), tone = val('tone'), res = val('resolved'), bad = checked('bad'),
        hard = checked('hard'), n = 0;
    cards.forEach(function (c) {
      var d = c.dataset;
      var ok = (!q || d.id.toLowerCase().indexOf(q) >= 0) && (!lang || d.lang === lang) &&
        (!emo || d.emotion === emo) && (!emp || d.empathy === emp) && (!tone || d.tone === tone) &&
        (!bad || d.bad === '1') && (!res || d.resolved === res) && (!hard || d.hard === '1') &&
        facets.every(function (s) { return !s.value || has(d[s.name], s.value); });
      c.hidden = !ok; if (ok) n++;
    });
    shown.textContent = 'Showing ' + n + ' of ' + cards.length + ' interactions drawn';
    none.hidden = n > 0;
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  apply();
  document.body.setAttribute('data-ready', 'yes');
})();
