"""The three field samples in ../shared/samples/ (third-party text, read in place, never copied):
metadata exactly as a careful editor would record it, and the body as clean paragraphs.

Only this project's passes run (debris, punctuation, metadata, script), so the assertions do not
depend on the mojibake and pinyin passes; for the pinyin sample the annotations are masked.
"""

import datetime as dt
import re

from wenzhuan.walk import stringify

from .conftest import shared_path
from .normalize_fixtures import normalize

HALF_WIDTH_NEXT_TO_HAN = re.compile(r"[\u4e00-\u9fff][,;:!?()]|[,;:!?()][\u4e00-\u9fff]")


def _load(name):
    return normalize(shared_path("samples", name).read_bytes(), ext="txt")


def _paragraphs(doc):
    return [stringify(b) for b in doc.blocks]


def test_000_plain_text_title_byline_indentation():
    loaded = _load("article-000-hans-plain.txt")
    meta = loaded.document.metadata
    assert meta.title == "乘势而上 胜利完成全年任务；强身健体 扎实奠定发展基础！2020年全省邮政工作座谈会召开"
    assert meta.authors == ("胡燕斌", "亢俊杰")
    assert meta.date == dt.date(2020, 8, 7)
    assert meta.source == "辽邮新媒"
    assert meta.language == "zh-Hans"
    paras = _paragraphs(loaded.document)
    assert len(paras) == 17
    assert paras[0].startswith("8月5日至8月6日，2020年全省邮政半年工作座谈会召开。会议以习近平新时代")
    assert paras[-1].endswith("铁岭、葫芦岛、锦州、鞍山4个市分公司作经验交流。")
    assert "1-6月，全省实现总收入31.4亿元，累计完成" in paras[2]
    for p in paras:
        assert p == p.strip(" \u3000\u00a0"), "indentation left"
        assert not HALF_WIDTH_NEXT_TO_HAN.search(p), p
    assert loaded.report.unrepaired == []


def test_001_jekyll_raw_html_signature_note_url_navigation():
    loaded = _load("article-001-hans-jekyll.txt")
    assert loaded.reader == "markdown"
    meta = loaded.document.metadata
    assert meta.title == "聚焦重点抓落实 纵深推进谋发展"
    assert meta.authors == ("宗合",)
    assert meta.date == dt.date(2022, 1, 25)
    assert meta.source == "中国邮政快递报"
    assert meta.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201252260783811"
    assert meta.tags == ("中国邮政快递报新闻",)
    assert meta.language == "zh-Hans"
    paras = _paragraphs(loaded.document)
    assert len(paras) == 11
    assert paras[0].startswith("本报讯近一段时间，各地邮政企业持续传达学习集团公司2022年工作会议精神，")
    assert paras[0].endswith("务求把各项目标任务落到实处。")
    assert paras[-1].endswith("全面强化安全生产与疫情防控工作。")
    text = "\n".join(paras)
    for debris in ("□", "返回", "http", "文章来源", "<p", "</p>"):
        assert debris not in text
    kinds = [(c.step, c.kind, c.line) for c in loaded.report.changes if c.step != "script"]
    assert kinds == [("debris", "navigation", 22), ("debris", "share-url", 20),
                     ("metadata", "source-note", 18), ("metadata", "signature", 18)]


def test_002_traditional_no_title_half_width_punctuation():
    loaded = _load("article-002-hant-pinyin.txt")
    meta = loaded.document.metadata
    assert (meta.title, meta.authors, meta.date, meta.source) == ("", (), None, "")
    assert meta.language == "zh-Hant"
    # the pinyin readings are the pinyin pass's business: mask them
    paras = [re.sub(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+[)）]", "", p) for p in _paragraphs(loaded.document)]
    assert len(paras) == 6
    assert paras[0].startswith("3月1~2日，2019年全國郵政經營服務工作會議在湖南省長沙市召開。")
    assert "會議強調，要堅持以人民為中心的發展思想，牢記“人民郵政為人民”的服務宗旨，" in paras[0]
    assert paras[-1].endswith("四是加強經營管理，促進板塊協同發展，實現平臺經濟效益最大化。")
    for p in paras:
        assert not HALF_WIDTH_NEXT_TO_HAN.search(p), p
