/* The portal's 上传营业执照自动识别: the photo is sent as soon as it is taken or chosen (one tap on
   a phone); on the pre-filled form, 长期 disables the end date. */
(function () {
  "use strict";
  document.querySelectorAll("[data-licence-autosubmit]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var busy = form.querySelector("[data-licence-busy]");
    var pick = form.querySelector("[data-licence-pick]");
    if (!input) return;
    input.addEventListener("change", function () {
      if (!input.files || !input.files.length) return;
      if (busy) busy.hidden = false;
      if (pick) pick.classList.add("disabled");
      form.submit();
    });
  });
  document.querySelectorAll("form[data-licence-prefilled]").forEach(function (form) {
    var box = form.querySelector("input[name=licence_long_term]");
    var until = form.querySelector("input[name=licence_valid_until]");
    if (!box || !until) return;
    function sync() {
      until.disabled = box.checked;
      if (box.checked) until.value = "";
    }
    box.addEventListener("change", sync);
    sync();
  });
})();
