// Will it run?: a Mac or APU has no separate system RAM, so hide (and stop sending) that field
// while unified-memory hardware is selected. Without JavaScript the server ignores it instead.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("id_hardware");
  var field = document.querySelector("[data-ram-field]");
  if (!select || !field) return;
  var input = field.querySelector("input");
  function sync() {
    var option = select.options[select.selectedIndex];
    var unified = Boolean(option && option.dataset.unified === "1");
    field.hidden = unified;
    input.disabled = unified;
  }
  select.addEventListener("change", sync);
  sync();
});

// The answer swaps in the Sort select that fits the list on show; give the focus back to the
// field the visitor was using when the swap replaced it.
(function () {
  var lastFocusedId = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.form && event.target.form.id === "wir-form") lastFocusedId = event.target.id;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!lastFocusedId || document.activeElement !== document.body) return;
    var field = document.getElementById(lastFocusedId);
    if (field) field.focus();
  });
})();
