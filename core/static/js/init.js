// Run first thing in <body>: the GOV.UK template does this inline, which our CSP forbids.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
