//! The HTML shell of the simpler views (`receivables`, `diff`): one
//! self-contained file, no network, no scripts, readable on a narrow
//! window and in print. The caller escapes every text it puts in `body`.

use crate::safe::html as escape;

/// A whole HTML document around `body`, titled `title` (escaped here).
pub(crate) fn document(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1rem; color: #222; }}
h1 {{ font-size: 1.3rem; margin-bottom: .2rem; overflow-wrap: normal; }} h2 {{ font-size: 1.1rem; margin-top: 1.6rem; }}
.meta {{ color: #555; }}
.scroll {{ overflow-x: auto; }}
table {{ border-collapse: collapse; font-size: .74rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .22rem .25rem; text-align: left; vertical-align: top; }}
td:first-child {{ overflow-wrap: anywhere; min-width: 7em; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
th.num {{ text-align: right; }}
tr.total td {{ font-weight: 600; border-top: 2px solid #999; }}
.fire {{ color: #c0392b; }} .refer {{ color: #8e44ad; }} .restructure {{ color: #b9770e; }} .keep {{ color: #1e8449; }}
@page {{ size: landscape; margin: 10mm; }}
@media print {{ body {{ margin: 0; }} .scroll {{ overflow: visible; }} table {{ font-size: 7pt; }} thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }} }}
</style></head><body>
<h1>{title}</h1>
{body}<p class="meta">Written by clientfit {version}.</p>
</body></html>
"#,
        title = escape(title),
        version = env!("CARGO_PKG_VERSION"),
    )
}
