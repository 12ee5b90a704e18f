/* Licence upload: drag and drop onto the drop zone, one file at a time (the file chooser or
   the camera), the chosen file's name shown; on the confirm form, 长期 disables the end date. */
(function () {
  "use strict";

  function wireDrop(zone) {
    var inputs = zone.querySelectorAll("[data-licence-input]");
    var chosen = zone.querySelector("[data-licence-chosen]");

    function show(file) {
      if (!chosen) return;
      chosen.hidden = !file;
      chosen.querySelector("span").textContent = file ? file.name + "（" + Math.max(1, Math.round(file.size / 1024)) + " KB）" : "";
      zone.classList.toggle("has-file", !!file);
    }

    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        // Only one of "选择文件" and "拍照" is sent: the other is cleared.
        inputs.forEach(function (other) { if (other !== input) other.value = ""; });
        show(input.files && input.files[0]);
      });
    });

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.remove("dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length || !inputs.length) return;
      var transfer = new DataTransfer();
      transfer.items.add(files[0]);
      inputs[0].files = transfer.files;
      inputs.forEach(function (other, index) { if (index > 0) other.value = ""; });
      show(files[0]);
    });
  }

  function wireLongTerm(form) {
    var box = form.querySelector("input[name=licence_long_term]");
    var until = form.querySelector("input[name=licence_valid_until]");
    if (!box || !until) return;
    function sync() {
      until.disabled = box.checked;
      if (box.checked) until.value = "";
    }
    box.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("[data-licence-drop]").forEach(wireDrop);
  document.querySelectorAll("#licence-confirm").forEach(wireLongTerm);
})();
