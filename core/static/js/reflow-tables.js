// On small screens a table with class app-table--reflow shows each row as a card, each cell
// labelled by its column (CSS reads data-label). Templates may set the labels themselves; this
// fills in any missing ones from the column headers.
export function labelReflowTables(root = document) {
  for (const table of root.querySelectorAll('table.app-table--reflow')) {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.cells].forEach((cell, index) => {
        if (!cell.dataset.label && headers[index]) cell.dataset.label = headers[index];
      });
    }
  }
}
