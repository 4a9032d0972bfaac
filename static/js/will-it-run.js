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
