// Start GOV.UK Frontend's components (error summary focus, password reveal, menus…).
import { initAll } from '../govuk/govuk-frontend.min.js';
import { labelReflowTables } from './reflow-tables.js';
import { initSelectionCounts } from './selection-count.js';
import { initJobProgress } from './job-progress.js';

initAll();
initSelectionCounts();
labelReflowTables();
initJobProgress();
