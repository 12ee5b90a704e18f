"""The labelled list the brand check is measured on (R-ENT-6, D20): used by test_brands.py and by
``make bench`` (bench/run.py prints its precision and recall).

Each case is (name, expected brand or None, pattern, note). The brands are the 15 demo brands,
with the readings the demo stores (``PROTECTED_BRANDS`` in the demo data).

Labelling decisions (see D20):
* a brand followed by one character the segmenter does not bind into a longer word is the brand
  plus a suffix (海尔康 = 海尔 | 康): flagged;
* a brand absorbed into a longer dictionary word by one bound character is a different word
  (京东方 BOE, 小米粥 millet porridge): ordinary; a dictionary word made of the brand and another
  word (华为技术, 格力电器) is the brand;
* 平安 alone is an everyday word (peace, safety): only 中国平安 and its alias 平安保险 are the brand.
"""

from parkflow.intake.demo import BRAND_DISTINCT_WORDS, PROTECTED_BRANDS

# Patterns of the impersonations.
WORD = "brand as a word in a longer name"
COMPOUND = "brand compound word"
TRADITIONAL = "traditional characters"
HOMOPHONE = "homophone (same syllables, same tones)"
LATIN = "Latin alias or pinyin"
NEAR_MISS = "near miss (toneless pinyin)"
SUFFIX = "brand + one-character suffix"
# Patterns of the ordinary names.
TRAP = "substring trap (brand across a word boundary)"
TONE = "same syllables, different tone"
DISTINCT = "longer word containing the brand"
PLAIN = "ordinary name"

