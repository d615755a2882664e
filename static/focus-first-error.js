// A form that comes back refused opens where its errors are: the first field at fault takes the
// focus, with its message in view (the field's aria-describedby). A refusal that concerns no field
// (an alert such as "Comments are closed") takes the focus itself, so that it is read out first.
// So the refused forms post to an address without a fragment: scrolling to a fragment, the browser
// would take the focus away again.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const invalid = document.querySelector("[aria-invalid=true]");
  // A group of radio buttons is marked as a whole: its first button takes the focus.
  const field = invalid && (invalid.matches("input, select, textarea") ? invalid : invalid.querySelector("input") || invalid);
  const target = field || document.querySelector(".errors[role=alert], .flash.error");
  if (!target) {
    return;
  }
  const details = target.closest("details");
  if (details) {
    details.open = true;
  }
  if (!field) {
    target.tabIndex = -1;
  }
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
  const described = invalid && invalid.getAttribute("aria-describedby");
  const message = described && document.getElementById(described.split(" ")[0]);
  if (message) {
    message.scrollIntoView({ block: "nearest" });
  }
});
