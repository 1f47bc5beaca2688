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
// A form with receipts is weighed before it is sent. The server refuses a body over its limit whole (413), and
// a member who saved her draft with three photographed receipts lost everything she had typed; here nothing is
// sent and she is told, by the fields, what to do. The limits and the words come from the page (the receipt
// fields' data attributes, in the page's language), so the server's setting is the only limit. Without
// scripts the server's own 413 page says the same.
function weighReceipts(form) {
  var fields = form.querySelectorAll('input[type="file"][data-request-max-bytes]');
  if (!fields.length) { return true; }
  forgetWeighing(form);
  var first = null;
  fields.forEach(function (field) {
    var over = Array.prototype.some.call(field.files, function (file) {
      return file.size > Number(field.dataset.maxBytes);
    });
    if (over) {
      sayByField(field, field.dataset.tooLarge);
      first = first || field;
    }
  });
  if (first) { first.focus(); return false; }
  if (sentSize(form) <= Number(fields[0].dataset.requestMaxBytes)) { return true; }
  var message = document.createElement("div");
  message.className = "alert";
  message.setAttribute("role", "alert");
  message.setAttribute("tabindex", "-1");
  message.setAttribute("data-weighing", "");
  message.textContent = fields[0].dataset.tooLargeTogether;
  var fieldset = fields[0].closest("fieldset");
  var legend = fieldset && fieldset.querySelector("legend");
  if (legend) { legend.insertAdjacentElement("afterend", message); } else { form.prepend(message); }
  message.focus();
  return false;
}
// About what the browser sends: every field's name and value, every file, and some 200 bytes of headers a part.
function sentSize(form) {
  var size = 0;
  new FormData(form).forEach(function (value, name) {
    size += 200 + new Blob([name]).size;
    size += typeof value === "string" ? new Blob([value]).size : value.size + new Blob([value.name]).size;
  });
  return size;
}
function sayByField(field, text) {
  var message = document.createElement("p");
  message.className = "error";
  message.id = field.id + "-too-large";
  message.setAttribute("data-weighing", "");
  message.textContent = text;
  field.insertAdjacentElement("afterend", message);
  if (!field.hasAttribute("aria-invalid")) { field.setAttribute("data-weighing-invalid", ""); }
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + message.id).trim());
}
function forgetWeighing(form) {
  form.querySelectorAll("[data-weighing]").forEach(function (message) { message.remove(); });
  form.querySelectorAll('input[type="file"][aria-describedby]').forEach(function (field) {
    var kept = field.getAttribute("aria-describedby").split(" ").filter(function (id) {
      return id !== field.id + "-too-large";
    });
    if (kept.length) { field.setAttribute("aria-describedby", kept.join(" ")); }
    else { field.removeAttribute("aria-describedby"); }
  });
  form.querySelectorAll("[data-weighing-invalid]").forEach(function (field) {
    field.removeAttribute("aria-invalid");
    field.removeAttribute("data-weighing-invalid");
  });
}
document.addEventListener("submit", function (event) {
  if (event.target.tagName === "FORM" && !weighReceipts(event.target)) { event.preventDefault(); }
});
// "Add a line" and "Add an expense" send the form, receipts and all, by htmx: weighed as well.
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt.closest && event.detail.elt.closest("form");
  if (form && event.detail.verb !== "get" && !weighReceipts(form)) { event.preventDefault(); }
});
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.form && field.matches && field.matches('input[type="file"][data-request-max-bytes]')) {
    forgetWeighing(field.form);
  }
});
// A form marked data-send-once is sent once from its page: a second click while the first sending is on its
// way is ignored. The server carries a form out once in any case (web/once.py), but a ballot's answer is a
// page, its receipt, shown only to the first sending; the browser shows the answer to the last one ("you have
// already voted"), so a double click would lose the receipt. Back on the page (from the browser's memory of
// it), the form may be sent again.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-send-once")) { return; }
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "yes";
});
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) { return; }
  document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
});
