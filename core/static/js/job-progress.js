// A job's progress page, kept up to date without reloading: it asks the page's status address
// every two seconds and moves the <progress> bar, its text, and at the end shows the download
// (or the error). Without JavaScript the page says the same and offers a refresh link.
const POLL_MS = 2000;
const MILESTONES = [25, 50, 75];

function show(root, part) {
  for (const element of root.querySelectorAll('[data-job-part]')) {
    element.hidden = element.dataset.jobPart !== part;
  }
  const focus = root.querySelector(`[data-job-part="${part}"] [data-job-focus]`);
  if (focus) focus.focus();
}

// What the job makes, in words: a page may name it (data-item-one, data-item-many, data-made,
// data-to-make, data-ready-text, data-failed-text); the defaults are the cohort's training plans.
function words(root) {
  const d = root.dataset;
  return {
    one: d.itemOne || 'plan',
    many: d.itemMany || 'plans',
    made: d.made || 'made',
    toMake: d.toMake || 'to make',
    ready: d.readyText || 'Your training plans are ready to download.',
    failed: d.failedText || 'The training plans could not be made.',
  };
}

function describe(job, w) {
  if (job.status === 'queued' && job.done === 0) return `Waiting to start: ${job.total} ${job.total === 1 ? w.one : w.many} ${w.toMake}.`;
  return `${job.done} of ${job.total} ${w.many} ${w.made} (${job.percent}%).`;
}

function follow(root) {
  const bar = root.querySelector('progress');
  const text = root.querySelector('[data-job-text]');
  const announce = root.querySelector('[data-job-announce]');
  const refresh = root.querySelector('[data-job-refresh]');
  const w = words(root);
  let announced = 0;
  if (refresh) refresh.hidden = true; // the page now updates itself

  const update = (job) => {
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    bar.textContent = `${job.done} of ${job.total}`;
    text.textContent = describe(job, w);
    const milestone = MILESTONES.filter((m) => job.percent >= m).pop() || 0;
    if (milestone > announced) {
      announced = milestone;
      announce.textContent = `${milestone}% of the ${w.many} ${w.made}.`;
    }
  };

  const poll = async () => {
    let job;
    try {
      const response = await fetch(root.dataset.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(`status ${response.status}`);
      job = await response.json();
    } catch {
      if (refresh) refresh.hidden = false; // fall back to the link; try again a little later
      setTimeout(poll, POLL_MS * 3);
      return;
    }
    update(job);
    if (job.status === 'done') {
      show(root, job.expired ? 'expired' : 'done');
      announce.textContent = job.expired ? 'This download has expired.' : w.ready;
    } else if (job.status === 'failed') {
      root.querySelector('[data-job-error]').textContent = job.error || '';
      show(root, 'failed');
      announce.textContent = w.failed;
    } else {
      setTimeout(poll, POLL_MS);
    }
  };
  setTimeout(poll, POLL_MS);
}

export function initJobProgress(root = document) {
  for (const element of root.querySelectorAll('[data-module="app-job-progress"]')) {
    if (element.dataset.state === 'queued' || element.dataset.state === 'running') follow(element);
  }
}
