/* 投诉分析: a line chart (complaints per month) beside the bars and pies app.js draws.
   Loaded after app.js and before its charts are drawn (DOMContentLoaded). */
(function () {
  "use strict";
  if (!window.ParkFlowCharts) return;
  var base = window.ParkFlowCharts.option;
  window.ParkFlowCharts.option = function (spec) {
    if (spec.type !== "line") return base(spec);
    var colour = (spec.colors && spec.colors[0]) || "#1f4fd1";
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 24, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: spec.labels, boundaryGap: true, axisTick: { show: false }, axisLine: { lineStyle: { color: "#dfe4ec" } }, axisLabel: { color: "#5b6679" } },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } }, axisLabel: { color: "#97a1b2" } },
      series: [{
        type: "line", data: spec.values, smooth: false, symbolSize: 7,
        lineStyle: { color: colour, width: 2 }, itemStyle: { color: colour },
        areaStyle: { color: colour, opacity: 0.08 },
        label: { show: true, position: "top", color: "#4b566a" }
      }]
    };
  };
})();

/* 登记投诉: the 12345 work-order field only for a hotline referral. */
(function () {
  "use strict";
  function sync(select) {
    var field = document.getElementById("hotline-field");
    if (field) field.hidden = select.value !== "hotline" && !field.querySelector(".invalid-feedback");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-hotline-toggle]").forEach(function (select) {
      sync(select);
      select.addEventListener("change", function () { sync(select); });
    });
  });
})();
