/* ParkFlow page behaviour: toasts, confirm modals, filters, charts. No inline scripts. */
(function () {
  "use strict";

  function showToasts(root) {
    (root || document).querySelectorAll(".toast:not(.shown)").forEach(function (el) {
      el.classList.add("shown");
      bootstrap.Toast.getOrCreateInstance(el).show();
    });
  }

  function openFlaggedModals(root) {
    (root || document).querySelectorAll(".modal[data-open-on-load]").forEach(function (el) {
      bootstrap.Modal.getOrCreateInstance(el).show();
    });
  }

  // Filter forms submit themselves when a select changes.
  function wireAutoSubmit(root) {
    (root || document).querySelectorAll("form[data-auto-submit] select").forEach(function (el) {
      if (el.dataset.wired) return;
      el.dataset.wired = "1";
      el.addEventListener("change", function () {
        var form = el.form;
        var page = form.querySelector("input[name=page]");
        if (page) page.remove();
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
  }

  var charts = [];
  function renderCharts(root) {
    if (typeof echarts === "undefined") return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      el.dataset.rendered = "1";
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(window.ParkFlowCharts.option(spec));
      charts.push(chart);
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  window.ParkFlowCharts = {
    palette: { info: "#0b9fc6", warning: "#f0a202", high: "#e5484d", critical: "#9b1c1c" },
    option: function (spec) {
      if (spec.type === "pie") {
        return {
          tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
          legend: { bottom: 0, icon: "circle", itemWidth: 8, itemHeight: 8, textStyle: { color: "#5b6679" } },
          color: spec.colors,
          series: [{
            type: "pie", radius: ["48%", "72%"], center: ["50%", "44%"], avoidLabelOverlap: true,
            itemStyle: { borderColor: "#fff", borderWidth: 2 },
            label: { show: true, formatter: "{c}", color: "#4b566a" },
            data: spec.data
          }]
        };
      }
      // Horizontal bars: category names (Chinese status labels) stay readable at any width.
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 28, top: 4, bottom: 4, containLabel: true },
        yAxis: { type: "category", inverse: true, data: spec.labels, axisTick: { show: false }, axisLine: { lineStyle: { color: "#dfe4ec" } }, axisLabel: { color: "#5b6679" } },
        xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } }, axisLabel: { color: "#97a1b2" } },
        series: [{
          type: "bar", barMaxWidth: 16, label: { show: true, position: "right", color: "#4b566a" },
          data: spec.values.map(function (v, i) { return { value: v, itemStyle: { color: spec.colors[i % spec.colors.length], borderRadius: [0, 4, 4, 0] } }; })
        }]
      };
    }
  };

  // Long text clamped to a few lines (<div class="clamp" data-clamp data-more-label="…"
  // data-less-label="…">): a toggle is added only when the text is longer than the clamp.
  function wireClamps(root) {
    (root || document).querySelectorAll("[data-clamp]").forEach(function (el) {
      if (el.dataset.wired) return;
      el.dataset.wired = "1";
      el.classList.add("is-clamped");
      if (el.scrollHeight <= el.clientHeight + 1) {
        el.classList.remove("is-clamped");
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 mt-1 clamp-toggle";
      button.setAttribute("aria-expanded", "false");
      button.textContent = el.dataset.moreLabel;
      button.addEventListener("click", function () {
        var open = !el.classList.toggle("is-clamped");
        button.textContent = open ? el.dataset.lessLabel : el.dataset.moreLabel;
        button.setAttribute("aria-expanded", String(open));
      });
      el.insertAdjacentElement("afterend", button);
    });
  }

  function init(root) {
    showToasts(root);
    wireAutoSubmit(root);
    renderCharts(root);
    wireClamps(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    openFlaggedModals(document);
    // On a phone the portal's tabs scroll sideways: keep the current one in view.
    document.querySelectorAll(".portal-tabs .nav-link.active").forEach(function (el) {
      el.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
  });
  document.addEventListener("htmx:afterSettle", function (evt) { init(evt.target); });
  // Messages set during an HTMX request arrive in an out-of-band toast container.
  document.addEventListener("htmx:oobAfterSwap", function () { showToasts(document); });
})();

/* Copy buttons: <button data-copy-target="#id" data-copied-label="已复制">. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copyTarget);
    if (!field) return;
    field.select();
    var done = function () {
      button.textContent = button.dataset.copiedLabel || "OK";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
