/* 应收账款看板: a stacked bar per park (aging buckets) and amounts in yuan on the donut, beside the
   bars and pies app.js draws. Loaded after app.js and before its charts are drawn. */
(function () {
  "use strict";
  if (!window.ParkFlowCharts) return;
  var base = window.ParkFlowCharts.option;
  function yuan(value) {
    return "¥" + Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function wan(value) {
    return Math.abs(value) >= 10000 ? (value / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 1 }) + "万" : String(value);
  }
  window.ParkFlowCharts.option = function (spec) {
    if (spec.type === "pie" && spec.money) {
      var option = base(spec);
      option.tooltip.formatter = function (p) { return p.name + "：" + yuan(p.value) + "（" + p.percent + "%）"; };
      option.series[0].label.formatter = function (p) { return p.percent + "%"; };
      option.series[0].center = ["50%", "42%"];
      option.series[0].radius = ["34%", "54%"];
      option.series[0].label.overflow = "none";
      return option;
    }
    if (spec.type !== "stacked") return base(spec);
    return {
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return yuan(v); }
      },
      legend: { bottom: 0, icon: "circle", itemWidth: 8, itemHeight: 8, textStyle: { color: "#5b6679" } },
      grid: { left: 8, right: 28, top: 8, bottom: 60, containLabel: true },
      yAxis: { type: "category", inverse: true, data: spec.labels, axisTick: { show: false }, axisLine: { lineStyle: { color: "#dfe4ec" } }, axisLabel: { color: "#5b6679" } },
      xAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } }, axisLabel: { color: "#97a1b2", formatter: wan } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "aging", barMaxWidth: 22, data: s.values, itemStyle: { color: s.color } };
      })
    };
  };
})();
