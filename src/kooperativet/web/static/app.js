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
