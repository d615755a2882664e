// Forms that create something carry a key (drafting.web.submitted_once); a key the server has seen
// creates nothing twice. Pages are never cached, so the back button fetches a form afresh, with a
// new key, and the browser refills what was typed: sent again, it would create the same thing twice.
// So each sent form's key and content are kept in the page's own history entry, and a form sent
// again from that entry with the same content goes with the same key.
(function () {
  "use strict";

  function identity(form) {
    // The form's address and its own hidden fields (the clause a comment form is about, say).
    var parts = [form.getAttribute("action") || window.location.pathname];
    form.querySelectorAll("input[type=hidden]").forEach(function (input) {
      if (input.name !== "submission" && input.name !== "csrf_token") {
        parts.push(input.name + "=" + input.value);
      }
    });
    return parts.join("|");
  }

  function content(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "submission" && name !== "csrf_token" && typeof value === "string") {
        parts.push(name + "=" + value);
      }
    });
    return parts.join("\n");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var key = form.querySelector("input[name=submission]");
    if (!key) {
      return;
    }
    var state = Object.assign({}, window.history.state);
    var sent = Object.assign({}, state.sentForms);
    var id = identity(form);
    var now = content(form);
    if (sent[id] && sent[id].content === now) {
      key.value = sent[id].key;
    }
    sent[id] = { key: key.value, content: now };
    state.sentForms = sent;
    window.history.replaceState(state, "");
  });
})();
