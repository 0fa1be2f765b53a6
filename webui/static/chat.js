if (!window.__qaCiteClicks) {
  window.__qaCiteClicks = true;
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.qa-cite');
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    const id = (a.getAttribute('href') || '').replace(/^#/, '');
    const m = id.match(/^qa-src-(\d+)-(\d+)$/);
    if (!m) return;
    document.querySelectorAll('section.qa-turn').forEach((s) => { s.hidden = s.dataset.turn !== m[1]; });
    document.querySelectorAll('.qa-card.qa-active').forEach((c) => c.classList.remove('qa-active'));
    const card = document.getElementById(id);
    if (card) { card.classList.add('qa-active'); card.scrollIntoView({behavior: 'smooth', block: 'nearest'}); }
  }, true);
}
