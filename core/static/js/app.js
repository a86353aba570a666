// Start GOV.UK Frontend's components (error summary focus, password reveal, menus…).
import { initAll } from '../govuk/govuk-frontend.min.js';
import { labelReflowTables } from './reflow-tables.js';
import { initSelectionCounts } from './selection-count.js';

initAll();
initSelectionCounts();
labelReflowTables();
