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
// A form marked data-send-once is sent once from its page: a second click while the first sending is on its
// way is ignored. The server carries a form out once in any case (web/once.py), but a ballot's answer is a
// page, its receipt, shown only to the first sending; the browser shows the answer to the last one ("you have
// already voted"), so a double click would lose the receipt. Back on the page (from the browser's memory of
// it), the form may be sent again.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-send-once")) { return; }
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "yes";
});
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) { return; }
  document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
});
