// htmx may neither add a style element of its own nor evaluate text as script: the pages'
// Content-Security-Policy (api/edge.py) refuses both, and no page needs either. Set here, before the page has
// loaded, since htmx reads its configuration when it starts, on DOMContentLoaded (both scripts are deferred).
if (window.htmx) {
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;
}
// Every htmx request carries the page's form token (the server refuses a change without it), and a refused
// form (422) or a conflict (409) is swapped in like a success, so its messages appear next to the fields.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[23]..", swap: true},
      {code: "(409|422)", swap: true, error: false},
      {code: "[45]..", swap: false, error: true}
    ];
  }
});
