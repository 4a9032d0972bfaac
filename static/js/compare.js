// Compare: picking a name from the "Add hardware" suggestions adds it at once, and the box
// keeps the focus after the comparison updates. Without this file, Enter does the same.
(function () {
  "use strict";

  function picked(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !input.value) return false;
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === input.value) return true;
    }
    return false;
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.id !== "add-hw" || !picked(input)) return;
    // A suggestion chosen from the list (not a name still being typed) is submitted.
    if (event.inputType && event.inputType !== "insertReplacementText") return;
    if (input.form && input.form.requestSubmit) input.form.requestSubmit();
  });

  document.addEventListener("htmx:afterSettle", function () {
    var input = document.getElementById("add-hw");
    if (input && document.activeElement === document.body) input.focus();
  });
})();