IMPERSONATIONS = [
    # 华为 huá wéi
    ("苏州华为智能科技有限公司", "华为", WORD, ""),
    ("苏州华为通信技术有限公司", "华为", WORD, ""),
    ("无锡华为技术服务有限公司", "华为", COMPOUND, "华为技术 is one dictionary word"),
    ("蘇州華為科技有限公司", "华为", TRADITIONAL, ""),
    ("苏州华维通信设备有限公司", "华为", HOMOPHONE, "the demo's brand hit"),
    ("昆山华唯电子有限公司", "华为", HOMOPHONE, "唯 wéi"),
    ("HUAWEI（苏州）科技有限公司", "华为", LATIN, ""),
    # 阿里巴巴 ā lǐ bā bā
    ("上海阿里巴巴文化传媒有限公司", "阿里巴巴", WORD, ""),
    ("杭州阿里爸爸网络有限公司", "阿里巴巴", NEAR_MISS, "爸爸 bà ba"),
    ("苏州阿哩巴巴电子商务有限公司", "阿里巴巴", HOMOPHONE, "哩 lǐ"),
    ("南京阿里芭芭科技有限公司", "阿里巴巴", HOMOPHONE, "芭 bā"),
    ("Alibaba（苏州）贸易有限公司", "阿里巴巴", LATIN, ""),
    # 腾讯 téng xùn
    ("深圳市腾讯云计算服务有限公司", "腾讯", WORD, ""),
    ("苏州腾迅网络科技有限公司", "腾讯", HOMOPHONE, "迅 xùn"),
    ("南京騰訊軟件有限公司", "腾讯", TRADITIONAL, ""),
    ("Tengxun（无锡）信息技术有限公司", "腾讯", LATIN, "pinyin in Latin letters"),
    # 小米 xiǎo mǐ
    ("苏州小米智能家居有限公司", "小米", WORD, ""),
    ("苏州晓米科技有限公司", "小米", HOMOPHONE, "晓 xiǎo"),
    ("Xiaomi（常州）电子有限公司", "小米", LATIN, ""),
    # 京东 jīng dōng
    ("苏州京东物流服务有限公司", "京东", WORD, ""),
    ("无锡晶东电子商务有限公司", "京东", HOMOPHONE, "晶 jīng"),
    ("南京经东商贸有限公司", "京东", HOMOPHONE, "经 jīng"),
    # 百度 bǎi dù
    ("北京百度智能云科技有限公司", "百度", WORD, ""),
    ("苏州佰度网络科技有限公司", "百度", HOMOPHONE, "佰 bǎi"),
    ("Baidu（苏州）信息科技有限公司", "百度", LATIN, ""),
    # 比亚迪 bǐ yà dí
    ("深圳比亚迪新能源汽车销售有限公司", "比亚迪", WORD, ""),
    ("常州比亚笛汽车配件有限公司", "比亚迪", HOMOPHONE, "笛 dí"),
    ("苏州比雅迪汽车用品有限公司", "比亚迪", NEAR_MISS, "雅 yǎ"),
    ("BYD（无锡）汽车服务有限公司", "比亚迪", LATIN, ""),
    # 海尔 hǎi ěr
    ("青岛海尔智慧家电有限公司", "海尔", WORD, ""),
    ("苏州海尔康医疗器械有限公司", "海尔", SUFFIX, "海尔 | 康"),
    ("苏州海洱电器有限公司", "海尔", HOMOPHONE, "洱 ěr"),
    ("Haier（苏州）电器销售有限公司", "海尔", LATIN, ""),
    # 格力 gé lì
    ("苏州格力电器销售有限公司", "格力", COMPOUND, "格力电器 is one dictionary word"),
    ("珠海格莉电器有限公司", "格力", HOMOPHONE, "莉 lì"),
    ("GREE（常州）空调设备有限公司", "格力", LATIN, ""),
    # 美的 měi de
    ("佛山美的生活电器有限公司", "美的", WORD, ""),
    ("顺德美得电器有限公司", "美的", HOMOPHONE, "得 de"),
    ("Midea（苏州）厨房电器有限公司", "美的", LATIN, ""),
    # 联想 lián xiǎng
    ("苏州联想电脑销售有限公司", "联想", WORD, ""),
    ("苏州联享科技有限公司", "联想", HOMOPHONE, "享 xiǎng"),
    ("Lenovo（无锡）信息技术有限公司", "联想", LATIN, ""),
    # 中国平安 zhōng guó píng ān
    ("苏州中国平安保险代理有限公司", "中国平安", WORD, ""),
    ("中国平按保险代理（苏州）有限公司", "中国平安", NEAR_MISS, "按 àn"),
    ("苏州平安保险销售服务有限公司", "中国平安", WORD, "the alias 平安保险"),
    ("PingAn（苏州）金融服务有限公司", "中国平安", LATIN, ""),
    # 茅台 máo tái
    ("苏州茅台酒业销售有限公司", "茅台", COMPOUND, "茅台酒 is one dictionary word"),
    ("苏州腾讯网络科技有限公司", "腾讯", COMPOUND, "腾讯网 is one dictionary word"),
    ("苏州茅苔酒业有限公司", "茅台", HOMOPHONE, "苔 tái"),
    ("Moutai（苏州）酒类销售有限公司", "茅台", LATIN, ""),
    # 娃哈哈 wá hā hā
    ("杭州娃哈哈饮料有限公司", "娃哈哈", WORD, ""),
    ("苏州哇哈哈食品有限公司", "娃哈哈", NEAR_MISS, "哇 wā"),
    ("Wahaha（苏州）食品有限公司", "娃哈哈", LATIN, ""),
    # 宁德时代 níng dé shí dài
    ("宁德时代新能源科技（苏州）有限公司", "宁德时代", WORD, ""),
    ("苏州宁德时带电池有限公司", "宁德时代", HOMOPHONE, "带 dài"),
    ("苏州凝德时代电池有限公司", "宁德时代", HOMOPHONE, "凝 níng"),
    ("苏州宁德世代新能源有限公司", "宁德时代", NEAR_MISS, "世 shì"),
    ("CATL（无锡）电池材料有限公司", "宁德时代", LATIN, ""),
]

