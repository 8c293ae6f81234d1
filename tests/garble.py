"""Make mojibake the way real pipelines do, from clean text written for these tests."""

from __future__ import annotations

import opencc

_s2t = opencc.OpenCC("s2t").convert

# Clean sentences written for these tests (news and everyday prose, no field sample text).
SENTENCES_HANS = [
    "会议要求“稳增长”取得明显成效，",
    "今年“双十一”期间，全国快递业务量再创新高。",
    "各地邮政企业加快推进乡村寄递物流体系建设，服务农民增收。",
    "报告指出，科技创新是引领发展的第一动力。",
    "我们要坚持以人民为中心的发展思想，不断提高服务质量。",
    "市场监管部门将进一步加强食品安全检查。",
    "春节前后，铁路客流明显增加，车站增开了临时列车。",
    "这家公司的营业收入同比增长百分之十二。",
    "老师说，读书要有耐心，也要讲究方法。",
    "城市公园里的桂花开了，空气中弥漫着淡淡的香味。",
    "专家建议，老年人应当适量运动，保持良好的生活习惯。",
    "新建的图书馆将于明年正式对外开放。",
]
SENTENCES_HANT = [_s2t(s) for s in SENTENCES_HANS]

# Rare but real: none of this may be "repaired".
NEGATIVES = [
    "子曰：学而时习之，不亦说乎？有朋自远方来，不亦乐乎？",
    "饕餮之徒，耄耋之年，魑魅魍魉，踯躅而行。",
    "李彧、王㛃与赵昶在鄞州相聚。",
    "她说「こんにちは」と言って、笑った。",
    "今天真开心😀！GDP同比增长5.2%，见https://example.cn/a?b=1",
    "Python 3.12 的 asyncio 改进很多，α、β 与 γ 射线不同。",
    "電腦軟體與資訊產業蓬勃發展，臺灣與香港亦然。",
    "氘、氚与锝都是化学元素，碲化镉可用于太阳能电池。",
    "俄语的“спасибо”意思是谢谢。",
    "第①条、第②条按Ⅰ、Ⅱ类区分。",
]


def utf8_as_gbk(text: str) -> str:
    """UTF-8 bytes read as GBK; bytes GBK cannot read become U+FFFD, as decoders mark them."""
    return text.encode("utf-8").decode("gb18030", "replace")


def gbk_lost_byte(text: str, index: int, *, marker: str = "") -> str:
    """GBK bytes with the byte at `index` lost, read as GBK (gb18030 maps the user-defined area
    to the Private Use Area); a byte left without a partner becomes `marker`."""
    raw = text.encode("gbk")
    raw = raw[:index] + raw[index + 1:]
    out = raw.decode("gb18030", "replace")
    return out.replace("\ufffd", marker)


def s2t(text: str) -> str:
    return _s2t(text)
