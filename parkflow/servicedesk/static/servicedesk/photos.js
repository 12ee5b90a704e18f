/* The portal's photo picker: a Chinese button instead of the browser's own file input text, and
   how many photos were chosen (the server checks type, size and count). No inline script. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-photo-input]")) return;
    var out = document.querySelector(input.dataset.photoInput);
    if (!out) return;
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    out.textContent = names.length
      ? out.dataset.chosen.replace("{n}", names.length) + names.join("、")
      : out.dataset.none;
  });
})();