ORDINARY = [
    # Substring traps: the brand's characters straddle a word boundary.
    ("精华为本美容店", None, TRAP, "精华 | 为本"),
    ("苏州中华为民物业管理有限公司", None, TRAP, "中华 | 为民"),
    ("苏州才华为先教育咨询有限公司", None, TRAP, "才华 | 为先"),
    ("苏州新华维修服务有限公司", None, TRAP, "新华 | 维修: no 华维 either"),
    ("苏州大华卫浴有限公司", None, TRAP, "大华 | 卫浴"),
    ("苏州光华卫生用品有限公司", None, TRAP, "光华 | 卫生"),
    ("上海尔康生物科技有限公司", None, TRAP, "上海 | 尔康"),
    ("苏州乐百度假村有限公司", None, TRAP, "乐百 | 度假村"),
    ("苏州美的确良服装有限公司", None, TRAP, "美 | 的确良"),
    ("苏州市南京东路百货有限公司", None, TRAP, "南京 | 东路"),
    ("无锡天平安全设备有限公司", None, TRAP, "天平 | 安全"),
    ("苏州东京料理餐饮有限公司", None, TRAP, ""),
    # Same syllables, different tone.
    ("苏州华卫药业有限公司", None, TONE, "华卫 huá wèi ≠ huá wéi"),
    ("苏州华伟机电有限公司", None, TONE, "华伟 huá wěi"),
    ("苏州京动物流有限公司", None, TONE, "京动 jīng dòng"),
    ("苏州美德电器有限公司", None, TONE, "美德 měi dé"),
    ("苏州联翔物流有限公司", None, TONE, "联翔 lián xiáng"),
    ("苏州白渡文化传媒有限公司", None, TONE, "白渡 bái dù"),
    ("苏州小觅智能科技有限公司", None, TONE, "小觅 xiǎo mì"),
    ("苏州藤寻园艺有限公司", None, TONE, "藤寻 téng xún"),
    ("苏州茂泰机械有限公司", None, TONE, "茂泰 mào tài"),
    ("苏州海儿母婴用品有限公司", None, TONE, "海儿 hǎi ér"),
    ("苏州歌丽服饰有限公司", None, TONE, "歌丽 gē lì"),
    # Longer words that contain a brand.
    ("京东方科技集团股份有限公司", None, DISTINCT, "京东方 (BOE) is a word of its own"),
    ("苏州小米粥餐饮管理有限公司", None, DISTINCT, "小米粥"),
    ("苏州阿里山茶业有限公司", None, DISTINCT, "阿里山"),
    ("贵州仁怀茅台镇酒业有限公司", None, DISTINCT, "茅台镇, the town (a distinct word of 茅台)"),
    ("苏州北京东方红餐饮有限公司", None, TRAP, "北京东方: 京东 straddles 北京 | 东方"),
    ("苏州四海尔雅文化传播有限公司", None, TRAP, "四海 | 尔雅"),
    # Everyday words that are part of a brand.
    ("苏州平安物流有限公司", None, PLAIN, "平安 alone is not 中国平安"),
    ("苏州平安大药房有限公司", None, PLAIN, ""),
    ("苏州时代新材料有限公司", None, PLAIN, "时代 alone"),
    ("苏州哈哈娃玩具有限公司", None, PLAIN, ""),
    # Ordinary names (the demo park's enterprises and names of the earlier tests).
    ("苏州纳微光电科技有限公司", None, PLAIN, ""),
    ("苏州博恒医药科技有限公司", None, PLAIN, ""),
    ("苏州汇锦精密机械有限公司", None, PLAIN, ""),
    ("苏州晶澜新材料科技有限公司", None, PLAIN, ""),
    ("苏州启航储能技术有限公司", None, PLAIN, ""),
    ("苏州声启智能语音科技有限公司", None, PLAIN, ""),
    ("苏州澄和生物检测技术有限公司", None, PLAIN, ""),
    ("苏州金湖企业管理咨询有限公司", None, PLAIN, ""),
    ("苏州数途信息服务有限公司", None, PLAIN, ""),
    ("苏州桐泾文化传媒有限公司", None, PLAIN, ""),
    ("苏州准衡视觉测控有限公司", None, PLAIN, ""),
    ("苏州瑞禾电子化学品有限公司", None, PLAIN, ""),
    ("苏州云栖物联网科技有限公司", None, PLAIN, ""),
    ("苏州东渚精密制造有限公司", None, PLAIN, ""),
    ("苏州禾盛医疗器械有限公司", None, PLAIN, ""),
    ("无锡芯源微电子有限公司", None, PLAIN, ""),
    ("无锡康澜生物医药有限公司", None, PLAIN, ""),
    ("无锡晶能光伏科技有限公司", None, PLAIN, ""),
    ("无锡太湖智造装备有限公司", None, PLAIN, ""),
    ("无锡惠山云计算科技有限公司", None, PLAIN, ""),
    ("无锡梁溪文化创意有限公司", None, PLAIN, ""),
    ("无锡蠡湖新材料科技有限公司", None, PLAIN, ""),
    ("无锡锡东供应链管理有限公司", None, PLAIN, ""),
    ("无锡华芯半导体测试有限公司", None, PLAIN, ""),
    ("无锡江南精工机械有限公司", None, PLAIN, ""),
    ("无锡滨湖氢能科技有限公司", None, PLAIN, ""),
    ("无锡宜清环保材料有限公司", None, PLAIN, ""),
    ("无锡鸿山数字传媒有限公司", None, PLAIN, ""),
    ("无锡新吴人力资源服务有限公司", None, PLAIN, ""),
    ("无锡景明医学检验有限公司", None, PLAIN, ""),
    ("无锡瑞宁检测技术有限公司", None, PLAIN, ""),
    ("无锡美达纺织有限公司", None, PLAIN, ""),
    ("常州天合光能有限公司", None, PLAIN, ""),
    ("南通海宏纺织有限公司", None, PLAIN, ""),
    ("苏州格林环保科技有限公司", None, PLAIN, ""),
    ("无锡比特数据服务有限公司", None, PLAIN, ""),
    ("江苏阿尔法医疗器械有限公司", None, PLAIN, ""),
    ("苏州京华印刷有限公司", None, PLAIN, ""),
    ("苏州联发电子有限公司", None, PLAIN, ""),
]

