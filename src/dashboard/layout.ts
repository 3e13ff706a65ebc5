import { BASE } from './auth.js';
import { html, raw, type SafeHtml } from './html.js';

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f5f6f8}
header{display:flex;align-items:center;gap:1rem;padding:.6rem 1.2rem;background:#1d2430;color:#fff}
header h1{font-size:1.1rem;margin:0;flex:1}
header nav a{color:#fff;margin-right:.6rem}
header form{margin:0}
main{padding:1rem 1.2rem;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:0 0 1rem;padding:.6rem .9rem}
h2{font-size:1rem;margin:.2rem 0 .6rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-top:1px solid #eceff3;vertical-align:middle}
th{font-weight:600;color:#566;border-top:0}
td form{display:inline;margin:0}
button{font:inherit;padding:.15rem .6rem;border:1px solid #8893a2;border-radius:4px;background:#fff;cursor:pointer}
button.danger{border-color:#b3261e;color:#b3261e}
.flash{padding:.5rem .9rem;border-radius:6px;margin:0 0 1rem}
.flash.ok{background:#e3f4e6;border:1px solid #7cc48a}
.flash.error{background:#fde8e7;border:1px solid #e08b85}
.banner{background:#fff6da;border:1px solid #e7c65d;padding:.5rem .9rem;border-radius:6px;margin:0 0 1rem}
.sev{font-weight:700}.sev-CRIT{color:#b3261e}.sev-WARN{color:#a86400}.sev-INFO{color:#2a5db0}
.state-ok{color:#1b7a32}.state-bad{color:#b3261e;font-weight:600}.muted{color:#778}
.counts span{margin-right:1.2rem}
svg.history .up{fill:#2f9e44}svg.history .down{fill:#d9342b}svg.history .unknown{fill:#dde1e7}
svg.history{display:block;border:1px solid #dde1e7}
.login{max-width:380px;margin:4rem auto}
.login label{display:block;margin:.6rem 0 .2rem}
.login input{width:100%;box-sizing:border-box;padding:.35rem;font:inherit}
.login button{margin-top:.8rem}
section{overflow-x:auto}
.actions{margin:.6rem 0}.actions form{display:inline-block;margin:.2rem .6rem .2rem 0}.actions label{margin-right:.4rem}
pre.body{white-space:pre-wrap;background:#f5f6f8;padding:.5rem;border-radius:4px}
table.labels th{width:12rem}
@media (max-width:600px){main{padding:.5rem}header{flex-wrap:wrap}th,td{padding:.25rem .3rem}}
`;

/** A whole page; `refreshSeconds` reloads it by itself (a plain meta refresh: no script, nothing to build). */
export function page(title: string, body: SafeHtml, header: SafeHtml = html``, refreshSeconds?: number): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<title>${title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header><h1><a href="${BASE}" style="color:#fff;text-decoration:none">opsbot · governance</a></h1><nav><a href="${BASE}/alerts">Alerts</a> <a href="${BASE}/silences">Silences</a> <a href="${BASE}/audit">Audit</a></nav>${header}</header>
<main>${body}</main>
</body>
</html>`;
}
