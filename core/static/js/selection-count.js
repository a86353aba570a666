// "3 modules selected": a running count of the ticked boxes of a form, read out politely.
// Without JavaScript the form works the same, just without the count.
export function initSelectionCounts(root = document) {
  for (const form of root.querySelectorAll('[data-module="app-selection-count"]')) {
    const status = form.querySelector('.app-selection-count');
    if (!status) continue;
    const update = () => {
      const count = form.querySelectorAll('input[type="checkbox"]:checked').length;
      status.textContent = count === 0 ? 'No modules selected' : `${count} ${count === 1 ? 'module' : 'modules'} selected`;
    };
    form.addEventListener('change', update);
    update();
    status.hidden = false;
  }
}