CASES = IMPERSONATIONS + ORDINARY


def demo_brands():
    """The 15 demo brands as the check sees them (name, aliases, stored reading)."""
    from parkflow.intake.brands import BrandSpec

    def split(text):
        return tuple(w.strip() for w in text.split(",") if w.strip())

    return [
        BrandSpec(name, split(aliases), reading, split(BRAND_DISTINCT_WORDS.get(name, "")))
        for name, aliases, _owner, reading in PROTECTED_BRANDS
    ]


def evaluate(find_hits=None, brands=None) -> dict:
    """Run the check over the list. Counted per flag: a flag for the expected brand is a true
    positive, any other flag a false positive; a missing expected flag is a false negative; an
    ordinary name with no flag is a true negative."""
    from parkflow.intake import brands as brand_check

    find_hits = find_hits or brand_check.find_hits
    specs = brands or demo_brands()
    tp = fp = fn = tn = 0
    wrong = []
    for name, expected, pattern, _note in CASES:
        hits = find_hits(name, specs)
        found = {hit.brand_name for hit in hits}
        if expected is not None:
            if expected in found:
                tp += 1
            else:
                fn += 1
                wrong.append((name, expected, sorted(found), pattern, "missed"))
        elif not found:
            tn += 1
        extra = sorted(found - {expected})
        if extra:
            fp += len(extra)
            wrong.append((name, expected, extra, pattern, "wrongly flagged"))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "names": len(CASES),
        "impersonations": len(IMPERSONATIONS),
        "ordinary": len(ORDINARY),
        "brands": len({case[1] for case in IMPERSONATIONS}),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "misclassified": wrong,
    }
