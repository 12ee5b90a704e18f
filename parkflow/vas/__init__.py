"""Value-added services (增值服务, SPEC §7, R-VAS-1 … R-VAS-3; Art.16 "增值服务必须与客户需求匹配，
价格须提前公示 … 严禁强制推销增值服务，杜绝以服务名义收取不当费用 … 防止因增值服务质量不达标损害
公司品牌"): a catalogue per park whose prices are versions published at least N days before they
take effect; orders the enterprise places in the portal, or staff enter on its behalf and the
enterprise confirms there before anything is billable; delivery, billing once, and a rating of
every completed order that flags poorly rated services."""
